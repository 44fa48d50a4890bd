import * as path from 'path';
import type { Tree } from 'web-tree-sitter';
import { anchoredAlternatives, anchoredPattern, buildRunArgv } from '../../../shared/src/hiCommand';
import type { DiscoverTestsResult, RunTestArgs, TestInfo } from '../../../shared/src/protocol';
import type { RunSettings } from '../../../shared/src/settings';
import { LineIndex } from '../analysis/lineIndex';
import { classify } from './categories';
import { discoverTests, type DiscoveredTest } from './discovery';
import { moduleRootOf } from './moduleRoot';
import { pastRuns } from './runHistory';

/** Guide: database-heavy tests run with PostgreSQL *and* a longer timeout. */
export const POSTGRES_MIN_TIMEOUT = 1800;

/** Whether lenses belong on this file: Go tests of a headscale-style integration package. */
export function isIntegrationTestFile(file: string): boolean {
  return file.endsWith('_test.go');
}

/** Discovered tests with their category, reason and the exact hi command for each. */
export function testInfos(file: string, uri: string, text: string, tree: Tree, settings: RunSettings): DiscoverTestsResult {
  const lines = new LineIndex(text);
  const cwd = moduleRootOf(file);
  const controlLogs = path.resolve(cwd, settings.controlLogs);
  const fileName = path.basename(file);
  const toInfo = (t: DiscoveredTest): TestInfo => {
    const c = classify(t, fileName, settings);
    const lastRuns = pastRuns(controlLogs, t.name).map(({ status, durationSeconds, dir }) => ({ status, durationSeconds, dir }));
    const previous = lastRuns.map((r) => r.durationSeconds);
    const args = (postgres: boolean): RunTestArgs => {
      const timeoutSeconds = postgres ? Math.max(c.timeoutSeconds, POSTGRES_MIN_TIMEOUT) : c.timeoutSeconds;
      return {
        title: t.name,
        testName: t.name,
        uri,
        pattern: anchoredPattern(t.name),
        argv: buildRunArgv(settings.hiCommand, settings.hiExtraArgs, { pattern: t.name, anchored: true, timeoutSeconds, postgres }),
        cwd,
        timeoutSeconds,
        postgres,
        category: c.label,
        previousDurations: previous,
      };
    };
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
      lastRuns,
      children: t.children.map(toInfo),
    };
  };
  const discovered = discoverTests(text, tree);
  const tests = discovered.map(toInfo);
  const fileRun: RunTestArgs | null = discovered.length
    ? {
        title: `${fileName} (${discovered.length} tests)`,
        testName: null,
        uri,
        pattern: anchoredAlternatives(discovered.map((t) => t.name)),
        argv: buildRunArgv(settings.hiCommand, settings.hiExtraArgs, { pattern: anchoredAlternatives(discovered.map((t) => t.name)), anchored: false, timeoutSeconds: settings.timeouts.pattern, postgres: false }),
        cwd,
        timeoutSeconds: settings.timeouts.pattern,
        postgres: false,
        category: 'pattern',
        previousDurations: [],
      }
    : null;
  return { tests, fileRun };
}
