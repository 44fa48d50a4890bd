import type { MapResponseFolder, RunFile } from './artifacts';

/**
 * Map response captures per node folder (`mapresponses/<node>/…`), nodes in numeric order. The
 * server sums a run's folders up this way when it sends too many captures to list one by one
 * (RunView.mapResponseFolders); the Runs view does the same over the rows it got otherwise.
 */
export function mapResponseFolders(files: readonly Pick<RunFile, 'path' | 'relative'>[]): MapResponseFolder[] {
  const nodes = new Map<string, MapResponseFolder>();
  for (const f of files) {
    const parts = f.relative.split('/');
    if (parts.length < 3) continue;
    const node = parts[parts.length - 2];
    const dir = f.path.slice(0, f.path.length - parts[parts.length - 1].length - 1);
    const entry = nodes.get(dir) ?? { node, dir, count: 0 };
    entry.count++;
    nodes.set(dir, entry);
  }
  return [...nodes.values()].sort((a, b) => Number(a.node) - Number(b.node) || a.node.localeCompare(b.node));
}
