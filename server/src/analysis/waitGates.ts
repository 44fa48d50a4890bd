import { closingBracket } from './parts';

/**
 * Waits that a function's caller switches on or off with a bool argument (ssh_test.go's
 * `doSSHWithRetryAsUser(…, retry bool)` waits with EventuallyWithT only `if retry {`, and
 * `doSSHWithoutRetry` passes `false`). Read from a declaration's code (comments and literals
 * dropped, parts.ts's codeOnly), so the per-declaration facts (factsOfTree) and the model's
 * summaries (goFile.summarize) read the same thing from the same text.
 */

/** Where a wait or a call sits: inside `if p {` for bool parameter index p, or -1. */
export interface GatedCall {
  callee: string;
  gate: number;
  /** Arguments that decide a callee's gate: position → `true`, `false` or `p<index>` (a bool parameter passed on). */
  args: Record<number, string>;
}

export interface WaitGates {
  /** One gate per EventuallyWithT written in the function. */
  waits: number[];
  calls: GatedCall[];
}

/** An EventuallyWithT call in code (`.search` or `matchAll`: neither moves a global's lastIndex). */
export const EWT_CALL = /\.\s*EventuallyWithTf?\s*\(/g;
/** A call of a plain name, `name(` not `x.name(`; group 1 is the name. */
export const PLAIN_CALL = /(?<![.\w])([A-Za-z_]\w*)\s*\(/g;
const SIGNATURE = /^\s*func\s*(?:\([^)]*\)\s*)?[A-Za-z_]\w*\s*(?:\[[^\]]*\]\s*)?\(/;

/**
 * The gates of one function declaration's code, or null when nothing in it can gate a wait (no
 * bool parameter and no call given `true` or `false`): then every wait is unconditional.
 */
export function waitGatesOf(code: string): WaitGates | null {
  if (!/\b(bool|true|false)\b/.test(code)) return null;
  const signature = SIGNATURE.exec(code);
  const paramsEnd = signature ? closingBracket(code, signature[0].length - 1) : -1;
  const boolParams = new Map<string, number>();
  if (signature && paramsEnd > 0) {
    const params = splitTopLevel(code.slice(signature[0].length, paramsEnd));
    // Go groups names before one type (`a, b bool`): a bare name takes the next entry's type.
    let type = '';
    for (let i = params.length - 1; i >= 0; i--) {
      const words = params[i].trim().split(/\s+/);
      if (words.length >= 2) type = words.slice(1).join('');
      if (type === 'bool' && /^[A-Za-z_]\w*$/.test(words[0])) boolParams.set(words[0], i);
    }
  }
  const bodyFrom = Math.max(paramsEnd, 0);
  const body = code.slice(bodyFrom);
  const hasBoolArgs = /[(,]\s*(true|false)\s*[,)]/.test(body);
  if (boolParams.size === 0 && !hasBoolArgs) return null;

  // `if p {` blocks for bool parameters: [open, close] → p's index.
  const blocks: { from: number; to: number; gate: number }[] = [];
  for (const m of body.matchAll(/\bif\s+([A-Za-z_]\w*)\s*\{/g)) {
    const gate = boolParams.get(m[1]);
    if (gate === undefined) continue;
    const from = bodyFrom + m.index! + m[0].length - 1;
    blocks.push({ from, to: closingBracket(code, from), gate });
  }
  const gateAt = (at: number) => {
    let best: { from: number; gate: number } | null = null;
    for (const b of blocks) if (b.from < at && at < b.to && (!best || b.from > best.from)) best = b;
    return best ? best.gate : -1;
  };
  const waits = [...body.matchAll(EWT_CALL)].map((m) => gateAt(bodyFrom + m.index!));
  const calls: GatedCall[] = [];
  for (const m of body.matchAll(PLAIN_CALL)) {
    const open = bodyFrom + m.index! + m[0].length - 1;
    const args: Record<number, string> = {};
    splitTopLevel(code.slice(open + 1, closingBracket(code, open))).forEach((a, i) => {
      const arg = a.trim();
      if (arg === 'true' || arg === 'false') args[i] = arg;
      else if (boolParams.has(arg)) args[i] = `p${boolParams.get(arg)}`;
    });
    calls.push({ callee: m[1], gate: gateAt(open), args });
  }
  return { waits, calls };
}

/** Comma-separated entries at bracket depth 0. */
function splitTopLevel(text: string): string[] {
  if (text.trim() === '') return [];
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(from, i));
      from = i + 1;
    }
  }
  out.push(text.slice(from));
  return out;
}

/** A function's waits: always, only when bool parameter `index` is true, or none (absent). */
export type WaitStatus = 'always' | number;

/**
 * The fixed point over one file's functions. A function without gates (`gates` has no entry)
 * waits whenever it holds an EventuallyWithT or calls a function that waits, as before. With
 * gates: a wait inside `if p {` waits only when p; a call passing `false` where the callee's
 * gate is turns that callee's waits off, `true` on, and a bool parameter passes the gate on.
 * Two different gates, or anything unknown, is `always`.
 */
export function waitStatuses(
  direct: ReadonlySet<string>,
  callsByFunction: ReadonlyMap<string, ReadonlySet<string>>,
  gates: ReadonlyMap<string, WaitGates>,
  functions: { has(name: string): boolean },
): Map<string, WaitStatus> {
  const status = new Map<string, WaitStatus>();
  const names = new Set([...direct, ...callsByFunction.keys(), ...gates.keys()]);
  for (let changed = true; changed; ) {
    changed = false;
    for (const name of names) {
      if (!functions.has(name) || status.get(name) === 'always') continue;
      const g = gates.get(name);
      const parts: WaitStatus[] = [];
      const waits = g ? g.waits : direct.has(name) ? [-1] : [];
      for (const w of waits) parts.push(w >= 0 ? w : 'always');
      const calls = g ? g.calls : [...(callsByFunction.get(name) ?? [])].map((callee) => ({ callee, gate: -1, args: {} as Record<number, string> }));
      for (const call of calls) {
        const s = status.get(call.callee);
        if (s === undefined) continue;
        let part: WaitStatus = 'always';
        if (s !== 'always') {
          const arg = call.args[s];
          if (arg === 'false') continue;
          if (arg?.startsWith('p')) part = Number(arg.slice(1));
        }
        parts.push(call.gate >= 0 ? call.gate : part);
      }
      if (parts.length === 0) continue;
      const next: WaitStatus = parts.every((p) => p === parts[0]) ? parts[0] : 'always';
      if (status.get(name) !== next) {
        status.set(name, status.has(name) ? 'always' : next);
        changed = true;
      }
    }
  }
  return status;
}
