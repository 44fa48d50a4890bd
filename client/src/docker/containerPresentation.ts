import type { ContainerGroup, HiContainer } from '../../../shared/src/docker';
import { formatBytes, listWithMore, plural } from '../wording';

export { containerAge, containerDescription } from '../wording';

/** How containers and their runs read in the Containers view. Pure. */
export function groupDescription(g: ContainerGroup): string {
  const running = g.containers.filter((c) => c.state === 'running').length;
  return [plural(g.containers.length, 'container'), running ? `${running} running` : '', g.active ? 'active' : ''].filter(Boolean).join(' · ');
}

/** The confirmation's list: every container, network, volume and image by name. */
export function planLines(plan: { containers: HiContainer[]; networks: { name: string }[]; volumes: { name: string }[]; images: { tags: string[]; id: string }[] }, max = 25): string {
  const lines = [
    ...plan.containers.map((c) => `container ${c.name} (${c.state})`),
    ...plan.networks.map((n) => `network ${n.name}`),
    ...plan.volumes.map((v) => `volume ${v.name}`),
    ...plan.images.map((i) => `image ${i.tags[0] ?? i.id.slice(0, 19)}`),
  ];
  return listWithMore(lines, max).join('\n');
}

export function resultSummary(r: { removedContainers: string[]; removedNetworks: string[]; removedVolumes: string[]; removedImages: string[]; reclaimedBytes: number; refused: unknown[]; failed: unknown[] }): string {
  const parts = [plural(r.removedContainers.length, 'container'), plural(r.removedNetworks.length, 'network')];
  if (r.removedVolumes.length) parts.push(plural(r.removedVolumes.length, 'volume'));
  if (r.removedImages.length) parts.push(plural(r.removedImages.length, 'image'));
  let text = `Removed ${parts.join(', ')}; reclaimed ${formatBytes(r.reclaimedBytes)}.`;
  if (r.refused.length) text += ` ${plural(r.refused.length, 'item')} kept (running or in use).`;
  if (r.failed.length) text += ` ${plural(r.failed.length, 'removal')} failed; see the log.`;
  return text;
}
