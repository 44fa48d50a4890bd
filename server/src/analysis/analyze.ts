import type { Tree } from 'web-tree-sitter';
import type { RuleLevel } from '../../../shared/src/settings';
import { buildGoFile, type GoFile } from './goFile';
import { LineIndex } from './lineIndex';
import type { GoParser } from './parser';
import type { Rule } from './rule';
import { allRules } from './rules';
import { isSuppressed, parseSuppressions } from './suppress';
import type { Finding } from './types';
import { defaultVocabulary, type Vocabulary } from './vocabulary';

export interface AnalyzeOptions {
  vocabulary?: Vocabulary;
  ruleLevels?: Record<string, RuleLevel>;
  rules?: readonly Rule[];
  /** Told about a rule that threw; the analysis goes on without that rule's findings. */
  onRuleError?: (rule: Rule, error: unknown) => void;
}

/** Test-scoped rules also run in helper files of test packages (they use testify or testing). */
function appliesTo(rule: Rule, file: GoFile): boolean {
  if (rule.scope === 'non-test') return !file.isTestFile;
  return file.isTestFile || file.imports.assert !== null || file.imports.require !== null;
}

/**
 * Runs every enabled rule over a parsed file. Never throws: a failing rule is reported through
 * onRuleError and skipped, so one bug cannot take the diagnostics of a whole file down.
 */
export function analyzeTree(path: string, text: string, tree: Tree, options: AnalyzeOptions = {}): Finding[] {
  let file: GoFile;
  try {
    file = buildGoFile(path, text, tree);
  } catch (error) {
    options.onRuleError?.({ id: 'parser' } as Rule, error);
    return [];
  }
  const vocab = options.vocabulary ?? defaultVocabulary;
  const rules = options.rules ?? allRules;
  const levels = options.ruleLevels ?? {};
  const lines = new LineIndex(text);
  const suppressions = parseSuppressions(file, lines);
  const findings: Finding[] = [];
  for (const rule of rules) {
    const level = levels[rule.id] ?? 'default';
    if (level === 'off' || !appliesTo(rule, file)) continue;
    try {
      rule.check({
        file,
        vocab,
        report(f) {
          if (isSuppressed(suppressions, rule.id, lines.positionAt(f.start).line)) return;
          findings.push({
            ruleId: rule.id,
            severity: level === 'default' ? f.severity ?? rule.defaultSeverity : level,
            message: f.message,
            start: f.start,
            end: f.end,
            related: f.related ?? [],
            fixes: f.fixes ?? [],
          });
        },
      });
    } catch (error) {
      options.onRuleError?.(rule, error);
    }
  }
  const order = new Map(rules.map((r, i) => [r.id, i]));
  return findings.sort((a, b) => a.start - b.start || order.get(a.ruleId)! - order.get(b.ruleId)!);
}

/** Parses and analyses in one go (CLI, tests). Never throws. */
export function analyzeText(parser: GoParser, path: string, text: string, options: AnalyzeOptions = {}): Finding[] {
  let tree: Tree;
  try {
    tree = parser.parse(text);
  } catch (error) {
    options.onRuleError?.({ id: 'parser' } as Rule, error);
    return [];
  }
  try {
    return analyzeTree(path, text, tree, options);
  } finally {
    tree.delete();
  }
}
