import * as fs from 'fs';
import * as path from 'path';

/**
 * The headscale module root of a file: the nearest folder up with go.mod and cmd/hi (hi runs from
 * there), else the nearest with go.mod, else the file's folder. Cached per folder.
 */
const cache = new Map<string, string>();

export function moduleRootOf(file: string): string {
  const start = path.dirname(file);
  const cached = cache.get(start);
  if (cached) return cached;
  let goMod: string | null = null;
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'go.mod'))) {
      goMod ??= dir;
      if (fs.existsSync(path.join(dir, 'cmd', 'hi'))) {
        cache.set(start, dir);
        return dir;
      }
    }
    if (path.dirname(dir) === dir) break;
  }
  const root = goMod ?? start;
  cache.set(start, root);
  return root;
}

export function hasHiRunner(root: string): boolean {
  return fs.existsSync(path.join(root, 'cmd', 'hi'));
}
