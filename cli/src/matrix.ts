import type { TestInfo } from '../../shared/src/protocol';

/**
 * `cli tests --format matrix`: entries for a GitHub Actions matrix (`strategy.matrix: ${{ fromJSON(…) }}`),
 * one job per test as headscale's CI runs them, with the timeout and --postgres the lens shows.
 * Long tests are split by subtest to stay clear of the job timeout: by the prefixes in `splits`
 * (CI's `TestAutoApproveMultiNetwork/authkey-tag.*`, for subtests named at run time), or else by
 * their literal `t.Run` subtests when the test is long-running.
 */
export interface MatrixEntry {
  /** The name CI's generator writes: `TestX` or `TestX/prefix.*`. */
  test: string;
  /** The pattern for `hi run` (validated by the runner). */
  pattern: string;
  timeoutSeconds: number;
  timeout: string;
  postgres: boolean;
  category: string;
  argv: string[];
}

/** CI's split (headscale-facts §2.2): 6 jobs of 4 subtests each. */
export const DEFAULT_SPLITS: Record<string, string[]> = {
  TestAutoApproveMultiNetwork: ['authkey-tag', 'authkey-user', 'authkey-group', 'webauth-tag', 'webauth-user', 'webauth-group'],
};

export function matrixEntries(tests: readonly TestInfo[], splits: Record<string, string[]> = DEFAULT_SPLITS): MatrixEntry[] {
  const out: MatrixEntry[] = [];
  for (const t of tests) {
    const prefixes = splits[t.name] ?? (t.category === 'long' && t.children.length > 1 ? t.children.map((c) => c.name.slice(t.name.length + 1)) : null);
    for (const postgres of t.postgresListed ? [false, true] : [false]) {
      const run = postgres ? t.runPostgres : t.run;
      const entry = (test: string, pattern: string): MatrixEntry => ({
        test,
        pattern,
        timeoutSeconds: run.timeoutSeconds,
        timeout: `${run.timeoutSeconds}s`,
        postgres,
        category: t.label,
        argv: run.argv.map((a) => (a === run.pattern ? pattern : a)),
      });
      if (!prefixes) out.push(entry(t.name, run.pattern));
      else for (const p of prefixes) out.push(entry(`${t.name}/${p}.*`, `${run.pattern}/^${p}.*$`));
    }
  }
  return out;
}
