import type { Node } from 'web-tree-sitter';
import { FUNC_TYPES, type EwtCall } from './goFile';
import { ancestor, assignedNames, identifiersIn, mentionsWord, namedChildren, parentOf, queryIn } from './syntax';

/** Name-based scope facts, enough for fixes that move code across a callback boundary. */

/**
 * Statements of a block, materialised once per tree: every EventuallyWithT of a 1 100-line test
 * looks through the same function body, and marshalling it from wasm each time is quadratic.
 * Keyed by the Tree object (a re-parse makes a new one) and node id (unique within a tree).
 */
const statementsCache = new WeakMap<object, Map<number, Node[]>>();
function statementsOf(list: Node): Node[] {
  let byId = statementsCache.get(list.tree);
  if (!byId) statementsCache.set(list.tree, (byId = new Map()));
  let statements = byId.get(list.id);
  if (!statements) byId.set(list.id, (statements = namedChildren(list)));
  return statements;
}

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
    if (parent.type === 'statement_list') {
      for (const s of statementsOf(parent)) {
        if (s.startIndex >= cur.startIndex) break;
        if (s.type === 'short_var_declaration') assignedNames(s).forEach(note);
        if (s.type === 'var_declaration') for (const spec of queryIn(s, '(var_spec) @v')) spec.childrenForFieldName('name').forEach(note);
      }
    }
    if (FUNC_TYPES.has(parent.type)) {
      const params = parent.childForFieldName('parameters');
      if (params) for (const p of namedChildren(params)) p.childrenForFieldName('name').forEach(note);
      if (parent.type !== 'func_literal') break;
    }
  }
  return found;
}

/**
 * The first later read of `name` after `stmt` in its block and the blocks around it (up to the
 * function), or null when it is reassigned or redeclared first.
 */
export function firstReadAfter(stmt: Node, name: string): Node | null {
  let cur: Node = stmt;
  for (let parent = parentOf(cur); parent; cur = parent, parent = parentOf(parent)) {
    if (FUNC_TYPES.has(parent.type)) return null;
    if (parent.type === 'statement_list') {
      for (const s of statementsOf(parent)) {
        if (s.startIndex <= cur.startIndex) continue;
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
  while (cur.id !== top.id && cur.parent) {
    const parent: Node = cur.parent;
    if (parent.type === 'statement_list' || parent.type === 'block') {
      for (const s of namedChildren(parent)) {
        if (s.startIndex > cur.startIndex) break;
        if (declares(s, name)) return true;
      }
    }
    const init = parent.type.endsWith('_statement') ? parent.childForFieldName('initializer') : null;
    if (init && declares(init, name)) return true;
    if (parent.type === 'func_literal') {
      const params = parent.childForFieldName('parameters');
      if (params && namedChildren(params).some((p) => p.childrenForFieldName('name').some((n) => n?.text === name))) return true;
    }
    cur = parent;
  }
  return false;
}

function declares(s: Node, name: string): boolean {
  if (s.type === 'short_var_declaration') return assignedNames(s).some((n) => n.text === name);
  if (s.type === 'var_declaration') return queryIn(s, '(var_spec) @v').some((spec) => spec.childrenForFieldName('name').some((n) => n?.text === name));
  return false;
}

function writerOf(id: Node): Node | null {
  return id.parent?.parent ?? null;
}

function isWrite(id: Node): boolean {
  const list = parentOf(id);
  const stmt = list ? parentOf(list) : null;
  if (list?.type !== 'expression_list' || !stmt || stmt.childForFieldName('left')?.id !== list.id) return false;
  return stmt.type === 'short_var_declaration' || (stmt.type === 'assignment_statement' && stmt.childForFieldName('operator')?.text === '=');
}

/**
 * The values assigned to `name` (`name := v`, `name = v`, `a, name := x, v`) in the function
 * around `call`, before it, in source order.
 */
export function valuesAssignedBefore(call: Node, name: string): Node[] {
  const fn = ancestor(call, FUNC_TYPES);
  if (!fn) return [];
  const out: Node[] = [];
  const callStart = call.startIndex;
  for (const n of queryIn(fn, '[(short_var_declaration) (assignment_statement)] @a')) {
    if (n.startIndex >= callStart) break;
    if (!mentionsWord(n.text, name)) continue;
    const idx = assignedNames(n).findIndex((id) => id.text === name);
    const right = n.childForFieldName('right');
    const value = idx >= 0 && right ? namedChildren(right)[idx] : null;
    if (value) out.push(value);
  }
  return out;
}
