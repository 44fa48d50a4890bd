import type { Tree } from 'web-tree-sitter';
import { analyzeTree, factsOfTree, type SourceFile } from '../../server/src/analysis/analyze';
import type { PackageFacts } from '../../server/src/analysis/facts';
import { readHeader } from '../../server/src/analysis/goFile';
import type { GoParser } from '../../server/src/analysis/parser';
import type { Rule } from '../../server/src/analysis/rule';
import type { Finding } from '../../server/src/analysis/types';
import { fileRows, type CheckRow } from './checkRows';

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
 * Who does what among the threads of one check, in memory they all see (a SharedArrayBuffer, which
 * postMessage shares rather than copies): cell 0 counts the files handed out to parse, cell 1 + i
 * is set once a thread has taken file i to analyse. Claims are atomic, so no file is parsed or
 * analysed twice by plan, and no thread waits for another to hand out work.
 */
export class CheckClaims {
  constructor(readonly cells: Int32Array) {}

  static create(files: number): CheckClaims {
    return new CheckClaims(new Int32Array(new SharedArrayBuffer(4 * (files + 1))));
  }

  /** The index of the next file to parse (≥ the file count once all are taken). */
  nextToParse(): number {
    return Atomics.add(this.cells, 0, 1);
  }

  /** Takes file `i` to analyse: false when another thread took it first. */
  takeToAnalyse(i: number): boolean {
    return Atomics.compareExchange(this.cells, i + 1, 0, 1) === 0;
  }
}

/**
 * One thread's part of a check on several cores (checkOnCores in check.ts), in two steps, the
 * work shared out as it goes rather than planned ahead: a worker thread starts 50–100 ms after the
 * main thread, and a fixed share left one thread idle for as long at the end.
 * 1. parse: take files (largest first) until none is left, keep their trees and tell each one's
 *    package facts;
 * 2. analyse, with the facts of each file's package merged from every thread: this share's own
 *    trees first, then, once they are done, files no thread has taken yet — from the other end of
 *    the list, parsed again here. A parse costs less than an analysis (four fifths of one on the
 *    34 000-line bench, since the analysis got cheaper), so a thread that would sit idle still
 *    moves the end forward.
 * Every thread holds the whole list of files (the same list, in the same order). Worker threads
 * run one share each (checkWorker.ts); the main thread runs one itself.
 */
export class CheckShare {
  private readonly trees = new Map<number, Tree>();
  readonly errors: ShareError[] = [];

  /** `rules`: in the order given, as check() runs them (findings at one offset are ordered by rule); all when absent. */
  constructor(
    private readonly parser: GoParser,
    private readonly rules: readonly Rule[] | undefined,
    private readonly files: readonly SourceFile[],
    private readonly claims: CheckClaims,
  ) {}

  parse(): ParsedFile[] {
    const out: ParsedFile[] = [];
    for (let i = this.claims.nextToParse(); i < this.files.length; i = this.claims.nextToParse()) {
      const file = this.files[i];
      const tree = this.parseFile(file);
      if (tree) this.trees.set(i, tree);
      out.push({ path: file.path, pkg: tree ? readHeader(tree.rootNode).packageName : null, facts: tree ? factsOfTree(file.path, file.text, tree) : null });
    }
    return out;
  }

  /**
   * `facts`: per file (of every share: this one may take any), its package's other files' facts.
   * Files the parser failed on are not analysed by anyone. The trees are freed as it goes.
   */
  analyze(facts: Readonly<Record<string, PackageFacts>>, cwd: string): Record<string, CheckRow[]> {
    const rows: Record<string, CheckRow[]> = {};
    const keep = (file: SourceFile, findings: Finding[]) => (rows[file.path] = fileRows(file, findings, cwd));
    for (const [i, tree] of [...this.trees]) {
      this.trees.delete(i);
      try {
        if (this.claims.takeToAnalyse(i)) keep(this.files[i], this.analyzeFile(this.files[i], tree, facts));
      } finally {
        tree.delete();
      }
    }
    for (let i = this.files.length - 1; i >= 0; i--) {
      const file = this.files[i];
      if (!facts[file.path] || !this.claims.takeToAnalyse(i)) continue;
      const tree = this.parseFile(file);
      if (!tree) continue;
      try {
        keep(file, this.analyzeFile(file, tree, facts));
      } finally {
        tree.delete();
      }
    }
    return rows;
  }

  private parseFile(file: SourceFile): Tree | null {
    try {
      return this.parser.parse(file.text);
    } catch (e) {
      this.errors.push({ file: file.path, rule: 'parser', message: String(e) });
      return null;
    }
  }

  private analyzeFile(file: SourceFile, tree: Tree, facts: Readonly<Record<string, PackageFacts>>): Finding[] {
    return analyzeTree(file.path, file.text, tree, {
      rules: this.rules,
      // Rows carry no fixes.
      fixes: false,
      packageFacts: facts[file.path],
      onRuleError: (rule, e) => this.errors.push({ file: file.path, rule: rule.id, message: String(e) }),
    });
  }
}
