import type { Node } from 'web-tree-sitter';
import { FUNC_TYPES, callsOfMethods, inModel, queryIn, type GoFile } from '../goFile';
import { SORTED_LISTINGS } from '../vocabulary';
import { registrationOrder } from '../registrationOrder';
import type { Rule } from '../rule';
import { ancestor, assignedNames, callee, GO_IDENTIFIER, memoPerNode, namedChildren, parentOf } from '../syntax';

const STATEMENT_LISTS = new Set(['block', 'statement_list']);

export const rule: Rule = {
  id: 'ewt-order-assumption',
  defaultSeverity: 'hint',
  scope: 'test',
  harnessOnly: true,
  doc: `Find a specific node or user by property, not by its position in the list.
hsic's ListNodes and ListUsers sort by ID, so \`nodes[1]\` is "the node that registered second".
Giving \`nodes[0]\` and \`nodes[1]\` different expectations (this one is the primary router, that one
the standby) ties the test to registration order, which changes when a client joins faster or a
scenario adds a node. Look the node up by name, hostname or ID and assert on it. Positions are fine
where they carry no identity: after the list was pinned to one element, when every element gets
the same expectation, or when two elements are compared with each other. They are also the test's
own where it fixes the order itself: it sorts its clients by node ID first (so \`allClients[0]\` is
\`nodes[0]\`), or its scenario brings up at most one client and the test registers every further
node itself, one after another.`,
  example: {
    incorrect: `requireNodeRouteCountWithCollect(c, nodes[0], 1, 1, 1) // the primary
requireNodeRouteCountWithCollect(c, nodes[1], 1, 1, 0) // the standby`,
    correct: `for _, node := range nodes {
    if node.GetName() == router1.Hostname() {
        requireNodeRouteCountWithCollect(c, node, 1, 1, 1)
    }
}`,
  },
  check(ctx) {
    // No `x[0]` in this model's text: nothing to look at.
    if (!/\[\s*\d+\s*\]/.test(ctx.file.text.slice(ctx.file.scope.startIndex, ctx.file.scope.endIndex))) return;
    // A finding needs one list read at two positions in this model: without such a pair, the
    // lists filled in the whole declaration (a search of all of it) are not needed.
    if (!readAtTwoPositions(ctx.file.text, queryIn(ctx.file.scope, INDEX_READS))) return;
    const declaration = ctx.file.scope.type === 'call_expression' ? topFunction(ctx.file.scope) ?? ctx.file.scope : ctx.file.scope;
    const listed = listsFilled(declaration, ctx.file);
    for (const { fn, vars } of listed.values()) {
      // Group the positional reads by list and by the statement list holding them: one group is
      // one place where the test looks at several elements side by side.
      const groups = new Map<string, { list: string; source: Node; uses: { index: Node; position: string; statement: Node }[] }>();
      // Only this model's part of the function (a region, or the frame without its regions).
      const searched = ctx.file.scope.type === 'call_expression' ? ctx.file.scope : fn;
      for (const n of queryIn(searched, INDEX_READS)) {
        // The operand is the identifier the expression starts with (read from the text, which
        // costs no lookup in the tree): only a filled list's reads go further.
        IDENTIFIER.lastIndex = n.startIndex;
        const name = IDENTIFIER.exec(ctx.file.text)?.[0];
        if (name === undefined || !vars.has(name) || !inModel(ctx.file, n)) continue;
        // The last list call assigned to the variable before this use.
        const source = vars.get(name)!.filter((c) => c.startIndex < n.startIndex).pop();
        if (!source || isAssignmentTarget(n)) continue;
        const statement = statementOf(n);
        if (!statement?.parent || !isExpectation(statement.text)) continue;
        const key = `${name}@${statement.parent.id}`;
        const group = groups.get(key) ?? { list: name, source, uses: [] };
        group.uses.push({ index: n, position: n.childForFieldName('index')!.text, statement });
        groups.set(key, group);
      }
      for (const { list, source, uses } of groups.values()) {
        const positions = new Set(uses.map((u) => u.position));
        // A single position identifies nothing beyond "the one element" (length pinned or checked
        // by the test) or "the first": only distinct positions with distinct expectations do.
        if (positions.size < 2) continue;
        // Symmetric: two elements compared with each other in one statement.
        const single = uses.filter((u) => !uses.some((o) => o !== u && o.statement.id === u.statement.id && o.position !== u.position));
        if (single.length < 2) continue;
        // The same expectation on every element: the statements differ only in the position.
        const shapes = new Set(single.map((u) => normalise(u.statement.text, list)));
        if (shapes.size < 2) continue;
        if (new Set(single.map((u) => u.position)).size < 2) continue;
        const first = single[0];
        // The test knows which node registered when (registrationOrder.ts): positions are its own.
        const { knownFrom } = registrationOrder(fn, ctx.file, new Set(vars.keys()));
        if (knownFrom !== null && knownFrom <= first.index.startIndex) continue;
        const others = single.filter((u) => u.position !== first.position);
        ctx.report({
          start: first.index.startIndex,
          end: first.index.endIndex,
          message: `\`${list}[${first.position}]\` and \`${list}[${others[0].position}]\` get different expectations, so the test depends on which node registered first (${callee(source)!.name} sorts by ID). Find each node by name or ID.`,
          related: [
            ...others.slice(0, 3).map((u) => ({ start: u.index.startIndex, end: u.index.endIndex, message: `${list}[${u.position}] is expected to be different` })),
            { start: source.startIndex, end: source.endIndex, message: 'the list comes from here' },
          ],
        });
      }
    }
  },
};

type Filled = Map<number, { fn: Node; vars: Map<string, Node[]> }>;

const IDENTIFIER = new RegExp(GO_IDENTIFIER, 'uy');
const INDEX_READS = '(index_expression operand: (identifier) index: (int_literal)) @i';
/** After a list's name: `[N]`, spaces allowed. */
const POSITION = /\s*\[\s*(\d\w*)\s*\]/y;

/**
 * Whether some name is read at two positions among `reads` (`x[N]` expressions), from the text: a
 * read whose position the text does not show plainly (a comment inside) counts as a new one.
 */
function readAtTwoPositions(text: string, reads: readonly Node[]): boolean {
  const positions = new Map<string, string>();
  for (const n of reads) {
    IDENTIFIER.lastIndex = n.startIndex;
    const name = IDENTIFIER.exec(text)?.[0];
    if (name === undefined) return true;
    POSITION.lastIndex = n.startIndex + name.length;
    const position = POSITION.exec(text)?.[1];
    const seen = positions.get(name);
    if (position === undefined || (seen !== undefined && seen !== position)) return true;
    positions.set(name, position);
  }
  return false;
}

/**
 * Per outermost function: list variable → the ListNodes/ListUsers calls that filled it. A list
 * filled in one EventuallyWithT and indexed in another is still one list, so the calls come from
 * the whole declaration (parts.ts keeps these selectors in region skeletons); once per tree, as
 * every block of a long test asks.
 */
const listsFilled = memoPerNode((declaration: Node, file: GoFile): Filled => {
  const listed: Filled = new Map();
  for (const call of callsOfMethods(file, declaration, SORTED_LISTINGS)) {
    const c = callee(call);
    if (!c || !c.receiver) continue;
    const up = parentOf(call);
    const stmt = up ? parentOf(up) : null;
    if (!stmt || (stmt.type !== 'short_var_declaration' && stmt.type !== 'assignment_statement')) continue;
    if (stmt.childForFieldName('right')?.namedChild(0)?.id !== call.id) continue;
    const first = assignedNames(stmt)[0];
    // Inside a function declaration every call's outermost function is the declaration itself
    // (found without walking up from each call: a parent lookup descends from the root).
    const fn = TOP_FUNCTIONS.has(declaration.type) ? declaration : outermostFunction(call);
    if (!first || first.text === '_' || !fn) continue;
    const entry = listed.get(fn.id) ?? { fn, vars: new Map<string, Node[]>() };
    entry.vars.set(first.text, [...(entry.vars.get(first.text) ?? []), call]);
    listed.set(fn.id, entry);
  }
  return listed;
});

/** `nodes[1]` → `nodes[#]`, and comments and spacing dropped, so equal expectations compare equal. */
function normalise(text: string, list: string): string {
  return text
    .replace(/\/\/.*$/gm, '')
    .split(`${list}[`)
    .map((part, i) => (i === 0 ? part : part.replace(/^\d+\]/, '#]')))
    .join(`${list}[`)
    .replace(/\s+/g, '');
}

/**
 * Statements that state an expectation (testify, or an assert…/require… helper). Acting on a node
 * by position (approve v4 on one and v6 on the other) picks an arbitrary node, which is fine.
 */
function isExpectation(text: string): boolean {
  return /(^|[^\w.])(assert|require)\w*[.(]/.test(text);
}

function statementOf(node: Node): Node | null {
  let n: Node | null = node;
  for (let up = n ? parentOf(n) : null; n && up && !STATEMENT_LISTS.has(up.type); up = parentOf(up)) n = up;
  return n && parentOf(n) ? n : null;
}

/** Top-level functions: whatever lies inside one has it as its outermost function. */
const TOP_FUNCTIONS = new Set(['function_declaration', 'method_declaration']);

/** outermostFunction, read off the top-level declaration holding `node` where that is a function. */
function topFunction(node: Node): Node | null {
  const top = node.tree.rootNode.firstNamedChildForIndex(node.startIndex);
  return top && TOP_FUNCTIONS.has(top.type) && top.startIndex < node.startIndex ? top : outermostFunction(node);
}

function outermostFunction(node: Node): Node | null {
  let fn = ancestor(node, FUNC_TYPES);
  while (fn) {
    const up = ancestor(fn, FUNC_TYPES);
    if (!up) return fn;
    fn = up;
  }
  return null;
}

function isAssignmentTarget(n: Node): boolean {
  const list = parentOf(n);
  return list?.type === 'expression_list' && (parentOf(list)?.childForFieldName('left')?.id ?? null) === list.id && namedChildren(list).length > 0;
}
