import type { Node, Tree } from 'web-tree-sitter';
import type { RuleLevel } from '../../../shared/src/settings';
import { buildGoFile, functionsContainingEwt, readHeader, summarize, type DeclarationSummary, type GoFile } from './goFile';
import { declarationFacts, factSets, mergeFacts, type Facts, type PackageFacts } from './facts';
import { LineIndex } from './lineIndex';
import type { GoParser } from './parser';
import type { Rule } from './rule';
import { allRules } from './rules';
import { ewtNestingTooDeep, tooDeepFinding, type TooDeep } from './nestingCap';
import { isSuppressed, parseSuppressions } from './suppress';
import { namedChildren, queryIn } from './syntax';
import type { Finding } from './types';
import { defaultVocabulary, type Vocabulary } from './vocabulary';

export interface AnalyzeOptions {
  vocabulary?: Vocabulary;
  ruleLevels?: Record<string, RuleLevel>;
  rules?: readonly Rule[];
  /** Facts of the package's other files (facts.ts); the file's own are computed here. */
  packageFacts?: PackageFacts;
  /** Told about a rule that threw; the analysis goes on without that rule's findings. */
  /** `file` is set by analyzePackage, which analyses several files in one call. */
  onRuleError?: (rule: Rule, error: unknown, file?: string) => void;
}

/** Top-level declarations are the unit of analysis and of caching. */
const UNIT_TYPES = new Set(['function_declaration', 'method_declaration', 'var_declaration', 'const_declaration']);

interface CachedUnit {
  start: number;
  end: number;
  summary: DeclarationSummary;
  /** Null until the rules ran under the current context. */
  findings: Finding[] | null;
}

interface Cache {
  structureKey: string;
  contextKey: string;
  /** By declaration text: an unchanged declaration is recognised wherever it moved. */
  units: Map<string, CachedUnit>;
}

const vocabularyIds = new WeakMap<Vocabulary, number>();
let nextVocabularyId = 1;
function vocabularyId(v: Vocabulary): number {
  let id = vocabularyIds.get(v);
  if (!id) vocabularyIds.set(v, (id = nextVocabularyId++));
  return id;
}

/** Test-scoped rules also run in helper files of test packages (they use testify). */
function appliesTo(rule: Rule, file: GoFile): boolean {
  if (rule.scope === 'non-test') return !file.isTestFile;
  if (rule.harnessOnly && !file.harness) return false;
  return file.isTestFile || file.imports.assert !== null || file.imports.require !== null;
}

/**
 * Runs the rules declaration by declaration and remembers each declaration's findings by its
 * text. After an edit only the declarations whose text changed are analysed again; the others'
 * findings are moved to their new offsets. Anything file-wide that rules read (imports, function
 * names, which helpers wait, constants, settings) is part of the cache key.
 * Never throws: a failing rule is reported through onRuleError and skipped.
 */
export class Analyzer {
  private cache: Cache | undefined;

  analyze(path: string, text: string, tree: Tree, options: AnalyzeOptions = {}): Finding[] {
    const vocab = options.vocabulary ?? defaultVocabulary;
    const rules = options.rules ?? allRules;
    const levels = options.ruleLevels ?? {};
    const root = tree.rootNode;
    const header = readHeader(root);
    const units = namedChildren(root).filter((n) => UNIT_TYPES.has(n.type));
    const structureKey = JSON.stringify([
      path.endsWith('_test.go'), header.packageName, header.imports.assert, header.imports.require, header.imports.time, header.imports.testing, [...header.imports.packages].sort(), header.imports.harness,
      [...header.functions.keys()].sort(), vocabularyId(vocab), rules.map((r) => r.id), levels,
    ]);
    if (this.cache?.structureKey !== structureKey) this.cache = { structureKey, contextKey: '', units: new Map() };
    const cache = this.cache;

    // Phase 1: summaries (what each declaration tells the others), reusing unchanged ones.
    const texts = units.map((u) => u.text);
    const models = new Map<number, GoFile>();
    /** Declarations nested too deep to analyse (nestingCap.ts), looked up once per run. */
    const deep = new Map<number, TooDeep | null>();
    const tooDeep = (i: number) => {
      if (!deep.has(i)) deep.set(i, ewtNestingTooDeep(units[i], texts[i]));
      return deep.get(i)!;
    };
    const summaries: DeclarationSummary[] = [];
    units.forEach((unit, i) => {
      const cached = cache.units.get(texts[i]);
      if (cached) {
        summaries.push(cached.summary);
        return;
      }
      if (tooDeep(i)) {
        summaries.push(tooDeepSummary(unit));
        return;
      }
      const model = this.safeBuild(path, text, tree, unit, header, options);
      if (model) models.set(i, model);
      summaries.push(model ? summarize(model) : { containsEwt: [], calls: new Map(), collectHelpers: [], panickingLookups: [] });
    });
    const own = fileFacts(summaries, header.functions);
    const facts = options.packageFacts ? mergeFacts([own, options.packageFacts]) : own;
    const functionsWithEwt = new Set(facts.functionsWithEwt);
    // Everything outside a declaration that rules may read: the facts, and the package-level
    // constants and variables (durations resolve named timeouts).
    const contextKey = JSON.stringify([facts, units.filter((u) => u.type !== 'function_declaration' && u.type !== 'method_declaration').map((u) => u.text)]);
    const factsForRules = factSets(facts);
    const contextChanged = cache.contextKey !== contextKey;
    cache.contextKey = contextKey;

    // Phase 2: findings per declaration.
    const oldUnits = [...cache.units.entries()].map(([key, u]) => ({ key, ...u })).sort((a, b) => a.start - b.start);
    const newStartByKey = new Map(units.map((u, i) => [texts[i], u.startIndex]));
    const headerEnd = units.length ? units[0].startIndex : text.length;
    const next = new Map<string, CachedUnit>();
    const all: PendingFinding[] = [];
    units.forEach((unit, i) => {
      const key = texts[i];
      const cached = cache.units.get(key);
      let findings: Finding[];
      if (cached && cached.findings && !contextChanged && !next.has(key)) {
        findings = rebase(cached.findings, (o) => mapOffset(o, oldUnits, newStartByKey, headerEnd));
      } else if (tooDeep(i)) {
        const rule = rules.find((r) => r.id === 'ewt-nested');
        const level = levels['ewt-nested'] ?? 'default';
        const testCode = path.endsWith('_test.go') || header.imports.assert !== null || header.imports.require !== null;
        findings = rule && level !== 'off' && testCode ? [tooDeepFinding(tooDeep(i)!, level === 'default' ? rule.defaultSeverity : level, unit.childForFieldName('name')?.text)] : [];
      } else {
        const model = models.get(i) ?? this.safeBuild(path, text, tree, unit, header, options);
        findings = model ? this.runRules(model, functionsWithEwt, factsForRules, vocab, rules, levels, options) : [];
      }
      next.set(key, { start: unit.startIndex, end: unit.endIndex, summary: summaries[i], findings });
      all.push(...findings);
    });
    cache.units = next;

    resolveRelatedDeclarations(all, header.functions);
    const order = new Map(rules.map((r, i) => [r.id, i]));
    all.sort((a, b) => a.start - b.start || order.get(a.ruleId)! - order.get(b.ruleId)!);
    if (!text.includes('hi:ignore')) return all;
    const lines = new LineIndex(text);
    const suppressions = parseSuppressions(root, text, lines);
    return all.filter((f) => !isSuppressed(suppressions, f.ruleId, lines.positionAt(f.start).line));
  }

  private safeBuild(path: string, text: string, tree: Tree, unit: Node, header: ReturnType<typeof readHeader>, options: AnalyzeOptions): GoFile | null {
    try {
      return buildGoFile(path, text, tree, { scope: unit, header });
    } catch (error) {
      options.onRuleError?.({ id: 'model' } as Rule, error);
      return null;
    }
  }

  private runRules(file: GoFile, functionsWithEwt: Set<string>, facts: Facts, vocab: Vocabulary, rules: readonly Rule[], levels: Record<string, RuleLevel>, options: AnalyzeOptions): Finding[] {
    file.functionsWithEwt = functionsWithEwt;
    file.facts = facts;
    const findings: Finding[] = [];
    for (const rule of rules) {
      const level = levels[rule.id] ?? 'default';
      if (level === 'off' || !appliesTo(rule, file)) continue;
      try {
        rule.check({
          file,
          vocab,
          report(f) {
            findings.push({
              ...(f.relatedDeclarations?.length ? { relatedDeclarations: f.relatedDeclarations } : {}),
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
    return findings;
  }
}

/** What a declaration too deep to analyse tells the others: it waits, and what its signature says. */
function tooDeepSummary(unit: Node): DeclarationSummary {
  const name = unit.type === 'function_declaration' ? unit.childForFieldName('name')?.text : undefined;
  const f = name ? declarationFacts(unit) : { collectHelper: false, panickingLookup: false };
  return { containsEwt: name ? [name] : [], calls: new Map(), collectHelpers: name && f.collectHelper ? [name] : [], panickingLookups: name && f.panickingLookup ? [name] : [] };
}

type PendingFinding = Finding & { relatedDeclarations?: { name: string; message: string }[] };

/** Turns named related declarations into locations in the current text (in place, on copies). */
function resolveRelatedDeclarations(all: PendingFinding[], functions: Map<string, Node>): void {
  all.forEach((f, i) => {
    if (!f.relatedDeclarations) return;
    const { relatedDeclarations, ...rest } = f;
    const extra = relatedDeclarations.flatMap((d) => {
      const name = functions.get(d.name)?.childForFieldName('name');
      return name ? [{ start: name.startIndex, end: name.endIndex, message: d.message }] : [];
    });
    all[i] = { ...rest, related: [...rest.related, ...extra] };
  });
}

/** The file's own facts, from its declarations' summaries. */
function fileFacts(summaries: DeclarationSummary[], functions: Map<string, Node>): PackageFacts {
  return mergeFacts([
    {
      functionsWithEwt: [...functionsContainingEwt(summaries, functions)],
      collectHelpers: summaries.flatMap((s) => s.collectHelpers),
      panickingLookups: summaries.flatMap((s) => s.panickingLookups),
    },
  ]);
}

/**
 * The facts one file contributes to its package (for callers that analyse a whole directory:
 * compute every file's facts, merge them, pass the result as packageFacts). Cheaper than a full
 * model: two queries per function. `reuse` (kept by the caller between versions of one
 * document) holds each function's summary by its text, so after an edit only the changed
 * functions are queried again. Never throws.
 */
export function factsOfTree(_path: string, _text: string, tree: Tree, reuse?: Map<string, DeclarationFactsSummary>): PackageFacts {
  try {
    const header = readHeader(tree.rootNode);
    const summaries: DeclarationSummary[] = [];
    const next = new Map<string, DeclarationFactsSummary>();
    for (const decl of header.functions.values()) {
      const name = decl.childForFieldName('name')?.text;
      if (!name) continue;
      const key = decl.text;
      const own = reuse?.get(key) ?? declarationFactsSummary(decl);
      next.set(key, own);
      // Callees are filtered here, not in the reused summary: they depend on the file's names.
      summaries.push({
        containsEwt: own.containsEwt ? [name] : [],
        calls: new Map([[name, new Set(own.callees.filter((n) => header.functions.has(n)))]]),
        collectHelpers: own.collectHelper ? [name] : [],
        panickingLookups: own.panickingLookup ? [name] : [],
      });
    }
    if (reuse) {
      reuse.clear();
      for (const [k, v] of next) reuse.set(k, v);
    }
    return fileFacts(summaries, header.functions);
  } catch {
    return mergeFacts([]);
  }
}

/** What factsOfTree learns from one function declaration's text alone. */
export interface DeclarationFactsSummary {
  containsEwt: boolean;
  callees: string[];
  collectHelper: boolean;
  panickingLookup: boolean;
}

function declarationFactsSummary(decl: Node): DeclarationFactsSummary {
  return {
    ...declarationFacts(decl),
    containsEwt: queryIn(decl, '(call_expression function: (selector_expression field: (field_identifier) @f (#match? @f "^EventuallyWithTf?$")))').length > 0,
    callees: [...new Set(queryIn(decl, '(call_expression function: (identifier) @f)').map((n) => n.text))],
  };
}

/** Old offset → new offset: through the declaration that held it, or unchanged in the header. */
function mapOffset(offset: number, oldUnits: { key: string; start: number; end: number }[], newStartByKey: Map<string, number>, headerEnd: number): number | null {
  let lo = 0;
  let hi = oldUnits.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const u = oldUnits[mid];
    if (offset < u.start) hi = mid - 1;
    else if (offset > u.end) lo = mid + 1;
    else {
      const start = newStartByKey.get(u.key);
      return start === undefined ? null : offset - u.start + start;
    }
  }
  // Between declarations: only the header (imports) is stable; it is part of the cache key.
  return offset <= headerEnd && (oldUnits.length === 0 || offset < oldUnits[0].start) ? offset : null;
}

/** Moves findings to new offsets; related info or fixes that pointed into changed code are dropped. */
function rebase(findings: Finding[], map: (o: number) => number | null): Finding[] {
  const out: Finding[] = [];
  for (const f of findings) {
    const start = map(f.start);
    const end = map(f.end);
    if (start === null || end === null) continue;
    const related = f.related.flatMap((r) => {
      const s = map(r.start);
      const e = map(r.end);
      return s === null || e === null ? [] : [{ ...r, start: s, end: e }];
    });
    const fixes = f.fixes.flatMap((fix) => {
      const edits = fix.edits.map((e) => ({ ...e, start: map(e.start), end: map(e.end) }));
      return edits.every((e) => e.start !== null && e.end !== null) ? [{ ...fix, edits: edits as { start: number; end: number; newText: string }[] }] : [];
    });
    out.push({ ...f, start, end, related, fixes });
  }
  return out;
}

/** Whole-file analysis of a tree (CLI, tests). Never throws. */
export function analyzeTree(path: string, text: string, tree: Tree, options: AnalyzeOptions = {}): Finding[] {
  try {
    return new Analyzer().analyze(path, text, tree, options);
  } catch (error) {
    options.onRuleError?.({ id: 'analyzer' } as Rule, error);
    return [];
  }
}

/** Parses and analyses in one go. Never throws. */
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

export interface SourceFile {
  path: string;
  text: string;
}

/**
 * Analyses the files of one directory as a package: each file sees the facts of the files that
 * share its package clause (MustFindNode defined in one file, called in another). Each file is
 * parsed once. Never throws.
 */
export function analyzePackage(parser: GoParser, files: readonly SourceFile[], options: AnalyzeOptions = {}): Map<string, Finding[]> {
  const parsed: { file: SourceFile; tree: Tree | null; pkg: string | null; facts: PackageFacts }[] = [];
  const out = new Map<string, Finding[]>();
  try {
    for (const file of files) {
      let tree: Tree | null = null;
      try {
        tree = parser.parse(file.text);
      } catch (error) {
        options.onRuleError?.({ id: 'parser' } as Rule, error, file.path);
      }
      parsed.push({ file, tree, pkg: tree ? readHeader(tree.rootNode).packageName : null, facts: tree ? factsOfTree(file.path, file.text, tree) : mergeFacts([]) });
    }
    for (const p of parsed) {
      if (!p.tree) {
        out.set(p.file.path, []);
        continue;
      }
      const others = parsed.filter((o) => o !== p && o.tree && o.pkg === p.pkg).map((o) => o.facts);
      const onRuleError = options.onRuleError && ((rule: Rule, error: unknown) => options.onRuleError!(rule, error, p.file.path));
      out.set(p.file.path, analyzeTree(p.file.path, p.file.text, p.tree, { ...options, onRuleError, packageFacts: mergeFacts(others) }));
    }
  } finally {
    for (const p of parsed) p.tree?.delete();
  }
  return out;
}
