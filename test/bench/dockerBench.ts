/**
 * Issue 6's figures against the real dockerd: listing and grouping 200 hi containers (the grouping
 * time after the Docker API answered, and the API time beside it), and the redraw rate while a
 * burst of container events arrives (coalesced to one per 250 ms).
 */
import { randomBytes } from 'node:crypto';
import { DockerApi } from '../../server/src/docker/dockerApi';
import { DockerWatcher } from '../../server/src/docker/dockerWatcher';
import { groupContainers } from '../../server/src/docker/hiContainers';
import { docker, requireDocker, TEST_IMAGE } from '../support/dockerSeed';
import { median } from './stats';

type Report = (name: string, value: string, target: string, ok: boolean) => void;

async function createMany(count: number, tag: string, name: (i: number) => string, labels: (i: number) => Record<string, string>): Promise<void> {
  for (let i = 0; i < count; i += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, count - i) }, (_, j) =>
        docker.createContainer({ name: name(i + j), Image: TEST_IMAGE, Cmd: ['sh'], Labels: { ...labels(i + j), 'hi-workbench.bench': tag } }),
      ),
    );
  }
}

async function removeAll(tag: string): Promise<void> {
  const list = await docker.listContainers({ all: true, filters: { label: [`hi-workbench.bench=${tag}`] } });
  for (let i = 0; i < list.length; i += 20) await Promise.all(list.slice(i, i + 20).map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
}

export async function dockerBench(report: Report): Promise<void> {
  try {
    await requireDocker();
  } catch (e) {
    report('Docker benchmarks', String((e as Error).message), 'a reachable daemon', false);
    return;
  }
  const tag = randomBytes(3).toString('hex');
  const api = new DockerApi('unix:///var/run/docker.sock');
  try {
    // 20 runs of 10 containers each, with hi's names and labels.
    const roles = ['test-runner', 'headscale', 'postgres', 'derp', 'tailscale', 'tailscale', 'tailscale', 'tailscale', 'tailscale', 'tailscale'];
    const runId = (r: number) => `20261125-${String(120000 + r).padStart(6, '0')}-${tag}`;
    await createMany(200, tag, (i) => (i % 10 === 0 ? `headscale-test-suite-${runId(Math.floor(i / 10))}` : `${i % 10 === 1 ? 'hs' : 'ts'}-b${tag}-${i}-${randomBytes(3).toString('hex')}`), (i) => ({ 'hi.run-id': runId(Math.floor(i / 10)), 'hi.test-type': roles[i % 10] }));
    const apiTimes: number[] = [];
    const groupTimes: number[] = [];
    let groups = 0;
    let listed = 0;
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      const raw = await api.listContainers();
      const t1 = performance.now();
      const grouped = groupContainers(raw);
      groupTimes.push(performance.now() - t1);
      apiTimes.push(t1 - t0);
      groups = grouped.filter((g) => g.runId?.endsWith(tag)).length;
      listed = grouped.reduce((n, g) => n + (g.runId?.endsWith(tag) ? g.containers.length : 0), 0);
    }
    const g = median(groupTimes);
    report(
      `listing and grouping ${listed} hi containers into ${groups} runs: grouping after the Docker API answered (API itself ${median(apiTimes).toFixed(0)} ms), median of 10`,
      `${g.toFixed(2)} ms`,
      '≤ 200 ms',
      g <= 200 && listed === 200,
    );

    // A burst of container events: the view may redraw at most once per 250 ms.
    const redraws: number[] = [];
    const watcher = new DockerWatcher({ host: 'unix:///var/run/docker.sock', source: 'default' }, () => redraws.push(performance.now()), { coalesceMs: 250 });
    await watcher.ensureStarted();
    await new Promise((r) => setTimeout(r, 300));
    redraws.length = 0;
    const t0 = performance.now();
    await createMany(60, tag, (i) => `ts-burst${tag}-${i}`, () => ({ 'hi.run-id': runId(99), 'hi.test-type': 'tailscale' }));
    await new Promise((r) => setTimeout(r, 600));
    const span = performance.now() - t0;
    watcher.dispose();
    const gaps = redraws.slice(1).map((t, i) => t - redraws[i]);
    const minGap = gaps.length ? Math.min(...gaps) : Infinity;
    report(
      `redraws while 60 containers are created (${(span / 1000).toFixed(1)} s of events): ${redraws.length} redraws, smallest gap`,
      Number.isFinite(minGap) ? `${minGap.toFixed(0)} ms` : 'n/a (one redraw)',
      '≥ 250 ms between redraws',
      redraws.length > 0 && minGap >= 245,
    );
  } finally {
    await removeAll(tag);
  }
}
