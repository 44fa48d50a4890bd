import type Docker from 'dockerode';
import { PassThrough, type Readable } from 'stream';
import { connectionOptions } from './dockerHost';
import type { RawContainer } from './hiContainers';

/**
 * The one module that talks to Docker, through dockerode (Docker's HTTP API). Everything above it
 * works with plain data, so grouping, planning and refusal rules are tested without a daemon and
 * again against a real one.
 */
export interface RawNetwork {
  Id: string;
  Name: string;
}

export interface RawImage {
  Id: string;
  RepoTags?: string[] | null;
  Size: number;
}

export interface RawVolume {
  Name: string;
  sizeBytes: number | null;
}

/**
 * dockerode (with its SSH and gRPC transports) is loaded on first use: editors that never open the
 * Containers view, and CLI commands other than `env`, do not pay its start-up time and memory.
 */
function dockerode(): typeof Docker {
  return require('dockerode') as typeof Docker;
}

/** Requests fail fast when the daemon is gone instead of hanging the view. */
const TIMEOUT_MS = 10_000;

export class DockerApi {
  private readonly docker: Docker;
  /** Long-lived streams (events, followed logs) idle for minutes: no request timeout for them. */
  private readonly streams: Docker;

  constructor(readonly host: string, requestTimeoutMs = TIMEOUT_MS) {
    const Dockerode = dockerode();
    this.docker = new Dockerode({ ...connectionOptions(host), timeout: requestTimeoutMs });
    this.streams = new Dockerode(connectionOptions(host));
  }

  async version(): Promise<{ version: string; apiVersion: string; rootDir: string | null }> {
    await this.docker.ping();
    const v = await this.docker.version();
    const info = (await this.docker.info()) as { DockerRootDir?: string };
    return { version: v.Version, apiVersion: v.ApiVersion, rootDir: info.DockerRootDir ?? null };
  }

  listContainers(withSizes = false): Promise<RawContainer[]> {
    return this.docker.listContainers({ all: true, size: withSizes }) as Promise<RawContainer[]>;
  }

  async removeContainer(id: string): Promise<void> {
    // force: a running container is killed first (only after the user confirmed exactly that).
    await this.docker.getContainer(id).remove({ force: true, v: false });
  }

  async listNetworks(): Promise<RawNetwork[]> {
    return (await this.docker.listNetworks()).map((n) => ({ Id: n.Id, Name: n.Name }));
  }

  async removeNetwork(id: string): Promise<void> {
    await this.docker.getNetwork(id).remove();
  }

  async listImages(): Promise<RawImage[]> {
    return (await this.docker.listImages()).map((i) => ({ Id: i.Id, RepoTags: i.RepoTags, Size: i.Size }));
  }

  /** Removes one tag (the image goes with its last tag); never forced, so images in use stay. */
  async removeImage(tag: string): Promise<void> {
    await this.docker.getImage(tag).remove();
  }

  async listVolumes(): Promise<RawVolume[]> {
    // `docker system df` is the only API that reports volume sizes.
    const df = (await this.docker.df()) as { Volumes?: { Name: string; UsageData?: { Size?: number } }[] };
    return (df.Volumes ?? []).map((v) => ({ Name: v.Name, sizeBytes: v.UsageData?.Size ?? null }));
  }

  async removeVolume(name: string): Promise<void> {
    await this.docker.getVolume(name).remove();
  }

  /** Container and network events as a stream of parsed objects; destroy the stream to stop. */
  async events(onEvent: (e: { Type?: string; Action?: string; Actor?: { Attributes?: Record<string, string> } }) => void): Promise<Readable> {
    const stream = (await this.streams.getEvents({ filters: { type: ['container', 'network'] } })) as Readable;
    let pending = '';
    stream.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (!line) continue;
        try {
          onEvent(JSON.parse(line));
        } catch {
          // a partial or foreign line: skip it
        }
      }
    });
    return stream;
  }

  /** Follows a container's stdout and stderr (demultiplexed) from the last `tail` lines. */
  async followLogs(id: string, tail: number, onText: (text: string) => void): Promise<Readable> {
    const container = this.streams.getContainer(id);
    const info = await this.docker.getContainer(id).inspect();
    const stream = (await container.logs({ follow: true, stdout: true, stderr: true, tail })) as unknown as Readable;
    if (info.Config?.Tty) stream.on('data', (d: Buffer) => onText(d.toString('utf8')));
    else {
      const out = new PassThrough();
      out.on('data', (d: Buffer) => onText(d.toString('utf8')));
      this.streams.modem.demuxStream(stream, out, out);
    }
    return stream;
  }
}
