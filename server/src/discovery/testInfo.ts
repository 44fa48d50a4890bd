import * as path from 'path';
import type { Tree } from 'web-tree-sitter';
import { anchoredAlternatives, formatRunDuration, runTestArgs } from '../../../shared/src/hiCommand';
import type { DiscoverTestsResult, RunTestArgs, TestInfo } from '../../../shared/src/protocol';
import type { RunSettings } from '../../../shared/src/settings';
import { LineIndex } from '../analysis/lineIndex';
import { classify } from './categories';
import { testDeclarations, type DiscoveredTest } from './discovery';
import { moduleRootOf } from './moduleRoot';
import { historyIndex, historySummary, median, pastRun } from './testHistory';

export { POSTGRES_MIN_TIMEOUT } from '../../../shared/src/hiCommand';

/** How many earlier runs the lens counts ("3 of last 5 passed") and the hover strip shows. */
export const LENS_RUNS = 5;
export const STRIP_RUNS = 10;

/** Whether lenses belong on this file: Go tests of a headscale-style integration package. */
export function isIntegrationTestFile(file: string): boolean {
  return file.endsWith('_test.go');
}

/**
 * One document's test infos kept between requests, per test declaration (its text and the
 * directives above it) with lines relative to the declaration: after an edit only the edited
 * function is looked at again and the others move to their new lines. Everything is dropped when
 * what they were made from changes (the file, the settings, the history index); declarations no
 * longer in the file are dropped at the end of each request.
 */
export class TestInfoMemo {
  private key = '';
  private index: unknown = null;
  private current = new Map<string, TestInfo>();
  private next = new Map<string, TestInfo>();
  /** How many tests the last request took from the memo (the rest were looked at again). */
  reused = 0;

  begin(key: string, index: unknown): void {
    if (key !== this.key || index !== this.index) {
      this.current.clear();
      this.key = key;
      this.index = index;
    }
    this.next = new Map();
    this.reused = 0;
  }

  lookup(declaration: string, compute: () => TestInfo): TestInfo {
    let info = this.next.get(declaration) ?? this.current.get(declaration);
    if (info) this.reused++;
    else info = compute();
    this.next.set(declaration, info);
    return info;
  }

  end(): void {
    this.current = this.next;
    this.next = new Map();
  }
}

/** A test info made relative to its declaration, placed at the declaration's line and character. */
function placed(t: TestInfo, line: number, character: number): TestInfo {
  return {
    ...t,
    line: t.line + line,
    character: t.line === 0 ? t.character + character : t.character,
    endLine: t.endLine + line,
    endCharacter: t.endLine === 0 ? t.endCharacter + character : t.endCharacter,
    children: t.children.map((c) => placed(c, line, character)),
  };
}

/**
 * Discovered tests with their category, reason, history and the exact hi command for each.
 * `historyGeneration` changes when a run finished, so the history is read again. With the
 * document's `memo`, unchanged test functions cost a lookup.
 */
export function testInfos(file: string, uri: string, text: string, tree: Tree, settings: RunSettings, historyGeneration = 0, memo = new TestInfoMemo()): DiscoverTestsResult {
  const cwd = moduleRootOf(file);
  const index = historyIndex(path.resolve(cwd, settings.controlLogs), historyGeneration);
  const fileName = path.basename(file);
  const make = (spec: Omit<Parameters<typeof runTestArgs>[2], 'cwd' | 'uri'>) => runTestArgs(settings.hiCommand, settings.hiExtraArgs, { ...spec, cwd, uri });
  /** `t`'s offsets are relative to its declaration, whose text `lines` indexes. */
  const toInfo = (t: DiscoveredTest, lines: LineIndex): TestInfo => {
    const c = classify(t, fileName, settings);
    const history = historySummary(index, t.name);
    const args = (postgres: boolean): RunTestArgs =>
      make({ title: t.name, testName: t.name, pattern: t.name, anchored: true, timeoutSeconds: c.timeoutSeconds, postgres, category: c.label, previousDurations: history.durations[postgres ? 'postgres' : 'sqlite'] });
    const recent = history.entries.filter((e) => e.status !== 'cancelled').slice(0, LENS_RUNS);
    const s = lines.positionAt(t.nameStart);
    const e = lines.positionAt(t.nameEnd);
    return {
      name: t.name,
      line: s.line,
      character: s.character,
      endLine: e.line,
      endCharacter: e.character,
      category: c.category,
      label: c.label,
      reason: c.reason,
      run: args(false),
      runPostgres: args(true),
      postgresListed: c.postgres,
      lastRuns: history.entries.slice(0, STRIP_RUNS).map(pastRun),
      history: { passed: recent.filter((r) => r.status === 'passed').length, of: recent.length, flakyCommits: history.flakyCommits },
      children: t.children.map((child) => toInfo(child, lines)),
    };
  };
  memo.begin(`${uri}\0${file}\0${JSON.stringify(settings)}`, index);
  const tests = testDeclarations(text, tree).map((d) => {
    const info = memo.lookup(`${JSON.stringify(d.directives)}\0${d.text}`, () => toInfo({ ...d.relative, directives: d.directives }, new LineIndex(d.text)));
    return placed(info, d.line, d.character);
  });
  memo.end();
  const fileRun = (postgres: boolean): RunTestArgs | null => {
    if (!tests.length) return null;
    const { timeoutSeconds, reason } = fileTimeout(tests, postgres, settings.timeouts.suite);
    return make({
      title: `${fileName} (${tests.length} tests)`,
      testName: null,
      testNames: tests.map((t) => t.name),
      pattern: anchoredAlternatives(tests.map((t) => t.name)),
      anchored: false,
      timeoutSeconds,
      postgres,
      category: 'pattern',
      previousDurations: [],
      timeoutReason: reason,
    });
  };
  return { tests, fileRun: fileRun(false), fileRunPostgres: fileRun(true) };
}

/**
 * hi's --timeout becomes `go test -timeout`, which bounds the whole run of every test the pattern
 * matches. So a run of several tests gets at least the largest of their timeouts, and room for all
 * of them one after another: the sum of their median durations (their category timeouts without
 * history), up to the suite timeout.
 */
export function fileTimeout(tests: readonly TestInfo[], postgres: boolean, suiteSeconds: number): { timeoutSeconds: number; reason: string } {
  const own = (t: TestInfo) => (postgres ? t.runPostgres : t.run);
  const largest = tests.reduce((a, b) => (own(b).timeoutSeconds > own(a).timeoutSeconds ? b : a));
  const largestSeconds = own(largest).timeoutSeconds;
  if (tests.length === 1) return { timeoutSeconds: largestSeconds, reason: `${largest.name}'s own timeout ${largestSeconds}s` };
  const parts = tests.map((t) => {
    const m = median(own(t).previousDurations);
    return m !== null ? { name: t.name, seconds: Math.ceil(m), from: 'median' } : { name: t.name, seconds: own(t).timeoutSeconds, from: 'timeout' };
  });
  const total = parts.reduce((n, p) => n + p.seconds, 0);
  const shown = parts.slice(0, 8).map((p) => `${p.name} ${formatRunDuration(p.seconds)}${p.from === 'median' ? ' (median)' : ''}`);
  if (parts.length > 8) shown.push(`${parts.length - 8} more ${formatRunDuration(parts.slice(8).reduce((n, p) => n + p.seconds, 0))}`);
  const capped = Math.min(total, suiteSeconds);
  const timeoutSeconds = Math.max(largestSeconds, capped);
  const steps = [
    `expected total ${shown.join(' + ')} = ${total}s (medians of earlier runs, else category timeouts)`,
    ...(total > suiteSeconds ? [`capped at the suite timeout ${suiteSeconds}s`] : []),
    `at least the largest test timeout ${largestSeconds}s (${largest.name})`,
  ];
  return { timeoutSeconds, reason: `${steps.join('; ')} → --timeout=${timeoutSeconds}s` };
}
