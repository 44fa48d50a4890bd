import type { Node } from 'web-tree-sitter';
import { FUNC_TYPES, type EwtCall } from './goFile';
import { ancestor, assignedNames, GO_IDENTIFIER, identifiersIn, memoPerNode, mentionsWord, namedChildren, nextWordAt, parentOf, queryIn, typeOf } from './syntax';

/** Name-based scope facts, enough for fixes that move code across a callback boundary. */

/**
 * The identifiers statement `s` declares at its block's level (`:=`, `var`), once per tree: the
 * statements of a long test are asked about one name after another.
 */
const declaredIdentifiers = memoPerNode((s): readonly Node[] => {
  const type = s.type;
  if (type === 'short_var_declaration') return assignedNames(s);
  if (type !== 'var_declaration') return [];
  return queryIn(s, '(var_spec) @v').flatMap((spec) => spec.childrenForFieldName('name').filter((n): n is Node => n?.type === 'identifier'));
});

/**
 * What each statement of a block declares, materialised once per tree: every EventuallyWithT of
 * a 1 100-line test looks back through the same function body, and marshalling it from wasm each
 * time is quadratic. Keyed by the Tree object (a re-parse makes a new one) and node id.
 */
type BlockDeclaration = { start: number; names: { text: string; node: Node }[] };
const declarationsOf = memoPerNode((list): BlockDeclaration[] =>
  namedChildren(list).map((s) => ({ start: s.startIndex, names: declaredIdentifiers(s).map((node) => ({ text: node.text, node })) })),
);

/**
 * The parameter names of a function (declaration, method or literal), once per tree: every
 * EventuallyWithT of a long test asks its enclosing test function about the names it looks up.
 */
const parameterNames = memoPerNode((fn): { node: Node; text: string; identifier: boolean }[] => {
  const params = fn.childForFieldName('parameters');
  if (!params) return [];
  return namedChildren(params).flatMap((p) => p.childrenForFieldName('name').flatMap((n) => (n ? [{ node: n, text: n.text, identifier: n.type === 'identifier' }] : [])));
});

/** Names declared (`:=` or `var`) anywhere inside the given statements. */
export function declaredNames(statements: readonly Node[]): Set<string> {
  const names = new Set<string>();
  for (const s of statements) {
    for (const n of queryIn(s, '[(short_var_declaration) (var_spec)] @d')) {
      if (n.type === 'short_var_declaration') for (const id of assignedNames(n)) names.add(id.text);
      else for (const id of n.childrenForFieldName('name')) if (id) names.add(id.text);
    }
  }
  return names;
}

/** True when any identifier in `statements` names one of `names`. */
export function references(statements: readonly Node[], names: ReadonlySet<string>): boolean {
  const wanted = [...names].filter((n) => n !== '_');
  return statements.some((s) => wanted.some((n) => identifiersIn(s, n).length > 0));
}

/** Variables declared before the EventuallyWithT statement in the scopes that enclose it. */
export function outerDeclarations(ewt: EwtCall): Map<string, Node> {
  const found = new Map<string, Node>();
  const note = (id: Node | null) => {
    if (id && id.type === 'identifier' && !found.has(id.text)) found.set(id.text, id);
  };
  let cur: Node | null = ewt.statement;
  for (let parent = cur ? parentOf(cur) : null; cur && parent; cur = parent, parent = parentOf(parent)) {
    if (typeOf(parent) === 'statement_list') {
      const before = cur.startIndex;
      for (const s of declarationsOf(parent)) {
        if (s.start >= before) break;
        for (const d of s.names) if (!found.has(d.text)) found.set(d.text, d.node);
      }
    }
    if (FUNC_TYPES.has(typeOf(parent))) {
      for (const p of parameterNames(parent)) if (p.identifier) note(p.node);
      if (typeOf(parent) !== 'func_literal') break;
    }
  }
  return found;
}

/**
 * The statements of block `list` (from offset `from` on) whose text mentions `name` as a word (a
 * mention `candidate` accepts, when given): a text search, then one lookup per hit of the
 * statement holding it (`firstNamedChildForIndex`, in wasm), so a 500-statement test body is
 * never materialised to ask about one name.
 */
function* statementsMentioning(list: Node, text: string, name: string, from = list.startIndex, candidate?: (at: number) => boolean): Generator<Node> {
  let last: { start: number; end: number } | null = null;
  const end = list.endIndex;
  for (let at = nextWordAt(text, name, from, end); at !== -1; at = nextWordAt(text, name, at + name.length, end)) {
    if (last && at < last.end) continue; // (another mention in the same statement)
    if (candidate && !candidate(at)) continue;
    const s = list.firstNamedChildForIndex(at);
    if (!s) return;
    const start = s.startIndex;
    last = { start, end: s.endIndex };
    if (start <= at) yield s; // (a mention between statements is in a comment)
  }
}

/** The identifier declaring `name` in statement `s` (`:=` or `var`), or null. */
function declarationIn(s: Node, name: string): Node | null {
  return declaredIdentifiers(s).find((n) => n.text === name) ?? null;
}

/** After a name on the left of `:=`: more names, then `:=`. */
const BEFORE_DEFINE = new RegExp(`\\s*(?:,\\s*${GO_IDENTIFIER}\\s*)*:=`, 'uy');
/** Before a name in a `var` spec or on the left of `:=`, on its line: `var`, `var (`, other names. */
const DECLARATION_LINE_START = /^(?:[^=:(){}"'`.]*|\s*var\s*\(\s*)$/;

/**
 * Whether the mention of `name` at `at` can be where a statement declares it (`name :=`,
 * `a, name :=`, `var name T`, a line of a `var (…)` block): read from the text around it, so a
 * block's hundred mentions of `nodes` cost one lookup in the tree each only where one might be.
 * It may say yes wrongly (the tree decides); it says no only where no declaration can be.
 */
function mayDeclare(text: string, at: number, name: string): boolean {
  BEFORE_DEFINE.lastIndex = at + name.length;
  if (BEFORE_DEFINE.test(text)) return true;
  return DECLARATION_LINE_START.test(text.slice(text.lastIndexOf('\n', at - 1) + 1, at));
}

/**
 * The first statement of block `list` that declares `name`, by name, once per tree: every
 * EventuallyWithT of a long test asks about the same few names (`nodes`, `status`), and each
 * question used to search the text before its block again.
 */
const firstDeclarationIn = memoPerNode((_list: Node) => new Map<string, { start: number; id: Node } | null>());

function firstDeclaration(list: Node, text: string, name: string): { start: number; id: Node } | null {
  const known = firstDeclarationIn(list);
  let found = known.get(name);
  if (found === undefined) {
    found = null;
    for (const s of statementsMentioning(list, text, name, list.startIndex, (at) => mayDeclare(text, at, name))) {
      const id = declarationIn(s, name);
      if (id) {
        found = { start: s.startIndex, id };
        break;
      }
    }
    known.set(name, found);
  }
  return found;
}

/**
 * outerDeclarations(ewt).get(name), without materialising every declaration: a statement can
 * declare `name` only if its text mentions it. A rule asking about the few names a callback
 * assigns thus touches only the statements that mention them.
 */
export function outerDeclaration(ewt: EwtCall, text: string, name: string): Node | null {
  let cur: Node | null = ewt.statement;
  for (let parent = cur ? parentOf(cur) : null; cur && parent; cur = parent, parent = parentOf(parent)) {
    if (typeOf(parent) === 'statement_list') {
      const first = firstDeclaration(parent, text, name);
      if (first && first.start < cur.startIndex) return first.id;
    }
    if (FUNC_TYPES.has(typeOf(parent))) {
      const id = parameterNames(parent).find((p) => p.identifier && p.text === name);
      if (id) return id.node;
      if (typeOf(parent) !== 'func_literal') break;
    }
  }
  return null;
}

/**
 * The first later read of `name` after `stmt` in its block and the blocks around it (up to the
 * function), or null when it is reassigned or redeclared first. `text` is the file's.
 */
export function firstReadAfter(stmt: Node, text: string, name: string): Node | null {
  let cur: Node = stmt;
  for (let parent = parentOf(cur); parent; cur = parent, parent = parentOf(parent)) {
    if (FUNC_TYPES.has(typeOf(parent))) return null;
    if (typeOf(parent) === 'statement_list') {
      // Only a statement that mentions the name can read it.
      for (const s of statementsMentioning(parent, text, name, cur.endIndex)) {
        // Identifiers in a nested scope that declares its own `name` (a later callback's
        // `var err error` or `err :=`) are another variable: look past them.
        const ids = identifiersIn(s, name).filter((id) => !declaredBetween(id, s, name));
        if (ids.length === 0) continue;
        // Only a write by the statement itself is certain; one inside a branch or a callback
        // may not happen, so reads after it in later statements still count.
        if (isWrite(ids[0]) && writerOf(ids[0])?.id === s.id) return null;
        let written = false;
        for (const id of ids) {
          if (isWrite(id)) written = true;
          else if (!written) return id;
        }
      }
    }
  }
  return null;
}

/**
 * True when `id` (inside statement `top`) refers to a variable declared inside `top` itself: a
 * parameter of an enclosing func literal, or a declaration earlier in an enclosing nested block.
 */
function declaredBetween(id: Node, top: Node, name: string): boolean {
  let cur: Node = id;
  for (let parent = parentOf(cur); cur.id !== top.id && parent; parent = parentOf(cur)) {
    const type = typeOf(parent);
    if (type === 'statement_list' || type === 'block') {
      for (const s of declarationsOf(parent)) {
        if (s.start > cur.startIndex) break;
        if (s.names.some((n) => n.text === name)) return true;
      }
    }
    const init = type.endsWith('_statement') ? parent.childForFieldName('initializer') : null;
    if (init && declares(init, name)) return true;
    if (type === 'func_literal' && parameterNames(parent).some((p) => p.text === name)) return true;
    cur = parent;
  }
  return false;
}

function declares(s: Node, name: string): boolean {
  return declarationIn(s, name) !== null;
}

function writerOf(id: Node): Node | null {
  const up = parentOf(id);
  return up ? parentOf(up) : null;
}

function isWrite(id: Node): boolean {
  const list = parentOf(id);
  const stmt = list ? parentOf(list) : null;
  if (list?.type !== 'expression_list' || !stmt || stmt.childForFieldName('left')?.id !== list.id) return false;
  return stmt.type === 'short_var_declaration' || (stmt.type === 'assignment_statement' && stmt.childForFieldName('operator')?.text === '=');
}

/**
 * The values assigned to `name` (`name := v`, `name = v`, `a, name := x, v`) in the function
 * around `call`, before it, in source order. Assignments inside other func literals (another
 * EventuallyWithT's callback) are another scope's, and are left out: that also keeps a region's
 * analysis independent of the other regions' contents (parts.ts).
 */
export function valuesAssignedBefore(call: Node, name: string): Node[] {
  const fn = ancestor(call, FUNC_TYPES);
  if (!fn) return [];
  const out: Node[] = [];
  const callStart = call.startIndex;
  const callEnd = call.endIndex;
  for (const a of assignmentsIn(fn)) {
    if (a.start >= callStart) break;
    if (!mentionsWord(a.text, name)) continue;
    if (a.closures.some((c) => !(c.start <= callStart && callEnd <= c.end))) continue;
    const n = a.node;
    const idx = assignedNames(n).findIndex((id) => id.text === name);
    const right = n.childForFieldName('right');
    const value = idx >= 0 && right ? namedChildren(right)[idx] : null;
    if (value) out.push(value);
  }
  return out;
}

type Assignment = { start: number; text: string; node: Node; closures: { start: number; end: number }[] };
/**
 * The assignments of a function, each with the func literals (inside the function) around it:
 * once per tree and function, as every argv lookup of a long test asks for them.
 */
const assignmentsIn = memoPerNode((fn): Assignment[] => {
  const literals = queryIn(fn, '(func_literal) @f').filter((f) => f.id !== fn.id).map((f) => ({ start: f.startIndex, end: f.endIndex }));
  return queryIn(fn, '[(short_var_declaration) (assignment_statement)] @a').map((node) => {
    const start = node.startIndex;
    return { start, text: node.text, node, closures: literals.filter((l) => l.start <= start && start < l.end) };
  });
});
