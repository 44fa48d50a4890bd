import type { TextEdit } from '../types';
import { kindChange, METHODS } from './assertions';
import { contractDirectives, directiveFor, type Directive } from './directives';
import { LOCAL_MARK, type Assertion, type FileContract, type FunctionContract, type Local } from './model';

/**
 * Base contract + current contract → the expectations that changed. Pure: plain values in,
 * plain values out. Assertions are matched per function by meaning (method, value under test,
 * expectation), never by line, so moved lines, reformatting, renamed locals and the guide's
 * EventuallyWithT rewrite (t → c, same expectation) compare equal.
 */

export type ChangeKind =
  | 'expected-changed'
  | 'assertion-weakened'
  | 'assertion-inverted'
  | 'precondition-weakened'
  | 'assertion-removed'
  | 'assertion-commented-out'
  | 'test-removed'
  | 'subtest-removed'
  | 'case-removed'
  | 'skip-added';

export interface ContractChange {
  kind: ChangeKind;
  /** The top-level function the change is in (the test, for the hover). */
  functionName: string;
  message: string;
  /** Offsets in the current text. */
  start: number;
  end: number;
  /** Offsets in the base text of what it was. */
  baseStart: number;
  baseEnd: number;
  /** Edits to the current text that bring the base expectation back, when one can. */
  restore: TextEdit[] | null;
  /** The `//hi:contract-change -- <why>` that covers it: reason null when none covers it, '' when it gives none. */
  directive: Directive | null;
}

export interface CompareOptions {
  /** How the base is named in messages (`HEAD`, `origin/main`). */
  baseLabel: string;
  /** Remembers each function pair's changes, so after an edit only the edited function is compared. */
  memo?: CompareMemo;
}

/** Per-function results by (base function text and offset, current function text). */
export class CompareMemo {
  private entries = new Map<string, { curStart: number; changes: ContractChange[] }>();

  get(key: string, curStart: number): ContractChange[] | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    const delta = curStart - hit.curStart;
    return hit.changes.map((c) => ({ ...c, start: c.start + delta, end: c.end + delta, restore: c.restore?.map((e) => ({ ...e, start: e.start + delta, end: e.end + delta })) ?? null }));
  }

  set(key: string, curStart: number, changes: ContractChange[]): void {
    // Bounded: a long editing session must not grow it without end.
    if (this.entries.size > 400) this.entries.clear();
    this.entries.set(key, { curStart, changes: changes.map((c) => ({ ...c })) });
  }
}

export function compareContracts(base: FileContract, current: FileContract, options: CompareOptions): ContractChange[] {
  const label = options.baseLabel;
  const out: ContractChange[] = [];
  for (const [name, baseFn] of base.functions) {
    const curFn = current.functions.get(name);
    if (curFn) {
      const key = options.memo ? `${label}\0${baseFn.start}\0${base.text.slice(baseFn.start, baseFn.end)}\0${current.text.slice(curFn.start, curFn.end)}` : '';
      const known = options.memo?.get(key, curFn.start);
      if (known) out.push(...known);
      else {
        const mine: ContractChange[] = [];
        compareFunction(baseFn, curFn, base, current, label, mine);
        options.memo?.set(key, curFn.start, mine);
        out.push(...mine);
      }
    }
    else if (baseFn.isTest && !renamedTo(baseFn, base, current)) {
      out.push({
        kind: 'test-removed',
        functionName: name,
        message: `${name} was removed since ${label}${baseFn.assertions.length ? ` (it made ${plural(baseFn.assertions.length, 'assertion')})` : ''}.`,
        start: current.packageStart,
        end: current.packageEnd,
        baseStart: baseFn.nameStart,
        baseEnd: baseFn.nameEnd,
        restore: [{ start: current.text.length, end: current.text.length, newText: `${current.text.endsWith('\n') ? '' : '\n'}\n${base.text.slice(docStart(base.text, baseFn.start), baseFn.end)}\n` }],
        directive: null,
      });
    }
  }
  const directives = contractDirectives(current.text);
  for (const change of out) {
    change.directive = directiveFor(directives, current.text, anchorOf(change, current), change.start);
    if (change.directive && !change.directive.reason) change.message += ' Its //hi:contract-change gives no reason: write `//hi:contract-change -- <why>`.';
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Where a directive above the change may sit: the statement's first line. */
function anchorOf(change: ContractChange, current: FileContract): number {
  const fn = current.functions.get(change.functionName);
  const a = fn?.assertions.find((x) => x.statementStart <= change.start && change.start <= x.statementEnd);
  return a ? a.statementStart : change.start;
}

function compareFunction(baseFn: FunctionContract, curFn: FunctionContract, base: FileContract, current: FileContract, label: string, out: ContractChange[]): void {
  const rename = pairRenames(baseFn.locals, curFn.locals);
  const baseKey = (k: string) => k.replace(/\u0001(\w+)/g, (_m, n: string) => rename.get(n) ?? n);
  const curKey = (k: string) => k.split(LOCAL_MARK).join('');
  const family = (a: Assertion) => (a.pkg === 'helper' ? `helper:${a.method}` : 'testify');
  const b = baseFn.assertions.map((a) => ({ a, actual: baseKey(a.actualKey), expected: baseKey(a.expectedKey), matched: false }));
  const c = curFn.assertions.map((a) => ({ a, actual: curKey(a.actualKey), expected: curKey(a.expectedKey), matched: false }));
  const renamedText = (text: string) => renameText(text, rename);
  const add = (change: Omit<ContractChange, 'functionName' | 'directive'>) => out.push({ ...change, functionName: curFn.name, directive: null });

  // 1. Same method, value and expectation: unchanged (wherever it moved, whatever t is called).
  for (const x of b) {
    const y = c.find((y) => !y.matched && family(y.a) === family(x.a) && y.a.method === x.a.method && y.actual === x.actual && y.expected === x.expected);
    if (!y) continue;
    x.matched = y.matched = true;
    if (x.a.pkg === 'require' && y.a.pkg === 'assert' && !y.a.inEwt && !x.a.inEwt) {
      add({
        kind: 'precondition-weakened',
        message: `${describe(x.a)} was a precondition at ${label}; \`${y.a.spelled}\` lets the test carry on after it fails.`,
        start: y.a.receiverStart,
        end: y.a.nameEnd,
        baseStart: x.a.start,
        baseEnd: x.a.end,
        restore: x.a.receiver ? [{ start: y.a.receiverStart, end: y.a.receiverEnd, newText: x.a.receiver }] : null,
      });
    }
  }
  // 2. Same value under test, different method or expectation.
  for (const x of b) {
    if (x.matched) continue;
    const y = c.find((y) => !y.matched && family(y.a) === family(x.a) && y.actual === x.actual && x.actual !== '' && (y.a.method === x.a.method || sameSubject(x.a, y.a)));
    if (!y) continue;
    x.matched = y.matched = true;
    const change = kindChange(x.a.method, y.a.method);
    if (change) {
      add({
        kind: change === 'weakened' ? 'assertion-weakened' : 'assertion-inverted',
        message: `${describe(x.a)} at ${label} is ${change === 'weakened' ? 'weakened' : 'inverted'} to ${describe(y.a)}.`,
        start: y.a.start,
        end: y.a.end,
        baseStart: x.a.start,
        baseEnd: x.a.end,
        restore: [{ start: y.a.start, end: y.a.end, newText: rebuildCall(x.a, y.a, renamedText) }],
      });
    } else if (y.expected !== x.expected) {
      add({
        kind: 'expected-changed',
        message: expectedMessage(x.a, y.a, label),
        start: y.a.expectedStart,
        end: y.a.expectedEnd,
        baseStart: x.a.expectedStart,
        baseEnd: x.a.expectedEnd,
        restore: y.a.method === x.a.method ? [{ start: y.a.expectedStart, end: y.a.expectedEnd, newText: renamedText(x.a.expectedText) }] : null,
      });
    }
  }
  // 3. Same method and expectation on a rewritten value: the subject was refactored, not the contract.
  for (const x of b) {
    if (x.matched || x.expected === '') continue;
    const y = c.find((y) => !y.matched && family(y.a) === family(x.a) && y.a.method === x.a.method && y.expected === x.expected);
    if (y) x.matched = y.matched = true;
  }
  // 4. What is left at base is gone: commented out, or removed (unless its whole subtest went,
  // which is reported once below).
  const curSubtests = new Set(curFn.subtests.map((s) => s.name));
  const goneSubtests = baseFn.subtests.filter((s) => !curSubtests.has(s.name));
  b.forEach((x, i) => {
    if (x.matched || goneSubtests.some((s) => s.callStart <= x.a.start && x.a.end <= s.callEnd)) return;
    const comment = curFn.comments.find((cm) => cm.text.includes(`${x.a.spelled}(`) && cm.text.includes(x.a.actualText));
    if (comment) {
      const code = /^\/\/\s?(.*)$/s.exec(comment.text)?.[1];
      add({
        kind: 'assertion-commented-out',
        message: `${describe(x.a)} is commented out since ${label}.`,
        start: comment.start,
        end: comment.end,
        baseStart: x.a.start,
        baseEnd: x.a.end,
        restore: code !== undefined && !comment.text.startsWith('/*') ? [{ start: comment.start, end: comment.end, newText: code }] : null,
      });
      return;
    }
    add({
      kind: 'assertion-removed',
      message: `${describe(x.a)} at ${label} was removed from ${curFn.name}.`,
      start: curFn.nameStart,
      end: curFn.nameEnd,
      baseStart: x.a.start,
      baseEnd: x.a.end,
      restore: [reinsert(x.a, b.slice(0, i), c, curFn, base.text, current.text, renamedText)],
    });
  });

  for (const s of goneSubtests) {
    add({ kind: 'subtest-removed', message: `Subtest "${s.name}" of ${curFn.name} is gone since ${label}.`, start: curFn.nameStart, end: curFn.nameEnd, baseStart: s.start, baseEnd: s.end, restore: null });
  }
  compareTables(baseFn, curFn, label, add);

  const baseSkips = baseFn.skips.map((s) => s.text.replace(/\s+/g, ''));
  for (const s of curFn.skips) {
    const i = baseSkips.indexOf(s.text.replace(/\s+/g, ''));
    if (i >= 0) {
      baseSkips.splice(i, 1);
      continue;
    }
    add({
      kind: 'skip-added',
      message: `${s.text.split('(')[0]} was added since ${label}: ${curFn.name} no longer runs ${s.statementStart === s.start ? 'its checks' : 'when this branch is taken'}.`,
      start: s.start,
      end: s.end,
      baseStart: baseFn.nameStart,
      baseEnd: baseFn.nameEnd,
      restore: [deleteLine(current.text, s.statementStart, s.statementEnd)],
    });
  }
}

function compareTables(baseFn: FunctionContract, curFn: FunctionContract, label: string, add: (c: Omit<ContractChange, 'functionName' | 'directive'>) => void): void {
  const curNames = new Set(curFn.tables.flatMap((t) => t.cases.map((k) => k.name)).filter((n): n is string => n !== null));
  baseFn.tables.forEach((table, i) => {
    const named = table.cases.filter((k) => k.name !== null);
    for (const k of named) {
      if (curNames.has(k.name!)) continue;
      const at = curFn.tables[i] ?? null;
      add({ kind: 'case-removed', message: `Test case "${k.name}" is gone since ${label}.`, start: at ? at.start : curFn.nameStart, end: at ? at.start + 1 : curFn.nameEnd, baseStart: k.start, baseEnd: k.end, restore: null });
    }
    // Unnamed cases can only be counted.
    const unnamed = table.cases.length - named.length;
    const now = curFn.tables[i];
    const nowUnnamed = now ? now.cases.filter((k) => k.name === null).length : 0;
    if (unnamed > 0 && now && nowUnnamed < unnamed && now.cases.length < table.cases.length) {
      add({ kind: 'case-removed', message: `This table had ${plural(table.cases.length, 'case')} at ${label}, now ${now.cases.length}.`, start: now.start, end: now.start + 1, baseStart: table.start, baseEnd: table.end, restore: null });
    }
  });
}

/**
 * Renamed locals: a name only at base is paired with a name only in the current function that
 * was declared from the same thing (`nodes, err := hs.ListNodes()`), else by declaration order.
 */
export function pairRenames(base: Local[], current: Local[]): Map<string, string> {
  const curNames = new Set(current.map((l) => l.name));
  const baseNames = new Set(base.map((l) => l.name));
  const gone = base.filter((l) => !curNames.has(l.name));
  const fresh = current.filter((l) => !baseNames.has(l.name));
  const map = new Map<string, string>();
  for (const g of gone) {
    const i = fresh.findIndex((f) => f.role === g.role && g.role !== '');
    if (i >= 0) map.set(g.name, fresh.splice(i, 1)[0].name);
  }
  for (const g of gone) if (!map.has(g.name) && fresh.length) map.set(g.name, fresh.shift()!.name);
  return map;
}

function renameText(text: string, rename: Map<string, string>): string {
  if (rename.size === 0) return text;
  return text.replace(/\b[A-Za-z_]\w*\b/g, (w) => rename.get(w) ?? w);
}

/** Bounds and membership on the same value are the same subject as an exact check (Len → GreaterOrEqual). */
function sameSubject(a: Assertion, b: Assertion): boolean {
  return a.pkg !== 'helper' && b.pkg !== 'helper' && METHODS.has(a.method) && METHODS.has(b.method);
}

function describe(a: Assertion): string {
  const args = a.expectedText ? `${a.actualText}, ${a.expectedText}` : a.actualText;
  return `\`${a.spelled}(${args})\``;
}

/** `expected 3 nodes at HEAD, now 2` for counts; the values otherwise. */
function expectedMessage(was: Assertion, now: Assertion, label: string): string {
  if (was.method === 'Len' && /^[A-Za-z_][\w.]*$/.test(now.actualText)) {
    const noun = now.actualText.split('.').pop()!;
    return `Expected ${was.expectedText} ${noun} at ${label}, now ${now.expectedText} (${now.spelled}).`;
  }
  if (was.pkg === 'helper') return `${now.spelled}(…${now.actualText}…) expected ${was.expectedText} at ${label}, now ${now.expectedText}.`;
  return `${now.spelled} on ${now.actualText}: expected ${was.expectedText} at ${label}, now ${now.expectedText}.`;
}

/** The base call, spelled with the current receiver and TestingT (so it stays valid inside a callback). */
function rebuildCall(was: Assertion, now: Assertion, renamed: (s: string) => string): string {
  const receiver = now.receiver || was.receiver;
  const head = receiver ? `${receiver}.${was.methodSpelled}` : was.methodSpelled;
  const t = now.tText || was.tText;
  return `${head}(${t ? `${t}, ` : ''}${renamed(was.restText)})`;
}

/** Puts a removed assertion back after the nearest earlier assertion that still exists. */
function reinsert(
  was: Assertion,
  earlier: { a: Assertion; matched: boolean }[],
  current: { a: Assertion; actual: string; matched: boolean }[],
  curFn: FunctionContract,
  baseText: string,
  curText: string,
  renamed: (s: string) => string,
): TextEdit {
  let anchorEnd = curFn.bodyOpen;
  let indent = '\t';
  for (let i = earlier.length - 1; i >= 0; i--) {
    if (!earlier[i].matched) continue;
    const twin = current.find((y) => y.matched && y.a.method === earlier[i].a.method && y.a.actualText !== undefined && y.a.start >= curFn.start && y.a.end <= curFn.end && y.a.statementStart >= 0 && sameCall(earlier[i].a, y.a));
    if (twin) {
      anchorEnd = twin.a.statementEnd;
      indent = indentAt(curText, twin.a.statementStart);
      break;
    }
  }
  const statement = baseText.slice(was.statementStart, was.statementEnd);
  const baseIndent = indentAt(baseText, was.statementStart);
  const body = statement.split('\n').map((line, i) => (i === 0 ? line : line.startsWith(baseIndent) ? indent + line.slice(baseIndent.length) : line)).join('\n');
  if (anchorEnd === curFn.bodyOpen) indent = indentAt(curText, curFn.start) + '\t';
  return { start: anchorEnd, end: anchorEnd, newText: `\n${indent}${renamed(body)}` };
}

function sameCall(a: Assertion, b: Assertion): boolean {
  return a.method === b.method && a.expectedText === b.expectedText;
}

function indentAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart, offset))?.[0] ?? '';
}

function deleteLine(text: string, start: number, end: number): TextEdit {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const onlyThis = text.slice(lineStart, start).trim() === '' && (text.indexOf('\n', end) === -1 || text.slice(end, text.indexOf('\n', end)).trim() === '');
  if (!onlyThis) return { start, end, newText: '' };
  const next = text.indexOf('\n', end);
  return { start: lineStart, end: next === -1 ? text.length : next + 1, newText: '' };
}

/** A removed test that reappears under another name with the same assertions was renamed. */
function renamedTo(baseFn: FunctionContract, base: FileContract, current: FileContract): boolean {
  const signature = (fn: FunctionContract) => fn.assertions.map((a) => `${a.method}|${a.expectedKey.split(LOCAL_MARK).join('')}`).join('\n');
  const want = signature(baseFn);
  for (const [name, fn] of current.functions) {
    if (!base.functions.has(name) && fn.isTest && fn.assertions.length === baseFn.assertions.length && signature(fn) === want) return true;
  }
  return false;
}

/** Includes the doc comment block above a function. */
function docStart(text: string, start: number): number {
  let s = start;
  for (;;) {
    const prevEnd = text.lastIndexOf('\n', s - 1);
    if (prevEnd < 0) return s;
    const prevStart = text.lastIndexOf('\n', prevEnd - 1) + 1;
    if (!/^\s*\/\//.test(text.slice(prevStart, prevEnd))) return s;
    s = prevStart;
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
