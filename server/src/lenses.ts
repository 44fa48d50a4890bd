import type { CodeLens } from 'vscode-languageserver';
import { formatRunDuration } from '../../shared/src/hiCommand';
import type { DiscoverTestsResult, TestInfo } from '../../shared/src/protocol';
import type { RunSettings } from '../../shared/src/settings';

/**
 * Lenses above each test and above the package clause. The arguments carry the exact argv, so the
 * client runs what the lens says. In Restricted Mode every lens says running is disabled.
 */
export function lensesFor(result: DiscoverTestsResult, packageLine: number | null, settings: RunSettings, trusted: boolean): CodeLens[] {
  const lenses: CodeLens[] = [];
  const lens = (line: number, character: number, title: string, command: string, args: unknown[]) =>
    lenses.push({ range: { start: { line, character }, end: { line, character } }, command: { title, command, arguments: args } });
  const visit = (t: TestInfo, depth: number) => {
    if (!trusted) {
      lens(t.line, t.character, '▶ Run with hi — disabled in Restricted Mode', 'hi.explainRestricted', []);
    } else {
      lens(t.line, t.character, `▶ Run ${depth === 0 ? '' : 'subtest '}with hi (${t.run.timeoutSeconds}s)`, 'hi.runTest', [t.run]);
      if (depth === 0 && (t.postgresListed || settings.showPostgresLens)) {
        lens(t.line, t.character, `▶ Run with hi --postgres (${t.runPostgres.timeoutSeconds}s)`, 'hi.runTest', [t.runPostgres]);
      }
      const last = depth === 0 ? t.lastRuns[0] : undefined;
      if (last) {
        lens(t.line, t.character, lastRunTitle(t), 'hi.revealRun', [last.dir]);
        const flaky = t.history.flakyCommits;
        lens(t.line, t.character, flaky.length ? `⚠ flaky (passed and failed on ${flaky[0].slice(0, 7)})` : 'History', 'hi.showTestHistory', [t.run.uri, t.name]);
      }
    }
    t.children.forEach((c) => visit(c, depth + 1));
  };
  if (packageLine !== null && result.fileRun) {
    if (trusted) {
      lens(packageLine, 0, `▶ Run file's tests with hi (${result.fileRun.timeoutSeconds}s)`, 'hi.runTest', [result.fileRun]);
      if (result.fileRunPostgres && settings.showPostgresLens) lens(packageLine, 0, `▶ Run file's tests with hi --postgres (${result.fileRunPostgres.timeoutSeconds}s)`, 'hi.runTest', [result.fileRunPostgres]);
    }
    else lens(packageLine, 0, '▶ Run with hi — disabled in Restricted Mode', 'hi.explainRestricted', []);
  }
  result.tests.forEach((t) => visit(t, 0));
  return lenses;
}

export const RESULT_ICON = { passed: '✓', failed: '✗', cancelled: '⊘' } as const;

/** `Last run ✗ 14m02s · 3 of last 5 passed` (the count once there are two finished runs). */
export function lastRunTitle(t: TestInfo): string {
  const last = t.lastRuns[0];
  const duration = last.durationSeconds === null ? '' : ` ${formatRunDuration(last.durationSeconds)}`;
  const count = t.history.of >= 2 ? ` · ${t.history.passed} of last ${t.history.of} passed` : '';
  return `Last run ${RESULT_ICON[last.status]}${duration}${count}`;
}
