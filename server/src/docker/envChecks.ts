import * as fs from 'fs';
import * as path from 'path';
import type { EnvCheck } from '../../../shared/src/docker';
import type { DockerApi } from './dockerApi';
import type { DockerHost } from './dockerHost';
import { planCleanup } from './cleanup';
import { isHiImage } from './hiContainers';

/**
 * The Docker side of "is this machine ready for a hi run?", which `hi doctor` does not cover:
 * reachability, free disk (hi's doctor has no disk check and each run writes ~100 MB of logs),
 * leftovers from earlier runs, and the images a run needs.
 */
export async function envChecks(api: DockerApi, host: DockerHost, moduleRoot: string, minFreeGB: number, env: NodeJS.ProcessEnv = process.env): Promise<EnvCheck[]> {
  const checks: EnvCheck[] = [];
  const where = `${host.host} (from ${host.source === 'context' ? `docker context ${host.context}` : host.source === 'setting' ? 'headscale.docker.host / --docker-host' : host.source})`;
  let rootDir: string | null = null;
  try {
    const v = await api.version();
    rootDir = v.rootDir;
    checks.push({ name: 'Docker daemon', status: 'pass', message: `Docker ${v.version} (API ${v.apiVersion}) at ${where}` });
  } catch (e) {
    checks.push({ name: 'Docker daemon', status: 'fail', message: `cannot reach Docker at ${where}: ${(e as Error).message}`, fix: 'Start Docker, or point DOCKER_HOST / headscale.docker.host at a running daemon.' });
    checks.push(diskCheck('Free disk (workspace)', moduleRoot, minFreeGB));
    return checks;
  }
  if (rootDir && host.host.startsWith('unix://') && fs.existsSync(rootDir)) checks.push(diskCheck('Free disk (Docker data root)', rootDir, minFreeGB));
  else checks.push({ name: 'Free disk (Docker data root)', status: 'warn', message: `cannot measure ${rootDir ?? 'the data root'} from here (remote daemon)` });
  checks.push(diskCheck('Free disk (workspace)', moduleRoot, minFreeGB));

  const [containers, networks, images] = await Promise.all([api.listContainers(), api.listNetworks(), api.listImages()]);
  const leftovers = planCleanup({ containers, networks, volumes: [], images: [] }, {});
  checks.push(
    leftovers.containers.length
      ? { name: 'Leftover containers', status: 'warn', message: `${leftovers.containers.length} exited hi container(s) from earlier runs`, fix: 'hi.cleanLeftovers' }
      : { name: 'Leftover containers', status: 'pass', message: 'no exited hi containers' },
  );
  checks.push(
    leftovers.networks.length
      ? { name: 'Unused hs-* networks', status: 'warn', message: `${leftovers.networks.length} unused network(s): ${leftovers.networks.map((n) => n.name).join(', ')}`, fix: 'hi.cleanLeftovers' }
      : { name: 'Unused hs-* networks', status: 'pass', message: 'none' },
  );

  const tags = new Set(images.flatMap((i) => i.RepoTags ?? []));
  const go = goVersion(moduleRoot);
  const golang = `golang:${go ?? '1.26.1'}`;
  checks.push(
    tags.has(golang)
      ? { name: 'Golang image', status: 'pass', message: `${golang} is available locally${go ? ' (matches go.mod)' : ''}` }
      : { name: 'Golang image', status: 'warn', message: `${golang}${go ? ' (from go.mod)' : ''} is not present locally: hi pulls it before the run (needs Docker Hub)`, fix: `docker pull ${golang}` },
  );
  const pinned = ['HEADSCALE_INTEGRATION_HEADSCALE_IMAGE', 'HEADSCALE_INTEGRATION_TAILSCALE_IMAGE', 'HEADSCALE_INTEGRATION_POSTGRES_IMAGE'].filter((k) => env[k]);
  const missingPinned = pinned.filter((k) => !tags.has(withTag(env[k]!)));
  if (missingPinned.length) checks.push({ name: 'Test images', status: 'fail', message: `missing: ${missingPinned.map((k) => `${env[k]} (${k})`).join(', ')}`, fix: 'Build or pull the images named by these variables, or unset them.' });
  else if (pinned.length) checks.push({ name: 'Test images', status: 'pass', message: `prebuilt images present: ${pinned.map((k) => env[k]).join(', ')}` });
  else {
    const cached = images.filter((i) => isHiImage(i.RepoTags ?? [])).length;
    checks.push(cached ? { name: 'Test images', status: 'pass', message: `${cached} headscale/tailscale test image(s) cached` } : { name: 'Test images', status: 'warn', message: 'no headscale/tailscale test images cached: the first run builds them (slower)' });
  }
  return checks;
}

function withTag(image: string): string {
  return /:[^/]+$/.test(image) ? image : `${image}:latest`;
}

/** The `go` line of go.mod, as hi's detectGoVersion reads it. */
export function goVersion(moduleRoot: string): string | null {
  try {
    return /^go\s+(\d+\.\d+(?:\.\d+)?)\s*$/m.exec(fs.readFileSync(path.join(moduleRoot, 'go.mod'), 'utf8'))?.[1] ?? null;
  } catch {
    return null;
  }
}

export function diskCheck(name: string, dir: string, minFreeGB: number): EnvCheck {
  try {
    const s = fs.statfsSync(dir);
    const freeGB = (s.bavail * s.bsize) / 1024 ** 3;
    const message = `${freeGB.toFixed(1)} GB free on ${dir} (threshold ${minFreeGB} GB)`;
    return freeGB >= minFreeGB ? { name, status: 'pass', message } : { name, status: 'fail', message, fix: 'Free disk space: delete old control_logs runs and clean Docker leftovers (hi.cleanLeftovers).' };
  } catch (e) {
    return { name, status: 'warn', message: `cannot measure free space on ${dir}: ${(e as Error).message}` };
  }
}
