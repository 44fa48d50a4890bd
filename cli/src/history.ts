import { entriesOfRun, findRuns, statsOf, type Backend, type TestRunEntry, type TestStats } from '../../server/src/discovery/testHistory';

/**
 * `cli history <dir…>`: per test and backend, over every run found under the folders (control_logs
 * of a machine, or artifacts downloaded from many CI jobs): pass rate, duration median and p90, and
 * the flaky ones. Only folder listings and the small run records are read, never logs.
 */
export interface HistoryRow extends TestStats {
  test: string;
  backend: Backend;
  /** Passed and failed without a recorded commit (CI artifacts): a flake candidate. */
  mixed: boolean;
}

export interface HistoryReport {
  runs: number;
  tests: HistoryRow[];
}

export function historyReport(dirs: readonly string[]): HistoryReport {
  const found = findRuns(dirs);
  const groups = new Map<string, TestRunEntry[]>();
  for (const { run, backend, test } of found) {
    for (const e of entriesOfRun(run, backend, test)) {
      const key = `${e.test}\0${e.backend}`;
      const list = groups.get(key) ?? [];
      list.push(e);
      groups.set(key, list);
    }
  }
  const tests: HistoryRow[] = [];
  for (const [key, entries] of groups) {
    const [test, backend] = key.split('\0') as [string, Backend];
    const s = statsOf(entries);
    tests.push({ test, backend, ...s, mixed: s.passed > 0 && s.failed > 0 && !s.flakyCommits.length });
  }
  // Worst first: the tests to look at come at the top.
  tests.sort((a, b) => (a.passRate ?? 2) - (b.passRate ?? 2) || a.test.localeCompare(b.test) || a.backend.localeCompare(b.backend));
  return { runs: found.length, tests };
}

function seconds(v: number | null): string {
  return v === null ? '—' : `${Math.round(v)}s`;
}

export function formatHistoryText(report: HistoryReport): string {
  if (!report.tests.length) return `No runs found (${report.runs} run folders).\n`;
  const rows = report.tests.map((t) => [
    t.test,
    t.backend,
    `${t.passed}/${t.passed + t.failed}`,
    t.passRate === null ? '—' : `${Math.round(t.passRate * 100)}%`,
    seconds(t.medianSeconds),
    seconds(t.p90Seconds),
    t.flakyCommits.length ? `flaky on ${t.flakyCommits.map((c) => c.slice(0, 7)).join(',')}` : t.mixed ? 'mixed results' : '',
  ]);
  const header = ['test', 'backend', 'passed', 'rate', 'median', 'p90', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  const flaky = report.tests.filter((t) => t.flakyCommits.length || t.mixed);
  return [
    `${report.runs} runs, ${report.tests.length} tests`,
    line(header),
    ...rows.map(line),
    '',
    flaky.length ? `Flaky: ${flaky.map((t) => `${t.test} (${t.backend})`).join(', ')}` : 'Flaky: none',
    '',
  ].join('\n');
}
