import type { Node, Tree } from 'web-tree-sitter';
import { readHeader } from '../goFile';
import { callArguments, callee, namedChildren, queryIn, stringValue } from '../syntax';
import { baseMethod, METHODS } from './assertions';

/**
 * The contract of a _test.go file: per top-level function, its assertions (with the value under
 * test and the expectation, both normalised), literal subtests, table cases and skips. Built from
 * the syntax tree; the comparison (compare.ts) works on these plain values only.
 */

export interface Assertion {
  /** `assert`, `require`, or `helper` for the harness's own `assertX(t, …)`/`requireX(t, …)`. */
  pkg: 'assert' | 'require' | 'helper';
  /** Method without the `f` suffix (`Len`), or the helper's name. */
  method: string;
  /** How the call is spelled here (`require.Len`, `assertNoErr`). */
  spelled: string;
  /** Normalised value under test (layout removed; local names marked with LOCAL_MARK). */
  actualKey: string;
  actualText: string;
  /** Normalised expectation ('' when the method is the expectation, e.g. NoError). */
  expectedKey: string;
  expectedText: string;
  /** Offsets of the expectation argument(s), or of the call when there is none. */
  expectedStart: number;
  expectedEnd: number;
  start: number;
  end: number;
  /** The method name node (what a kind change replaces). */
  nameStart: number;
  nameEnd: number;
  /** The statement holding the call (what a restore re-inserts). */
  statementStart: number;
  statementEnd: number;
  /** The TestingT argument as written (`t`, `c`), '' for object-form assertions. */
  tText: string;
  /** `require` in `require.Len`, '' for helpers; with its offsets (what a require→assert restore replaces). */
  receiver: string;
  receiverStart: number;
  receiverEnd: number;
  /** The method as written (`Lenf`). */
  methodSpelled: string;
  /** The arguments after the TestingT, as written. */
  restText: string;
  /** Inside an EventuallyWithT callback. */
  inEwt: boolean;
}

export interface Subtest {
  name: string;
  /** The name literal. */
  start: number;
  end: number;
  /** The whole `t.Run(…)` call. */
  callStart: number;
  callEnd: number;
}

export interface TableCase {
  /** Which table in the function (0-based, document order). */
  table: number;
  /** The case's name (its `name:` field, map key or first string), null when unnamed. */
  name: string | null;
  start: number;
  end: number;
}

export interface Skip {
  text: string;
  start: number;
  end: number;
  statementStart: number;
  statementEnd: number;
}

export interface CommentText {
  text: string;
  start: number;
  end: number;
}

/** A local name in declaration order, with what it was declared from (its role, for renames). */
export interface Local {
  name: string;
  role: string;
}

export interface FunctionContract {
  name: string;
  /** Offset just after the body's `{`. */
  bodyOpen: number;
  locals: Local[];
  isTest: boolean;
  start: number;
  end: number;
  nameStart: number;
  nameEnd: number;
  /** A `//` comment block directly above the declaration. */
  hasDoc: boolean;
  assertions: Assertion[];
  subtests: Subtest[];
  tables: { start: number; end: number; cases: TableCase[] }[];
  skips: Skip[];
  comments: CommentText[];
}

export interface FileContract {
  text: string;
  /** The package clause (where findings about removed tests are reported). */
  packageStart: number;
  packageEnd: number;
  functions: Map<string, FunctionContract>;
}

const TESTING_TYPE = /^\*?(?:\w+\.)?(?:T|TB|B|CollectT)$/;
const HELPER = /^(?:assert|require)[A-Z]\w*$/;
const SKIP = new Set(['Skip', 'Skipf', 'SkipNow']);
const EWT = new Set(['EventuallyWithT', 'EventuallyWithTf']);
const LEN_BOUNDS = new Set(['Greater', 'GreaterOrEqual', 'Less', 'LessOrEqual']);
/** Helper arguments that tune timing or wording, not the expectation. */
const NOT_EXPECTATION = /^(?:"|`)|\btime\.|Timeout|Interval/;

export function fileContract(tree: Tree, text: string): FileContract {
  const root = tree.rootNode;
  const header = readHeader(root);
  const pkgNode = namedChildren(root).find((n) => n.type === 'package_clause');
  const functions = new Map<string, FunctionContract>();
  let previous: Node | null = null;
  for (const top of namedChildren(root)) {
    if (top.type === 'function_declaration') {
      const fn = functionContract(top, previous, text, header.imports.assert, header.imports.require);
      if (fn && !functions.has(fn.name)) functions.set(fn.name, fn);
    }
    previous = top;
  }
  return { text, packageStart: pkgNode?.startIndex ?? 0, packageEnd: pkgNode?.endIndex ?? 0, functions };
}

function functionContract(fn: Node, previous: Node | null, text: string, assertAlias: string | null, requireAlias: string | null): FunctionContract | null {
  const nameNode = fn.childForFieldName('name');
  const body = fn.childForFieldName('body');
  if (!nameNode || !body) return null;
  const name = nameNode.text;
  const canon = localNames(fn);
  const testingNames = canon.testing;
  const localSet = new Set(canon.locals.map((l) => l.name));
  const assertPkgs = new Map<string, 'assert' | 'require'>([
    [assertAlias ?? 'assert', 'assert'],
    [requireAlias ?? 'require', 'require'],
  ]);
  const objects = assertObjects(fn, assertPkgs);
  const norm = (n: Node) => normalise(n, localSet);

  const calls = queryIn(fn, '(call_expression) @c');
  const ewtBodies: [number, number][] = [];
  for (const call of calls) {
    const c = callee(call);
    if (c && EWT.has(c.name)) {
      const cb = callArguments(call).find((a) => a.type === 'func_literal');
      const b = cb?.childForFieldName('body');
      if (b) ewtBodies.push([b.startIndex, b.endIndex]);
    }
  }
  const inEwt = (offset: number) => ewtBodies.some(([s, e]) => s <= offset && offset < e);

  const assertions: Assertion[] = [];
  const subtests: Subtest[] = [];
  const skips: Skip[] = [];
  for (const call of calls) {
    const c = callee(call);
    if (!c) continue;
    const args = callArguments(call);
    const statement = statementOf(call);
    if (c.receiver && testingNames.has(c.receiver)) {
      if (SKIP.has(c.name)) {
        skips.push({ text: call.text, start: call.startIndex, end: call.endIndex, statementStart: statement.startIndex, statementEnd: statement.endIndex });
      } else if (c.name === 'Run') {
        const label = stringValue(args[0] ?? null);
        if (label !== null) subtests.push({ name: label, start: args[0].startIndex, end: args[0].endIndex, callStart: call.startIndex, callEnd: call.endIndex });
      }
      continue;
    }
    let pkg: Assertion['pkg'] | null = null;
    let rest: Node[] = args;
    let tText = '';
    if (c.receiver && assertPkgs.has(c.receiver)) {
      pkg = assertPkgs.get(c.receiver)!;
      tText = args[0]?.text ?? '';
      rest = args.slice(1);
    } else if (c.receiver && objects.has(c.receiver)) {
      pkg = objects.get(c.receiver)!;
    } else if (!c.receiver && HELPER.test(c.name)) {
      pkg = 'helper';
      if (args[0]?.type === 'identifier' && testingNames.has(args[0].text)) {
        tText = args[0].text;
        rest = args.slice(1);
      }
    }
    if (!pkg) continue;
    const method = pkg === 'helper' ? c.name : baseMethod(c.name);
    if (pkg !== 'helper' && (EWT.has(method) || method === 'Eventually' || method === 'Never' || method === 'New')) continue;
    const info = pkg === 'helper' ? undefined : METHODS.get(method);
    let actual: Node[];
    let expected: Node[];
    if (pkg === 'helper') {
      actual = rest.slice(0, 1);
      expected = rest.slice(1).filter((a) => !NOT_EXPECTATION.test(a.text));
    } else if (!info) {
      // An assertion this table does not know: the whole call is its identity.
      actual = rest;
      expected = [];
    } else if (info.roles === 'expected-first') {
      actual = rest.slice(1, 2);
      expected = [rest[0], ...rest.slice(2, info.arity)].filter(Boolean);
    } else if (info.roles === 'actual-first') {
      actual = rest.slice(0, 1);
      expected = rest.slice(1, info.arity);
    } else {
      actual = rest.slice(0, 1);
      expected = [];
    }
    let normMethod = method;
    // `Equal(t, 3, len(nodes))` says what `Len(t, nodes, 3)` says, and `GreaterOrEqual(t,
    // len(nodes), 2)` is a bound on the same value: compare them on `nodes`.
    if (actual.length === 1 && actual[0].type === 'call_expression' && actual[0].childForFieldName('function')?.text === 'len' && (method === 'Equal' || LEN_BOUNDS.has(method))) {
      const inner = callArguments(actual[0]);
      if (inner.length === 1) {
        actual = inner;
        if (method === 'Equal') normMethod = 'Len';
      }
    }
    const fnNode = call.childForFieldName('function');
    const receiverNode = fnNode?.type === 'selector_expression' ? fnNode.childForFieldName('operand') : null;
    const first = expected[0];
    const last = expected[expected.length - 1];
    assertions.push({
      pkg,
      method: normMethod,
      spelled: call.childForFieldName('function')?.text ?? c.name,
      actualKey: actual.map(norm).join(', '),
      actualText: actual.map((a) => a.text).join(', '),
      expectedKey: expected.map(norm).join(', '),
      expectedText: expected.map((a) => a.text).join(', '),
      expectedStart: first ? first.startIndex : call.startIndex,
      expectedEnd: last ? last.endIndex : call.endIndex,
      start: call.startIndex,
      end: call.endIndex,
      nameStart: c.nameNode.startIndex,
      nameEnd: c.nameNode.endIndex,
      statementStart: statement.startIndex,
      statementEnd: statement.endIndex,
      tText,
      receiver: receiverNode?.text ?? '',
      receiverStart: receiverNode?.startIndex ?? call.startIndex,
      receiverEnd: receiverNode?.endIndex ?? call.startIndex,
      methodSpelled: c.name,
      restText: rest.length ? text.slice(rest[0].startIndex, rest[rest.length - 1].endIndex) : '',
      inEwt: inEwt(call.startIndex),
    });
  }

  const comments = queryIn(fn, '(comment) @c').map((n) => ({ text: n.text, start: n.startIndex, end: n.endIndex }));
  return {
    name,
    bodyOpen: body.startIndex + 1,
    locals: canon.locals,
    isTest: /^Test[A-Z0-9_]/.test(name) || name === 'Test',
    start: fn.startIndex,
    end: fn.endIndex,
    nameStart: nameNode.startIndex,
    nameEnd: nameNode.endIndex,
    hasDoc: hasDocComment(fn, previous, text),
    assertions,
    subtests,
    tables: tablesIn(fn),
    skips,
    comments,
  };
}

/** The expression statement (or other statement) a call stands in. */
function statementOf(call: Node): Node {
  let n = call;
  while (n.parent && n.parent.type !== 'statement_list' && n.parent.type !== 'block' && n.parent.type !== 'func_literal') n = n.parent;
  return n;
}

/**
 * Local names in declaration order with their role (what they were declared from), so that a
 * renamed variable can be paired with its old name. TestingT-like parameters are set apart: t
 * becomes c inside an EventuallyWithT callback and is never part of an expectation.
 */
function localNames(fn: Node): { locals: Local[]; testing: Set<string> } {
  const locals: Local[] = [];
  const seen = new Set<string>();
  const testing = new Set<string>();
  const declared = queryIn(
    fn,
    `[(short_var_declaration left: (expression_list (identifier) @id))
      (var_spec name: (identifier) @id)
      (range_clause left: (expression_list (identifier) @id))
      (parameter_declaration name: (identifier) @id)]`,
  );
  for (const id of declared) {
    const holder = id.parent?.type === 'expression_list' ? id.parent.parent : id.parent;
    if (holder?.type === 'parameter_declaration' && TESTING_TYPE.test(holder.childForFieldName('type')?.text.replace(/\s+/g, '') ?? '')) {
      testing.add(id.text);
      continue;
    }
    if (id.text === '_' || seen.has(id.text)) continue;
    seen.add(id.text);
    locals.push({ name: id.text, role: roleOf(id, holder) });
  }
  return { locals, testing };
}

/** `nodes, err := hs.ListNodes()` → `hs.ListNodes()#0` for nodes: what the name stands for. */
function roleOf(id: Node, holder: Node | null): string {
  if (!holder) return '';
  const left = holder.childForFieldName('left');
  const position = left ? namedChildren(left).findIndex((n) => n.id === id.id) : 0;
  const source = holder.childForFieldName('right') ?? holder.childForFieldName('value') ?? holder.childForFieldName('type');
  return `${holder.type}:${(source?.text ?? '').replace(/\s+/g, '')}#${position}`;
}

/** `a := assert.New(t)`: the object's methods are assertions without a TestingT argument. */
function assertObjects(fn: Node, pkgs: Map<string, 'assert' | 'require'>): Map<string, 'assert' | 'require'> {
  const out = new Map<string, 'assert' | 'require'>();
  for (const decl of queryIn(fn, '(short_var_declaration) @d')) {
    const left = decl.childForFieldName('left')?.namedChild(0);
    const right = decl.childForFieldName('right')?.namedChild(0);
    if (left?.type !== 'identifier' || right?.type !== 'call_expression') continue;
    const c = callee(right);
    const pkg = c?.receiver ? pkgs.get(c.receiver) : undefined;
    if (c?.name === 'New' && pkg) out.set(left.text, pkg);
  }
  return out;
}

/** Marks a local name inside a key, so the comparison can apply renames (see compare.ts). */
export const LOCAL_MARK = '\u0001';

/** Text of an expression without layout or comments; local identifiers are marked. */
export function normalise(node: Node, locals: ReadonlySet<string>): string {
  if (node.childCount === 0 || node.type === 'interpreted_string_literal' || node.type === 'raw_string_literal') {
    if (node.type === 'identifier') return locals.has(node.text) ? LOCAL_MARK + node.text : node.text;
    return node.type === 'comment' ? '' : node.text;
  }
  const parts: string[] = [];
  for (let i = 0; i < node.childCount; i++) {
    const child = node.child(i);
    if (child) parts.push(normalise(child, locals));
  }
  return parts.filter(Boolean).join(' ');
}

function hasDocComment(fn: Node, previous: Node | null, text: string): boolean {
  if (!previous || previous.type !== 'comment') return false;
  // Directly above: nothing but one newline between the comment and `func`.
  return /^[ \t]*\r?\n[ \t]*$/.test(text.slice(previous.endIndex, fn.startIndex));
}

/** Slice and map literals of structs in the function: test tables and their cases. */
function tablesIn(fn: Node): FunctionContract['tables'] {
  const tables: FunctionContract['tables'] = [];
  for (const lit of queryIn(fn, '(composite_literal) @lit')) {
    const type = lit.childForFieldName('type');
    const body = lit.childForFieldName('body');
    if (!type || !body || (type.type !== 'slice_type' && type.type !== 'map_type' && type.type !== 'array_type')) continue;
    const elems = namedChildren(body).filter((e) => e.type !== 'comment');
    // A table's cases are composite values themselves; `[]string{"a"}` is data, not cases.
    const caseValue = (e: Node) => (e.type === 'keyed_element' ? e.namedChild(1)?.namedChild(0) : e.namedChild(0));
    if (elems.length === 0 || !elems.every((e) => caseValue(e)?.type === 'literal_value' || caseValue(e)?.type === 'composite_literal')) continue;
    const index = tables.length;
    tables.push({
      start: lit.startIndex,
      end: lit.endIndex,
      cases: elems.map((e) => ({ table: index, name: caseName(e), start: e.startIndex, end: e.endIndex })),
    });
  }
  return tables;
}

function caseName(element: Node): string | null {
  if (element.type === 'keyed_element') return stringValue(element.namedChild(0)?.namedChild(0) ?? null);
  const value = element.namedChild(0);
  if (!value) return null;
  const fields = value.type === 'composite_literal' ? value.childForFieldName('body') : value;
  if (!fields) return null;
  for (const f of namedChildren(fields)) {
    if (f.type === 'keyed_element') {
      const key = f.namedChild(0)?.text;
      if (key && /^(name|desc|description|title|test|tc)$/i.test(key)) return stringValue(f.namedChild(1)?.namedChild(0) ?? null);
    } else if (f.type === 'literal_element') {
      const s = stringValue(f.namedChild(0));
      if (s !== null) return s;
      break;
    }
  }
  return null;
}
