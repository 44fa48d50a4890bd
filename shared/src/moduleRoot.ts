import * as fs from 'fs';
import * as path from 'path';

/**
 * Walks up from `start`: the nearest folder with go.mod and cmd/hi (where hi runs from), and the
 * nearest with go.mod at all. Used by the server (lens cwd) and the client (commands).
 */
export function findModuleRoots(start: string): { hiRoot: string | null; goModRoot: string | null } {
  let goModRoot: string | null = null;
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'go.mod'))) {
      goModRoot ??= dir;
      if (fs.existsSync(path.join(dir, 'cmd', 'hi'))) return { hiRoot: dir, goModRoot };
    }
    if (path.dirname(dir) === dir) return { hiRoot: null, goModRoot };
  }
}
