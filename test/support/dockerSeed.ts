/**
 * Real containers with hi's names and labels for the Docker tests (unit, e2e and bench), built
 * from the tiny local image scripts/ensure-docker.sh imports. Everything a seed creates carries a
 * random tag in its name, so `removeSeed` deletes exactly that, even after a failed test.
 */
import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';

export const TEST_IMAGE = 'hi-workbench-busybox:test';
export const docker = new Docker({ socketPath: '/var/run/docker.sock' });

const hex = (n = 3) => randomBytes(n).toString('hex');

export interface Seed {
  tag: string;
  runA: string;
  runB: string;
  /** name → id */
  ids: Map<string, string>;
  networks: { runA: string; runB: string; orphan: string; foreign: string };
  names: { runA: string[]; runB: string[]; unlabelled: string[]; foreign: string[] };
}

async function create(name: string, labels: Record<string, string>, running: boolean, network?: string): Promise<string> {
  const c = await docker.createContainer({
    name,
    Image: TEST_IMAGE,
    Cmd: running ? ['sleep', '3600'] : ['sh', '-c', 'echo bye from ' + name],
    Labels: labels,
    HostConfig: network ? { NetworkMode: network } : {},
  });
  await c.start();
  if (!running) await c.wait();
  return c.id;
}

export async function seedHiContainers(): Promise<Seed> {
  const tag = hex();
  const runA = `20261125-1000${tag.slice(0, 2)}-${hex()}`;
  const runB = `20261125-1100${tag.slice(0, 2)}-${hex()}`;
  const shortA = runA.slice(-6);
  const shortB = runB.slice(-6);
  const networks = { runA: `hs-${hex()}-default`, runB: `hs-${hex()}-default`, orphan: `hs-${hex()}-default`, foreign: `keepme-net-${tag}` };
  for (const n of Object.values(networks)) await docker.createNetwork({ Name: n, Labels: { 'hi-workbench.seed': tag } });
  const ids = new Map<string, string>();
  const label = (run: string, role: string) => ({ 'hi.run-id': run, 'hi.test-type': role, 'hi-workbench.seed': tag });
  const names = {
    runA: [`headscale-test-suite-${runA}`, `hs-pingallbyip${tag}-${hex()}`, `ts-${shortA}-head-${hex()}`, `postgres-${hex()}`, `derp-${shortA}-head-${hex()}`],
    runB: [`headscale-test-suite-${runB}`, `ts-${shortB}-head-${hex()}`],
    unlabelled: [`hs-orphan${tag}-${hex()}`],
    foreign: [`keepme-${tag}`, `keepme-running-${tag}`],
  };
  const roles = ['test-runner', 'headscale', 'tailscale', 'postgres', 'derp'];
  await Promise.all([
    ...names.runA.map(async (n, i) => ids.set(n, await create(n, label(runA, roles[i]), false, i === 1 || i === 2 ? networks.runA : undefined))),
    ...names.runB.map(async (n, i) => ids.set(n, await create(n, label(runB, i === 0 ? 'test-runner' : 'tailscale'), true, networks.runB))),
    create(names.unlabelled[0], { 'hi-workbench.seed': tag }, false).then((id) => ids.set(names.unlabelled[0], id)),
    create(names.foreign[0], { 'hi-workbench.seed': tag }, false, networks.foreign).then((id) => ids.set(names.foreign[0], id)),
    create(names.foreign[1], { 'hi-workbench.seed': tag }, true).then((id) => ids.set(names.foreign[1], id)),
  ]);
  return { tag, runA, runB, ids, networks, names };
}

/** Removes every container and network a seed made (by its seed label), ignoring what is gone. */
export async function removeSeed(tag: string): Promise<void> {
  const containers = await docker.listContainers({ all: true, filters: { label: [`hi-workbench.seed=${tag}`] } });
  await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
  const networks = await docker.listNetworks({ filters: { label: [`hi-workbench.seed=${tag}`] } });
  await Promise.all(networks.map((n) => docker.getNetwork(n.Id).remove().catch(() => undefined)));
}

/** Fails with the fix when the daemon is not up, instead of a confusing ECONNREFUSED later. */
export async function requireDocker(): Promise<void> {
  try {
    await docker.ping();
  } catch (e) {
    throw new Error(`Docker is not reachable at /var/run/docker.sock (${(e as Error).message}); run scripts/ensure-docker.sh`);
  }
}

export async function containerNames(): Promise<string[]> {
  return (await docker.listContainers({ all: true })).map((c) => c.Names[0].replace(/^\//, ''));
}

export async function networkNames(): Promise<string[]> {
  return (await docker.listNetworks()).map((n) => n.Name);
}
