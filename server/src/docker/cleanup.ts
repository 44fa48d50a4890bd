import type { CleanupOptions, CleanupPlan, CleanupResult, HiContainer } from '../../../shared/src/docker';
import type { DockerApi, RawImage, RawNetwork, RawVolume } from './dockerApi';
import { CACHE_VOLUMES, containerName, isHiImage, isHiNetwork, isHiTag, isUnattachedHiNetwork, toHiContainer, type RawContainer } from './hiContainers';

/**
 * What a cleanup removes, decided from one snapshot of the daemon, and the removal itself. Only
 * hi's containers (hiContainers.ts), `hs-<hex>-*` networks no remaining container uses, hi's two
 * Go cache volumes and hi's test images are ever candidates; running containers are listed apart
 * and removed only when the user confirmed exactly that.
 */
export interface DockerSnapshot {
  containers: RawContainer[];
  networks: RawNetwork[];
  volumes: RawVolume[];
  images: RawImage[];
}

const LEFTOVER_STATES = new Set(['exited', 'dead', 'created']);
const RUNNING_STATES = new Set(['running', 'restarting', 'paused']);

export function planCleanup(snapshot: DockerSnapshot, options: CleanupOptions): CleanupPlan {
  const hi = snapshot.containers.map((c) => ({ raw: c, hi: toHiContainer(c) })).filter((c): c is { raw: RawContainer; hi: HiContainer } => c.hi !== null);
  const chosen = options.containerIds ? hi.filter((c) => options.containerIds!.includes(c.hi.id)) : hi.filter((c) => LEFTOVER_STATES.has(c.hi.state));
  const chosenIds = new Set(chosen.map((c) => c.hi.id));
  const remaining = snapshot.containers.filter((c) => !chosenIds.has(c.Id));
  const usedNetworks = new Set(remaining.flatMap((c) => Object.keys(c.NetworkSettings?.Networks ?? {})));
  const chosenNetworks = new Set(chosen.flatMap((c) => c.hi.networks));
  const allNetworks = new Set(snapshot.containers.flatMap((c) => Object.keys(c.NetworkSettings?.Networks ?? {})));
  // The chosen containers' hs-* networks, plus scenario-named networks no container references at
  // all (a leftover scenario network) when cleaning leftovers; never one still in use.
  const networks = snapshot.networks
    .filter((n) => isHiNetwork(n.Name) && !usedNetworks.has(n.Name) && (chosenNetworks.has(n.Name) || (!options.containerIds && !allNetworks.has(n.Name) && isUnattachedHiNetwork(n.Name))))
    .map((n) => ({ id: n.Id, name: n.Name }));
  const usedVolumes = new Set(remaining.flatMap((c) => (c.Mounts ?? []).map((m) => m.Name ?? '')));
  const volumes = options.includeCacheVolumes ? snapshot.volumes.filter((v) => CACHE_VOLUMES.includes(v.Name) && !usedVolumes.has(v.Name)).map((v) => ({ name: v.Name, sizeBytes: v.sizeBytes })) : [];
  const usedImages = new Set(remaining.map((c) => c.ImageID ?? ''));
  // Only hi's tags are removed: an image that also carries someone else's tag keeps it (and its
  // space), so it reclaims nothing.
  const images = options.includeImages
    ? snapshot.images
        .filter((i) => isHiImage(i.RepoTags ?? []) && !usedImages.has(i.Id))
        .map((i) => {
          const tags = i.RepoTags ?? [];
          return { id: i.Id, tags: tags.filter(isHiTag), sizeBytes: tags.every(isHiTag) ? i.Size : 0 };
        })
    : [];
  const containers = chosen.map((c) => c.hi);
  return {
    containers,
    running: containers.filter((c) => RUNNING_STATES.has(c.state)),
    networks,
    volumes,
    images,
    reclaimBytes: containers.reduce((n, c) => n + (c.sizeBytes ?? 0), 0) + volumes.reduce((n, v) => n + (v.sizeBytes ?? 0), 0) + images.reduce((n, i) => n + i.sizeBytes, 0),
  };
}

export async function snapshot(api: DockerApi, options: CleanupOptions): Promise<DockerSnapshot> {
  const [containers, networks, volumes, images] = await Promise.all([
    api.listContainers(true),
    api.listNetworks(),
    options.includeCacheVolumes ? api.listVolumes() : Promise.resolve([]),
    options.includeImages ? api.listImages() : Promise.resolve([]),
  ]);
  return { containers, networks, volumes, images };
}

/**
 * A plan as the client sent it, checked for shape: ids and names are strings, lists are lists.
 * Whether each item is hi's is decided again against Docker by executeCleanup.
 */
export function validPlan(plan: unknown): CleanupPlan {
  const p = (plan && typeof plan === 'object' ? plan : {}) as Record<string, unknown>;
  const list = <T>(v: unknown, ok: (x: Record<string, unknown>) => boolean): T[] => {
    if (!Array.isArray(v) || !v.every((x) => x && typeof x === 'object' && ok(x as Record<string, unknown>))) throw new Error('malformed cleanup plan');
    return v as T[];
  };
  const str = (x: unknown) => typeof x === 'string';
  const containers = list<HiContainer>(p.containers, (c) => str(c.id) && str(c.name));
  return {
    containers,
    running: list<HiContainer>(p.running ?? [], (c) => str(c.id)),
    networks: list<CleanupPlan['networks'][number]>(p.networks, (n) => str(n.id) && str(n.name)),
    volumes: list<CleanupPlan['volumes'][number]>(p.volumes, (v) => str(v.name)),
    images: list<CleanupPlan['images'][number]>(p.images, (i) => str(i.id) && Array.isArray(i.tags) && (i.tags as unknown[]).every(str)).map((i) => ({ ...i, sizeBytes: Number(i.sizeBytes) || 0 })),
    reclaimBytes: Number(p.reclaimBytes) || 0,
  };
}

/**
 * Removes what a confirmed plan lists, re-checking each item against the daemon now: a container
 * that is gone, is no longer hi's or started running since the plan is skipped with a reason.
 */
export async function executeCleanup(api: DockerApi, plan: CleanupPlan, allowRunning: boolean): Promise<CleanupResult> {
  const result: CleanupResult = { removedContainers: [], removedNetworks: [], removedVolumes: [], removedImages: [], refused: [], failed: [], reclaimedBytes: 0 };
  const now = new Map((await api.listContainers()).map((c) => [c.Id, c]));
  /** Networks of containers that stay: removing those would fail (or cut a kept container off). */
  const kept = new Set<string>();
  for (const planned of plan.containers) {
    const current = now.get(planned.id);
    const hi = current ? toHiContainer(current) : null;
    if (!current || !hi) {
      result.refused.push({ name: planned.name, reason: current ? 'not a hi container' : 'already gone' });
      continue;
    }
    if (RUNNING_STATES.has(hi.state) && !allowRunning) {
      result.refused.push({ name: hi.name, reason: 'running (part of an active run); confirm removing running containers' });
      hi.networks.forEach((n) => kept.add(n));
      continue;
    }
    try {
      await api.removeContainer(hi.id);
      result.removedContainers.push(containerName(current));
      result.reclaimedBytes += planned.sizeBytes ?? 0;
    } catch (e) {
      result.failed.push({ name: hi.name, message: (e as Error).message });
      hi.networks.forEach((n) => kept.add(n));
    }
  }
  // Networks are re-checked against Docker now, as containers are: the plan's names are only what
  // the client sent (a forged plan once named a foreign network's id `hs-…-default`).
  const removedNetworks = new Set(plan.containers.filter((c) => result.removedContainers.includes(c.name)).flatMap((c) => now.get(c.id) ? Object.keys(now.get(c.id)!.NetworkSettings?.Networks ?? {}) : []));
  if (plan.networks.length) {
    const networksNow = new Map((await api.listNetworks()).map((n) => [n.Id, n]));
    const inUse = new Set((await api.listContainers()).flatMap((c) => Object.keys(c.NetworkSettings?.Networks ?? {})));
    for (const n of plan.networks) {
      const current = networksNow.get(n.id);
      const refuse = (reason: string) => result.refused.push({ name: current?.Name ?? n.name, reason });
      if (!current) refuse('already gone');
      else if (!isHiNetwork(current.Name)) refuse('not a hi network');
      else if (kept.has(current.Name) || inUse.has(current.Name)) refuse('still used by a container that was kept');
      else if (!removedNetworks.has(current.Name) && !isUnattachedHiNetwork(current.Name)) refuse('no hi container used it, and its name is not one hi scenarios create');
      else await attempt(result, current.Name, () => api.removeNetwork(current.Id), () => result.removedNetworks.push(current.Name));
    }
  }
  for (const v of plan.volumes) {
    if (!CACHE_VOLUMES.includes(v.name)) continue;
    await attempt(result, v.name, () => api.removeVolume(v.name), () => {
      result.removedVolumes.push(v.name);
      result.reclaimedBytes += v.sizeBytes ?? 0;
    });
  }
  // Images too: only tags that are hi's and still on the planned image, never an image in use.
  if (plan.images.length) {
    const imagesNow = new Map((await api.listImages()).map((i) => [i.Id, i]));
    const usedImages = new Set((await api.listContainers()).map((c) => c.ImageID ?? ''));
    for (const i of plan.images) {
      const current = imagesNow.get(i.id);
      const tags = (current?.RepoTags ?? []).filter((t) => i.tags.includes(t) && isHiTag(t));
      if (!current) result.refused.push({ name: i.tags.join(', '), reason: 'already gone' });
      else if (usedImages.has(current.Id)) result.refused.push({ name: i.tags.join(', '), reason: 'used by a container' });
      else if (!tags.length) result.refused.push({ name: i.tags.join(', '), reason: 'no hi tag on this image' });
      // By tag, never by id: removing the last tag deletes the image, other tags stay untouched.
      else
        await attempt(result, tags.join(', '), () => tags.reduce((done, t) => done.then(() => api.removeImage(t)), Promise.resolve()), () => {
          result.removedImages.push(...tags);
          result.reclaimedBytes += i.sizeBytes;
        });
    }
  }
  return result;
}

async function attempt(result: CleanupResult, name: string, remove: () => Promise<void>, done: () => void): Promise<void> {
  try {
    await remove();
    done();
  } catch (e) {
    result.failed.push({ name, message: (e as Error).message });
  }
}
