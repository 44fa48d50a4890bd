/**
 * The Docker view's core against a real dockerd (scripts/ensure-docker.sh): real containers with
 * hi's names and labels, grouping and filtering, clean-leftovers, the refusal for running
 * containers, the events-driven refresh with coalescing, a dead daemon, environment checks, and
 * the same over the language server's stdio JSON-RPC. Pure helpers are checked beside them.
 */
import { strict as assert } from 'node:assert';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { after, before, test } from 'node:test';
import { ContainerLogClosedNotification, ContainerLogRequest, ContainersChangedNotification, ListContainersRequest, type ContainerLogResult, type ListContainersResult } from '../../shared/src/docker';
import { executeCleanup, planCleanup, snapshot } from '../../server/src/docker/cleanup';
import { Coalescer } from '../../server/src/docker/coalescer';
import { DockerApi } from '../../server/src/docker/dockerApi';
import { connectionOptions, resolveDockerHost } from '../../server/src/docker/dockerHost';
import { DockerWatcher } from '../../server/src/docker/dockerWatcher';
import { envChecks } from '../../server/src/docker/envChecks';
import { groupContainers, toHiContainer } from '../../server/src/docker/hiContainers';
import { containerNames, docker, networkNames, removeSeed, requireDocker, seedHiContainers, TEST_IMAGE, type Seed } from '../support/dockerSeed';
import { startServer } from '../support/lspClient';
import { repoRoot } from '../support/parser';

const HOST = 'unix:///var/run/docker.sock';
const api = new DockerApi(HOST);
let seed: Seed;

before(async () => {
  await requireDocker();
  seed = await seedHiContainers();
});
after(async () => {
  if (seed) await removeSeed(seed.tag);
});

test('grouping: containers grouped by hi.run-id with roles, unlabelled hi names apart, everything else hidden', async () => {
  const groups = groupContainers(await api.listContainers());
  const a = groups.find((g) => g.runId === seed.runA)!;
  assert.deepEqual(a.containers.map((c) => c.role), ['test-runner', 'headscale', 'postgres', 'derp', 'tailscale']);
  assert.deepEqual(new Set(a.containers.map((c) => c.name)), new Set(seed.names.runA));
  assert.ok(a.containers.every((c) => c.state === 'exited' && c.image === TEST_IMAGE));
  assert.equal(a.active, false);
  const b = groups.find((g) => g.runId === seed.runB)!;
  assert.equal(b.active, true);
  assert.ok(groups.indexOf(b) < groups.indexOf(a), 'newest run first');
  const unlabelled = groups.find((g) => g.runId === null)!;
  assert.equal(unlabelled.label, 'Unlabelled hi containers');
  assert.ok(unlabelled.containers.some((c) => c.name === seed.names.unlabelled[0] && !c.labelled));
  const listed = groups.flatMap((g) => g.containers.map((c) => c.name));
  for (const foreign of seed.names.foreign) assert.ok(!listed.includes(foreign), `${foreign} is not hi's`);
});

test('refusal: a run with running containers is not removed without the specific confirmation', async () => {
  const ids = seed.names.runB.map((n) => seed.ids.get(n)!);
  const plan = planCleanup(await snapshot(api, { containerIds: ids }), { containerIds: ids });
  assert.deepEqual(new Set(plan.running.map((c) => c.name)), new Set(seed.names.runB));
  assert.deepEqual(plan.networks.map((n) => n.name), [seed.networks.runB], "the run's network goes with its containers");
  const refused = await executeCleanup(api, plan, false);
  assert.equal(refused.removedContainers.length, 0);
  assert.deepEqual(refused.refused.map((r) => r.name).sort(), [...seed.names.runB, seed.networks.runB].sort());
  assert.ok((await containerNames()).includes(seed.names.runB[0]));
  assert.ok((await networkNames()).includes(seed.networks.runB));
  const removed = await executeCleanup(api, plan, true);
  assert.deepEqual(new Set(removed.removedContainers), new Set(seed.names.runB));
  assert.deepEqual(removed.removedNetworks, [seed.networks.runB]);
  assert.ok(!(await containerNames()).includes(seed.names.runB[0]));
});

test('clean leftovers: exited hi containers and their unused hs-* networks go; running, foreign and in-use things stay', async () => {
  const plan = planCleanup(await snapshot(api, {}), {});
  const planned = plan.containers.map((c) => c.name);
  for (const n of [...seed.names.runA, ...seed.names.unlabelled]) assert.ok(planned.includes(n), `${n} is a leftover`);
  for (const n of seed.names.foreign) assert.ok(!planned.includes(n), `${n} is not hi's`);
  assert.equal(plan.running.length, 0);
  const nets = plan.networks.map((n) => n.name);
  assert.ok(nets.includes(seed.networks.runA) && nets.includes(seed.networks.orphan));
  assert.ok(!nets.includes(seed.networks.foreign));
  const result = await executeCleanup(api, plan, false);
  assert.deepEqual(result.failed, []);
  const left = await containerNames();
  for (const n of [...seed.names.runA, ...seed.names.unlabelled]) assert.ok(!left.includes(n), `${n} removed`);
  for (const n of seed.names.foreign) assert.ok(left.includes(n), `${n} kept`);
  const networks = await networkNames();
  assert.ok(!networks.includes(seed.networks.runA) && !networks.includes(seed.networks.orphan));
  assert.ok(networks.includes(seed.networks.foreign));
});

test('clean leftovers with extras: cache volumes only while unused, images only by hi tag (a shared image keeps its other tags)', async () => {
  const volume = 'hs-integration-go-build-cache';
  const created = !(await docker.listVolumes()).Volumes?.some((v) => v.Name === volume);
  if (created) await docker.createVolume({ Name: volume });
  // An image of its own (the seeded containers all use the test image): commit a fresh container,
  // then give it a hi tag and somebody else's tag.
  const hiTag = `hs-workbenchprobe-${seed.tag}`;
  const otherTag = `keepme-img${seed.tag}`;
  const base = await docker.createContainer({ Image: TEST_IMAGE, Cmd: ['sh'], Labels: { 'hi-workbench.seed': seed.tag } });
  await base.commit({ repo: hiTag, tag: 'test', changes: [`LABEL probe=${seed.tag}`] });
  await base.remove({ force: true });
  await docker.getImage(`${hiTag}:test`).tag({ repo: otherTag, tag: 'test' });
  const user = await docker.createContainer({ name: `keepme-vol${seed.tag}`, Image: `${hiTag}:test`, Cmd: ['sh'], Labels: { 'hi-workbench.seed': seed.tag }, HostConfig: { Binds: [`${volume}:/cache`] } });
  try {
    const options = { includeCacheVolumes: true, includeImages: true };
    const inUse = planCleanup(await snapshot(api, options), options);
    assert.ok(!inUse.volumes.some((v) => v.name === volume), 'a volume a container mounts stays');
    assert.ok(!inUse.images.some((i) => i.tags.includes(`${hiTag}:test`)), 'an image a container uses stays');
    await user.remove({ force: true });
    const plan = planCleanup(await snapshot(api, options), options);
    assert.ok(plan.volumes.some((v) => v.name === volume));
    const ours = plan.images.find((i) => i.tags.includes(`${hiTag}:test`))!;
    assert.deepEqual(ours.tags, [`${hiTag}:test`], "only hi's tag is a candidate");
    assert.equal(ours.sizeBytes, 0, 'the image stays (other tags), so nothing is reclaimed');
    // Execute just our image (the daemon may hold real caches and images of this machine's user).
    const result = await executeCleanup(api, { ...plan, containers: [], running: [], networks: [], volumes: [], images: [ours] }, false);
    assert.deepEqual(result.removedImages, [`${hiTag}:test`]);
    const tags = (await docker.listImages()).flatMap((i) => i.RepoTags ?? []);
    assert.ok(!tags.includes(`${hiTag}:test`) && tags.includes(`${otherTag}:test`) && tags.includes(TEST_IMAGE));
  } finally {
    await user.remove({ force: true }).catch(() => undefined);
    await docker.getImage(`${hiTag}:test`).remove().catch(() => undefined);
    await docker.getImage(`${otherTag}:test`).remove().catch(() => undefined);
    if (created) await docker.getVolume(volume).remove().catch(() => undefined);
  }
});

test("look-alikes: foreign containers, a network and images shaped like hi's are never offered, and a forged plan removes none of them", async () => {
  const own = { 'hi-workbench.seed': seed.tag };
  const names = ['hs-myproject', 'ts-foo', 'ts-node-dev', 'derp-server', 'k3s-mycluster', 'headscale-test-suite-fake'];
  const tags = ['myorg/graphs-exporter:2', 'myorg/paths-api:1', 'tailscale/tailscale:attack-test'];
  const netName = 'hs-abcdef-foreign';
  // Exact names (the daemon is shared, the suite holds the Docker lock): leftovers of a crashed run go first.
  for (const n of names) await docker.getContainer(n).remove({ force: true }).catch(() => undefined);
  for (const n of (await docker.listNetworks()).filter((x) => x.Name === netName)) await docker.getNetwork(n.Id).remove().catch(() => undefined);
  const ids = await Promise.all(names.map(async (name) => {
    const c = await docker.createContainer({ name, Image: TEST_IMAGE, Cmd: ['sh', '-c', 'exit 0'], Labels: own });
    await c.start();
    await c.wait();
    return c.id;
  }));
  const net = await docker.createNetwork({ Name: netName, Labels: own });
  const base = await docker.createContainer({ Image: TEST_IMAGE, Cmd: ['sh'], Labels: own });
  const committed = await base.commit({ repo: 'myorg/graphs-exporter', tag: '2', changes: [`LABEL probe=${seed.tag}`] });
  await base.remove({ force: true });
  const imageId: string = (committed as { Id: string }).Id;
  for (const t of tags.slice(1)) await docker.getImage(imageId).tag({ repo: t.split(':')[0], tag: t.split(':')[1] });
  try {
    const options = { includeCacheVolumes: false, includeImages: true };
    const plan = planCleanup(await snapshot(api, options), options);
    const offered = [...plan.containers.map((c) => c.name), ...plan.networks.map((n) => n.name), ...plan.images.flatMap((i) => i.tags)];
    for (const n of [...names, netName, ...tags]) assert.ok(!offered.includes(n), `${n} is not hi's but was offered`);
    const listed = groupContainers(await api.listContainers()).flatMap((g) => g.containers.map((c) => c.name));
    for (const n of names) assert.ok(!listed.includes(n), `${n} is not listed as hi's`);
    const checks = await envChecks(api, { host: HOST, source: 'default' }, path.join(repoRoot, 'demo'), 0);
    const testImages = checks.find((c) => c.name === 'Test images');
    if (testImages) assert.doesNotMatch(testImages.message, /graphs-exporter|paths-api|attack-test/);
    // A forged plan (a client is not trusted to name what is hi's): every item is re-checked against Docker.
    const forged = {
      containers: ids.map((id, i) => ({ id, name: `hs-forged${i}-0a1b2c`, role: 'headscale', runId: null, labelled: false, state: 'exited', status: '', image: TEST_IMAGE, createdAt: 0, networks: [], sizeBytes: 0 })),
      running: [],
      networks: [{ id: net.id, name: 'hs-abcdef-default' }],
      volumes: [],
      images: [{ id: imageId, tags: ['hs-forged-0a1b2c:latest', ...tags], sizeBytes: 1 }],
      reclaimBytes: 0,
    };
    const result = await executeCleanup(api, forged, true);
    assert.deepEqual([result.removedContainers, result.removedNetworks, result.removedImages], [[], [], []], JSON.stringify(result));
    assert.equal(result.refused.length, names.length + 2, JSON.stringify(result.refused));
    const left = await containerNames();
    for (const n of names) assert.ok(left.includes(n), `${n} still exists`);
    assert.ok((await networkNames()).includes(netName));
    const imageTags = (await docker.listImages()).flatMap((i) => i.RepoTags ?? []);
    for (const t of tags) assert.ok(imageTags.includes(t), `${t} still exists`);
  } finally {
    await Promise.all(ids.map((id) => docker.getContainer(id).remove({ force: true }).catch(() => undefined)));
    await docker.getNetwork(net.id).remove().catch(() => undefined);
    for (const t of tags) await docker.getImage(t).remove().catch(() => undefined);
  }
});

test('events: container changes reach the view through Docker events, coalesced to one redraw per 250 ms', async () => {
  const calls: number[] = [];
  // A short request timeout: the event stream must outlive it while Docker is quiet.
  const watcher = new DockerWatcher({ host: HOST, source: 'default' }, () => calls.push(Date.now()), { coalesceMs: 250, requestTimeoutMs: 300 });
  try {
    await watcher.ensureStarted();
    assert.equal(watcher.state.reachable, true);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(watcher.state.reachable, true, 'an idle event stream is not a lost daemon');
    calls.length = 0;
    const start = Date.now();
    const made = await Promise.all(Array.from({ length: 8 }, (_, i) => docker.createContainer({ name: `hs-burst${seed.tag}-${String(i).padStart(6, '0')}`, Image: TEST_IMAGE, Cmd: ['sh', '-c', 'exit 0'], Labels: { 'hi-workbench.seed': seed.tag } })));
    await Promise.all(made.map((c) => c.start()));
    while (!calls.length && Date.now() - start < 5000) await new Promise((r) => setTimeout(r, 20));
    assert.ok(calls.length > 0, 'an event arrived');
    await new Promise((r) => setTimeout(r, 600));
    const elapsed = Date.now() - start;
    assert.ok(calls.length <= Math.ceil(elapsed / 250) + 1, `${calls.length} redraws in ${elapsed} ms`);
    for (let i = 1; i < calls.length; i++) assert.ok(calls[i] - calls[i - 1] >= 240, 'at most one per 250 ms');
    const groups = groupContainers(await api.listContainers());
    assert.equal(groups.find((g) => g.runId === null)!.containers.filter((c) => c.name.startsWith(`hs-burst${seed.tag}`)).length, 8);
  } finally {
    watcher.dispose();
  }
});

test('daemon down: one unreachable state with a growing retry, one notification, a failed environment check', async () => {
  const dead = `unix://${path.join(os.tmpdir(), `hi-no-docker-${process.pid}.sock`)}`;
  const calls: number[] = [];
  const watcher = new DockerWatcher({ host: dead, source: 'setting' }, () => calls.push(Date.now()), { coalesceMs: 10, firstRetryMs: 40 });
  try {
    await watcher.ensureStarted();
    assert.equal(watcher.state.reachable, false);
    if (!watcher.state.reachable) assert.match(watcher.state.error, /ENOENT|connect/);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(calls.length, 1, 'retries do not re-announce the same state');
    if (!watcher.state.reachable) assert.ok(watcher.state.retryInSeconds >= 0);
    const checks = await envChecks(new DockerApi(dead), { host: dead, source: 'setting' }, path.join(repoRoot, 'demo'), 1);
    assert.equal(checks[0].status, 'fail');
    assert.match(checks[0].message, /cannot reach Docker at .*headscale\.docker\.host/);
  } finally {
    watcher.dispose();
  }
});

test('environment checks: daemon, disk, leftovers, networks and the go.mod Golang image', async () => {
  await docker.createContainer({ name: `ts-${seed.tag}-head-leftover`, Image: TEST_IMAGE, Cmd: ['sh'], Labels: { 'hi.run-id': seed.runA, 'hi-workbench.seed': seed.tag } });
  const orphan = `hs-${seed.tag}-usernet1`;
  await docker.createNetwork({ Name: orphan, Labels: { 'hi-workbench.seed': seed.tag } });
  const demo = path.join(repoRoot, 'demo');
  const checks = await envChecks(api, { host: HOST, source: 'default' }, demo, 0.001, {});
  const by = Object.fromEntries(checks.map((c) => [c.name, c]));
  assert.equal(by['Docker daemon'].status, 'pass');
  assert.equal(by['Free disk (workspace)'].status, 'pass');
  assert.equal(by['Leftover containers'].status, 'warn');
  assert.equal(by['Leftover containers'].fix, 'hi.cleanLeftovers');
  assert.equal(by['Unused hs-* networks'].status, 'warn');
  assert.ok(by['Unused hs-* networks'].message.includes(orphan), by['Unused hs-* networks'].message);
  const goLine = /^go\s+(\S+)/m.exec(fs.readFileSync(path.join(demo, 'go.mod'), 'utf8'))![1];
  assert.match(by['Golang image'].message, new RegExp(`golang:${goLine.replace(/\./g, '\\.')}`));
  const strict = await envChecks(api, { host: HOST, source: 'default' }, demo, 1e9, { HEADSCALE_INTEGRATION_HEADSCALE_IMAGE: 'headscale:missing' });
  assert.equal(strict.find((c) => c.name === 'Free disk (workspace)')!.status, 'fail');
  assert.equal(strict.find((c) => c.name === 'Test images')!.status, 'fail');
});

test('container logs are followed (demultiplexed stdout + stderr)', async () => {
  const c = await docker.createContainer({ name: `hs-logs${seed.tag}`, Image: TEST_IMAGE, Cmd: ['sh', '-c', 'echo to-stdout; echo to-stderr >&2; sleep 1; echo later; sleep 600'], Labels: { 'hi-workbench.seed': seed.tag } });
  await c.start();
  let text = '';
  const stream = await api.followLogs(c.id, 100, (t) => (text += t));
  const deadline = Date.now() + 10_000;
  while (!text.includes('later') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  stream.destroy();
  assert.deepEqual(text.trim().split('\n').sort(), ['later', 'to-stderr', 'to-stdout']);
});

test('over stdio: hi/listContainers groups real containers, Docker events notify the client', async () => {
  const session = await startServer();
  try {
    await docker.createContainer({ name: `ts-listed${seed.tag}-head-0a1b2c`, Image: TEST_IMAGE, Cmd: ['sh'], Labels: { 'hi.run-id': `${seed.runA}`, 'hi.test-type': 'tailscale', 'hi-workbench.seed': seed.tag } });
    const notified = new Promise<void>((resolve) => session.connection.onNotification(ContainersChangedNotification, () => resolve()));
    const result = (await session.connection.sendRequest(ListContainersRequest)) as ListContainersResult;
    assert.equal(result.state.reachable, true);
    assert.ok(result.groups.some((g) => g.runId === seed.runA && g.containers.some((c) => c.name === `ts-listed${seed.tag}-head-0a1b2c` && c.role === 'tailscale')));
    await docker.createContainer({ name: `hs-notify${seed.tag}`, Image: TEST_IMAGE, Cmd: ['sh'], Labels: { 'hi-workbench.seed': seed.tag } });
    await notified;
    // An exited container's whole log comes back in the first answer (the backlog has settled).
    const done = await docker.createContainer({ name: `hs-said${seed.tag}`, Image: TEST_IMAGE, Cmd: ['sh', '-c', 'echo one; echo two >&2'], Labels: { 'hi-workbench.seed': seed.tag } });
    await done.start();
    await done.wait();
    const log = (await session.connection.sendRequest(ContainerLogRequest, { id: done.id })) as ContainerLogResult;
    assert.deepEqual(log.text.trim().split('\n').sort(), ['one', 'two']);
    assert.equal(log.following, false);
    await session.connection.sendNotification(ContainerLogClosedNotification, { id: done.id });
  } finally {
    await session.close();
  }
});

test('pure helpers: host resolution (setting > DOCKER_HOST > context > default), connection options, coalescing', async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'hi-home-'));
  assert.deepEqual(resolveDockerHost(undefined, {}, home), { host: 'unix:///var/run/docker.sock', source: 'default' });
  fs.mkdirSync(path.join(home, '.docker'));
  fs.writeFileSync(path.join(home, '.docker', 'config.json'), JSON.stringify({ currentContext: 'colima' }));
  const { createHash } = await import('node:crypto');
  const meta = path.join(home, '.docker', 'contexts', 'meta', createHash('sha256').update('colima').digest('hex'));
  fs.mkdirSync(meta, { recursive: true });
  fs.writeFileSync(path.join(meta, 'meta.json'), JSON.stringify({ Name: 'colima', Endpoints: { docker: { Host: 'unix:///home/u/.colima/docker.sock' } } }));
  assert.deepEqual(resolveDockerHost(undefined, {}, home), { host: 'unix:///home/u/.colima/docker.sock', source: 'context', context: 'colima' });
  assert.equal(resolveDockerHost(undefined, { DOCKER_HOST: 'tcp://10.0.0.2:2375' }, home).source, 'DOCKER_HOST');
  assert.equal(resolveDockerHost('unix:///x.sock', { DOCKER_HOST: 'tcp://10.0.0.2:2375' }, home).host, 'unix:///x.sock');
  assert.deepEqual(connectionOptions('tcp://10.0.0.2:2376'), { host: '10.0.0.2', port: 2376, protocol: 'https' });
  assert.deepEqual(connectionOptions('unix:///var/run/docker.sock'), { socketPath: '/var/run/docker.sock' });
  const raw = (name: string, labels: Record<string, string> = {}) => ({ Id: name, Names: [`/${name}`], Labels: labels });
  assert.equal(toHiContainer(raw('ts-abc123-head-0a1b2c'))?.role, 'tailscale');
  assert.equal(toHiContainer(raw('headscale-test-suite-20261125-101010-abcdef'))?.role, 'test-runner');
  assert.equal(toHiContainer(raw('postgres-0a1b2c')), null, 'too generic to claim without the label');
  assert.equal(toHiContainer(raw('postgres-0a1b2c', { 'hi.run-id': 'r', 'hi.test-type': 'postgres' }))?.role, 'postgres');
  assert.equal(toHiContainer(raw('my-ts-app')), null);
  for (const name of ['hs-myproject', 'ts-foo', 'ts-node-dev', 'derp-server', 'k3s-mycluster', 'headscale-test-suite-fake', 'hs-', 'ts-abc123-head-0a1b2c-extra!']) {
    assert.equal(toHiContainer(raw(name)), null, `${name} only looks like hi's`);
  }
  for (const name of ['hs-oidc-authrelog-0a1b2c', 'hs-3fa9c1-0a1b2c', 'hs-oidcmock-0a1b2c', 'ts-1-94-0-0a1b2c', 'derp-3fa9c1-head-0a1b2c', 'k3s-3fa9c1-0a1b2c']) {
    assert.ok(toHiContainer(raw(name)), `${name} is a harness name`);
  }
  let n = 0;
  const c = new Coalescer(() => n++, 100);
  for (let i = 0; i < 20; i++) c.request();
  assert.equal(n, 1, 'the first call runs at once');
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(n, 2, 'the burst collapses into one trailing call');
  c.dispose();
});
