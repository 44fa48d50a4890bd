import * as path from 'path';
import { findModuleRoots } from '../../../shared/src/moduleRoot';

/**
 * The headscale module root of a file: the nearest folder up with go.mod and cmd/hi (hi runs from
 * there), else the nearest with go.mod, else the file's folder. Cached per folder.
 */
const cache = new Map<string, string>();

export function moduleRootOf(file: string): string {
  const start = path.dirname(file);
  let root = cache.get(start);
  if (!root) {
    const found = findModuleRoots(start);
    root = found.hiRoot ?? found.goModRoot ?? start;
    cache.set(start, root);
  }
  return root;
}
