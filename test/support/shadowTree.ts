/**
 * A cheap writable stand-in for a large installed tree (the code-server cache, node_modules): every
 * entry is a symlink to the real one, except along one path, which is real folders down to a real
 * copy of the last entry. Damaging that copy damages the "install" without touching the real one
 * and without reinstalling anything.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export function shadowTree(realRoot: string, shadowRoot: string, copyRel: string): string {
  const parts = copyRel.split('/').filter(Boolean);
  let real = realRoot;
  let shadow = shadowRoot;
  fs.mkdirSync(shadow, { recursive: true });
  for (const [i, part] of parts.entries()) {
    for (const entry of fs.readdirSync(real)) {
      if (entry !== part) fs.symlinkSync(path.join(real, entry), path.join(shadow, entry));
    }
    real = path.join(real, part);
    shadow = path.join(shadow, part);
    if (i === parts.length - 1) fs.cpSync(real, shadow, { recursive: true, verbatimSymlinks: true });
    else fs.mkdirSync(shadow);
  }
  return shadow;
}
