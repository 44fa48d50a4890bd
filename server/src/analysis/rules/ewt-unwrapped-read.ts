import type { Node } from 'web-tree-sitter';
import { classifyCall } from '../classify';
import { addImport, deleteLines, linesOf, quote } from '../edits';
import { ASSERT_PATH, FUNC_TYPES, callsWithin, type GoFile } from '../goFile';
import type { Rule } from '../rule';
import type { Vocabulary } from '../vocabulary';
import { ancestor, assignedNames, callArguments, callee, enclosingStatement, identifiersIn, indentOf, lineStartOffset, namedChildren, mentionsWord, reindent, siblingStatements, argumentsText } from '../syntax';
import type { Fix } from '../types';

const LOOKAHEAD = 3;
/** How many statements before the read are searched for the change it observes. */
const LOOKBEHIND = 4;
const ERR_NAME = /^err\w*$/;
/** Helpers that change state by name: doLoginURL, createUser, approveRoutes, setPolicy, … */
const CHANGING_HELPER = /^(do|run|create|delete|approve|set|update|register|login|logout|expire|rename|tag|move|restart|enable|disable|add|remove)[A-Z_]|^(Create|Delete|Approve|Set|Update|Register|Login|Logout|Expire|Rename|Restart|Up|Down)/;

export const rule: Rule = {
  id: 'ewt-unwrapped-read',
  defaultSeverity: 'warning',
  scope: 'test',
  harnessOnly: true,
  doc: `Wrap external reads that are asserted on in EventuallyWithT.
Headscale and the tailscale clients converge asynchronously: right after a change, ListNodes or
Status may still show the old state. Asserting immediately on such a read makes the test flaky.
Read inside EventuallyWithT and assert on the CollectT so the read is retried until it converges.`,
  example: {
    incorrect: `nodes, err := headscale.ListNodes()
require.NoError(t, err)
require.Len(t, nodes, 2)`,
    correct: `assert.EventuallyWithT(t, func(c *assert.CollectT) {
    nodes, err := headscale.ListNodes()
    assert.NoError(c, err)
    assert.Len(c, nodes, 2)
}, 10*time.Second, 100*time.Millisecond, "both nodes should be registered")`,
  },
  check(ctx) {
    const { file } = ctx;
    for (const call of file.calls) {
      const c = callee(call);
      if (!c || !c.receiver || !ctx.vocab.read.has(c.name) || /^Must/.test(c.name)) continue;
      // `os.ReadFile(…)`: a package function on local files, not a read of converging state.
      if (file.imports.packages.has(c.receiver)) continue;
      if (file.innermostEwt.has(call.id)) continue;
      // Helpers taking a CollectT (or assert.TestingT) are called from inside EventuallyWithT.
      const fn = ancestor(call, FUNC_TYPES);
      const tName = fn ? testingParam(fn) : null;
      if (!tName) continue;
      const stmt = enclosingStatement(call);
      if (!stmt || (stmt.type !== 'short_var_declaration' && stmt.type !== 'assignment_statement')) continue;
      if (stmt.childForFieldName('right')?.namedChild(0)?.id !== call.id) continue;
      const names = assignedNames(stmt).map((n) => n.text).filter((n) => n !== '_');
      if (names.length === 0) continue;
      const siblings = siblingStatements(stmt);
      const after = siblings.slice(siblings.findIndex((s) => s.id === stmt.id) + 1);
      const asserts: Node[] = [];
      for (const s of after.slice(0, LOOKAHEAD)) {
        if (!isAssertion(file, s)) break;
        asserts.push(s);
      }
      // Only assertions on the state itself count: `require.NoError(t, err)` after a lookup is
      // setup, not a check that something converged. And they must be on the test's t.
      const stateNames = names.filter((n) => !ERR_NAME.test(n));
      const onState = asserts.filter((s) => assertsOnT(s, tName) && stateNames.some((n) => mentionsWord(s.text, n)));
      if (onState.length === 0) continue;
      // Converging state is state that just changed: the read follows a state-changing call.
      if (!followsChange(stmt, siblings, file, ctx.vocab)) continue;
      const label = classifyCall(call, file, ctx.vocab).label;
      ctx.report({
        start: call.startIndex,
        end: call.endIndex,
        message: `\`${label}\` reads state that converges asynchronously, and the next statements assert on it right away. Read and assert inside EventuallyWithT.`,
        fixes: () => wrapFix(file, stmt, asserts, names, after, label),
      });
    }
  },
};

function assertsOnT(s: Node, tName: string): boolean {
  const call = s.namedChild(0);
  return call?.type === 'call_expression' && callArguments(call)[0]?.text === tName;
}

/** Building the scenario is setup: what it created is there when it returns. */
const SCENARIO_SETUP = /^(Create(HeadscaleEnv\w*|TailscaleNodes?\w*|DERPServer)|AddNetwork|NewScenario)$/;

function followsChange(stmt: Node, siblings: Node[], file: GoFile, vocab: Vocabulary): boolean {
  const at = siblings.findIndex((s) => s.id === stmt.id);
  for (const s of siblings.slice(Math.max(0, at - LOOKBEHIND), at)) {
    // The model's own calls: a region's (another EventuallyWithT's) are not this model's to read.
    for (const call of callsWithin(file, s)) {
      const c = callee(call);
      if (!c) continue;
      if (SCENARIO_SETUP.test(c.name)) continue;
      if (classifyCall(call, file, vocab).kind === 'mutating') return true;
      if (!file.imports.packages.has(c.receiver ?? '') && CHANGING_HELPER.test(c.name)) return true;
    }
  }
  return false;
}

function isAssertion(file: GoFile, s: Node): boolean {
  if (s.type !== 'expression_statement') return false;
  const c = s.namedChild(0);
  const ce = c?.type === 'call_expression' ? callee(c) : null;
  return !!ce && (ce.receiver === file.imports.assert || ce.receiver === file.imports.require) && !ce.name.startsWith('EventuallyWithT');
}

function wrapFix(file: GoFile, read: Node, asserts: Node[], names: string[], after: Node[], label: string): Fix[] {
  // Results used after the wrapped statements would need a hoisted `var` of a type we cannot know.
  const rest = after.slice(asserts.length);
  const escaping = names.filter((n) => !ERR_NAME.test(n));
  if (rest.some((s) => escaping.some((n) => identifiersIn(s, n).length > 0))) return [];
  const fn = ancestor(read, FUNC_TYPES);
  const tName = fn ? testingParam(fn) : null;
  if (!tName) return [];
  const collect = [read, ...asserts].some((s) => identifiersIn(s, 'c').length > 0) ? 'ct' : 'c';
  const assertPkg = file.imports.assert ?? 'assert';
  const timePkg = file.imports.time ?? 'time';
  const indent = indentOf(file.text, read.startIndex);
  const last = asserts[asserts.length - 1] ?? read;
  let body = reindent(linesOf(file, read, last), indent, indent + '\t').replace(/^[ \t]*/, indent + '\t');
  // Switch the assertions to the CollectT: require ends the tick via the CollectT too, but the
  // retry-friendly spelling is assert.
  for (const a of asserts) {
    const call = a.namedChild(0)!;
    const first = callArguments(call)[0];
    const ce = callee(call)!;
    const original = a.text;
    const rewritten = `${assertPkg}.${ce.name}(${collect}${argumentsText(call).slice(first ? first.text.length : 0)})`;
    if (first?.text === tName) body = body.replace(original, rewritten);
  }
  const block =
    `${indent}${assertPkg}.EventuallyWithT(${tName}, func(${collect} *${assertPkg}.CollectT) {\n${body}\n` +
    `${indent}}, 10*${timePkg}.Second, 100*${timePkg}.Millisecond, ${quote(`${label} should reach the expected state`)})\n`;
  const at = lineStartOffset(file.text, read.startIndex);
  return [
    {
      title: 'Wrap the read and its assertions in EventuallyWithT',
      edits: [
        ...addImport(file, ASSERT_PATH, file.imports.assert),
        ...addImport(file, 'time', file.imports.time),
        { start: at, end: at, newText: block },
        deleteLines(file, read, last),
      ],
    },
  ];
}

function testingParam(fn: Node): string | null {
  const params = fn.childForFieldName('parameters');
  for (const p of params ? namedChildren(params) : []) {
    if (/^\*\w+\.T$/.test(p.childForFieldName('type')?.text ?? '')) return p.childForFieldName('name')?.text ?? null;
  }
  return null;
}
