import type { Node } from 'web-tree-sitter';
import { FUNC_TYPES, queryIn } from '../goFile';
import type { Rule } from '../rule';
import { ancestor, assignedNames, callee, namedChildren } from '../syntax';

const LIST_METHODS = new Set(['ListNodes', 'ListUsers']);

export const rule: Rule = {
  id: 'ewt-order-assumption',
  defaultSeverity: 'hint',
  scope: 'test',
  doc: `Find nodes and users by property, not by position.
ListNodes and ListUsers do not promise an order. \`nodes[0]\` is whichever node the server
returned first this time, so the assertion checks a different node on another run. Look the node
up by name, ID or user, then assert on it.`,
  example: {
    incorrect: `assert.Len(c, nodes[0].GetAvailableRoutes(), 1)`,
    correct: `for _, node := range nodes {
    if node.GetName() == "router" {
        assert.Len(c, node.GetAvailableRoutes(), 1)
    }
}`,
  },
  check(ctx) {
    // Per outermost function: list variable → the ListNodes/ListUsers call that filled it.
    const listed = new Map<number, { fn: Node; vars: Map<string, Node> }>();
    for (const call of ctx.file.calls) {
      const c = callee(call);
      if (!c || !c.receiver || !LIST_METHODS.has(c.name)) continue;
      const stmt = call.parent?.parent;
      if (!stmt || (stmt.type !== 'short_var_declaration' && stmt.type !== 'assignment_statement')) continue;
      if (stmt.childForFieldName('right')?.namedChild(0)?.id !== call.id) continue;
      const first = assignedNames(stmt)[0];
      const fn = outermostFunction(call);
      if (!first || first.text === '_' || !fn) continue;
      const entry = listed.get(fn.id) ?? { fn, vars: new Map<string, Node>() };
      entry.vars.set(first.text, call);
      listed.set(fn.id, entry);
    }
    for (const { fn, vars } of listed.values()) {
      for (const n of queryIn(fn, '(index_expression operand: (identifier) index: (int_literal)) @i')) {
        const operand = n.childForFieldName('operand');
        const source = operand ? vars.get(operand.text) : undefined;
        if (!source || isAssignmentTarget(n)) continue;
        ctx.report({
          start: n.startIndex,
          end: n.endIndex,
          message: `\`${n.text}\` assumes an order; ${callee(source)!.name} does not guarantee one. Find the element by name or ID.`,
          related: [{ start: source.startIndex, end: source.endIndex, message: 'the list comes from here' }],
        });
      }
    }
  },
};

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
  const list = n.parent;
  return list?.type === 'expression_list' && list.parent?.childForFieldName('left')?.id === list.id && namedChildren(list).length > 0;
}
