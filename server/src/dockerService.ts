import * as os from 'os';
import type { Readable } from 'stream';
import { ErrorCodes, ResponseError, type Connection } from 'vscode-languageserver';
import {
  ContainerLogChangedNotification,
  ContainerLogClosedNotification,
  ContainerLogRequest,
  ContainersChangedNotification,
  EnvChecksRequest,
  ExecuteCleanupRequest,
  ListContainersRequest,
  PlanCleanupRequest,
  RetryDockerRequest,
  type CleanupOptions,
  type ContainerLogParams,
  type ContainerLogResult,
  type EnvChecksParams,
  type ExecuteCleanupParams,
  type ListContainersResult,
} from '../../shared/src/docker';
import type { DockerSettings } from '../../shared/src/settings';
import { executeCleanup, planCleanup, snapshot, validPlan } from './docker/cleanup';
import { Coalescer } from './docker/coalescer';
import { resolveDockerHost } from './docker/dockerHost';
import { DockerWatcher } from './docker/dockerWatcher';
import { envChecks } from './docker/envChecks';
import { groupContainers } from './docker/hiContainers';

/** Followed log text kept per container: the newest part of a chatty log, bounded. */
const MAX_LOG_CHARS = 4 << 20;
const LOG_TAIL_LINES = 5000;

/**
 * The Docker view's server side: one watched connection to the daemon (events, backoff), hi's
 * containers grouped by run, cleanup plans and their execution, followed container logs and the
 * environment checks. Docker is only contacted once the extension asks.
 */
export function registerDocker(connection: Connection, dockerSettings: () => Promise<DockerSettings>, trusted: () => boolean): { dispose(): void } {
  let watcher: DockerWatcher | undefined;
  const logs = new Map<string, { text: string; stream?: Readable; changed: Coalescer }>();

  const current = async (): Promise<DockerWatcher> => {
    const host = resolveDockerHost((await dockerSettings()).host, process.env, os.homedir());
    if (!watcher) watcher = new DockerWatcher(host, () => void connection.sendNotification(ContainersChangedNotification));
    else await watcher.setHost(host);
    await watcher.ensureStarted();
    return watcher;
  };

  connection.onRequest(ListContainersRequest, async (): Promise<ListContainersResult> => {
    const w = await current();
    if (!w.state.reachable) return { state: w.state, groups: [] };
    try {
      return { state: w.state, groups: groupContainers(await w.api.listContainers()) };
    } catch (e) {
      return { state: { reachable: false, host: w.state.host, error: (e as Error).message, retryInSeconds: 0 }, groups: [] };
    }
  });

  connection.onRequest(RetryDockerRequest, async () => (await current()).retry());

  connection.onRequest(PlanCleanupRequest, async (options: CleanupOptions) => {
    const w = await current();
    return planCleanup(await snapshot(w.api, options), options);
  });

  // Trust is enforced here too: a server started for an untrusted folder removes nothing.
  connection.onRequest(ExecuteCleanupRequest, async ({ plan, allowRunning }: ExecuteCleanupParams) => {
    if (!trusted()) throw new ResponseError(ErrorCodes.InvalidRequest, 'the workspace is not trusted: hi workbench removes nothing in Restricted Mode');
    return executeCleanup((await current()).api, validPlan(plan), allowRunning === true);
  });

  connection.onRequest(ContainerLogRequest, async ({ id }: ContainerLogParams): Promise<ContainerLogResult> => {
    let entry = logs.get(id);
    if (!entry) {
      const fresh: { text: string; stream?: Readable; changed: Coalescer } = { text: '', changed: new Coalescer(() => void connection.sendNotification(ContainerLogChangedNotification, { id }), 250) };
      entry = fresh;
      logs.set(id, fresh);
      try {
        // The backlog arrives in a burst: answer once it has settled (quiet for 150 ms, or the
        // stream ended), so the first response already holds it.
        let settle: () => void = () => undefined;
        let quiet: NodeJS.Timeout | undefined;
        const settled = new Promise<void>((resolve) => (settle = resolve));
        const poke = () => {
          clearTimeout(quiet);
          quiet = setTimeout(settle, 150);
        };
        fresh.stream = await (await current()).api.followLogs(id, LOG_TAIL_LINES, (text) => {
          fresh.text += text;
          if (fresh.text.length > MAX_LOG_CHARS) fresh.text = fresh.text.slice(fresh.text.indexOf('\n', fresh.text.length - MAX_LOG_CHARS) + 1);
          fresh.changed.request();
          poke();
        });
        fresh.stream.on('end', () => {
          fresh.stream = undefined;
          fresh.changed.request();
          settle();
        });
        poke();
        await Promise.race([settled, new Promise((r) => setTimeout(r, 2000))]);
        clearTimeout(quiet);
      } catch (e) {
        fresh.text = `cannot read the logs of ${id.slice(0, 12)}: ${(e as Error).message}\n`;
      }
    }
    return { text: entry.text, following: !!entry.stream };
  });

  connection.onNotification(ContainerLogClosedNotification, ({ id }: ContainerLogParams) => {
    const entry = logs.get(id);
    entry?.stream?.destroy();
    entry?.changed.dispose();
    logs.delete(id);
  });

  connection.onRequest(EnvChecksRequest, async ({ moduleRoot, minFreeGB }: EnvChecksParams) => {
    const w = await current();
    return envChecks(w.api, w.dockerHost, moduleRoot, minFreeGB);
  });

  return {
    dispose() {
      watcher?.dispose();
      for (const e of logs.values()) e.stream?.destroy();
    },
  };
}
