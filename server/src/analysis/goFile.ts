import type { Node, Tree } from 'web-tree-sitter';
import { declarationFacts, noFacts, factSets, type Facts } from './facts';
import { codeOnly } from './parts';
import { ancestor, callArguments, callee, detached, enclosingStatement, memoPerNode, methodCallAt, namedChildren, parentOf, perTreeTable, queryIn, stringValue } from './syntax';
import { waitGatesOf, waitStatuses, type WaitGates, type WaitStatus } from './waitGates';

export { queryIn };

/**
 * Everything the rules need to know about one Go file, computed once per analysis with
 * tree-sitter queries (which run inside the wasm module, far faster than walking from JS).
 */

export const ASSERT_PATH = 'github.com/stretchr/testify/assert';
export const REQUIRE_PATH = 'github.com/stretchr/testify/require';

export interface Imports {
  /** Local names the testify packages are imported under ("assert", or an alias). */
  assert: string | null;
  require: string | null;
  time: string | null;
  testing: string | null;
  /** Local names of every imported package (`os`, `hsic`, …): a call on one is a package function, not a method. */
  packages: Set<string>;
  /** The file imports the integration harness (`…/integration`, `…/integration/hsic`, `…/integration/tsic`). */
  harness: boolean;
  /** The import declaration nodes, for fixes that add an import. */
  declarations: Node[];
}

export interface AssertObject {
  pkg: 'assert' | 'require';
  /** The *testing.T the object was built from (`assert.New(t)`). */
  tName: string;
}

export interface EwtCall {
  call: Node;
  /** Where the `EventuallyWithT` identifier is: findings about the call point here. */
  nameStart: number;
  nameEnd: number;
  variant: 'EventuallyWithT' | 'EventuallyWithTf';
  pkg: 'assert' | 'require';
  form: 'package' | 'object';
  /** The testing.T passed in (package form) or bound to the object. */
  tName: string | null;
  callback: Node | null;
  body: Node | null;
  collectName: string | null;
  /** Qualifier used in `*assert.CollectT` (the assert import's local name). */
  collectQualifier: string;
  waitFor: Node | null;
  tick: Node | null;
  /** The msgAndArgs tail; for the `f` variant the first is the format. */
  messageArgs: Node[];
  lastArg: Node | null;
  statement: Node | null;
  enclosingFunction: Node | null;
  /** Callback body interval, cached as numbers (node getters cross into wasm). */
  bodyStart: number;
  bodyEnd: number;
  /** Names of every *testing.T / testing.TB in scope outside the callback. */
  outerTNames: Set<string>;
  /** The EventuallyWithT whose callback contains this one, if any. */
  parent: EwtCall | null;
}

export interface GoFile {
  path: string;
  text: string;
  tree: Tree;
  root: Node;
  isTestFile: boolean;
  packageName: string | null;
  /** See drivesHarness: the integration vocabulary applies only here. */
  harness: boolean;
  imports: Imports;
  assertObjects: Map<string, AssertObject>;
  ewtCalls: EwtCall[];
  /** Top-level functions by name. */
  functions: Map<string, Node>;
  /** Same-file functions that contain an EventuallyWithT (directly or through another such function). */
  functionsWithEwt: Set<string>;
  /** Package facts (facts.ts): what rules know about declarations other than their own. */
  facts: Facts;
  /** Every call in the file in document order, for rules that look outside callbacks. */
  calls: Node[];
  /** For each call (by node id): the EventuallyWithT whose callback most closely contains it. */
  innermostEwt: Map<number, EwtCall>;
  /** Calls grouped by their innermost EventuallyWithT. */
  callsByEwt: Map<EwtCall, Node[]>;
  /** Per-file memo for rules' derived data (classification, …), keyed by the deriving module. */
  memo: Map<string, unknown>;
  /** The top-level declaration analysed, one of its regions (parts.ts), or the root for whole-file models. */
  scope: Node;
  /**
   * Ranges inside `scope` that belong to other models (a declaration's frame leaves its regions
   * out): rules that search the tree themselves skip them (inModel), as `calls` already does.
   */
  opaque: readonly { start: number; end: number }[];
}

/** The model's calls inside `node`, in document order (file.calls is sorted by start). */
export function callsWithin(file: GoFile, node: Node): Node[] {
  const start = node.startIndex;
  const end = node.endIndex;
  let lo = 0;
  let hi = file.calls.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (file.calls[mid].startIndex < start) lo = mid + 1;
    else hi = mid;
  }
  const out: Node[] = [];
  for (let i = lo; i < file.calls.length && file.calls[i].startIndex < end; i++) out.push(file.calls[i]);
  return out;
}

/**
 * Calls of the named methods (`x.ListNodes(…)`) anywhere in `within`, found from the text (a
 * search, then one node lookup per hit), so a region's model can see its whole declaration's.
 */
const methodCallsCache = perTreeTable<Map<string, Node[]>>();
export function callsOfMethods(file: GoFile, within: Node, methods: ReadonlySet<string>): Node[] {
  // Every region model of a declaration asks: once per tree.
  let byKey = methodCallsCache.get(file.tree);
  if (!byKey) methodCallsCache.set(file.tree, (byKey = new Map()));
  const key = `${within.id} ${[...methods].join(',')}`;
  let calls = byKey.get(key);
  if (!calls) byKey.set(key, (calls = findMethodCalls(file, within, methods)));
  return calls;
}

function findMethodCalls(file: GoFile, within: Node, methods: ReadonlySet<string>): Node[] {
  const start = within.startIndex;
  const source = file.text.slice(start, within.endIndex);
  const out: Node[] = [];
  for (const m of source.matchAll(/\.[ \t]*([A-Za-z_]\w*)[ \t]*\(/g)) {
    if (!methods.has(m[1])) continue;
    const at = start + m.index + m[0].indexOf(m[1]);
    const call = methodCallAt(within, at, m[1].length);
    if (call) out.push(call);
  }
  return out;
}

/** Whether `node` is part of this model: inside its scope and not in a range left to another. */
export function inModel(file: GoFile, node: Node): boolean {
  const at = node.startIndex;
  if (at < file.scope.startIndex || at >= file.scope.endIndex) return false;
  return !file.opaque.some((r) => at >= r.start && at < r.end);
}

/** Calls inside `scope`, in document order (the query runs inside wasm; only matches cross over). */
export function callsIn(scope: Node): Node[] {
  return queryIn(scope, '(call_expression) @call');
}

/** The file-level facts: package, imports and top-level function names (top-level nodes only). */
export interface FileHeader {
  packageName: string | null;
  imports: Imports;
  functions: Map<string, Node>;
}

/** Import paths of Headscale's integration harness (ControlServer, TailscaleClient, hsic, tsic). */
const HARNESS_IMPORT = /(^|\/)integration(\/(hsic|tsic|integrationutil|dockertestutil))?$/;

/**
 * Code that drives the integration harness: package `integration` or a file importing the harness.
 * Only there do ListNodes, Status or Execute mean a gRPC call or a `docker exec` into a container;
 * Headscale's in-process tests (hscontrol/db, servertest, mapper) call same-named methods synchronously.
 */
export function drivesHarness(header: { packageName: string | null; imports: Imports }): boolean {
  return header.packageName === 'integration' || header.imports.harness;
}

/**
 * The header of the file whose root node is `root`, read once per tree (treat it as read-only):
 * the store (the document's package), the analysis and the facts all ask after each edit.
 */
export const readHeader: (root: Node) => FileHeader = memoPerNode(readHeaderOf);

function readHeaderOf(root: Node): FileHeader {
  const imports: Imports = { assert: null, require: null, time: null, testing: null, packages: new Set(), harness: false, declarations: [] };
  const functions = new Map<string, Node>();
  let packageName: string | null = null;
  for (const top of namedChildren(root)) {
    if (top.type === 'package_clause') packageName ??= top.namedChild(0)?.text ?? null;
    else if (top.type === 'function_declaration') {
      const name = top.childForFieldName('name');
      if (name) functions.set(name.text, top);
    } else if (top.type === 'import_declaration') {
      imports.declarations.push(top);
      const specs = namedChildren(top).flatMap((c) => (c.type === 'import_spec_list' ? namedChildren(c) : [c]));
      for (const spec of specs) {
        if (spec.type !== 'import_spec') continue;
        const p = stringValue(spec.childForFieldName('path'));
        const alias = spec.childForFieldName('name')?.text ?? null;
        if (alias === '_' || alias === '.') continue;
        if (p) imports.packages.add(alias ?? p.split('/').pop()!);
        if (p && HARNESS_IMPORT.test(p)) imports.harness = true;
        if (p === ASSERT_PATH) imports.assert = alias ?? 'assert';
        else if (p === REQUIRE_PATH) imports.require = alias ?? 'require';
        else if (p === 'time') imports.time = alias ?? 'time';
        else if (p === 'testing') imports.testing = alias ?? 'testing';
      }
    }
  }
  return { packageName, imports, functions };
}

export interface BuildOptions {
  /** Analyse only this top-level declaration (the rest of the file supplies context). */
  scope?: Node;
  header?: FileHeader;
  /** Known from per-declaration summaries; computed from the scope's calls otherwise. */
  functionsWithEwt?: Set<string>;
  /** The scope's calls when the caller has them (one query per declaration, shared by its parts). */
  calls?: Node[];
  /** See GoFile.opaque. */
  opaque?: readonly { start: number; end: number }[];
  /** The top-level function a region belongs to (summaries name it). */
  owner?: string;
  /** `a := assert.New(t)` objects declared outside the scope (a region sees its frame's). */
  assertObjects?: ReadonlyMap<string, AssertObject>;
}

const EWT_NAMES = new Set(['EventuallyWithT', 'EventuallyWithTf']);

export function buildGoFile(path: string, text: string, tree: Tree, options: BuildOptions = {}): GoFile {
  const root = tree.rootNode;
  const header = options.header ?? readHeader(root);
  const file: GoFile = {
    path,
    text,
    tree,
    root,
    isTestFile: path.endsWith('_test.go'),
    packageName: header.packageName,
    harness: drivesHarness(header),
    imports: header.imports,
    assertObjects: new Map(options.assertObjects ?? []),
    ewtCalls: [],
    functions: header.functions,
    functionsWithEwt: new Set(),
    facts: factSets(noFacts),
    calls: options.calls ?? callsIn(options.scope ?? root),
    innermostEwt: new Map(),
    callsByEwt: new Map(),
    memo: new Map(),
    scope: options.scope ?? root,
    opaque: options.opaque ?? [],
  };
  resolveAssertObjects(file);
  file.ewtCalls = findEwtCalls(file);
  assignCallsToCallbacks(file);
  file.functionsWithEwt = options.functionsWithEwt ?? functionsContainingEwt(summarize(file, options.owner), file.functions);
  return file;
}

/** `a := assert.New(t)` / `r := require.New(t)`: name-based, like the rest of this syntactic analysis. */
function resolveAssertObjects(file: GoFile): void {
  // Rare in tests: look at the calls only when the text has one.
  if (!file.text.slice(file.scope.startIndex, file.scope.endIndex).includes('New(')) return;
  for (const call of file.calls) {
    const c = callee(call);
    if (!c || c.name !== 'New' || !c.receiver) continue;
    const pkg = c.receiver === file.imports.assert ? 'assert' : c.receiver === file.imports.require ? 'require' : null;
    if (!pkg) continue;
    const up = parentOf(call);
    const decl = up ? parentOf(up) : null;
    if (!decl || (decl.type !== 'short_var_declaration' && decl.type !== 'assignment_statement' && decl.type !== 'var_spec')) continue;
    const left = decl.type === 'var_spec' ? decl.childForFieldName('name') : decl.childForFieldName('left')?.namedChild(0);
    const tArg = callArguments(call)[0];
    if (left?.type === 'identifier' && tArg) file.assertObjects.set(left.text, { pkg, tName: tArg.text });
  }
}

function isTestingTType(typeNode: Node | null, testingAlias: string | null): boolean {
  if (!typeNode) return false;
  const t = typeNode.text.replace(/\s+/g, '');
  const q = testingAlias ?? 'testing';
  return t === `*${q}.T` || t === `${q}.TB` || t === `*${q}.B`;
}

/** Names of *testing.T parameters of `fn` and every function around it. */
function outerTestingNames(fn: Node | null, file: GoFile): Set<string> {
  return new Set(fn ? testingNamesThrough(fn, file.imports.testing) : []);
}

/**
 * The *testing.T parameter names of `fn` and of every function around it, once per function and
 * tree: each EventuallyWithT of a long test asks, and they share their enclosing functions.
 */
const testingNamesThrough = memoPerNode((fn: Node, testingAlias: string | null): readonly string[] => {
  const names: string[] = [];
  const params = fn.childForFieldName('parameters');
  if (params) {
    for (const p of namedChildren(params)) {
      if (p.type !== 'parameter_declaration') continue;
      if (!isTestingTType(p.childForFieldName('type'), testingAlias)) continue;
      for (const id of p.childrenForFieldName('name')) if (id) names.push(id.text);
    }
  }
  const outer = ancestor(fn, FUNC_TYPES);
  return outer ? [...names, ...testingNamesThrough(outer, testingAlias)] : names;
});

export const FUNC_TYPES: ReadonlySet<string> = new Set(['function_declaration', 'method_declaration', 'func_literal']);

function findEwtCalls(file: GoFile): EwtCall[] {
  const out: EwtCall[] = [];
  for (const call of file.calls) {
    const c = callee(call);
    if (!c || !EWT_NAMES.has(c.name) || !c.receiver) continue;
    let pkg: 'assert' | 'require' | null = null;
    let form: 'package' | 'object' = 'package';
    let tName: string | null = null;
    const args = callArguments(call);
    if (c.receiver === file.imports.assert) pkg = 'assert';
    else if (c.receiver === file.imports.require) pkg = 'require';
    else {
      const obj = file.assertObjects.get(c.receiver);
      if (obj) {
        pkg = obj.pkg;
        form = 'object';
        tName = obj.tName;
      }
    }
    // No testify import resolved: still recognise the canonical spelling so a file with a broken
    // import block keeps its diagnostics.
    if (!pkg && (c.receiver === 'assert' || c.receiver === 'require') && !file.imports.assert && !file.imports.require) {
      pkg = c.receiver;
    }
    if (!pkg) continue;
    const rest = form === 'package' ? args.slice(1) : args;
    if (form === 'package') tName = args[0]?.type === 'identifier' ? args[0].text : args[0]?.text ?? null;
    const condition = rest[0] ?? null;
    const callback = condition?.type === 'func_literal' ? condition : null;
    const param = callback?.childForFieldName('parameters')?.namedChild(0) ?? null;
    const collectName = param?.childForFieldName('name')?.text ?? null;
    const collectType = param?.childForFieldName('type')?.text.replace(/\s+/g, '') ?? '';
    const qualifier = /^\*(\w+)\.CollectT$/.exec(collectType)?.[1] ?? file.imports.assert ?? 'assert';
    const variant = c.name as EwtCall['variant'];
    const enclosingFunction = ancestor(call, FUNC_TYPES);
    const outer = outerTestingNames(enclosingFunction, file);
    if (tName && /^\w+$/.test(tName)) outer.add(tName);
    const body = callback?.childForFieldName('body') ?? null;
    out.push({
      call,
      nameStart: c.nameStart,
      nameEnd: c.nameEnd,
      bodyStart: body ? body.startIndex : -1,
      bodyEnd: body ? body.endIndex : -1,
      variant,
      pkg,
      form,
      tName,
      callback,
      body,
      collectName: collectName && collectName !== '_' ? collectName : null,
      collectQualifier: qualifier,
      waitFor: rest[1] ?? null,
      tick: rest[2] ?? null,
      messageArgs: rest.slice(3),
      lastArg: args[args.length - 1] ?? null,
      statement: enclosingStatement(call),
      enclosingFunction,
      outerTNames: outer,
      parent: null,
    });
  }
  return out;
}

/**
 * One sweep over calls in document order with a stack of open callbacks: each call's innermost
 * enclosing callback, and each EventuallyWithT's parent, in O(calls + callbacks).
 */
function assignCallsToCallbacks(file: GoFile): void {
  const byCall = new Map<number, EwtCall>();
  for (const e of file.ewtCalls) byCall.set(e.call.id, e);
  const stack: EwtCall[] = [];
  for (const call of file.calls) {
    const start = call.startIndex;
    while (stack.length && stack[stack.length - 1].bodyEnd <= start) stack.pop();
    const inner = stack[stack.length - 1];
    if (inner) {
      file.innermostEwt.set(call.id, inner);
      const list = file.callsByEwt.get(inner) ?? [];
      list.push(call);
      file.callsByEwt.set(inner, list);
    }
    const ewt = byCall.get(call.id);
    if (ewt) {
      ewt.parent = inner ?? null;
      if (ewt.bodyStart >= 0) stack.push(ewt);
    }
  }
}

/** What other declarations need to know about one declaration: cheap to cache by its text. */
export interface DeclarationSummary {
  /** Names of top-level functions this declaration is or defines that contain an EventuallyWithT. */
  containsEwt: string[];
  /** The declared function takes a *assert.CollectT / is a Must… lookup that panics (facts.ts). */
  collectHelpers: string[];
  panickingLookups: string[];
  /** function name → same-file functions it calls (plain identifier calls). */
  calls: Map<string, Set<string>>;
  /** function name → its waits and calls gated by bool parameters (waitGates.ts), where any. */
  gates: Map<string, WaitGates>;
}

/** `owner`: the top-level function of a region model (parts.ts). */
export function summarize(file: GoFile, owner?: string): DeclarationSummary {
  // In a per-declaration model the owner of every call is the declaration itself; asking a node
  // for its parent walks down from the root in web-tree-sitter, so avoid it where we can.
  const scopeName = owner ?? (file.scope.type === 'function_declaration' ? file.scope.childForFieldName('name')?.text : undefined);
  const known = owner !== undefined || file.scope.type === 'function_declaration';
  const ownerOf = (n: Node) => (known ? scopeName : topLevelFunction(n)?.childForFieldName('name')?.text);
  // Summaries are kept across edits (and facts across files): their names are detached copies.
  const containsEwt = new Set<string>();
  for (const e of file.ewtCalls) {
    const name = ownerOf(e.call);
    if (name) containsEwt.add(detached(name));
  }
  const calls = new Map<string, Set<string>>();
  for (const call of file.calls) {
    const c = callee(call);
    if (!c?.plain || !file.functions.has(c.name)) continue;
    const found = ownerOf(call);
    if (!found) continue;
    const owner = detached(found);
    let set = calls.get(owner);
    if (!set) calls.set(owner, (set = new Set()));
    set.add(detached(c.name));
  }
  const collectHelpers: string[] = [];
  const panickingLookups: string[] = [];
  const gates = new Map<string, WaitGates>();
  // The frame's model (or a whole declaration's) holds the declaration: its regions' do not.
  const decls = file.scope.type === 'function_declaration' ? [file.scope] : file.scope === file.root ? [...file.functions.values()] : [];
  for (const decl of decls) {
    const text = decl.childForFieldName('name')?.text;
    if (!text) continue;
    const name = detached(text);
    const f = declarationFacts(decl);
    if (f.collectHelper) collectHelpers.push(name);
    if (f.panickingLookup) panickingLookups.push(name);
    const g = waitGatesOf(codeOnly(decl.text));
    if (g) gates.set(name, g);
  }
  return { containsEwt: [...containsEwt], calls, collectHelpers, panickingLookups, gates };
}

/**
 * Fixed point over same-file calls: f contains an EWT, or calls a function that does (a call
 * passing `false` to a function that waits only `if retry {` does not: waitGates.ts).
 */
export function functionsContainingEwt(summaries: DeclarationSummary | DeclarationSummary[], functions: Map<string, Node>): Set<string> {
  return new Set(functionWaits(summaries, functions).keys());
}

/** Per function that may wait: always, or only when its bool parameter at that index is true. */
export function functionWaits(summaries: DeclarationSummary | DeclarationSummary[], functions: Map<string, Node>): Map<string, WaitStatus> {
  const list = Array.isArray(summaries) ? summaries : [summaries];
  const direct = new Set<string>(list.flatMap((s) => s.containsEwt));
  const callsByFunction = new Map<string, Set<string>>();
  const gates = new Map<string, WaitGates>();
  for (const s of list) {
    for (const [owner, callees] of s.calls) callsByFunction.set(owner, callees);
    for (const [owner, g] of s.gates) gates.set(owner, g);
  }
  // Names that are not functions of this file (a test's own name in a region model) never wait.
  const known = { has: (n: string) => functions.has(n) || direct.has(n) };
  return waitStatuses(direct, callsByFunction, gates, known);
}

export function topLevelFunction(node: Node): Node | null {
  let fn: Node | null = ancestor(node, 'function_declaration');
  return fn;
}

/** The EventuallyWithT callback that most closely contains `node`, if any. */
export function enclosingEwt(file: GoFile, node: Node): EwtCall | null {
  if (node.type === 'call_expression') return file.innermostEwt.get(node.id) ?? null;
  const start = node.startIndex;
  const end = node.endIndex;
  let best: EwtCall | null = null;
  for (const e of file.ewtCalls) {
    if (e.bodyStart <= start && end <= e.bodyEnd && (!best || best.bodyStart <= e.bodyStart)) best = e;
  }
  return best;
}
