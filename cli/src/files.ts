import * as fs from 'fs';
import * as path from 'path';
import { fileTypeOf } from '../../server/src/safeRead';

const SKIP_DIRS = new Set(['.git', 'node_modules', 'vendor', 'dist', 'out', 'control_logs']);

export class UsageError extends Error {}

/** A path the walk found but could not offer for reading, with the reason for the user. */
export interface SkippedPath {
  path: string;
  reason: string;
}

export interface CollectedFiles {
  files: string[];
  /** Explicitly named or `.go`-named paths that are not regular files: the caller reports them. */
  skipped: SkippedPath[];
}

/**
 * Expands files and directories into the .go files below them, sorted; a missing path is a usage
 * error. Directory symlinks are never followed (two `-> .` links would make the walk exponential,
 * a `..` link would list the tree again), a linked .go file is read once (deduplicated by its real
 * path), and a .go name that is a FIFO, a device or a link to one is reported, never opened.
 */
export function collectGoFiles(inputs: readonly string[]): CollectedFiles {
  const files: string[] = [];
  const skipped: SkippedPath[] = [];
  const seenFiles = new Set<string>();
  const seenDirs = new Set<string>();
  const addFile = (p: string) => {
    let real: string;
    try {
      real = fs.realpathSync(p);
    } catch {
      real = path.resolve(p);
    }
    if (seenFiles.has(real)) return;
    seenFiles.add(real);
    files.push(p);
  };
  /** A `.go` entry found by the walk: a regular file, a link to one, or something to report. */
  const visitFile = (p: string, e: fs.Dirent) => {
    if (e.isFile()) return addFile(p);
    if (!e.isSymbolicLink()) return void skipped.push({ path: p, reason: `${direntType(e)}, not a regular file` });
    let target: fs.Stats;
    try {
      target = fs.statSync(p);
    } catch {
      return; // dangling: nothing to check
    }
    if (target.isFile()) addFile(p);
    else if (!target.isDirectory()) skipped.push({ path: p, reason: `links to ${fileTypeOf(target)}, not a regular file` });
  };
  for (const input of inputs) {
    let st: fs.Stats;
    try {
      st = fs.statSync(input); // a path the user named is followed, once
    } catch {
      throw new UsageError(`no such file or directory: ${input}`);
    }
    if (st.isFile()) {
      addFile(input);
      continue;
    }
    if (!st.isDirectory()) {
      skipped.push({ path: input, reason: `${fileTypeOf(st)}, not a regular file` });
      continue;
    }
    // Iterative, so no depth can overflow the stack; entries are visited in sorted, depth-first order.
    const stack: { p: string; entry: fs.Dirent | null }[] = [{ p: input, entry: null }];
    while (stack.length) {
      const { p, entry } = stack.pop()!;
      if (entry && !entry.isDirectory()) {
        visitFile(p, entry);
        continue;
      }
      let real: string;
      try {
        real = fs.realpathSync(p);
      } catch {
        continue;
      }
      if (seenDirs.has(real)) continue;
      seenDirs.add(real);
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(p, { withFileTypes: true });
      } catch (e) {
        skipped.push({ path: p, reason: `cannot list: ${(e as NodeJS.ErrnoException).code ?? String(e)}` });
        continue;
      }
      const next = entries
        .filter((e) => (e.isDirectory() ? !SKIP_DIRS.has(e.name) : e.name.endsWith('.go')))
        .sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
      for (const e of next) stack.push({ p: path.join(p, e.name), entry: e });
    }
  }
  return { files, skipped };
}

function direntType(e: fs.Dirent): string {
  if (e.isFIFO()) return 'a FIFO';
  if (e.isCharacterDevice()) return 'a character device';
  if (e.isBlockDevice()) return 'a block device';
  if (e.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Each file that could not be checked, on stderr; true when there was one (the exit status is then 2). */
export function reportUnchecked(unchecked: readonly SkippedPath[]): boolean {
  for (const u of unchecked) process.stderr.write(`hi-workbench: not checked: ${u.path}: ${u.reason}\n`);
  if (unchecked.length) process.stderr.write(`hi-workbench: ${unchecked.length} file(s) could not be checked\n`);
  return unchecked.length > 0;
}
