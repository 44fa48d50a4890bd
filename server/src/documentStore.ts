import * as path from 'path';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { Analyzer } from './analysis/analyze';
import { IncrementalDocument } from './analysis/incremental';
import { LineIndex } from './analysis/lineIndex';
import type { GoParser, Pause } from './analysis/parser';
import type { Tree } from 'web-tree-sitter';
import { readHeader } from './analysis/goFile';
import { mergeFacts } from './analysis/facts';
import { PackageFactsProvider, type SiblingFacts } from './packageFacts';
import type { Finding } from './analysis/types';
import { ContractModeler, hasConflictMarkers, type FileContract } from './analysis/contract';
import type { DiscoverTestsResult } from '../../shared/src/protocol';
import type { ResolvedSettings } from './settingsStore';
import { isIntegrationTestFile, TestInfoMemo, testInfos } from './discovery/testInfo';

export interface AnalyzedDocument {
  uri: string;
  path: string;
  version: number;
  text: string;
  lines: LineIndex;
  findings: Finding[];
  /** Set when the document is over MAX_ANALYZED_CHARS: it was not parsed or analysed. */
  tooLarge?: { chars: number; limit: number };
}

/**
 * Documents longer than this (UTF-16 units) are neither parsed nor analysed: headscale's biggest
 * test file is 168 KB, and a 45 MB document would hold gigabytes of trees and analysis. The
 * editor is told once per document (one information diagnostic), and its text is kept only to
 * follow edits.
 */
export const MAX_ANALYZED_CHARS = 1 << 20;

/** A too-large document: its text follows edits, nothing else is kept. */
interface LargeText {
  text: string;
  version: number;
}

type Range = { start: { line: number; character: number }; end: { line: number; character: number } };

/** A position LSP allows: non-negative whole numbers. */
function validPosition(p: unknown): p is { line: number; character: number } {
  const q = p as { line?: unknown; character?: unknown } | null;
  return !!q && Number.isSafeInteger(q.line) && Number.isSafeInteger(q.character) && (q.line as number) >= 0 && (q.character as number) >= 0;
}

/** A range whose positions are valid and whose start is not after its end. */
function validRange(r: Range): boolean {
  return validPosition(r.start) && validPosition(r.end) && (r.start.line < r.end.line || (r.start.line === r.end.line && r.start.character <= r.end.character));
}

/** Clamped, whole, ordered: what an invalid range most plausibly meant, applied to text only. */
function normalizedRange(r: Range): Range {
  const fix = (p: { line: number; character: number } | undefined) => ({ line: Math.max(0, Math.floor(Number(p?.line) || 0)), character: Math.max(0, Math.floor(Number(p?.character) || 0)) });
  const a = fix(r?.start);
  const b = fix(r?.end);
  return a.line < b.line || (a.line === b.line && a.character <= b.character) ? { start: a, end: b } : { start: b, end: a };
}

/** Applies changes to text alone (no tree): for too-large documents and after an invalid range. */
function applyToText(text: string, changes: readonly TextDocumentContentChangeEvent[]): string {
  for (const c of changes) {
    if (!('range' in c) || !c.range) {
      text = String(c.text ?? '');
      continue;
    }
    const r = normalizedRange(c.range);
    const lines = new LineIndex(text);
    text = text.slice(0, lines.offsetAt(r.start)) + String(c.text ?? '') + text.slice(lines.offsetAt(r.end));
  }
  return text;
}

/**
 * How many documents keep their syntax tree between analyses: the ones being edited. A tree of a
 * 4 500-line file holds about 7 MB of wasm memory, which wasm never returns, so documents that
 * are only open drop their tree after analysis and re-parse from scratch (once) when edited.
 */
const TREES_KEPT = 2;

const NO_SIBLINGS: SiblingFacts = { key: '', facts: mergeFacts([]), json: JSON.stringify(mergeFacts([])) };

interface Entry {
  doc: IncrementalDocument;
  analyzer: Analyzer;
  path: string;
  contract?: ContractModeler;
  /** The package clause at one version (siblings are matched on it). */
  pkg?: { version: number; name: string | null };
  cached?: AnalyzedDocument & { generation: number; factsJson: string };
  tests?: { key: string; result: DiscoverTestsResult };
  /** Test infos per test function, so an edit re-discovers only the edited one. */
  testMemo?: TestInfoMemo;
}

/**
 * Open Go documents, kept in step with edits (incremental tree-sitter re-parse) and analysed at
 * most once per (version, settings generation, facts of the package's other files).
 */
export class DocumentStore {
  /** Most recently used last. */
  private treeOrder: string[] = [];

  private docs = new Map<string, Entry>();
  /** Package facts of the other files in each document's directory (packageFacts.ts). */
  readonly packageFacts: PackageFactsProvider;
  private large = new Map<string, { path: string; doc: LargeText; cached?: AnalyzedDocument }>();

  /** `onFactsFilled(dir)`: sibling files left for the background were read (see packageFacts.ts). */
  constructor(private readonly parser: GoParser, private readonly onRuleError: (ruleId: string, error: unknown) => void, onFactsFilled?: (dir: string) => void) {
    this.packageFacts = new PackageFactsProvider(parser, {
      byPath: (file) => {
        const found = [...this.docs].find(([, e]) => e.path === file);
        if (!found) return undefined;
        const [uri, entry] = found;
        return {
          version: entry.doc.version,
          withTree: (use) => {
            try {
              return use(entry.doc.currentTree());
            } finally {
              this.releaseUnlessEdited(uri, entry.doc);
            }
          },
        };
      },
    }, onFactsFilled);
  }

  open(uri: string, path: string, text: string, version: number): void {
    this.close(uri);
    if (text.length > MAX_ANALYZED_CHARS) this.large.set(uri, { path, doc: { text, version } });
    else this.docs.set(uri, { doc: new IncrementalDocument(this.parser, text, version), analyzer: new Analyzer(), path });
  }

  /**
   * Applies a didChange. A range that is not valid LSP (inverted, fractional, negative) would
   * corrupt the incremental tree for good, so the edit is then applied to the text alone
   * (normalised) and the document is parsed afresh; a document that crosses the size limit
   * switches between full analysis and text only.
   */
  change(uri: string, changes: TextDocumentContentChangeEvent[], version: number): void {
    const large = this.large.get(uri);
    if (large) {
      const text = applyToText(large.doc.text, changes);
      if (text.length > MAX_ANALYZED_CHARS) large.doc = { text, version };
      else this.open(uri, large.path, text, version);
      return;
    }
    const entry = this.docs.get(uri);
    if (!entry) return;
    const valid = changes.every((c) => !('range' in c) || !c.range || validRange(c.range));
    const grows = changes.some((c) => typeof c.text === 'string' && c.text.length > MAX_ANALYZED_CHARS - entry.doc.text.length);
    if (!valid || grows) {
      const text = applyToText(entry.doc.text, changes);
      if (text.length > MAX_ANALYZED_CHARS) return this.open(uri, entry.path, text, version);
      entry.doc.applyChanges([{ text }], version); // a full replacement: the next parse starts fresh
    } else {
      entry.doc.applyChanges(changes.map((c) => ('range' in c ? { range: c.range, text: c.text } : { text: c.text })), version);
      if (entry.doc.text.length > MAX_ANALYZED_CHARS) return this.open(uri, entry.path, entry.doc.text, version);
    }
    this.touchTree(uri);
  }

  close(uri: string): void {
    const entry = this.docs.get(uri);
    entry?.doc.dispose();
    if (entry) this.packageFacts.closed(entry.path);
    this.docs.delete(uri);
    this.large.delete(uri);
    this.treeOrder = this.treeOrder.filter((u) => u !== uri);
  }

  has(uri: string): boolean {
    return this.docs.has(uri) || this.large.has(uri);
  }

  /** The current text and version without analysing (hs-test-contract reads it on its own schedule). */
  snapshot(uri: string): { path: string; text: string; version: number } | undefined {
    const entry = this.docs.get(uri);
    return entry ? { path: entry.path, text: entry.doc.text, version: entry.doc.version } : undefined;
  }

  /**
   * The document's test contract from its own tree (hs-test-contract), functions unchanged since
   * the last call reused, read in slices; null with merge conflict markers (the file is not Go yet).
   * It works on a copy of the tree (an edit during a break replaces the document's), or, when the
   * tree was given back, on a sliced parse of its own that is not kept.
   */
  async contract(uri: string, pause: Pause): Promise<FileContract | null | undefined> {
    const entry = this.docs.get(uri);
    if (!entry) return undefined;
    if (hasConflictMarkers(entry.doc.text)) return null;
    const text = entry.doc.text;
    let tree: Tree;
    if (entry.doc.hasTree) {
      tree = entry.doc.currentTree().copy();
      this.releaseUnlessEdited(uri, entry.doc);
    } else tree = await this.parser.parseSliced(text, pause);
    try {
      entry.contract ??= new ContractModeler();
      return await entry.contract.contractSliced(tree, text, pause);
    } finally {
      tree.delete();
    }
  }

  uris(): string[] {
    return [...this.docs.keys(), ...this.large.keys()];
  }

  analyzed(uri: string, settings: ResolvedSettings): AnalyzedDocument | undefined {
    const large = this.large.get(uri);
    if (large) {
      if (large.cached?.version !== large.doc.version) {
        large.cached = { uri, path: large.path, version: large.doc.version, text: large.doc.text, lines: new LineIndex(large.doc.text), findings: [], tooLarge: { chars: large.doc.text.length, limit: MAX_ANALYZED_CHARS } };
      }
      return large.cached;
    }
    const entry = this.docs.get(uri);
    if (!entry) return undefined;
    const { doc } = entry;
    const cached = entry.cached;
    const siblings = this.siblingsOf(entry);
    if (cached && cached.version === doc.version && cached.generation === settings.generation && cached.factsJson === siblings.json) return cached;
    const tree = doc.currentTree();
    const findings = entry.analyzer.analyze(entry.path, doc.text, tree, {
      vocabulary: settings.vocabulary,
      ruleLevels: settings.settings.rules,
      packageFacts: siblings.facts,
      onRuleError: (rule, error) => this.onRuleError(rule.id, error),
    });
    entry.cached = { uri, path: entry.path, version: doc.version, text: doc.text, lines: doc.lines, findings, generation: settings.generation, factsJson: siblings.json };
    // Siblings open beside it read its facts next: from this tree, before it is given back.
    if (this.hasSiblingsOpen(uri)) this.packageFacts.analysedOpen(entry.path, doc.version, tree);
    this.releaseUnlessEdited(uri, doc);
    return entry.cached;
  }

  /**
   * Open documents in `dir` whose last analysis used other package facts than they would get now
   * (a sibling changed its helpers): their diagnostics need a refresh. Documents never analysed
   * are not listed.
   */
  staleDependants(dir: string): string[] {
    const out: string[] = [];
    for (const [uri, entry] of this.docs) {
      if (!entry.cached || path.dirname(entry.path) !== dir || !path.isAbsolute(entry.path)) continue;
      if (this.siblingsOf(entry).json !== entry.cached.factsJson) out.push(uri);
    }
    return out;
  }

  /** The directory of an open document, when it is a file (untitled documents have none). */
  directoryOf(uri: string): string | undefined {
    const entry = this.docs.get(uri);
    return entry && path.isAbsolute(entry.path) ? path.dirname(entry.path) : undefined;
  }

  /** Whether another open document shares this one's directory (only then do its facts matter). */
  hasSiblingsOpen(uri: string): boolean {
    const dir = this.directoryOf(uri);
    return dir !== undefined && [...this.docs].some(([u, e]) => u !== uri && path.dirname(e.path) === dir);
  }

  private siblingsOf(entry: Entry): SiblingFacts {
    if (!path.isAbsolute(entry.path)) return NO_SIBLINGS;
    if (entry.pkg?.version !== entry.doc.version) entry.pkg = { version: entry.doc.version, name: readHeader(entry.doc.currentTree().rootNode).packageName };
    return this.packageFacts.siblingsOf(entry.path, entry.pkg.name);
  }

  /**
   * The tests of an open document with categories and commands, cached per version, settings
   * generation and run-history generation (a finished run changes "Last run"). It uses the tree the
   * diagnostics keep (an edit costs one incremental re-parse, shared with them) and the document's
   * memo of test functions.
   */
  tests(uri: string, settings: ResolvedSettings, historyGeneration: number): DiscoverTestsResult | undefined {
    const entry = this.docs.get(uri);
    if (!entry || !isIntegrationTestFile(entry.path)) return undefined;
    const key = `${entry.doc.version}:${settings.generation}:${historyGeneration}`;
    if (entry.tests?.key === key) return entry.tests.result;
    const result = testInfos(entry.path, uri, entry.doc.text, entry.doc.currentTree(), settings.run, historyGeneration, (entry.testMemo ??= new TestInfoMemo()));
    this.releaseUnlessEdited(uri, entry.doc);
    entry.tests = { key, result };
    return result;
  }

  /** Documents that are only open (not being edited) give their tree back after each use. */
  private releaseUnlessEdited(uri: string, doc: IncrementalDocument): void {
    if (!this.treeOrder.includes(uri)) doc.releaseTree();
  }

  private touchTree(uri: string): void {
    this.treeOrder = this.treeOrder.filter((u) => u !== uri);
    this.treeOrder.push(uri);
    while (this.treeOrder.length > TREES_KEPT) {
      const evicted = this.treeOrder.shift()!;
      this.docs.get(evicted)?.doc.releaseTree();
    }
  }

  dispose(): void {
    this.packageFacts.dispose();
    for (const uri of this.uris()) this.close(uri);
  }
}
