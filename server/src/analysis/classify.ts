import type { Node } from 'web-tree-sitter';
import type { GoFile } from './goFile';
import { valuesAssignedBefore } from './scopes';
import { callArguments, callee, namedChildren, stringValue } from './syntax';
import { classifyArgvCommand, type Vocabulary } from './vocabulary';

export type CallKind = 'read' | 'mutating' | 'cached' | 'blocking' | 'testify' | 'helper' | 'other';

export interface ClassifiedCall {
  kind: CallKind;
  call: Node;
  method: string;
  receiver: string | null;
  /** For argv runners: the argv words, null where a word is not a literal. */
  argv: (string | null)[] | null;
  /** Human label: `headscale.ListNodes()` or `client.Execute(tailscale set …)`. */
  label: string;
}

export function classifyCall(call: Node, file: GoFile, vocab: Vocabulary): ClassifiedCall {
  const c = callee(call);
  const base = { call, method: c?.name ?? '', receiver: c?.receiver ?? null, argv: null as (string | null)[] | null };
  if (!c) return { ...base, kind: 'other', label: call.text.slice(0, 40) };
  const label = `${c.receiver ? c.receiver + '.' : ''}${c.name}()`;
  if (c.receiver && (c.receiver === file.imports.assert || c.receiver === file.imports.require || file.assertObjects.has(c.receiver))) {
    return { ...base, kind: 'testify', label };
  }
  const argvIndex = vocab.argvRunners.get(c.name);
  if (argvIndex !== undefined && (c.receiver !== null || c.name !== 'Execute')) {
    const argv = argvWords(callArguments(call)[argvIndex] ?? null, call);
    const command = argv ? classifyArgvCommand(argv) : { kind: 'unknown' as const, command: '…' };
    const kind = command.kind;
    const words = command.command;
    return { ...base, argv, kind: kind === 'mutating' ? 'mutating' : 'read', label: `${c.receiver ? c.receiver + '.' : ''}${c.name}(${words})` };
  }
  if (!c.receiver) {
    if (vocab.collectHelpers.has(c.name) || c.name.endsWith('WithCollect') || file.functions.has(c.name) || file.facts.collectHelpers.has(c.name)) {
      return { ...base, kind: 'helper', label };
    }
    return { ...base, kind: 'other', label };
  }
  if (vocab.mutating.has(c.name)) return { ...base, kind: 'mutating', label };
  if (vocab.read.has(c.name)) return { ...base, kind: 'read', label };
  if (vocab.cached.has(c.name)) return { ...base, kind: 'cached', label };
  if (vocab.blocking.has(c.name)) return { ...base, kind: 'blocking', label };
  return { ...base, kind: 'other', label };
}

/**
 * The words of an argv argument: a `[]string{…}` literal, or a local variable assigned one
 * earlier in the same function. `"--x=" + v` keeps its literal prefix.
 */
export function argvWords(arg: Node | null, call: Node): (string | null)[] | null {
  if (!arg) return null;
  if (arg.type === 'composite_literal') return literalWords(arg);
  if (arg.type === 'identifier') {
    // The last `[]string{…}` assigned to the variable before the call.
    const literal = valuesAssignedBefore(call, arg.text).filter((v) => v.type === 'composite_literal').pop();
    return literal ? literalWords(literal) : null;
  }
  return null;
}

function literalWords(lit: Node): (string | null)[] | null {
  const body = lit.childForFieldName('body');
  if (!body) return null;
  return namedChildren(body)
    .filter((e) => e.type !== 'comment')
    .map((e) => {
      const v = e.type === 'literal_element' ? e.namedChild(0) : e;
      if (!v) return null;
      const s = stringValue(v);
      if (s !== null) return s;
      if (v.type === 'binary_expression') return stringValue(v.childForFieldName('left'));
      return null;
    });
}
