import * as fs from 'fs';
import * as path from 'path';
import type { GoParser, Pause } from '../analysis/parser';
import { contractOfText, contractOfTextSliced, type FileContract } from '../analysis/contract';
import { git } from './git';

/**
 * The base revision of a file, read with real git: `rev-parse` for the repository and the base
 * commit, `ls-tree` for the file's blob (following a rename since the base through `diff -M`),
 * `cat-file` for its text. Texts and their contracts are cached by blob id, so an unchanged base
 * is read and parsed once. Nothing here runs on the typing path; callers schedule it.
 */
export type BaseLookup =
  /** The file at the base. `path` is its path there (differs after a rename). */
  | { kind: 'found'; text: string; contract: FileContract; blob: string; commit: string; path: string; label: string }
  /** Not in the base (tracked or not yet): every test in it is new since the base. */
  | { kind: 'new-file'; label: string; tracked: boolean }
  /** Nothing to compare with, and nothing worth saying (not a repository, untracked, unborn HEAD). */
  | { kind: 'silent'; why: string }
  /** The base revision itself is missing (a shallow clone, a typo, an unfetched remote): say it once. */
  | { kind: 'missing-base'; label: string; message: string };

const BLOB_CACHE_SIZE = 64;

export class ContractBaseReader {
  private blobs = new Map<string, { text: string; contract: FileContract | null }>();
  private toplevels = new Map<string, Promise<string | null>>();

  /** With `pause`, a base read for the first time is parsed and read in slices (the server; the CLI has nothing else to answer). */
  constructor(private readonly parser: GoParser, private readonly pause?: Pause) {}

  async lookup(file: string, base: string): Promise<BaseLookup> {
    // A deleted file (the CLI lists removed tests) may have lost its folder too.
    let dir = path.dirname(file);
    while (!fs.existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
    const top = await this.toplevel(dir);
    if (!top) return { kind: 'silent', why: 'not in a git repository' };
    const commit = await git(top, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${base}^{commit}`]);
    if (commit.code !== 0) {
      if (base === 'HEAD') return { kind: 'silent', why: 'HEAD has no commit yet' };
      const shallow = (await git(top, ['rev-parse', '--is-shallow-repository'])).stdout.trim() === 'true';
      return {
        kind: 'missing-base',
        label: base,
        message: shallow
          ? `The contract base \`${base}\` is not in this shallow clone, so test contracts are not checked. Fetch it (\`git fetch --unshallow\` or \`git fetch origin main\`) or set headscale.contract.base.`
          : `The contract base \`${base}\` does not name a commit in this repository, so test contracts are not checked. Fetch it or set headscale.contract.base.`,
      };
    }
    const sha = commit.stdout.trim();
    const rel = path.relative(top, path.join(realpath(dir), path.relative(dir, file))).split(path.sep).join('/');
    if (rel.startsWith('..')) return { kind: 'silent', why: 'outside the repository' };
    let basePath = rel;
    let blob = await blobAt(top, sha, rel);
    if (!blob) {
      const tracked = await git(top, ['ls-files', '--error-unmatch', '--', rel]);
      if (tracked.code !== 0) return { kind: 'new-file', label: base, tracked: false };
      const renamedFrom = await renamedSince(top, sha, rel);
      if (renamedFrom) {
        basePath = renamedFrom;
        blob = await blobAt(top, sha, renamedFrom);
      }
      if (!blob) return { kind: 'new-file', label: base, tracked: true };
    }
    const cached = await this.blob(top, blob);
    if (!cached || !cached.contract) return { kind: 'silent', why: 'the base version could not be read' };
    return { kind: 'found', text: cached.text, contract: cached.contract, blob, commit: sha, path: basePath, label: base };
  }

  /** The text of a path at a revision (for the read-only base document), or null. */
  async show(file: string, commit: string, basePath: string): Promise<string | null> {
    const top = await this.toplevel(path.dirname(file));
    if (!top) return null;
    const blob = await blobAt(top, commit, basePath);
    return blob ? (await this.blob(top, blob))?.text ?? null : null;
  }

  private async blob(top: string, blob: string): Promise<{ text: string; contract: FileContract | null } | null> {
    const hit = this.blobs.get(blob);
    if (hit) {
      this.blobs.delete(blob);
      this.blobs.set(blob, hit);
      return hit;
    }
    const out = await git(top, ['cat-file', 'blob', blob]);
    if (out.code !== 0) return null;
    const contract = this.pause ? await contractOfTextSliced(this.parser, out.stdout, this.pause) : contractOfText(this.parser, out.stdout);
    const entry = { text: out.stdout, contract };
    this.blobs.set(blob, entry);
    while (this.blobs.size > BLOB_CACHE_SIZE) this.blobs.delete(this.blobs.keys().next().value!);
    return entry;
  }

  private toplevel(dir: string): Promise<string | null> {
    let p = this.toplevels.get(dir);
    if (!p) {
      p = git(dir, ['rev-parse', '--show-toplevel']).then((r) => (r.code === 0 ? r.stdout.trim() : null));
      this.toplevels.set(dir, p);
      // A folder may become a repository (git init) later: forget negative answers.
      void p.then((top) => {
        if (!top) this.toplevels.delete(dir);
      });
    }
    return p;
  }
}

async function blobAt(top: string, commit: string, rel: string): Promise<string | null> {
  const out = await git(top, ['ls-tree', '-z', commit, '--', rel]);
  if (out.code !== 0) return null;
  // "<mode> blob <sha>\t<path>\0"
  const m = /^\d+ blob ([0-9a-f]+)\t/.exec(out.stdout);
  return m ? m[1] : null;
}

/** The base path of a file renamed (staged) since the base commit, or null. */
async function renamedSince(top: string, commit: string, rel: string): Promise<string | null> {
  const out = await git(top, ['diff', '--name-status', '-z', '-M', '--diff-filter=R', commit, '--', '*_test.go']);
  if (out.code !== 0) return null;
  const parts = out.stdout.split('\0');
  for (let i = 0; i + 2 < parts.length; i += 3) {
    if (/^R\d*$/.test(parts[i]) && parts[i + 2] === rel) return parts[i + 1];
  }
  return null;
}

function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}
