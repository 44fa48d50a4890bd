import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { GoParser } from '../../server/src/analysis/parser';
import type { TestInfo } from '../../shared/src/protocol';
import { defaultRunSettings } from '../../shared/src/settings';
import { isIntegrationTestFile, testInfos } from '../../server/src/discovery/testInfo';
import { collectGoFiles } from './files';

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

/** Every top-level test of the files, as the lens computes it (no history: CI has none). */
export function discoverAll(parser: GoParser, inputs: readonly string[]): { file: string; tests: TestInfo[] }[] {
  const out: { file: string; tests: TestInfo[] }[] = [];
  for (const file of collectGoFiles(inputs)) {
    if (!isIntegrationTestFile(file)) continue;
    const text = fs.readFileSync(file).toString('utf8');
    const tree = parser.parse(text);
    try {
      out.push({ file, tests: testInfos(path.resolve(file), pathToFileURL(path.resolve(file)).toString(), text, tree, defaultRunSettings).tests });
    } finally {
      tree.delete();
    }
  }
  return out;
}

export function listTests(parser: GoParser, inputs: readonly string[]): TestRow[] {
  const rows: TestRow[] = [];
  for (const { file, tests } of discoverAll(parser, inputs)) {
    const add = (t: TestInfo) => {
      // The argv is the lens's default: --postgres for tests on the postgres list.
      const run = t.postgresListed ? t.runPostgres : t.run;
      rows.push({ name: t.name, file, line: t.line + 1, category: t.label, timeoutSeconds: run.timeoutSeconds, postgres: t.postgresListed, reason: t.reason, argv: run.argv });
      t.children.forEach(add);
    };
    tests.forEach(add);
  }
  return rows;
}

export function formatTestsText(rows: readonly TestRow[]): string {
  return rows.map((r) => `${r.file}:${r.line}: ${r.name}  ${r.category} ${r.timeoutSeconds}s${r.postgres ? ' postgres' : ''}  (${r.reason})`).join('\n') + (rows.length ? '\n' : '');
}
