import { git } from './git';

export interface ChangedTestFile {
  status: 'modified' | 'renamed' | 'deleted' | 'added';
  /** Path relative to the repository root now (for deleted files: at the base). */
  path: string;
  basePath: string;
}

/** The repository root of a folder, or null outside a repository. */
export async function repositoryRoot(dir: string): Promise<string | null> {
  const r = await git(dir, ['rev-parse', '--show-toplevel']);
  return r.code === 0 ? r.stdout.trim() : null;
}

/** _test.go files that differ between the base commit and the working tree (renames followed). */
export async function changedTestFiles(top: string, base: string): Promise<ChangedTestFile[] | null> {
  const r = await git(top, ['diff', '--name-status', '-z', '-M', '--end-of-options', base, '--', '*_test.go']);
  if (r.code !== 0) return null;
  const parts = r.stdout.split('\0');
  const out: ChangedTestFile[] = [];
  for (let i = 0; i < parts.length && parts[i]; ) {
    const status = parts[i];
    if (status.startsWith('R') || status.startsWith('C')) {
      out.push({ status: 'renamed', basePath: parts[i + 1], path: parts[i + 2] });
      i += 3;
    } else {
      const p = parts[i + 1];
      out.push({ status: status === 'D' ? 'deleted' : status === 'A' ? 'added' : 'modified', path: p, basePath: p });
      i += 2;
    }
  }
  return out;
}
