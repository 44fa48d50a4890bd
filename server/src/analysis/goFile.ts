import { Query, type Language, type Node, type Tree } from 'web-tree-sitter';
import { ancestor, callArguments, callee, contains, enclosingStatement, namedChildren, stringValue } from './syntax';

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
  /** The `EventuallyWithT` identifier: findings about the call point here. */
  nameNode: Node;
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
  imports: Imports;
  assertObjects: Map<string, AssertObject>;
  ewtCalls: EwtCall[];
  /** Top-level functions by name. */
  functions: Map<string, Node>;
  /** Same-file functions that contain an EventuallyWithT (directly or through another such function). */
  functionsWithEwt: Set<string>;
  /** Every selector/identifier call in the file, for rules that look outside callbacks. */
  calls: Node[];
}

const FILE_QUERY = `
(package_clause (package_identifier) @pkg)
(import_spec) @import
(function_declaration name: (identifier) @fn.name) @fn
(call_expression) @call
`;

const queryCache = new WeakMap<Language, Query>();
function fileQuery(language: Language): Query {
  let q = queryCache.get(language);
  if (!q) {
    q = new Query(language, FILE_QUERY);
    queryCache.set(language, q);
  }
  return q;
}

const EWT_NAMES = new Set(['EventuallyWithT', 'EventuallyWithTf']);

export function buildGoFile(path: string, text: string, tree: Tree): GoFile {
  const root = tree.rootNode;
  const imports: Imports = { assert: null, require: null, time: null, testing: null, declarations: [] };
  const functions = new Map<string, Node>();
  const calls: Node[] = [];
  let packageName: string | null = null;

  for (const cap of fileQuery(tree.language).captures(root)) {
    const n = cap.node;
    switch (cap.name) {
      case 'pkg':
        packageName ??= n.text;
        break;
      case 'import': {
        const p = stringValue(n.childForFieldName('path'));
        const alias = n.childForFieldName('name')?.text ?? null;
        if (alias === '_' || alias === '.') break;
        if (p === ASSERT_PATH) imports.assert = alias ?? 'assert';
        else if (p === REQUIRE_PATH) imports.require = alias ?? 'require';
        else if (p === 'time') imports.time = alias ?? 'time';
        else if (p === 'testing') imports.testing = alias ?? 'testing';
        const decl = ancestor(n, 'import_declaration');
        if (decl && !imports.declarations.some((d) => d.id === decl.id)) imports.declarations.push(decl);
        break;
      }
      case 'fn':
        break;
      case 'fn.name':
        if (n.parent) functions.set(n.text, n.parent);
        break;
      case 'call':
        calls.push(n);
        break;
    }
  }

  const file: GoFile = {
    path,
    text,
    tree,
    root,
    isTestFile: path.endsWith('_test.go'),
    packageName,
    imports,
    assertObjects: new Map(),
    ewtCalls: [],
    functions,
    functionsWithEwt: new Set(),
    calls,
  };
  resolveAssertObjects(file);
  file.ewtCalls = findEwtCalls(file);
  file.functionsWithEwt = functionsContainingEwt(file);
  return file;
}

/** `a := assert.New(t)` / `r := require.New(t)`: name-based, like the rest of this syntactic analysis. */
function resolveAssertObjects(file: GoFile): void {
  for (const call of file.calls) {
    const c = callee(call);
    if (!c || c.name !== 'New' || !c.receiver) continue;
    const pkg = c.receiver === file.imports.assert ? 'assert' : c.receiver === file.imports.require ? 'require' : null;
    if (!pkg) continue;
    const decl = call.parent?.parent;
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

/** Names of *testing.T parameters of every function enclosing `node`. */
function outerTestingNames(node: Node, file: GoFile): Set<string> {
  const names = new Set<string>();
  let fn = ancestor(node, FUNC_TYPES);
  while (fn) {
    const params = fn.childForFieldName('parameters');
    if (params) {
      for (const p of namedChildren(params)) {
        if (p.type !== 'parameter_declaration') continue;
        if (!isTestingTType(p.childForFieldName('type'), file.imports.testing)) continue;
        for (const id of p.childrenForFieldName('name')) if (id) names.add(id.text);
      }
    }
    fn = ancestor(fn, FUNC_TYPES);
  }
  return names;
}

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
    const outer = outerTestingNames(call, file);
    if (tName && /^\w+$/.test(tName)) outer.add(tName);
    out.push({
      call,
      nameNode: c.nameNode,
      variant,
      pkg,
      form,
      tName,
      callback,
      body: callback?.childForFieldName('body') ?? null,
      collectName: collectName && collectName !== '_' ? collectName : null,
      collectQualifier: qualifier,
      waitFor: rest[1] ?? null,
      tick: rest[2] ?? null,
      messageArgs: rest.slice(3),
      lastArg: args[args.length - 1] ?? null,
      statement: enclosingStatement(call),
      enclosingFunction: ancestor(call, FUNC_TYPES),
      outerTNames: outer,
      parent: null,
    });
  }
  // Parent links: the innermost callback that contains each call. Calls come in document order.
  for (const inner of out) {
    let best: EwtCall | null = null;
    for (const outer of out) {
      if (outer === inner || !outer.body || !contains(outer.body, inner.call)) continue;
      if (!best || contains(best.body!, outer.call)) best = outer;
    }
    inner.parent = best;
  }
  return out;
}

/** Fixed point over same-file calls: f contains an EWT, or calls a function that does. */
function functionsContainingEwt(file: GoFile): Set<string> {
  const result = new Set<string>();
  for (const e of file.ewtCalls) {
    const fn = topLevelFunction(e.call);
    const name = fn?.childForFieldName('name')?.text;
    if (name) result.add(name);
  }
  const callsByFunction = new Map<string, Set<string>>();
  for (const call of file.calls) {
    const c = callee(call);
    if (!c || c.receiver || !file.functions.has(c.name)) continue;
    const owner = topLevelFunction(call)?.childForFieldName('name')?.text;
    if (!owner) continue;
    let set = callsByFunction.get(owner);
    if (!set) callsByFunction.set(owner, (set = new Set()));
    set.add(c.name);
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (const [owner, callees] of callsByFunction) {
      if (result.has(owner)) continue;
      if ([...callees].some((n) => result.has(n))) {
        result.add(owner);
        changed = true;
      }
    }
  }
  return result;
}

export function topLevelFunction(node: Node): Node | null {
  let fn: Node | null = ancestor(node, 'function_declaration');
  return fn;
}

/** The EventuallyWithT callback that most closely contains `node`, if any. */
export function enclosingEwt(file: GoFile, node: Node): EwtCall | null {
  let best: EwtCall | null = null;
  for (const e of file.ewtCalls) {
    if (e.body && contains(e.body, node) && (!best || contains(best.body!, e.body))) best = e;
  }
  return best;
}
