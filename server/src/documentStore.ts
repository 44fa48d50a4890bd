import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { Analyzer } from './analysis/analyze';
import { IncrementalDocument } from './analysis/incremental';
import { LineIndex } from './analysis/lineIndex';
import type { GoParser } from './analysis/parser';
import type { Finding } from './analysis/types';
import type { DiscoverTestsResult } from '../../shared/src/protocol';
import type { ResolvedSettings } from './settingsStore';
import { isIntegrationTestFile, testInfos } from './discovery/testInfo';

export interface AnalyzedDocument {
  uri: string;
  path: string;
  version: number;
  text: string;
  lines: LineIndex;
  findings: Finding[];
}

/**
 * How many documents keep their syntax tree between analyses: the ones being edited. A tree of a
 * 4 500-line file holds about 7 MB of wasm memory, which wasm never returns, so documents that
 * are only open drop their tree after analysis and re-parse from scratch (once) when edited.
 */
const TREES_KEPT = 2;

/**
 * Open Go documents, kept in step with edits (incremental tree-sitter re-parse) and analysed at
 * most once per (version, settings generation).
 */
export class DocumentStore {
  /** Most recently used last. */
  private treeOrder: string[] = [];

  private docs = new Map<string, { doc: IncrementalDocument; analyzer: Analyzer; path: string; cached?: AnalyzedDocument & { generation: number }; tests?: { key: string; result: DiscoverTestsResult } }>();

  constructor(private readonly parser: GoParser, private readonly onRuleError: (ruleId: string, error: unknown) => void) {}

  open(uri: string, path: string, text: string, version: number): void {
    this.close(uri);
    this.docs.set(uri, { doc: new IncrementalDocument(this.parser, text, version), analyzer: new Analyzer(), path });
  }

  change(uri: string, changes: TextDocumentContentChangeEvent[], version: number): void {
    const entry = this.docs.get(uri);
    if (!entry) return;
    entry.doc.applyChanges(changes.map((c) => ('range' in c ? { range: c.range, text: c.text } : { text: c.text })), version);
    this.touchTree(uri);
  }

  close(uri: string): void {
    this.docs.get(uri)?.doc.dispose();
    this.docs.delete(uri);
    this.treeOrder = this.treeOrder.filter((u) => u !== uri);
  }

  has(uri: string): boolean {
    return this.docs.has(uri);
  }

  uris(): string[] {
    return [...this.docs.keys()];
  }

  analyzed(uri: string, settings: ResolvedSettings): AnalyzedDocument | undefined {
    const entry = this.docs.get(uri);
    if (!entry) return undefined;
    const { doc } = entry;
    const cached = entry.cached;
    if (cached && cached.version === doc.version && cached.generation === settings.generation) return cached;
    const tree = doc.currentTree();
    const findings = entry.analyzer.analyze(entry.path, doc.text, tree, {
      vocabulary: settings.vocabulary,
      ruleLevels: settings.settings.rules,
      onRuleError: (rule, error) => this.onRuleError(rule.id, error),
    });
    entry.cached = { uri, path: entry.path, version: doc.version, text: doc.text, lines: new LineIndex(doc.text), findings, generation: settings.generation };
    this.releaseUnlessEdited(uri, doc);
    return entry.cached;
  }

  /**
   * The tests of an open document with categories and commands, cached per version, settings
   * generation and run-history generation (a finished run changes "Last run").
   */
  tests(uri: string, settings: ResolvedSettings, historyGeneration: number): DiscoverTestsResult | undefined {
    const entry = this.docs.get(uri);
    if (!entry || !isIntegrationTestFile(entry.path)) return undefined;
    const key = `${entry.doc.version}:${settings.generation}:${historyGeneration}`;
    if (entry.tests?.key === key) return entry.tests.result;
    const result = testInfos(entry.path, uri, entry.doc.text, entry.doc.currentTree(), settings.run, historyGeneration);
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
    for (const uri of this.uris()) this.close(uri);
  }
}
