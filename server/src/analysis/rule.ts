import type { GoFile } from './goFile';
import type { ReportedFinding, Severity } from './types';
import type { Vocabulary } from './vocabulary';

export interface RuleContext {
  file: GoFile;
  vocab: Vocabulary;
  report(finding: ReportedFinding): void;
}

export interface Rule {
  /** Kebab-case id: also the file name, fixture folder, diagnostic code and settings key. */
  id: string;
  defaultSeverity: Severity;
  /** `test`: _test.go files and helper files of test packages; `non-test`: production Go. */
  scope: 'test' | 'non-test';
  /**
   * True for rules built on the integration vocabulary (docker-exec reads, CLI mutations, harness
   * ordering): they run only where the code drives the integration harness (see drivesHarness).
   */
  harnessOnly?: boolean;
  /** First line: a one-line title. Then why it matters. Rendered in hovers and the README. */
  doc: string;
  /** A short incorrect/correct pair, shown in hovers and the README. */
  example?: { incorrect: string; correct: string };
  check(ctx: RuleContext): void;
}

export function ruleTitle(rule: Pick<Rule, 'doc'>): string {
  return rule.doc.split('\n')[0].trim();
}
