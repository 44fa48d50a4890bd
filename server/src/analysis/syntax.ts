import { Query, type Language, type Node } from 'web-tree-sitter';

/** Small, allocation-light helpers over tree-sitter-go nodes. */

/**
 * A copy of `s` that holds no reference to the text it was cut from. V8 makes a substring of 13 or
 * more characters a view into its parent (and a concatenation keeps its parts), so a node's text
 * kept in long-lived state — a fact, a summary, a finding's message — would keep its whole file
 * alive: a sibling read from disk, or every version of an edited document that a kept finding
 * was made in. Used where names and messages leave the analysis.
 */
export function detached(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}

/**
 * A node's named children in one call across the wasm boundary. `namedChild(i)` walks the
 * children from the first each time, so a loop over it is quadratic: random bytes parse into a
 * source_file with thousands of ERROR children, and 32 KB of them took seconds.
 */
export function namedChildren(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null);
}

/**
 * Pre-order walk with a cursor (far cheaper than node.children across the wasm boundary).
 * The visitor returns false to skip a node's children.
 */
export function walk(root: Node, visit: (node: Node) => boolean | void): void {
  const cursor = root.walk();
  try {
    let descend = true;
    for (;;) {
      if (descend) {
        const node = cursor.currentNode;
        const goDeeper = visit(node) !== false;
        if (goDeeper && cursor.gotoFirstChild()) continue;
      }
      if (cursor.gotoNextSibling()) {
        descend = true;
        continue;
      }
      // Climb until a sibling exists or we are back at the root.
      let climbed = false;
      while (cursor.gotoParent()) {
        if (cursor.currentNode.id === root.id) return;
        if (cursor.gotoNextSibling()) {
          climbed = true;
          break;
        }
      }
      if (!climbed) return;
      descend = true;
    }
  } finally {
    cursor.delete();
  }
}

/** Every table of per-tree memos (memoPerNode, the declaration walks, …): see forgetTree. */
const perTreeTables: WeakMap<object, unknown>[] = [];

/** A WeakMap keyed by Tree for memos of that tree's nodes, released by forgetTree. */
export function perTreeTable<V>(): WeakMap<object, V> {
  const table = new WeakMap<object, V>();
  perTreeTables.push(table);
  return table;
}

/**
 * Drops every memo of `tree` now, when an analysis is done with it (the CLI, the precision
 * harness). A WeakMap lets go of a dead tree's entries only in a full GC: until then each young
 * collection copies the memoised nodes of every tree analysed so far (the survivors of a 34 000-line
 * check grew from 8 to 21 MB, and the collections from 1 to 8 ms each).
 */
export function forgetTree(tree: object): void {
  for (const table of perTreeTables) table.delete(tree);
}

/**
 * `compute(node, …)` remembered per tree and node: keyed by the Tree object (a re-parse, or a tree
 * kept after a same-shape edit, is a new one, so a result never outlives its nodes) and the node's
 * id (unique within its tree). The other arguments must follow from the node.
 */
export function memoPerNode<T, A extends unknown[]>(compute: (node: Node, ...args: A) => T): (node: Node, ...args: A) => T {
  const byTree = perTreeTable<Map<number, T>>();
  return (node, ...args) => {
    let byId = byTree.get(node.tree);
    if (!byId) byTree.set(node.tree, (byId = new Map()));
    if (byId.has(node.id)) return byId.get(node.id)!;
    const value = compute(node, ...args);
    byId.set(node.id, value);
    return value;
  };
}

/**
 * `node.parent`, remembered per tree. tree-sitter finds a parent by descending from the root, so
 * each `.parent` costs the node's depth, and an ancestor walk costs depth²: 300 nested
 * EventuallyWithT took 12 s. With the memo each node's parent is looked up once per tree.
 */
export const parentOf: (node: Node) => Node | null = memoPerNode((node) => node.parent);

const typeMemo = new WeakMap<Node, string>();

/**
 * `node.type`, remembered per node object: each read crosses into wasm, and walks up through
 * parentOf (which hands out the same objects) ask the same ancestors again and again.
 */
export function typeOf(node: Node): string {
  let type = typeMemo.get(node);
  if (type === undefined) typeMemo.set(node, (type = node.type));
  return type;
}

/**
 * The call `x.name(…)` whose method name is the text at [at, at + length) inside `within`, or
 * null: a text search finds candidate names, this confirms one in the tree with a single lookup
 * and two parents (no query over the whole scope).
 */
export function methodCallAt(within: Node, at: number, length: number): Node | null {
  const field = within.descendantForIndex(at, at + length);
  const selector = field?.type === 'field_identifier' ? parentOf(field) : null;
  const call = selector?.type === 'selector_expression' ? parentOf(selector) : null;
  return call?.type === 'call_expression' && call.childForFieldName('function')?.id === selector!.id ? call : null;
}

export function ancestor(node: Node, types: ReadonlySet<string> | string): Node | null {
  let p = parentOf(node);
  while (p) {
    const type = typeOf(p);
    if (typeof types === 'string' ? type === types : types.has(type)) return p;
    p = parentOf(p);
  }
  return null;
}

export function contains(outer: Node, inner: Node): boolean {
  return inner.startIndex >= outer.startIndex && inner.endIndex <= outer.endIndex;
}

/** The statements of a block (tree-sitter-go 0.25 nests them in a statement_list). */
export function blockStatements(block: Node | null): Node[] {
  if (!block) return [];
  const list = namedChildren(block).find((c) => c.type === 'statement_list');
  return (list ? namedChildren(list) : namedChildren(block)).filter((c) => c.type !== 'comment');
}

/** The statements beside `stmt` in its statement list (comments are named siblings there, so skipped). */
export function siblingStatements(stmt: Node): Node[] {
  const parent = parentOf(stmt);
  return parent ? namedChildren(parent).filter((c) => c.type !== 'comment') : [];
}

/** The statement that directly holds `node` inside `block`'s statement list, if any. */
export function statementIn(block: Node, node: Node): Node | null {
  for (const s of blockStatements(block)) if (contains(s, node)) return s;
  return null;
}

/** Nearest enclosing node that is a statement in some block's statement list. */
export function enclosingStatement(node: Node): Node | null {
  let cur: Node | null = node;
  for (let p = parentOf(cur); p; cur = p, p = parentOf(p)) {
    const type = typeOf(p);
    if (type === 'statement_list' || type === 'block') return cur;
  }
  return null;
}

/** Contents of a Go string literal, or null when the node is not a plain literal. */
export function stringValue(node: Node | null): string | null {
  if (!node) return null;
  if (node.type === 'raw_string_literal') return node.text.slice(1, -1);
  if (node.type !== 'interpreted_string_literal') return null;
  const body = node.text.slice(1, -1);
  return body.replace(/\\(["\\nt])/g, (_m, ch: string) => (ch === 'n' ? '\n' : ch === 't' ? '\t' : ch));
}

/** The argument list's text without its parentheses ('' when missing in broken code). */
export function argumentsText(call: Node): string {
  const args = call.childForFieldName('arguments')?.text ?? '()';
  return args.slice(1, -1);
}

/** The callee expression of a call (the call itself when broken code has none): findings about the call point here. */
export function calleeNode(call: Node): Node {
  return call.childForFieldName('function') ?? call;
}

const argumentsMemo = new WeakMap<Node, readonly Node[]>();

/** A call's arguments, comments left out. Memoised per node object: several rules ask of each call. */
export function callArguments(call: Node): readonly Node[] {
  let found = argumentsMemo.get(call);
  if (!found) {
    const args = call.childForFieldName('arguments');
    const all = args ? namedChildren(args) : [];
    // Asking each argument for its type crosses into wasm: only a list with a comment needs it.
    found = all.length > 0 && /\/[/*]/.test(args!.text) ? all.filter((a) => a.type !== 'comment') : all;
    argumentsMemo.set(call, found);
  }
  return found;
}

/** After a callee's name: `(`, then an identifier alone as the first argument (`t,` or `t)`). */
const FIRST_IDENTIFIER = /[ \t]*\([ \t\r\n]*([A-Za-z_]\w*)[ \t\r\n]*[,)]/y;
/** Words spelt like identifiers that tree-sitter-go gives other node types. */
const NOT_IDENTIFIERS = new Set(['nil', 'true', 'false', 'iota']);

/**
 * The text of a call's first argument when that argument is an identifier (`t` in
 * `assert.NoError(t, err)`), else null. Read from the text after the callee's name where it is
 * spelt simply, as most are: rules ask it of every assertion in every callback, and the tree's
 * answer (the argument list, then each argument) costs several crossings into wasm. Any other
 * spelling (a comment, a builtin's type argument, a generic callee) is left to the tree.
 */
export function firstArgumentName(call: Node, text: string): string | null {
  const c = callee(call);
  if (c && c.name !== 'new' && c.name !== 'make') {
    FIRST_IDENTIFIER.lastIndex = c.nameEnd;
    const m = FIRST_IDENTIFIER.exec(text);
    if (m && !NOT_IDENTIFIERS.has(m[1])) return m[1];
  }
  const first = callArguments(call)[0];
  return first?.type === 'identifier' ? first.text : null;
}

export interface Callee {
  /** Method or function name. */
  name: string;
  /** Receiver / package expression text for selector calls, null for plain identifiers. */
  receiver: string | null;
  /** Called by a bare identifier (`name(…)`; not `name[T](…)`). */
  plain: boolean;
  /** Where the name is in the text. */
  nameStart: number;
  nameEnd: number;
}

const calleeMemo = new WeakMap<Node, Callee | null>();

/** What a call calls. Memoised per node object: rules ask for the same calls many times. */
export function callee(call: Node): Callee | null {
  let c = calleeMemo.get(call);
  if (c === undefined) calleeMemo.set(call, (c = calleeFromText(call) ?? calleeFromTree(call)));
  return c;
}

/**
 * `name(` or `a.b.name(` read from the text at the call's start: most calls of a test are spelt
 * so, and reading them costs at most one lookup across the wasm boundary (the tree-based reading
 * costs seven, and a 1 100-line test has 700 calls). The lookup confirms that the `(` is this
 * call's own argument list: `s.Headscale().ListNodes()` starts with the text of `s.Headscale()`.
 * A declaration's walk (below) knows that without it. Anything else (a comment in between, an
 * index, a call in the receiver, a func literal, a non-ASCII name) is left to the tree.
 */
const SIMPLE_CALLEE = /(?:([A-Za-z_]\w*(?:[ \t]*\.[ \t\r\n]*[A-Za-z_]\w*)*)[ \t]*\.[ \t\r\n]*)?([A-Za-z_]\w*)([ \t]*)\(/y;

export function calleeFromText(call: Node): Callee | null {
  const source = sourceFrom(call);
  if (source === null) return null;
  SIMPLE_CALLEE.lastIndex = 0;
  const m = SIMPLE_CALLEE.exec(source);
  if (!m || m[2] === 'func') return null;
  const paren = call.startIndex + m[0].length - 1;
  const known = readableCalls.get(call.tree)?.get(call.id);
  if (known === false || (known === undefined && call.childForFieldName('arguments')?.startIndex !== paren)) return null;
  const nameEnd = paren - m[3].length;
  return { name: m[2], receiver: m[1] ?? null, plain: m[1] === undefined, nameStart: nameEnd - m[2].length, nameEnd };
}

/**
 * The text of `node`'s tree from the node's start to the end: a view of the source, not a copy.
 * web-tree-sitter 0.25 (pinned) keeps the source as the tree's `textCallback` (see withText in
 * tokenEdit.ts; callee.test checks the two readings of a call agree). Null without one.
 */
function sourceFrom(node: Node): string | null {
  const read = (node.tree as unknown as { textCallback?: (index: number) => string | null }).textCallback;
  return typeof read === 'function' ? read(node.startIndex) ?? null : null;
}

export function calleeFromTree(call: Node): Callee | null {
  const fn = call.childForFieldName('function');
  if (!fn) return null;
  const named = (nameNode: Node, receiver: string | null): Callee => ({ name: nameNode.text, receiver, plain: nameNode.id === fn.id, nameStart: nameNode.startIndex, nameEnd: nameNode.endIndex });
  if (fn.type === 'identifier') return named(fn, null);
  if (fn.type === 'selector_expression') {
    const operand = fn.childForFieldName('operand');
    const field = fn.childForFieldName('field');
    if (!field) return null;
    return named(field, operand ? operand.text : null);
  }
  if (fn.type === 'generic_type' || fn.type === 'index_expression') {
    const inner = fn.namedChild(0);
    if (inner?.type === 'identifier') return named(inner, null);
  }
  return null;
}

/** The identifier nodes on the left of `:=`, `=`, or a `var` spec. */
export function assignedNames(stmt: Node): Node[] {
  if (stmt.type === 'short_var_declaration' || stmt.type === 'assignment_statement') {
    const left = stmt.childForFieldName('left');
    return left ? namedChildren(left).filter((n) => n.type === 'identifier') : [];
  }
  return [];
}

export function indentOf(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const m = /^[ \t]*/.exec(text.slice(lineStart, offset + 200));
  return m ? m[0] : '';
}

export function lineStartOffset(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset just past the end of the line holding `offset` (after its newline, if any). */
export function lineEndOffset(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl === -1 ? text.length : nl + 1;
}

/** Text of a multi-line snippet re-indented from `fromIndent` to `toIndent`. */
export function reindent(snippet: string, fromIndent: string, toIndent: string): string {
  return snippet
    .split('\n')
    .map((line, i) => {
      if (i === 0) return line;
      return line.startsWith(fromIndent) ? toIndent + line.slice(fromIndent.length) : line;
    })
    .join('\n');
}

/**
 * Identifier nodes under `node` (named `name`, if given), in document order. A name is searched
 * in the text, and each whole-word mention is looked up in the tree: a statement mentions a name
 * a few times, and capturing each of its identifiers to compare their texts crossed into wasm for
 * every one (a 30-line EventuallyWithT statement has a hundred).
 */
export function identifiersIn(node: Node, name?: string): Node[] {
  if (name === undefined) return queryIn(node, '(identifier) @id');
  const text = node.text;
  const start = node.startIndex;
  const out: Node[] = [];
  for (let i = nextWordAt(text, name); i !== -1; i = nextWordAt(text, name, i + name.length)) {
    // A mention in a comment or a string finds that node instead; a selector's name is a field_identifier.
    const id = node.descendantForIndex(start + i, start + i + name.length);
    if (id?.type === 'identifier' && id.startIndex === start + i && id.endIndex === start + i + name.length) out.push(id);
  }
  return out;
}

/** A Go identifier, as a regular-expression source for the `u` flag: a letter or _, then letters, digits or _. */
export const GO_IDENTIFIER = '[\\p{L}_][\\p{L}\\p{Nd}_]*';

/**
 * The first offset in [from, to) where `word` starts as a whole Go identifier (the characters
 * around it in all of `text` decide), or -1. A whole word ends where the next can start, so a
 * caller going on searches from the offset plus the word's length.
 */
export function nextWordAt(text: string, word: string, from = 0, to = text.length): number {
  for (let i = text.indexOf(word, from); i !== -1 && i < to; i = text.indexOf(word, i + 1)) {
    const before = i > 0 ? text.charCodeAt(i - 1) : 32;
    const after = i + word.length < text.length ? text.charCodeAt(i + word.length) : 32;
    if (!isIdentChar(before) && !isIdentChar(after)) return i;
  }
  return -1;
}

/** Whether `text` contains `word` as a whole Go identifier. */
export function mentionsWord(text: string, word: string): boolean {
  return nextWordAt(text, word) !== -1;
}

function isIdentChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c > 127;
}

const namedQueries = new Map<string, WeakMap<Language, Query>>();

/**
 * Nodes under `scope` captured by a tree-sitter query (compiled once per source). Searching in
 * wasm and materialising only the matches is far cheaper than walking every node from JS.
 */
export function queryIn(scope: Node, source: string): Node[] {
  const matches = DECLARATION_PATTERNS.get(source);
  const found = matches ? declarationNodesIn(scope, matches) : null;
  return found ?? compiled(scope.tree.language, source).captures(scope).map((c) => c.node);
}

function compiled(language: Language, source: string): Query {
  let byLanguage = namedQueries.get(source);
  if (!byLanguage) namedQueries.set(source, (byLanguage = new WeakMap()));
  let q = byLanguage.get(language);
  if (!q) byLanguage.set(language, (q = new Query(language, source)));
  return q;
}

/**
 * The patterns asked of whole top-level declarations (a function's frame, its assignments, its
 * positional reads) and of their callbacks, with the node types they capture: answered from one
 * walk per declaration. Each walk of a 1 100-line test costs about 2 ms in wasm, a fresh analysis
 * walked it four times, and every callback once more. The walk is descendantsOfType's, in C,
 * which costs half a query's; the index patterns' field constraints are checked on the few index
 * expressions. A callback is answered from its declaration's walk only when that walk was made
 * (a fresh analysis makes it for the frame): an edit's analysis searches the edited callback on
 * its own and never walks the whole function.
 */
const DECLARATION_PATTERNS = new Map<string, (w: WalkedNode) => boolean>([
  ['(call_expression) @call', (w) => w.type === 'call_expression'],
  ['(index_expression operand: (identifier) index: (int_literal)) @i', (w) => w.operand === 'identifier'],
  ['(index_expression operand: [(identifier) (selector_expression) (index_expression)] index: (int_literal)) @i', (w) => w.operand === 'identifier' || w.operand === 'selector_expression' || w.operand === 'index_expression'],
  ['(func_literal) @f', (w) => w.type === 'func_literal'],
  ['[(short_var_declaration) (assignment_statement)] @a', (w) => w.type === 'short_var_declaration' || w.type === 'assignment_statement'],
  ['(short_var_declaration) @d', (w) => w.type === 'short_var_declaration'],
  ['[(short_var_declaration) (var_spec)] @d', (w) => w.type === 'short_var_declaration' || w.type === 'var_spec'],
  ['(var_spec) @v', (w) => w.type === 'var_spec'],
]);
const DECLARATION_TYPES = ['call_expression', 'index_expression', 'func_literal', 'short_var_declaration', 'assignment_statement', 'var_spec'];

/** A node of a declaration's walk, with what the walk read of it. */
interface WalkedNode {
  node: Node;
  type: string;
  start: number;
  /** An index expression's operand type (only those indexed by an int literal are kept). */
  operand?: string;
}

/** Declaration walks by tree and declaration id (like memoPerNode, but a callback only looks one up). */
const declarationWalks = perTreeTable<Map<number, WalkedNode[]>>();

/**
 * The nodes under `scope` that a shared pattern `matches`, in document order, from its top-level
 * declaration's walk: made for the declaration itself, looked up for a scope inside one. Null when
 * there is none (the caller runs the query).
 */
function declarationNodesIn(scope: Node, matches: (w: WalkedNode) => boolean): Node[] | null {
  const root = scope.tree.rootNode;
  if (scope.id === root.id) return null;
  const declaration = root.firstNamedChildForIndex(scope.startIndex);
  if (!declaration) return null;
  let byId = declarationWalks.get(scope.tree);
  if (!byId) declarationWalks.set(scope.tree, (byId = new Map()));
  let walked = byId.get(declaration.id);
  if (declaration.id === scope.id) {
    if (!walked) byId.set(declaration.id, (walked = walkDeclaration(declaration)));
    return walked.filter(matches).map((w) => w.node);
  }
  if (!walked) return null;
  // A node starting inside the scope is inside it; one starting where it starts may enclose it.
  const start = scope.startIndex;
  const end = scope.endIndex;
  let lo = 0;
  let hi = walked.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (walked[mid].start < start) lo = mid + 1;
    else hi = mid;
  }
  const out: Node[] = [];
  for (let i = lo; i < walked.length && walked[i].start < end; i++) {
    const w = walked[i];
    if (!matches(w)) continue;
    if (w.start === start && w.node.id !== scope.id && w.node.endIndex > end) continue;
    out.push(w.node);
  }
  return out;
}

/**
 * Per tree, the calls of walked declarations whose text reading (calleeFromText) is right without
 * a lookup. A text reading `a.b.name(` that is not the call's own name and arguments means the
 * call's function holds a call at the same offset (`s.Headscale()` in `s.Headscale().ListNodes()`),
 * which the walk lists right after it. Broken code may hold that inner call as an ERROR node
 * instead: a declaration with errors is left to the lookup.
 */
const readableCalls = perTreeTable<Map<number, boolean>>();

function walkDeclaration(declaration: Node): WalkedNode[] {
  const out: WalkedNode[] = [];
  const calls: WalkedNode[] = [];
  for (const node of declaration.descendantsOfType(DECLARATION_TYPES)) {
    if (!node) continue;
    const type = node.type;
    if (type !== 'index_expression') {
      const walked = { node, type, start: node.startIndex };
      out.push(walked);
      if (type === 'call_expression') calls.push(walked);
    } else if (node.childForFieldName('index')?.type === 'int_literal') out.push({ node, type, start: node.startIndex, operand: node.childForFieldName('operand')?.type ?? '' });
  }
  if (!declaration.hasError) {
    let readable = readableCalls.get(declaration.tree);
    if (!readable) readableCalls.set(declaration.tree, (readable = new Map()));
    calls.forEach((c, i) => readable!.set(c.node.id, calls[i + 1]?.start !== c.start));
  }
  return out;
}
