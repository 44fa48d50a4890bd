import type { Node } from 'web-tree-sitter';
import type { Rule } from '../rule';
import { valuesAssignedBefore } from '../scopes';
import { callArguments, callee } from '../syntax';

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
    // The policy implementation itself (package policy, a PolicyManager method, a function that
    // evaluates policy) is where announced routes are meant to be judged.
    if (ctx.file.packageName === 'policy' || inPolicyPackage(ctx.file.path)) return;
    if (isPolicyDeclaration(ctx.file.scope)) return;
    for (const call of ctx.file.calls) {
      const c = callee(call);
      // A policy-evaluating function is the approval step itself: announced routes are its input.
      if (!c || !ROUTE_SINK.test(c.name) || isPolicyEvaluator(c.name, c.receiver)) continue;
      for (const arg of callArguments(call)) {
        const value = arg.type === 'variadic_argument' ? arg.namedChild(0) : arg;
        if (!value) continue;
        const direct = taintedCall(value);
        if (direct) {
          const name = callee(direct)!;
          ctx.report({
            start: direct.startIndex,
            end: direct.endIndex,
            message: `\`${direct.text}\` passes the routes a node merely announces to \`${c.name}\`; only approved routes (SubnetRoutes) may be served.`,
            fixes: [{ title: 'Use SubnetRoutes()', edits: [{ start: name.nameStart, end: name.nameEnd, newText: 'SubnetRoutes' }], isPreferred: true }],
          });
          continue;
        }
        if (value.type !== 'identifier') continue;
        const source = announcedAssignment(call, value.text, 0);
        if (!source) continue;
        const name = callee(source)!;
        ctx.report({
          start: value.startIndex,
          end: value.endIndex,
          message: `\`${value.text}\` holds \`${source.text}\` (announced, not approved routes) and is passed to \`${c.name}\`. Use SubnetRoutes().`,
          related: [{ start: source.startIndex, end: source.endIndex, message: `${value.text} is assigned announced routes here` }],
          fixes: [{ title: 'Assign SubnetRoutes() instead', edits: [{ start: name.nameStart, end: name.nameEnd, newText: 'SubnetRoutes' }] }],
        });
      }
    }
  },
};

/** Functions whose job is to evaluate policy: what passes through them is decided, hence clean. */
function isPolicyEvaluator(name: string, receiver: string | null): boolean {
  return /Polic(y|ies)|Evaluat|AutoApprov|Filter/.test(name) || /^(policy|pm|polMan|policyManager)$/.test(receiver ?? '');
}

/** hscontrol/policy/… (policy/v2 is \`package v2\`): the folder or its parent is named policy. */
function inPolicyPackage(file: string): boolean {
  const dirs = file.split('\\').join('/').split('/').slice(0, -1);
  return dirs.slice(-2).includes('policy');
}

/** A method of a policy manager, or a function named for evaluating policy. */
function isPolicyDeclaration(decl: Node): boolean {
  if (decl.type !== 'function_declaration' && decl.type !== 'method_declaration') return false;
  const receiver = decl.type === 'method_declaration' ? decl.childForFieldName('receiver')?.text ?? '' : '';
  return /Polic(y|ies)/.test(receiver) || isPolicyEvaluator(decl.childForFieldName('name')?.text ?? '', null);
}

/** Calls that hand their argument's value on unchanged (a copy, a view, an append). */
const PASS_THROUGH = new Set(['AsSlice', 'Clone', 'Concat', 'append', 'Compact', 'Sorted', 'Collect', 'All']);

/**
 * The \`.AnnouncedRoutes()\` call whose value \`node\` is, if any: the call itself, or it passed
 * through a copy (\`.AsSlice()\`, \`slices.Clone\`, \`append\`). A value computed by any other function
 * from announced routes is that function's result, not the announced routes.
 */
function taintedCall(node: Node): Node | null {
  let n: Node | null = node;
  while (n && (n.type === 'parenthesized_expression' || n.type === 'unary_expression')) n = n.namedChild(n.namedChildCount - 1);
  if (!n || n.type !== 'call_expression' || !n.text.includes('AnnouncedRoutes')) return null;
  const c = callee(n);
  if (!c) return null;
  if (c.name === 'AnnouncedRoutes') return n;
  if (!PASS_THROUGH.has(c.name)) return null;
  // x.AnnouncedRoutes().AsSlice(): the receiver; slices.Clone(x.AnnouncedRoutes()): an argument.
  const fn = n.childForFieldName('function');
  const operand = fn?.type === 'selector_expression' ? fn.childForFieldName('operand') : null;
  if (operand && operand.type === 'call_expression') {
    const inner = taintedCall(operand);
    if (inner) return inner;
  }
  for (const a of callArguments(n)) {
    const inner = taintedCall(a.type === 'variadic_argument' ? a.namedChild(0) ?? a : a);
    if (inner) return inner;
  }
  return null;
}

/** The announced-routes call in the last value assigned to \`name\` before \`call\`, following copies. */
function announcedAssignment(call: Node, name: string, depth: number): Node | null {
  const last = valuesAssignedBefore(call, name).pop();
  if (!last) return null;
  const direct = taintedCall(last);
  if (direct) return direct;
  return last.type === 'identifier' && depth < 3 ? announcedAssignment(last, last.text, depth + 1) : null;
}
