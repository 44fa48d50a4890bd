import { Query, type Language, type Node, type Tree } from 'web-tree-sitter';
import { readHeader } from '../goFile';
import type { Pause } from '../parser';
import { namedChildren, stringValue } from '../syntax';
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
  /** The field that holds the name (`name`, or the positional field's name), '' for a map key or none. */
  nameField: string;
  start: number;
  end: number;
  /** The case's struct literal (`{…}`), where a restored field goes. */
  valueStart: number;
  valueEnd: number;
  /** Its fields by name: keyed ones as written, positional ones named from the table's inline struct type. */
  fields: CaseField[];
}

export interface CaseField {
  key: string;
  /** Normalised value (like an assertion's expectation; locals marked). */
  valueKey: string;
  valueText: string;
  /** The whole element (`want: 3`), and its value. */
  start: number;
  end: number;
  valueStart: number;
  valueEnd: number;
  /** Written as `key: value` (a positional field cannot be removed on its own). */
  keyed: boolean;
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
  tables: Table[];
  /** Fields read in an assertion's expectation (`tt.want` in `assert.Equal(t, tt.want, got)`): a table's expected values. */
  expectationFields: string[];
  skips: Skip[];
  comments: CommentText[];
}

export interface Table {
  start: number;
  end: number;
  /** The literal's `{…}` holding the cases. */
  bodyStart: number;
  bodyEnd: number;
  /** Inside another table's case (data such as a policy's ACL list), not a table of test cases. */
  nested: boolean;
  cases: TableCase[];
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
/**
 * `tt.want` in an expectation: a field of a case variable, the field a table case sets. Only a
 * one-level selector on a plain name: `nodes[0].User.Id` or `tt.spec.want()` read something else.
 */
const SELECTED_FIELD = /(?<![\w.\])]\s*)[A-Za-z_]\w*\s*\.\s*([A-Za-z_]\w*)\b(?!\s*[.([])/g;
const NAME_FIELD = /^(name|desc|description|title|test|tc)$/i;

/**
 * One query over the file (it runs inside wasm; only matches cross into JS): calls on an
 * identifier receiver or of a plain identifier, declarations, comments and table literals. The
 * per-function model is then assembled by offsets, without walking nodes from JS.
 */
const CONTRACT_QUERY = `
(call_expression function: (selector_expression operand: (identifier) @recv field: (field_identifier) @method) arguments: (argument_list) @args) @call
(call_expression function: (identifier) @helper arguments: (argument_list) @args) @call
(comment) @comment
(short_var_declaration left: (expression_list) @left right: (expression_list) @right) @decl
(range_clause left: (expression_list) @left right: (_) @right) @decl
(var_spec) @varspec
(parameter_declaration type: (_) @ptype) @param
(composite_literal type: [(slice_type) (map_type) (array_type)] body: (literal_value [(literal_element (literal_value)) (keyed_element (literal_element) (literal_element (literal_value)))]) @body) @table
`;

const queries = new WeakMap<Language, Query>();
function contractQuery(language: Language): Query {
  let q = queries.get(language);
  if (!q) queries.set(language, (q = new Query(language, CONTRACT_QUERY)));
  return q;
}

interface Raw {
  calls: { call: Node; recv: Node | null; method: Node; args: Node }[];
  comments: Node[];
  decls: { at: number; left: string; right: string; kind: string }[];
  varspecs: Node[];
  params: { at: number; names: string[]; type: string }[];
  tables: { table: Node; body: Node }[];
}

/** The contract of a whole file (no cache): for base revisions, read once per blob. */
export function fileContract(tree: Tree, text: string): FileContract {
  return new ContractModeler().contract(tree, text);
}

/**
 * Contracts of successive versions of one document. A function whose text (and doc comment) did
 * not change is not queried again: its contract moves to its new offset, so after an edit only
 * the edited function is read.
 */
export class ContractModeler {
  private cache = new Map<string, FunctionContract>();
  private headerKey = '';

  contract(tree: Tree, text: string): FileContract {
    const steps = this.steps(tree, text);
    let step = steps.next();
    while (!step.done) step = steps.next();
    return step.value;
  }

  /**
   * The same, asking `pause` after each function read afresh: the first contract of a 4 500-line
   * file takes a few hundred ms, and other requests must not wait for all of it. The tree must
   * stay alive until the promise settles (pass a copy of a tree that edits may replace).
   */
  async contractSliced(tree: Tree, text: string, pause: Pause): Promise<FileContract> {
    const steps = this.steps(tree, text);
    let step = steps.next();
    while (!step.done) {
      const wait = pause();
      if (wait) await wait;
      step = steps.next();
    }
    return step.value;
  }

  /** Yields after each function whose contract was not cached. */
  private *steps(tree: Tree, text: string): Generator<void, FileContract> {
    const root = tree.rootNode;
    const header = readHeader(root);
    const headerKey = `${header.imports.assert}|${header.imports.require}`;
    if (headerKey !== this.headerKey) {
      this.cache.clear();
      this.headerKey = headerKey;
    }
    const tops = namedChildren(root);
    const pkgNode = tops.find((n) => n.type === 'package_clause');
    const functions = new Map<string, FunctionContract>();
    const next = new Map<string, FunctionContract>();
    for (let i = 0; i < tops.length; i++) {
      const top = tops[i];
      if (top.type !== 'function_declaration') continue;
      const previous = tops[i - 1] ?? null;
      const start = top.startIndex;
      const key = `${hasDocComment(top, previous, text) ? 'doc' : ''}\0${text.slice(start, top.endIndex)}`;
      const cached = this.cache.get(key);
      let fn: FunctionContract | null;
      if (cached) fn = cached.start === start ? cached : shifted(cached, start - cached.start);
      else {
        fn = functionContract(top, previous, yield* rawSteps(top, text), text, header.imports.assert, header.imports.require);
        // Kept at once: a read abandoned at a later pause (the document changed) keeps what it read.
        if (fn) this.cache.set(key, fn);
      }
      if (fn) {
        next.set(key, fn);
        if (!functions.has(fn.name)) functions.set(fn.name, fn);
      }
      yield;
    }
    this.cache = next;
    return { text, packageStart: pkgNode?.startIndex ?? 0, packageEnd: pkgNode?.endIndex ?? 0, functions };
  }
}

const OFFSET_KEY = /^(?:start|end|at|bodyOpen)$|(?:Start|End)$/;

/** A copy with every offset moved by delta (the function moved, its text did not change). */
function shifted<T>(value: T, delta: number): T {
  if (Array.isArray(value)) return value.map((v) => shifted(v, delta)) as T;
  if (value && typeof value === 'object' && !(value instanceof Set)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = typeof v === 'number' && OFFSET_KEY.test(k) ? v + delta : shifted(v, delta);
    return out as T;
  }
  return value;
}

/**
 * The query's matches inside one function, sorted into what the model needs. The query runs on
 * the function's parts (its signature, then each statement of its body) and yields between them:
 * every pattern is rooted inside one statement, so the union is the same as one run over the
 * function, and a long test does not hold the server for all of it.
 */
function* rawSteps(fn: Node, text: string): Generator<void, Raw> {
  const raw: Raw = { calls: [], comments: [], decls: [], varspecs: [], params: [], tables: [] };
  const query = contractQuery(fn.tree.language);
  for (const part of partsOf(fn)) {
    for (const match of query.matches(part)) {
      const cap = new Map(match.captures.map((c) => [c.name, c.node]));
      if (cap.has('call')) {
        const method = cap.get('method') ?? cap.get('helper')!;
        raw.calls.push({ call: cap.get('call')!, recv: cap.get('recv') ?? null, method, args: cap.get('args')! });
      } else if (cap.has('comment')) raw.comments.push(cap.get('comment')!);
      else if (cap.has('decl')) raw.decls.push({ at: cap.get('decl')!.startIndex, left: cap.get('left')!.text, right: cap.get('right')!.text, kind: cap.get('decl')!.type });
      else if (cap.has('varspec')) raw.varspecs.push(cap.get('varspec')!);
      else if (cap.has('param')) {
        const param = cap.get('param')!;
        const type = cap.get('ptype')!;
        const names = text.slice(param.startIndex, type.startIndex).split(',').map((n) => n.trim()).filter((n) => /^\w+$/.test(n));
        raw.params.push({ at: param.startIndex, names, type: type.text.replace(/\s+/g, '') });
      } else if (cap.has('table')) raw.tables.push({ table: cap.get('table')!, body: cap.get('body')! });
    }
    yield;
  }
  // Matches come when they complete (an inner literal before the one around it); the model wants document order.
  raw.calls.sort((a, b) => a.call.startIndex - b.call.startIndex);
  raw.tables.sort((a, b) => a.table.startIndex - b.table.startIndex);
  return raw;
}

/** A function's signature nodes and its body's statements (and comments), in document order. */
function partsOf(fn: Node): Node[] {
  const body = fn.childForFieldName('body');
  const parts = namedChildren(fn).filter((n) => n !== body && n.startIndex < (body?.startIndex ?? Infinity));
  if (!body) return parts;
  for (const child of namedChildren(body)) {
    if (child.type === 'statement_list') parts.push(...namedChildren(child));
    else parts.push(child);
  }
  return parts;
}

function functionContract(fn: Node, previous: Node | null, raw: Raw, text: string, assertAlias: string | null, requireAlias: string | null): FunctionContract | null {
  const nameNode = fn.childForFieldName('name');
  const body = fn.childForFieldName('body');
  if (!nameNode || !body) return null;
  const name = nameNode.text;
  const { locals, testing: testingNames } = localNames(raw);
  const localSet = new Set(locals.map((l) => l.name));
  const assertPkgs = new Map<string, 'assert' | 'require'>([
    [assertAlias ?? 'assert', 'assert'],
    [requireAlias ?? 'require', 'require'],
  ]);
  const objects = assertObjects(raw, assertPkgs);
  const norm = (n: Node) => normaliseText(text.slice(n.startIndex, n.endIndex), localSet);

  const ewtBodies: [number, number][] = [];
  for (const { recv, method, args } of raw.calls) {
    if (!recv || !EWT.has(method.text)) continue;
    const cb = namedChildren(args).find((a) => a.type === 'func_literal');
    const b = cb?.childForFieldName('body');
    if (b) ewtBodies.push([b.startIndex, b.endIndex]);
  }
  const inEwt = (offset: number) => ewtBodies.some(([s, e]) => s <= offset && offset < e);

  const assertions: Assertion[] = [];
  const expectationFields = new Set<string>();
  const subtests: Subtest[] = [];
  const skips: Skip[] = [];
  for (const { call, recv, method: methodNode, args: argList } of raw.calls) {
    const receiver = recv?.text ?? null;
    const calleeName = methodNode.text;
    if (receiver !== null && testingNames.has(receiver)) {
      if (SKIP.has(calleeName)) {
        skips.push({ text: call.text, start: call.startIndex, end: call.endIndex, statementStart: call.startIndex, statementEnd: call.endIndex });
      } else if (calleeName === 'Run') {
        const args = namedChildren(argList).filter((a) => a.type !== 'comment');
        const label = stringValue(args[0] ?? null);
        if (label !== null) subtests.push({ name: label, start: args[0].startIndex, end: args[0].endIndex, callStart: call.startIndex, callEnd: call.endIndex });
      }
      continue;
    }
    let pkg: Assertion['pkg'] | null = null;
    if (receiver !== null) pkg = assertPkgs.get(receiver) ?? objects.get(receiver) ?? null;
    else if (HELPER.test(calleeName)) pkg = 'helper';
    if (!pkg) continue;
    const method = pkg === 'helper' ? calleeName : baseMethod(calleeName);
    if (pkg !== 'helper' && (EWT.has(method) || method === 'Eventually' || method === 'Never' || method === 'New')) continue;
    const args = namedChildren(argList).filter((a) => a.type !== 'comment');
    let rest: Node[] = args;
    let tText = '';
    if (pkg !== 'helper' && receiver !== null && assertPkgs.has(receiver)) {
      tText = args[0]?.text ?? '';
      rest = args.slice(1);
    } else if (pkg === 'helper' && args[0]?.type === 'identifier' && testingNames.has(args[0].text)) {
      tText = args[0].text;
      rest = args.slice(1);
    }
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
    let actualKey = actual.map(norm).join(', ');
    let actualText = actual.map((a) => a.text).join(', ');
    // `Equal(t, 3, len(nodes))` says what `Len(t, nodes, 3)` says, and `GreaterOrEqual(t,
    // len(nodes), 2)` is a bound on the same value: compare them on `nodes`.
    const lenOf = /^len \( (.+) \)$/.exec(actualKey);
    if (actual.length === 1 && lenOf && !lenOf[1].includes(',') && (method === 'Equal' || LEN_BOUNDS.has(method))) {
      actualKey = lenOf[1];
      actualText = actualText.replace(/^len\(\s*([\s\S]*?)\s*\)$/, '$1');
      if (method === 'Equal') normMethod = 'Len';
    }
    for (const e of expected) for (const m of e.text.matchAll(SELECTED_FIELD)) expectationFields.add(m[1]);
    const first = expected[0];
    const last = expected[expected.length - 1];
    assertions.push({
      pkg,
      method: normMethod,
      spelled: receiver !== null ? `${receiver}.${calleeName}` : calleeName,
      actualKey,
      actualText,
      expectedKey: expected.map(norm).join(', '),
      expectedText: expected.map((a) => a.text).join(', '),
      expectedStart: first ? first.startIndex : call.startIndex,
      expectedEnd: last ? last.endIndex : call.endIndex,
      start: call.startIndex,
      end: call.endIndex,
      nameStart: methodNode.startIndex,
      nameEnd: methodNode.endIndex,
      statementStart: call.startIndex,
      statementEnd: call.endIndex,
      tText,
      receiver: receiver ?? '',
      receiverStart: recv?.startIndex ?? call.startIndex,
      receiverEnd: recv?.endIndex ?? call.startIndex,
      methodSpelled: calleeName,
      restText: rest.length ? text.slice(rest[0].startIndex, rest[rest.length - 1].endIndex) : '',
      inEwt: inEwt(call.startIndex),
    });
  }

  return {
    name,
    bodyOpen: body.startIndex + 1,
    locals,
    isTest: /^Test[A-Z0-9_]/.test(name) || name === 'Test',
    start: fn.startIndex,
    end: fn.endIndex,
    nameStart: nameNode.startIndex,
    nameEnd: nameNode.endIndex,
    hasDoc: hasDocComment(fn, previous, text),
    assertions,
    subtests,
    tables: tablesIn(raw.tables, norm),
    expectationFields: [...expectationFields],
    skips,
    comments: raw.comments.map((n) => ({ text: n.text, start: n.startIndex, end: n.endIndex })),
  };
}

/**
 * Local names in declaration order with their role (what they were declared from), so that a
 * renamed variable can be paired with its old name. TestingT-like parameters are set apart: t
 * becomes c inside an EventuallyWithT callback and is never part of an expectation.
 */
function localNames(raw: Raw): { locals: Local[]; testing: Set<string> } {
  const testing = new Set<string>();
  const found: { at: number; name: string; role: string }[] = [];
  for (const p of raw.params) {
    if (TESTING_TYPE.test(p.type)) p.names.forEach((n) => testing.add(n));
    else p.names.forEach((n, i) => found.push({ at: p.at + i, name: n, role: `param:${p.type}` }));
  }
  for (const d of raw.decls) {
    d.left.split(',').forEach((n, i) => found.push({ at: d.at + i, name: n.trim(), role: `${d.kind}:${d.right.replace(/\s+/g, '')}#${i}` }));
  }
  for (const v of raw.varspecs) {
    const names = v.childrenForFieldName('name').filter((n): n is Node => n !== null);
    const source = (v.childForFieldName('value') ?? v.childForFieldName('type'))?.text.replace(/\s+/g, '') ?? '';
    names.forEach((n, i) => found.push({ at: v.startIndex + i, name: n.text, role: `var:${source}#${i}` }));
  }
  found.sort((a, b) => a.at - b.at);
  const locals: Local[] = [];
  const seen = new Set<string>();
  for (const f of found) {
    if (!/^[A-Za-z_]\w*$/.test(f.name) || f.name === '_' || seen.has(f.name) || testing.has(f.name)) continue;
    seen.add(f.name);
    locals.push({ name: f.name, role: f.role });
  }
  return { locals, testing };
}

/** `a := assert.New(t)`: the object's methods are assertions without a TestingT argument. */
function assertObjects(raw: Raw, pkgs: Map<string, 'assert' | 'require'>): Map<string, 'assert' | 'require'> {
  const out = new Map<string, 'assert' | 'require'>();
  for (const d of raw.decls) {
    const m = /^([A-Za-z_]\w*)\.New\(/.exec(d.right.trim());
    const pkg = m ? pkgs.get(m[1]) : undefined;
    if (pkg && /^[A-Za-z_]\w*$/.test(d.left.trim())) out.set(d.left.trim(), pkg);
  }
  return out;
}

/** Marks a local name inside a key, so the comparison can apply renames (see compare.ts). */
export const LOCAL_MARK = '\u0001';

/** Go tokens of an expression's source: string literals whole, comments dropped. */
const TOKEN = /"(?:[^"\\\n]|\\.)*"|`[^`]*`|'(?:[^'\\\n]|\\.)*'|\/\/[^\n]*|\/\*[\s\S]*?\*\/|[A-Za-z_][A-Za-z0-9_]*|\d[\w.]*|\S/g;

/**
 * An expression's tokens without layout or comments; identifiers that name a local (not a field
 * after `.`) are marked. The text is the exact source of one syntax node, so this compares the
 * node's meaning, not a line.
 */
export function normaliseText(source: string, locals: ReadonlySet<string>): string {
  const out: string[] = [];
  let previous = '';
  for (const m of source.matchAll(TOKEN)) {
    const tok = m[0];
    if (tok.startsWith('//') || tok.startsWith('/*')) continue;
    out.push(previous !== '.' && locals.has(tok) ? LOCAL_MARK + tok : tok);
    previous = tok;
  }
  return out.join(' ');
}

function hasDocComment(fn: Node, previous: Node | null, text: string): boolean {
  if (!previous || previous.type !== 'comment') return false;
  // Directly above: nothing but one newline between the comment and `func`.
  return /^[ \t]*\r?\n[ \t]*$/.test(text.slice(previous.endIndex, fn.startIndex));
}

/** Slice and map literals of composite values in the function: test tables and their cases. */
function tablesIn(found: Raw['tables'], norm: (n: Node) => string): Table[] {
  const tables: Table[] = [];
  for (const { table, body } of found) {
    const elems = namedChildren(body).filter((e) => e.type !== 'comment');
    // A table's cases are composite values themselves; `[]string{"a"}` is data, not cases.
    const caseValue = (e: Node) => (e.type === 'keyed_element' ? e.namedChild(1)?.namedChild(0) : e.namedChild(0));
    if (elems.length === 0 || !elems.every((e) => caseValue(e)?.type === 'literal_value' || caseValue(e)?.type === 'composite_literal')) continue;
    const index = tables.length;
    const positional = structFieldNames(table);
    tables.push({
      start: table.startIndex,
      end: table.endIndex,
      bodyStart: body.startIndex,
      bodyEnd: body.endIndex,
      nested: tables.some((t) => t.start < table.startIndex && table.endIndex <= t.end),
      cases: elems.map((e) => {
        const value = caseValue(e)!;
        const fieldsNode = value.type === 'composite_literal' ? value.childForFieldName('body') : value;
        const { name, nameField } = caseName(e, positional);
        return {
          table: index,
          name,
          nameField,
          start: e.startIndex,
          end: e.endIndex,
          valueStart: (fieldsNode ?? value).startIndex,
          valueEnd: (fieldsNode ?? value).endIndex,
          fields: fieldsNode ? caseFields(fieldsNode, positional, norm) : [],
        };
      }),
    });
  }
  return tables;
}

/** Field names of a table's inline element struct (`[]struct{ name string; want int }`), in order. */
function structFieldNames(table: Node): string[] {
  const type = table.childForFieldName('type');
  const element = type?.childForFieldName(type.type === 'map_type' ? 'value' : 'element');
  if (element?.type !== 'struct_type') return [];
  const list = namedChildren(element).find((n) => n.type === 'field_declaration_list');
  if (!list) return [];
  const names: string[] = [];
  for (const decl of namedChildren(list)) {
    if (decl.type !== 'field_declaration') continue;
    const declared = decl.childrenForFieldName('name').filter((n): n is Node => n !== null);
    // An embedded field is named by its type.
    if (declared.length === 0) names.push(decl.childForFieldName('type')?.text.replace(/^\*|^.*\./g, '') ?? '');
    else declared.forEach((n) => names.push(n.text));
  }
  return names;
}

function caseFields(fields: Node, positional: string[], norm: (n: Node) => string): CaseField[] {
  const out: CaseField[] = [];
  namedChildren(fields)
    .filter((f) => f.type !== 'comment')
    .forEach((f, i) => {
      const keyed = f.type === 'keyed_element';
      const key = keyed ? f.namedChild(0)?.text : positional[i];
      const value = keyed ? f.namedChild(1)?.namedChild(0) : f.namedChild(0);
      if (!key || !value || !/^[A-Za-z_]\w*$/.test(key)) return;
      out.push({ key, valueKey: norm(value), valueText: value.text, start: f.startIndex, end: f.endIndex, valueStart: value.startIndex, valueEnd: value.endIndex, keyed });
    });
  return out;
}

function caseName(element: Node, positional: string[]): { name: string | null; nameField: string } {
  const none = { name: null, nameField: '' };
  if (element.type === 'keyed_element') return { name: stringValue(element.namedChild(0)?.namedChild(0) ?? null), nameField: '' };
  const value = element.namedChild(0);
  if (!value) return none;
  const fields = value.type === 'composite_literal' ? value.childForFieldName('body') : value;
  if (!fields) return none;
  let i = 0;
  for (const f of namedChildren(fields)) {
    if (f.type === 'comment') continue;
    if (f.type === 'keyed_element') {
      const key = f.namedChild(0)?.text;
      if (key && NAME_FIELD.test(key)) return { name: stringValue(f.namedChild(1)?.namedChild(0) ?? null), nameField: key };
    } else if (f.type === 'literal_element') {
      const s = stringValue(f.namedChild(0));
      if (s !== null) return { name: s, nameField: positional[i] ?? '' };
      break;
    }
    i++;
  }
  return none;
}
