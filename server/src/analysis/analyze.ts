import type { Node, Tree } from 'web-tree-sitter';
import type { RuleLevel } from '../../../shared/src/settings';
import { buildGoFile, callsIn, functionWaits, readHeader, summarize, type DeclarationSummary, type FileHeader, type GoFile } from './goFile';
import { changedSpan, codeOnly, findRegions, mapFindings, offsetsOf, regionNode, skeleton, type Region } from './parts';
import { declarationFacts, factSets, mergeFacts, type Facts, type PackageFacts } from './facts';
import { LineIndex } from './lineIndex';
import { EWT_CALL, PLAIN_CALL, waitGatesOf, type WaitGates } from './waitGates';
import type { GoParser } from './parser';
import type { Rule } from './rule';
import { allRules } from './rules';
import { ewtNestingTooDeep, tooDeepFinding } from './nestingCap';
import { isSuppressed, parseSuppressions } from './suppress';
import { detached, forgetTree, namedChildren } from './syntax';
import type { Finding } from './types';
import { defaultVocabulary, type Vocabulary } from './vocabulary';

export interface AnalyzeOptions {
  vocabulary?: Vocabulary;
  ruleLevels?: Record<string, RuleLevel>;
  rules?: readonly Rule[];
  /** Facts of the package's other files (facts.ts); the file's own are computed here. */
  packageFacts?: PackageFacts;
  /** False: findings carry no fixes, and fixes a rule gives as a function are not made (the CLI prints none). */
  fixes?: boolean;
  /** Told about a rule that threw; the analysis goes on without that rule's findings. */
  /** `file` is set by analyzePackage, which analyses several files in one call. */
  onRuleError?: (rule: Rule, error: unknown, file?: string) => void;
}

/** Top-level declarations are the unit of analysis and of caching. */
const UNIT_TYPES = new Set(['function_declaration', 'method_declaration', 'var_declaration', 'const_declaration']);

/** One part of a function declaration (parts.ts): its frame, or one of its regions. */
interface PartState {
  start: number;
  end: number;
  text: string;
  summary: DeclarationSummary;
  /** Null until the rules ran under the current context. */
  findings: readonly Finding[] | null;
  /** Regions (by index) this part's findings point into: an edit there invalidates them. */
  touches: number[];
}

interface Parts {
  frame: PartState;
  regions: PartState[];
  /** The frame's `assert.New(t)` objects, which its regions use. */
  assertObjects: GoFile['assertObjects'];
}

interface CachedUnit {
  start: number;
  end: number;
  /** Function or method name (with receiver): finds the previous version of an edited declaration. */
  name: string | null;
  summary: DeclarationSummary;
  /** Null until the rules ran under the current context. */
  findings: Finding[] | null;
  /** Function and method declarations are analysed in parts. */
  parts?: Parts;
  /** Nested too deep to analyse (nestingCap.ts): one finding, no parts. */
  tooDeep?: true;
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

/** A part's model learns the file's functions with an EventuallyWithT when its rules run (runRules): they need the facts of every part. */
const NOT_YET: Set<string> = new Set();

const EMPTY_SUMMARY: DeclarationSummary = { containsEwt: [], calls: new Map(), collectHelpers: [], panickingLookups: [], gates: new Map() };

function unitName(unit: Node): string | null {
  if (unit.type !== 'function_declaration' && unit.type !== 'method_declaration') return null;
  const receiver = unit.type === 'method_declaration' ? unit.childForFieldName('receiver')?.text ?? '' : '';
  return `${receiver}${unit.childForFieldName('name')?.text ?? ''}`;
}

/** A declaration being analysed: its parts, their models (built on demand) and old → new offsets. */
interface PartsWork {
  unit: Node;
  owner: string | undefined;
  regions: Region[];
  /** Index 0 is the frame, 1… the regions. */
  states: (PartState | null)[];
  /** Every part's summary: the kept state's, or its new model's. */
  summaries: DeclarationSummary[];
  models: (GoFile | null)[];
  /** Maps the reused states' offsets to the current text. */
  map: (o: number) => number | null;
  assertObjects: GoFile['assertObjects'] | null;
  /** The declaration's calls, queried once when a fresh frame needs them. */
  calls: Node[] | null;
  /** The declaration's summary when nothing in it changed. */
  summary: DeclarationSummary | null;
}

/**
 * Runs the rules declaration by declaration and remembers each declaration's findings by its
 * text. After an edit only the declarations whose text changed are analysed again, and inside a
 * function only the parts (parts.ts) the edit reached; the others' findings are moved to their
 * new offsets. Anything file-wide that rules read (imports, function names, package facts,
 * constants, settings) is part of the cache key.
 * Never throws: a failing rule is reported through onRuleError and skipped.
 */
export class Analyzer {
  private cache: Cache | undefined;
  /** What the last analyze() did with declaration parts: run the rules, or kept their findings. */
  readonly stats = { partsChecked: 0, partsKept: 0 };

  analyze(path: string, text: string, tree: Tree, options: AnalyzeOptions = {}): Finding[] {
    const vocab = options.vocabulary ?? defaultVocabulary;
    const rules = options.rules ?? allRules;
    const levels = options.ruleLevels ?? {};
    const root = tree.rootNode;
    const header = readHeader(root);
    const units = namedChildren(root).filter((n) => UNIT_TYPES.has(n.type));
    const structureKey = JSON.stringify([
      path.endsWith('_test.go'), header.packageName, header.imports.assert, header.imports.require, header.imports.time, header.imports.testing, [...header.imports.packages].sort(), header.imports.harness,
      [...header.functions.keys()].sort(), vocabularyId(vocab), rules.map((r) => r.id), levels, options.fixes !== false,
    ]);
    if (this.cache?.structureKey !== structureKey) this.cache = { structureKey, contextKey: '', units: new Map() };
    this.stats.partsChecked = 0;
    this.stats.partsKept = 0;
    const cache = this.cache;

    const texts = units.map((u) => u.text);
    const names = units.map(unitName);
    const oldUnits = [...cache.units.entries()].map(([key, u]) => ({ key, ...u })).sort((a, b) => a.start - b.start);
    const oldByName = new Map<string, (typeof oldUnits)[number]>();
    for (const u of oldUnits) if (u.name !== null && u.parts) oldByName.set(u.name, u);
    const newStartByKey = new Map(units.map((u, i) => [texts[i], u.startIndex]));
    const headerEnd = units.length ? units[0].startIndex : text.length;
    const moved = (o: number) => mapOffset(o, oldUnits, newStartByKey, headerEnd);

    // Phase 1: summaries (what each declaration tells the others), reusing unchanged ones.
    const models = new Map<number, GoFile>();
    const works = new Map<number, PartsWork>();
    /**
     * Declarations nested too deep to analyse (nestingCap.ts). A declaration whose text is cached
     * was checked then: only one that was too deep is looked at again (for its new offsets).
     */
    // For a function whose text changed: the region of its previous version that the edit stayed in.
    const edited = units.map((_, i) => {
      const old = cache.units.has(texts[i]) || names[i] === null ? undefined : oldByName.get(names[i]!);
      return old ? editedRegion(old, texts[i]) : null;
    });
    const deep = units.map((unit, i) => {
      const cached = cache.units.get(texts[i]);
      if (cached) return cached.tooDeep ? ewtNestingTooDeep(unit, texts[i]) : null;
      // An edit inside one block that keeps its skeleton keeps every call and its range's order.
      return edited[i] !== null ? null : ewtNestingTooDeep(unit, texts[i]);
    });
    const summaries: DeclarationSummary[] = [];
    const seen = new Set<string>();
    units.forEach((unit, i) => {
      const cached = cache.units.get(texts[i]);
      if (deep[i]) {
        summaries.push(tooDeepSummary(unit));
        return;
      }
      if (names[i] !== null) {
        // A second declaration with the same text (a duplicate while editing) starts afresh.
        const duplicate = seen.has(texts[i]);
        seen.add(texts[i]);
        const old = duplicate ? undefined : cached?.parts ? { ...cached, key: texts[i] } : oldByName.get(names[i]!);
        const work = this.planParts(path, text, tree, unit, header, old, edited[i], moved, options);
        works.set(i, work);
        summaries.push(work.summary ?? mergeSummaries(work.summaries));
        return;
      }
      if (cached) {
        summaries.push(cached.summary);
        return;
      }
      const model = this.safeBuild(path, text, tree, unit, header, options);
      if (model) models.set(i, model);
      summaries.push(model ? summarize(model) : EMPTY_SUMMARY);
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
    const check = (model: GoFile) => this.runRules(model, functionsWithEwt, factsForRules, vocab, rules, levels, options);

    // Phase 2: findings per declaration.
    const next = new Map<string, CachedUnit>();
    const all: PendingFinding[] = [];
    units.forEach((unit, i) => {
      const key = texts[i];
      const tooDeep = deep[i];
      if (tooDeep) {
        const rule = rules.find((r) => r.id === 'ewt-nested');
        const level = levels['ewt-nested'] ?? 'default';
        const testCode = path.endsWith('_test.go') || header.imports.assert !== null || header.imports.require !== null;
        const findings = rule && level !== 'off' && testCode ? [tooDeepFinding(tooDeep, level === 'default' ? rule.defaultSeverity : level, unit.childForFieldName('name')?.text)] : [];
        next.set(key, { start: unit.startIndex, end: unit.endIndex, name: names[i], summary: summaries[i], findings, tooDeep: true });
        all.push(...findings);
        return;
      }
      const work = works.get(i);
      if (work) {
        const parts = this.finishParts(path, text, tree, header, work, contextChanged, check, options);
        const findings = [parts.frame, ...parts.regions].flatMap((st) => st.findings ?? []);
        next.set(key, { start: unit.startIndex, end: unit.endIndex, name: names[i], summary: summaries[i], findings, parts });
        all.push(...findings);
        return;
      }
      const cached = cache.units.get(key);
      let findings: Finding[];
      if (cached && cached.findings && !contextChanged && !next.has(key)) {
        findings = rebase(cached.findings, moved);
      } else {
        const model = models.get(i) ?? this.safeBuild(path, text, tree, unit, header, options);
        findings = model ? check(model) : [];
      }
      next.set(key, { start: unit.startIndex, end: unit.endIndex, name: names[i], summary: summaries[i], findings });
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

  /**
   * Which parts of a function declaration can keep their state. The same text (moved, perhaps)
   * keeps all of them; an edit strictly inside one region that keeps its skeleton keeps all but
   * that region (and parts whose findings point into it); anything else starts afresh. Region
   * nodes are looked up only for the parts analysed again. Builds the models whose summaries are
   * needed now.
   */
  private planParts(
    path: string,
    text: string,
    tree: Tree,
    unit: Node,
    header: FileHeader,
    old: (CachedUnit & { key: string }) | undefined,
    /** editedRegion(old, the new text), when old is the previous version of a changed text. */
    edited: number | null,
    moved: (o: number) => number | null,
    options: AnalyzeOptions,
  ): PartsWork {
    const owner = unit.type === 'function_declaration' ? unit.childForFieldName('name')?.text : undefined;
    const work: PartsWork = { unit, owner, regions: [], states: [], summaries: [], models: [], map: moved, assertObjects: null, calls: null, summary: null };
    const summarizeParts = () => {
      work.summaries = work.states.map((st, i) => {
        if (st) return st.summary;
        const model = this.partModel(path, text, tree, header, work, i, options);
        return model ? summarize(model, work.owner) : EMPTY_SUMMARY;
      });
      return work;
    };
    const prev = old?.parts;
    const newStart = unit.startIndex;
    const newText = text.slice(newStart, unit.endIndex);
    if (old && prev) {
      const oldStart = old.start;
      const oldEnd = oldStart + old.key.length;
      const shifted = (r: PartState, by: number): Region => ({ start: r.start + by, end: r.end + by, text: r.text, node: null });
      if (old.key === newText) {
        const by = newStart - oldStart;
        work.map = (o) => (o >= oldStart && o <= oldEnd ? o + by : moved(o));
        work.regions = prev.regions.map((r) => shifted(r, by));
        work.states = [prev.frame, ...prev.regions];
        work.summaries = work.states.map((st) => st!.summary);
        work.summary = old.summary;
        work.assertObjects = prev.assertObjects;
        return work;
      }
      const k = edited;
      if (k !== null) {
        const delta = newText.length - old.key.length;
        const by = newStart - oldStart;
        const changed = prev.regions[k];
        const region: Region = { start: changed.start + by, end: changed.end + by + delta, text: '', node: null };
        region.text = text.slice(region.start, region.end);
        region.node = regionNode(unit, region);
        if (region.node) {
          work.regions = prev.regions.map((r, j) => (j < k ? shifted(r, by) : j === k ? region : shifted(r, by + delta)));
          work.map = (o) => {
            if (o < oldStart || o > oldEnd) return moved(o);
            if (o <= changed.start) return o + by;
            if (o >= changed.end) return o + by + delta;
            return null;
          };
          work.assertObjects = prev.assertObjects;
          const reusable = (st: PartState) => (st.touches.includes(k) ? null : st);
          work.states = [reusable(prev.frame), ...prev.regions.map((st, j) => (j === k ? null : reusable(st)))];
          return summarizeParts();
        }
      }
    }
    work.regions = findRegions(unit, text);
    work.states = Array(work.regions.length + 1).fill(null);
    return summarizeParts();
  }

  /** Builds (once) the model of part `i` of `work`: 0 is the frame, i ≥ 1 region i - 1. */
  private partModel(path: string, text: string, tree: Tree, header: FileHeader, work: PartsWork, i: number, options: AnalyzeOptions): GoFile | null {
    if (work.models[i] !== undefined) return work.models[i];
    const { regions } = work;
    let model: GoFile | null = null;
    try {
      if (i === 0) {
        work.calls ??= callsIn(work.unit);
        const calls = work.calls.filter((c) => !insideAny(regions, c.startIndex));
        model = buildGoFile(path, text, tree, { scope: work.unit, header, calls, opaque: regions, functionsWithEwt: NOT_YET });
        work.assertObjects = model.assertObjects;
      } else {
        const region = regions[i - 1];
        const node = (region.node ??= regionNode(work.unit, region));
        if (!node) throw new Error(`no EventuallyWithT call at ${region.start}–${region.end}`);
        const calls = work.calls ? work.calls.filter((c) => c.startIndex >= region.start && c.startIndex < region.end) : callsIn(node);
        work.assertObjects ??= this.partModel(path, text, tree, header, work, 0, options)?.assertObjects ?? new Map();
        model = buildGoFile(path, text, tree, { scope: node, header, calls, owner: work.owner, assertObjects: work.assertObjects, functionsWithEwt: NOT_YET });
      }
    } catch (error) {
      options.onRuleError?.({ id: 'model' } as Rule, error);
    }
    work.models[i] = model;
    return model;
  }

  /** Phase 2 for a declaration in parts: reused findings moved, the rest checked; the new state. */
  private finishParts(path: string, text: string, tree: Tree, header: FileHeader, work: PartsWork, contextChanged: boolean, check: (model: GoFile) => Finding[], options: AnalyzeOptions): Parts {
    const { regions } = work;
    const states: PartState[] = [];
    for (let i = 0; i <= regions.length; i++) {
      const old = work.states[i];
      const summary = work.summaries[i];
      let findings = old?.findings && !contextChanged ? mapFindings(old.findings, work.map) : null;
      // A kept part's findings moved with the regions they point into: its touches stay.
      let touches = findings ? old!.touches : null;
      if (findings) this.stats.partsKept++;
      else {
        this.stats.partsChecked++;
        const model = this.partModel(path, text, tree, header, work, i, options);
        findings = model ? check(model).filter((f) => (i === 0 ? !insideAny(regions, f.start) : true)) : [];
      }
      touches ??= touchedRegions(findings, regions, i - 1);
      const range = i === 0 ? { start: work.unit.startIndex, end: work.unit.endIndex } : regions[i - 1];
      states.push({ start: range.start, end: range.end, text: text.slice(range.start, range.end), summary, findings, touches });
    }
    return { frame: states[0], regions: states.slice(1), assertObjects: work.assertObjects ?? new Map() };
  }

  private safeBuild(path: string, text: string, tree: Tree, unit: Node, header: FileHeader, options: AnalyzeOptions): GoFile | null {
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
            // Kept findings outlive the text they were made from: nothing in them may point into it.
            findings.push({
              ...(f.relatedDeclarations?.length ? { relatedDeclarations: f.relatedDeclarations.map((d) => ({ name: detached(d.name), message: detached(d.message) })) } : {}),
              ruleId: rule.id,
              severity: level === 'default' ? f.severity ?? rule.defaultSeverity : level,
              message: detached(f.message),
              start: f.start,
              end: f.end,
              related: (f.related ?? []).map((r) => ({ ...r, message: detached(r.message) })),
              fixes: (options.fixes === false ? [] : typeof f.fixes === 'function' ? f.fixes() : f.fixes ?? []).map((fix) => ({ ...fix, title: detached(fix.title), edits: fix.edits.map((e) => ({ ...e, newText: detached(e.newText) })) })),
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
  return { containsEwt: name ? [name] : [], calls: new Map(), collectHelpers: name && f.collectHelper ? [name] : [], panickingLookups: name && f.panickingLookup ? [name] : [], gates: new Map() };
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

/**
 * The region (by index) of the previous version of a function that an edit stayed strictly inside,
 * keeping its skeleton (parts.ts): then every other part, and the nesting of the calls, is as it
 * was. Null for any other edit.
 */
function editedRegion(old: CachedUnit & { key: string }, newText: string): number | null {
  const regions = old.parts?.regions;
  if (!regions) return null;
  const span = changedSpan(old.key, newText);
  const k = regions.findIndex((r) => r.start - old.start < span.start && span.oldEnd < r.end - old.start);
  if (k < 0) return null;
  const changed = regions[k];
  const from = changed.start - old.start;
  const next = newText.slice(from, changed.end - old.start + newText.length - old.key.length);
  return skeleton(changed.text) === skeleton(next) ? k : null;
}

function insideAny(regions: readonly Region[], at: number): boolean {
  let lo = 0;
  let hi = regions.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (at < regions[mid].start) hi = mid - 1;
    else if (at >= regions[mid].end) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Regions other than `own` that any range of the findings overlaps. */
function touchedRegions(findings: readonly Finding[], regions: readonly Region[], own: number): number[] {
  const out = new Set<number>();
  for (const f of findings) {
    const o = offsetsOf(f);
    for (let i = 0; i < o.length; i += 2) {
      regions.forEach((r, j) => {
        if (j !== own && o[i] < r.end && r.start < o[i + 1]) out.add(j);
      });
    }
  }
  return [...out];
}

/** One summary for a declaration from its parts'. */
function mergeSummaries(list: readonly DeclarationSummary[]): DeclarationSummary {
  const calls = new Map<string, Set<string>>();
  for (const s of list) for (const [owner, callees] of s.calls) calls.set(owner, new Set([...(calls.get(owner) ?? []), ...callees]));
  const union = (pick: (s: DeclarationSummary) => string[]) => [...new Set(list.flatMap(pick))];
  const gates = new Map(list.flatMap((s) => [...s.gates]));
  return { containsEwt: union((s) => s.containsEwt), calls, collectHelpers: union((s) => s.collectHelpers), panickingLookups: union((s) => s.panickingLookups), gates };
}

/** The file's own facts, from its declarations' summaries. */
function fileFacts(summaries: DeclarationSummary[], functions: Map<string, Node>): PackageFacts {
  const waits = functionWaits(summaries, functions);
  return mergeFacts([
    {
      functionsWithEwt: [...waits.keys()],
      waitsOnlyWhen: [...waits].flatMap(([name, s]) => (s === 'always' ? [] : [`${name}:${s}`])),
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
      const text = decl.childForFieldName('name')?.text;
      if (!text) continue;
      const name = detached(text);
      const key = decl.text;
      const own = reuse?.get(key) ?? declarationFactsSummary(decl);
      next.set(key, own);
      // Callees are filtered here, not in the reused summary: they depend on the file's names.
      summaries.push({
        containsEwt: own.containsEwt ? [name] : [],
        calls: new Map([[name, new Set(own.callees.filter((n) => header.functions.has(n)))]]),
        collectHelpers: own.collectHelper ? [name] : [],
        panickingLookups: own.panickingLookup ? [name] : [],
        gates: own.gates ? new Map([[name, own.gates]]) : new Map(),
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
  gates: WaitGates | null;
}

/**
 * From the text with comments and literals dropped, not from tree queries: the CLI computes
 * this for every function of a package before analysing it, and two queries per function were
 * a fifth of a cold run.
 */
function declarationFactsSummary(decl: Node): DeclarationFactsSummary {
  const code = codeOnly(decl.text);
  return {
    ...declarationFacts(decl),
    containsEwt: code.search(EWT_CALL) >= 0,
    gates: waitGatesOf(code),
    callees: [...new Set([...code.matchAll(PLAIN_CALL)].map((m) => detached(m[1])))],
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
  } finally {
    // One-shot: nothing will ask about this tree's nodes again.
    forgetTree(tree);
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
