import type { Node } from 'web-tree-sitter';
import type { Rule } from '../rule';
import { valuesAssignedBefore } from '../scopes';
import { callArguments, callee, queryIn } from '../syntax';

/** Calls that decide which routes a node serves: approval, primary-route election, route setters. */
const ROUTE_SINK = /^(Set\w*Routes?\w*|ApproveRoutes?\w*|\w*PrimaryRoutes?\w*|UpdateRoutes?\w*)$/;

export const rule: Rule = {
  id: 'hs-announced-routes',
  defaultSeverity: 'error',
  scope: 'non-test',
  doc: `Never feed AnnouncedRoutes into route approval or primary routes.
AnnouncedRoutes is what a node *claims* it can route; SubnetRoutes is what has been announced and
approved by policy or an admin. Passing announced routes to an approval, a route setter or the
primary-route election lets any node route any prefix it advertises: a security bypass that the
integration tests (route/ACL auto-approve) exist to catch. Use SubnetRoutes().`,
  example: {
    incorrect: `primaryRoutes.SetRoutes(node.ID, node.AnnouncedRoutes()...)`,
    correct: `primaryRoutes.SetRoutes(node.ID, node.SubnetRoutes()...)`,
  },
  check(ctx) {
    for (const call of ctx.file.calls) {
      const c = callee(call);
      if (!c || !ROUTE_SINK.test(c.name)) continue;
      for (const arg of callArguments(call)) {
        const direct = announcedCallIn(arg);
        if (direct) {
          const name = callee(direct)!.nameNode;
          ctx.report({
            start: direct.startIndex,
            end: direct.endIndex,
            message: `\`${direct.text}\` passes the routes a node merely announces to \`${c.name}\`; only approved routes (SubnetRoutes) may be served.`,
            fixes: [{ title: 'Use SubnetRoutes()', edits: [{ start: name.startIndex, end: name.endIndex, newText: 'SubnetRoutes' }], isPreferred: true }],
          });
          continue;
        }
        const ident = arg.type === 'identifier' ? arg : arg.type === 'variadic_argument' ? arg.namedChild(0) : null;
        if (ident?.type !== 'identifier') continue;
        const source = announcedAssignment(call, ident.text);
        if (!source) continue;
        const name = callee(source)!.nameNode;
        ctx.report({
          start: ident.startIndex,
          end: ident.endIndex,
          message: `\`${ident.text}\` holds \`${source.text}\` (announced, not approved routes) and is passed to \`${c.name}\`. Use SubnetRoutes().`,
          related: [{ start: source.startIndex, end: source.endIndex, message: `${ident.text} is assigned announced routes here` }],
          fixes: [{ title: 'Assign SubnetRoutes() instead', edits: [{ start: name.startIndex, end: name.endIndex, newText: 'SubnetRoutes' }] }],
        });
      }
    }
  },
};

function announcedCallIn(node: Node): Node | null {
  if (!node.text.includes('AnnouncedRoutes')) return null;
  return queryIn(node, '(call_expression) @c').find((n) => callee(n)?.name === 'AnnouncedRoutes') ?? null;
}

/** The `.AnnouncedRoutes()` call in the last value assigned to `name` before `call`, if any. */
function announcedAssignment(call: Node, name: string): Node | null {
  const last = valuesAssignedBefore(call, name).pop();
  return last ? announcedCallIn(last) : null;
}
