import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/**
 * Which Docker daemon to talk to, as the docker CLI would pick it: the `headscale.docker.host`
 * setting, else `DOCKER_HOST`, else the current docker context (`~/.docker/config.json` →
 * `contexts/meta/<sha256(name)>/meta.json`), else the default socket.
 */
export interface DockerHost {
  host: string;
  source: 'setting' | 'DOCKER_HOST' | 'context' | 'default';
  context?: string;
}

export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

export function resolveDockerHost(setting: string | undefined, env: NodeJS.ProcessEnv, home: string): DockerHost {
  if (setting) return { host: setting, source: 'setting' };
  if (env.DOCKER_HOST) return { host: env.DOCKER_HOST, source: 'DOCKER_HOST' };
  const configDir = env.DOCKER_CONFIG || path.join(home, '.docker');
  const context = env.DOCKER_CONTEXT || readJson<{ currentContext?: string }>(path.join(configDir, 'config.json'))?.currentContext;
  if (context && context !== 'default') {
    const meta = readJson<{ Endpoints?: { docker?: { Host?: string } } }>(path.join(configDir, 'contexts', 'meta', createHash('sha256').update(context).digest('hex'), 'meta.json'));
    const host = meta?.Endpoints?.docker?.Host;
    if (host) return { host, source: 'context', context };
  }
  return { host: DEFAULT_DOCKER_HOST, source: 'default' };
}

/** dockerode connection options for a host URL (unix socket, tcp/http(s), npipe). */
export function connectionOptions(host: string): { socketPath: string } | { host: string; port: number; protocol: 'http' | 'https' } {
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  if (host.startsWith('npipe://')) return { socketPath: host.slice('npipe://'.length) };
  const url = new URL(host.replace(/^tcp:\/\//, 'http://'));
  const https = url.protocol === 'https:' || url.port === '2376';
  return { host: url.hostname, port: Number(url.port || (https ? 2376 : 2375)), protocol: https ? 'https' : 'http' };
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
