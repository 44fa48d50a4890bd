import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fixAdvice, type EnvCheck } from '../../shared/src/docker';
import { DockerApi } from '../../server/src/docker/dockerApi';
import { resolveDockerHost } from '../../server/src/docker/dockerHost';
import { envChecks } from '../../server/src/docker/envChecks';
import { UsageError } from './files';

/** `env [module root]`: the Docker environment checks the extension runs before each hi run. */
export async function envReport(moduleRoot: string, dockerHost: string | undefined, minFreeGB: number): Promise<EnvCheck[]> {
  if (!fs.existsSync(path.join(moduleRoot, 'go.mod'))) throw new UsageError(`no go.mod in ${moduleRoot}: pass the headscale checkout`);
  const host = resolveDockerHost(dockerHost, process.env, os.homedir());
  return envChecks(new DockerApi(host.host), host, moduleRoot, minFreeGB);
}

const ICONS = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' } as const;

export function formatEnvText(checks: readonly EnvCheck[]): string {
  return checks.map((c) => `${ICONS[c.status]}  ${c.name}: ${c.message}${c.fix ? `\n      fix: ${fixAdvice(c.fix)}` : ''}`).join('\n') + '\n';
}
