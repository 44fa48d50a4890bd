import type { Tree } from 'web-tree-sitter';
import { analyzeTree, factsOfTree, type SourceFile } from '../../server/src/analysis/analyze';
import type { PackageFacts } from '../../server/src/analysis/facts';
import { readHeader } from '../../server/src/analysis/goFile';
import type { GoParser } from '../../server/src/analysis/parser';
import type { Rule } from '../../server/src/analysis/rule';
import type { Finding } from '../../server/src/analysis/types';

/** A file of a share, parsed: its package clause and the facts it gives its package. */
export interface ParsedFile {
  path: string;
  pkg: string | null;
  facts: PackageFacts | null;
}

/** What failed in a share: the parser on a file, or a rule. */
export interface ShareError {
  file: string;
  rule: string;
  message: string;
}

/**
 * One share of a check on several cores (checkOnCores in check.ts), in two steps: parse the files
 * and tell each one's package facts; then, with the facts of each file's package merged from
 * every share, analyse them. The trees stay here between the steps, so each file is parsed once,
 * as in analyzePackage. Worker threads run one each (checkWorker.ts); the main thread runs the
 * first share itself, while the workers start.
 */
export class CheckShare {
  private files: readonly SourceFile[] = [];
  private readonly trees = new Map<string, Tree>();
  readonly errors: ShareError[] = [];

  /** `rules`: in the order given, as check() runs them (findings at one offset are ordered by rule); all when absent. */
  constructor(
    private readonly parser: GoParser,
    private readonly rules: readonly Rule[] | undefined,
  ) {}

  parse(files: readonly SourceFile[]): ParsedFile[] {
    this.files = files;
    return files.map((file) => {
      try {
        const tree = this.parser.parse(file.text);
        this.trees.set(file.path, tree);
        return { path: file.path, pkg: readHeader(tree.rootNode).packageName, facts: factsOfTree(file.path, file.text, tree) };
      } catch (e) {
        this.errors.push({ file: file.path, rule: 'parser', message: String(e) });
        return { path: file.path, pkg: null, facts: null };
      }
    });
  }

  /** `facts`: per file, its package's other files' facts. The trees are freed as it goes. */
  analyze(facts: Readonly<Record<string, PackageFacts>>): Record<string, Finding[]> {
    const findings: Record<string, Finding[]> = {};
    for (const file of this.files) {
      const tree = this.trees.get(file.path);
      if (!tree) continue;
      try {
        findings[file.path] = analyzeTree(file.path, file.text, tree, {
          rules: this.rules,
          packageFacts: facts[file.path],
          onRuleError: (rule, e) => this.errors.push({ file: file.path, rule: rule.id, message: String(e) }),
        });
      } finally {
        tree.delete();
        this.trees.delete(file.path);
      }
    }
    return findings;
  }
}
