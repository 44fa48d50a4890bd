import type { Node } from 'web-tree-sitter';
import { callbackStatements, callsInCallback, completeEwtCalls, inLoopWithin, readRole } from '../callbacks';
import type { ClassifiedCall } from '../classify';
import { deleteLines, linesOf, quote } from '../edits';
import { queryIn, type EwtCall, type GoFile } from '../goFile';
import type { Rule } from '../rule';
import { declaredNames, references } from '../scopes';
import { assignedNames, calleeNode, contains, GO_IDENTIFIER, indentOf, lineEndOffset, mentionsWord, namedChildren, parentOf, reindent } from '../syntax';
import type { Fix } from '../types';

export const rule: Rule = {
  id: 'ewt-one-external-call',
  defaultSeverity: 'warning',
  scope: 'test',
  harnessOnly: true,
  doc: `One external call per EventuallyWithT.
Each tick re-runs the whole callback. With two external calls (say ListNodes and Status) a tick
that fails on the second one also repeats the first, the failure message mixes two conditions,
and the timeout has to cover both propagation paths. Give each external read its own block.
A loop that calls the same method on several clients is one call; cached accessors (IPs, FQDN)
do not count. Reads whose values, or what is computed from them, are judged together in one
statement are one condition (a consistency check across views) and stay in one block.`,
  example: {
    incorrect: `assert.EventuallyWithT(t, func(c *assert.CollectT) {
    nodes, err := headscale.ListNodes()
    assert.NoError(c, err)
    status, err := client.Status()
    assert.NoError(c, err)
}, 10*time.Second, 500*time.Millisecond, "mixed operations")`,
    correct: `assert.EventuallyWithT(t, func(c *assert.CollectT) {
    nodes, err := headscale.ListNodes()
    assert.NoError(c, err)
    assert.Len(c, nodes, 2)
}, 10*time.Second, 500*time.Millisecond, "nodes should be registered")`,
  },
  check(ctx) {
    for (const ewt of completeEwtCalls(ctx.file)) {
      // Only reads whose result the tick judges count: a stimulus whose output is dropped (a
      // fire-and-forget `tailscale ping`) and a read used only for stable identity (the peer key
      // from another client's Status) are not conditions of their own.
      const reads = callsInCallback(ewt, ctx.file, ctx.vocab).filter((c) => c.kind === 'read');
      // A loop over clients calling the same method is one logical call, and so is the same
      // method called once more outside the loop (a fallback `ListNodes("")` after a loop over
      // users' `ListNodes(user)`, looking for the same node).
      const methods = reads.map((call) => `${call.method}|${call.argv ? call.argv.join(' ') : ''}`);
      // (Loops only merge keys: a block whose reads are one call even apart from loops needs none.)
      if (new Set(reads.map((call, i) => `${call.receiver}.${methods[i]}`)).size < 2) continue;
      const looped = new Set(methods.filter((_, i) => inLoopWithin(ewt, reads[i].call, ctx.file.text)));
      const keys = reads.map((call, i) => (looped.has(methods[i]) ? methods[i] : `${call.receiver}.${methods[i]}`));
      // (The roles only take reads away: a block with one kind of read needs none of them.)
      if (new Set(keys).size < 2) continue;
      const groups = new Map<string, ClassifiedCall[]>();
      reads.forEach((call, i) => {
        if (readRole(ewt, call) !== 'condition') return;
        const list = groups.get(keys[i]) ?? [];
        list.push(call);
        groups.set(keys[i], list);
      });
      if (groups.size < 2) continue;
      // Reads compared with each other in one statement form one condition (a consistency check
      // across views); splitting them would compare values from different moments.
      if (jointlyUsed(ewt, [...groups.values()])) continue;
      const firsts = [...groups.values()].map((g) => g[0]);
      const [first, second] = firsts;
      const nameNode = calleeNode(second.call);
      ctx.report({
        start: nameNode.startIndex,
        end: nameNode.endIndex,
        message: `This EventuallyWithT makes ${groups.size} different external calls (${firsts.map((c) => '`' + c.label + '`').join(', ')}); give each its own block so every tick retries one condition.`,
        related: [
          { start: first.call.startIndex, end: first.call.endIndex, message: `first external call: ${first.label}` },
          { start: ewt.nameStart, end: ewt.nameEnd, message: 'the EventuallyWithT' },
        ],
        fixes: () => splitFix(ctx.file, ewt, groups, second),
      });
    }
  },
};

/** The value names each group's reads assign (errors left out). */
function valueNames(c: ClassifiedCall): string[] {
  const up = parentOf(c.call);
  const stmt = up?.type === 'expression_list' ? parentOf(up) : up;
  if (stmt?.type !== 'short_var_declaration' && stmt?.type !== 'assignment_statement') return [];
  return assignedNames(stmt).map((n) => n.text).filter((n) => n !== '_' && !/^err\w*$/.test(n));
}

/**
 * Whether the reads' values meet in one statement after the reads: directly, or through what is
 * computed from them (helpers.go's batcher, map responses and node store each fill part of one
 * status map, which is then judged as a whole). A statement that mentions a group's values
 * passes that group to every variable it assigns; two passes reach what a loop builds.
 */
function jointlyUsed(ewt: EwtCall, groups: ClassifiedCall[][]): boolean {
  const names = groups.map((g) => new Set(g.flatMap(valueNames)));
  const statements = callbackStatements(ewt).filter((st) => !groups.some((g) => g.some((c) => contains(st, c.call))));
  const texts = statements.map((st) => st.text);
  const mentioned = (i: number) => names.filter((ns) => [...ns].some((n) => mentionsWord(texts[i], n)));
  for (let pass = 0; pass < 2; pass++) {
    statements.forEach((st, i) => {
      const from = mentioned(i);
      if (from.length === 0) return;
      for (const a of queryIn(st, '[(short_var_declaration) (assignment_statement)] @a')) {
        for (const root of assignedRoots(a)) for (const ns of from) ns.add(root);
      }
    });
  }
  return statements.some((_, i) => mentioned(i).length >= 2);
}

/** The variables an assignment sets (`x` of `x`, `x[k]` and `x.f` on its left), errors left out. */
function assignedRoots(assignment: Node): string[] {
  const left = assignment.childForFieldName('left');
  const leading = new RegExp(GO_IDENTIFIER, 'uy');
  return (left ? namedChildren(left) : []).flatMap((e) => {
    leading.lastIndex = 0;
    const root = leading.exec(e.text)?.[0];
    // (Errors are each call's own, as in valueNames: they join nothing.)
    return root && root !== '_' && !/^err\w*$/.test(root) ? [root] : [];
  });
}

/** Split at the statement holding the second call, when no variable crosses the cut. */
function splitFix(file: GoFile, ewt: EwtCall, groups: Map<string, ClassifiedCall[]>, second: ClassifiedCall): Fix[] {
  if (groups.size !== 2 || !ewt.statement || !ewt.collectName) return [];
  const stmts = callbackStatements(ewt);
  const cut = stmts.findIndex((s) => contains(s, second.call));
  if (cut <= 0) return [];
  const [firstGroup, secondGroup] = [...groups.values()];
  const head = stmts.slice(0, cut);
  const tail = stmts.slice(cut);
  if (!firstGroup.every((c) => head.some((s) => contains(s, c.call)))) return [];
  if (!secondGroup.every((c) => tail.some((s) => contains(s, c.call)))) return [];
  // A name declared before the cut and used after it (without its own declaration) would break.
  const tailNames = declaredNames(tail);
  const crossing = new Set([...declaredNames(head)].filter((n) => !tailNames.has(n)));
  if (references(tail, crossing)) return [];
  const fn = ewt.call.childForFieldName('function')?.text;
  if (!fn) return [];
  const lead = ewt.form === 'package' && ewt.tName ? `${ewt.tName}, ` : '';
  const indent = indentOf(file.text, ewt.statement.startIndex);
  const bodyIndent = indentOf(file.text, tail[0].startIndex);
  const timing = [ewt.waitFor?.text, ewt.tick?.text].filter(Boolean).join(', ');
  const tailText = reindent(linesOf(file, tail[0], tail[tail.length - 1]), bodyIndent, indent + '\t').replace(/^[ \t]*/, indent + '\t');
  const block =
    `${indent}${fn}(${lead}func(${ewt.collectName} *${ewt.collectQualifier}.CollectT) {\n` +
    `${tailText}\n` +
    `${indent}}, ${timing}, ${quote(`${second.label} should reach the expected state`)})\n`;
  const after = lineEndOffset(file.text, ewt.statement.endIndex);
  return [
    {
      title: 'Split into two EventuallyWithT blocks, one per external call',
      edits: [deleteLines(file, tail[0], tail[tail.length - 1]), { start: after, end: after, newText: block }],
    },
  ];
}
