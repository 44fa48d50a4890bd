import * as path from 'path';
import type { TestHistoryResult } from '../../../shared/src/protocol';
import { moduleRootOf } from './moduleRoot';
import { historyIndex, historyOf, pastRun, statsOf } from './testHistory';

/** One test's whole history for the "Test history" view: every run, newest first, with its figures. */
export function testHistory(file: string, test: string, controlLogs: string, generation: number): TestHistoryResult {
  const entries = historyOf(historyIndex(path.resolve(moduleRootOf(file), controlLogs), generation), test);
  const stats = statsOf(entries);
  return {
    test,
    runs: entries.map(pastRun),
    medianSeconds: stats.medianSeconds,
    p90Seconds: stats.p90Seconds,
    passRate: stats.passRate,
    flakyCommits: stats.flakyCommits,
  };
}
