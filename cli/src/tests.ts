import * as path from 'path';
import { pathToFileURL } from 'url';
import type { GoParser } from '../../server/src/analysis/parser';
import type { TestInfo } from '../../shared/src/protocol';
import { defaultRunSettings } from '../../shared/src/settings';
import { isIntegrationTestFile, testInfos } from '../../server/src/tests/testInfo';
import { READ_LIMITS, readRegularText } from '../../server/src/safeRead';
import { collectGoFiles, type SkippedPath } from './files';

/** One row per discovered test: what CI matrix generators and scripts need. */
export interface TestRow {
  name: string;
  file: string;
  line: number;
  category: string;
  timeoutSeconds: number;
  postgres: boolean;
  reason: string;
  argv: string[];
}

/** Tests found, and the files that could not be read or parsed (the CLI exits 2 for those). */
export function listTests(parser: GoParser, inputs: readonly string[]): { rows: TestRow[]; unchecked: SkippedPath[] } {
  const rows: TestRow[] = [];
  const collected = collectGoFiles(inputs);
  const unchecked = [...collected.skipped];
  for (const file of collected.files) {
    if (!isIntegrationTestFile(file)) continue;
    let text: string;
    let tree: ReturnType<GoParser['parse']>;
    try {
      text = readRegularText(file, READ_LIMITS.goSource);
      tree = parser.parse(text);
    } catch (e) {
      unchecked.push({ path: file, reason: (e as Error).message });
      continue;
    }
    try {
      const { tests } = testInfos(path.resolve(file), pathToFileURL(path.resolve(file)).toString(), text, tree, defaultRunSettings);
      const add = (t: TestInfo) => {
        // The argv is the lens's default: --postgres for tests on the postgres list.
        const run = t.postgresListed ? t.runPostgres : t.run;
        rows.push({ name: t.name, file, line: t.line + 1, category: t.label, timeoutSeconds: run.timeoutSeconds, postgres: t.postgresListed, reason: t.reason, argv: run.argv });
        t.children.forEach(add);
      };
      tests.forEach(add);
    } finally {
      tree.delete();
    }
  }
  return { rows, unchecked };
}

export function formatTestsText(rows: readonly TestRow[]): string {
  return rows.map((r) => `${r.file}:${r.line}: ${r.name}  ${r.category} ${r.timeoutSeconds}s${r.postgres ? ' postgres' : ''}  (${r.reason})`).join('\n') + (rows.length ? '\n' : '');
}
