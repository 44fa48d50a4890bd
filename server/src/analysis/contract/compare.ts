import type { TextEdit } from '../types';
import { kindChange, METHODS } from './assertions';
import { contractDirectives, directiveFor, type Directive } from './directives';
import { LOCAL_MARK, type Assertion, type CaseField, type FileContract, type FunctionContract, type Local, type Subtest, type Table, type TableCase } from './model';

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
  /** The restore quick fix's title when it is not "Restore the expectation from <base>" (a subtest, a case, a skip). */
  restoreTitle?: string;
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
        restoreTitle: `Restore ${name} from ${label}`,
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
    const restore = restoreSubtest(s, baseFn, curFn, base.text, current.text, renamedText);
    add({ kind: 'subtest-removed', message: `Subtest "${s.name}" of ${curFn.name} is gone since ${label}.`, start: curFn.nameStart, end: curFn.nameEnd, baseStart: s.start, baseEnd: s.end, restore, restoreTitle: `Restore subtest "${s.name}" from ${label}` });
  }
  compareTables(baseFn, curFn, { baseText: base.text, curText: current.text, label, baseKey, curKey, renamed: renamedText, add });

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
      restoreTitle: `Delete the ${s.text.split('(')[0]} added since ${label}`,
    });
  }
}

interface TableContext {
  baseText: string;
  curText: string;
  label: string;
  /** Keys with locals renamed (base) or unmarked (current), as the assertions compare them. */
  baseKey: (k: string) => string;
  curKey: (k: string) => string;
  renamed: (s: string) => string;
  add: (c: Omit<ContractChange, 'functionName' | 'directive'>) => void;
}

/** Fields that are a case's expectation by name, whatever the test does with them. */
const EXPECTATION_NAME = /^(?:want|expect)/i;

/**
 * Tables are paired by position in the function, their cases by name, then by identical content
 * (a renamed or moved case), then, for unnamed cases, by position. A paired case's expectation
 * fields are compared like an assertion's expected argument; input fields never are.
 */
function compareTables(baseFn: FunctionContract, curFn: FunctionContract, cx: TableContext): void {
  const { label, add } = cx;
  const curNames = new Set(curFn.tables.flatMap((t) => t.cases.map((k) => k.name)).filter((n): n is string => n !== null));
  const isExpectation = (key: string) => EXPECTATION_NAME.test(key) || baseFn.expectationFields.includes(key);
  baseFn.tables.forEach((table, i) => {
    const now = curFn.tables[i] ?? null;
    if (!now) {
      for (const k of table.cases) {
        if (k.name !== null && !curNames.has(k.name)) add({ kind: 'case-removed', message: `Test case "${k.name}" is gone since ${label}.`, start: curFn.nameStart, end: curFn.nameEnd, baseStart: k.start, baseEnd: k.end, restore: null });
      }
      return;
    }
    const { pairs, gone, fresh } = pairCases(table, now, cx);
    if (!table.nested) for (const [was, is] of pairs) compareCaseFields(was, is, now.cases.indexOf(is), isExpectation, cx);
    const goneNamed = gone.filter((k) => k.name !== null && !curNames.has(k.name));
    for (const k of goneNamed) {
      add({
        kind: 'case-removed',
        message: `Test case "${k.name}" is gone since ${label}.`,
        start: now.start,
        end: now.start + 1,
        baseStart: k.start,
        baseEnd: k.end,
        restore: restoreCases([k], table, now, pairs, cx),
        restoreTitle: `Restore test case "${k.name}" from ${label}`,
      });
    }
    // Unnamed cases that found no partner can only be counted, and restored when nothing else is left unpaired.
    const goneUnnamed = gone.filter((k) => k.name === null);
    if (goneUnnamed.length > 0 && now.cases.length < table.cases.length) {
      const certain = fresh.every((k) => k.name !== null);
      add({
        kind: 'case-removed',
        message: `This table had ${plural(table.cases.length, 'case')} at ${label}, now ${now.cases.length}.`,
        start: now.start,
        end: now.start + 1,
        baseStart: table.start,
        baseEnd: table.end,
        restore: certain ? restoreCases(goneUnnamed, table, now, pairs, cx) : null,
        restoreTitle: `Restore the ${goneUnnamed.length === 1 ? 'removed case' : `${goneUnnamed.length} removed cases`} from ${label}`,
      });
    }
  });
}

function pairCases(table: Table, now: Table, cx: TableContext): { pairs: [TableCase, TableCase][]; gone: TableCase[]; fresh: TableCase[] } {
  const pairs: [TableCase, TableCase][] = [];
  const taken = new Set<TableCase>();
  const paired = new Set<TableCase>();
  const pair = (was: TableCase, is: TableCase) => {
    pairs.push([was, is]);
    paired.add(was);
    taken.add(is);
  };
  for (const was of table.cases) {
    const is = was.name === null ? undefined : now.cases.find((k) => !taken.has(k) && k.name === was.name);
    if (is) pair(was, is);
  }
  const content = (k: TableCase, key: (s: string) => string) => k.fields.filter((f) => f.key !== k.nameField).map((f) => `${f.key}=${key(f.valueKey)}`).join('\0');
  for (const was of table.cases) {
    if (paired.has(was)) continue;
    const want = content(was, cx.baseKey);
    const is = now.cases.find((k) => !taken.has(k) && content(k, cx.curKey) === want);
    if (is) pair(was, is);
  }
  const leftWas = table.cases.filter((k) => !paired.has(k) && k.name === null);
  const leftIs = now.cases.filter((k) => !taken.has(k) && k.name === null);
  if (leftWas.length === leftIs.length) leftWas.forEach((was, j) => pair(was, leftIs[j]));
  return { pairs, gone: table.cases.filter((k) => !paired.has(k)), fresh: now.cases.filter((k) => !taken.has(k)) };
}

function compareCaseFields(was: TableCase, is: TableCase, index: number, isExpectation: (key: string) => boolean, cx: TableContext): void {
  const where = is.name !== null ? `case "${is.name}"` : `case ${index + 1} of the table`;
  const keys = new Set([...was.fields, ...is.fields].map((f) => f.key));
  for (const key of keys) {
    if (key === was.nameField || key === is.nameField || !isExpectation(key)) continue;
    const before = was.fields.find((f) => f.key === key);
    const after = is.fields.find((f) => f.key === key);
    if (before && after) {
      if (cx.baseKey(before.valueKey) === cx.curKey(after.valueKey)) continue;
      cx.add({
        kind: 'expected-changed',
        message: `Expected ${briefPair(before.valueText, after.valueText).join(` in ${where} at ${cx.label}, now `)} (field ${key}).`,
        start: after.valueStart,
        end: after.valueEnd,
        baseStart: before.valueStart,
        baseEnd: before.valueEnd,
        restore: [{ start: after.valueStart, end: after.valueEnd, newText: cx.renamed(before.valueText) }],
      });
    } else if (before) {
      cx.add({
        kind: 'expected-changed',
        message: `Expected ${brief(before.valueText)} in ${where} at ${cx.label} (field ${key}); the field is gone, so the case now expects its zero value.`,
        start: is.valueStart,
        end: is.valueStart + 1,
        baseStart: before.valueStart,
        baseEnd: before.valueEnd,
        restore: [insertField(is, key, cx.renamed(before.valueText), cx.curText)],
      });
    } else if (after?.keyed) {
      cx.add({
        kind: 'expected-changed',
        message: `${where[0].toUpperCase()}${where.slice(1)} expects ${key}: ${brief(after.valueText)} since ${cx.label}; it left ${key} unset (the zero value) there.`,
        start: after.start,
        end: after.end,
        baseStart: was.valueStart,
        baseEnd: was.valueEnd,
        restore: [deleteField(after, cx.curText)],
      });
    }
  }
}

/** A value as a message quotes it: one line, and short. */
function brief(text: string): string {
  const one = text.replace(/\s+/g, ' ');
  return one.length > 60 ? `${one.slice(0, 57)}…` : one;
}

/** Two long values as a message quotes them: around where they first differ. */
function briefPair(a: string, b: string): [string, string] {
  const x = a.replace(/\s+/g, ' ');
  const y = b.replace(/\s+/g, ' ');
  if (x.length <= 60 && y.length <= 60) return [x, y];
  let same = 0;
  while (same < x.length && x[same] === y[same]) same++;
  const from = Math.max(0, same - 25);
  const cut = (v: string) => `${from > 0 ? '…' : ''}${v.slice(from, from + 50)}${from + 50 < v.length ? '…' : ''}`;
  return [cut(x), cut(y)];
}

/** `key: value` back into a case literal, after its last field, in the literal's layout. */
function insertField(k: TableCase, key: string, value: string, text: string): TextEdit {
  const last = k.fields[k.fields.length - 1];
  if (!last) return { start: k.valueStart + 1, end: k.valueStart + 1, newText: `${key}: ${value}` };
  const after = /^[ \t]*,/.exec(text.slice(last.end, k.valueEnd));
  if (!text.slice(k.valueStart, k.valueEnd).includes('\n')) {
    const at = after ? last.end + after[0].length : last.end;
    return { start: at, end: at, newText: after ? ` ${key}: ${value},` : `, ${key}: ${value}` };
  }
  const at = after ? last.end + after[0].length : last.end;
  return { start: at, end: at, newText: `${after ? '' : ','}\n${indentAt(text, last.start)}${key}: ${value},` };
}

/** Removes a keyed field with its comma (and its line, when it has one to itself). */
function deleteField(f: CaseField, text: string): TextEdit {
  const comma = /^[ \t]*,[ \t]*/.exec(text.slice(f.end));
  const end = f.end + (comma ? comma[0].length : 0);
  if (comma) return deleteLine(text, f.start, end);
  // The last field of a one-line literal: take the comma before it.
  const before = /,[ \t]*$/.exec(text.slice(0, f.start));
  return { start: before ? f.start - before[0].length : f.start, end, newText: '' };
}

/**
 * Puts removed cases back where they were: after the nearest earlier case that is still there
 * (or before the nearest later one), in the table's layout. Null when the table has no paired
 * case to stand by and is not empty.
 */
function restoreCases(cases: TableCase[], table: Table, now: Table, pairs: [TableCase, TableCase][], cx: TableContext): TextEdit[] | null {
  const partner = new Map(pairs);
  const multiline = cx.curText.slice(now.bodyStart, now.bodyEnd).includes('\n') || (now.cases.length === 0 && cx.baseText.slice(table.bodyStart, table.bodyEnd).includes('\n'));
  const edits: TextEdit[] = [];
  // Consecutive removed cases go back as one insertion, in their order.
  const runs: TableCase[][] = [];
  for (const k of cases) {
    const prev = runs[runs.length - 1];
    const j = table.cases.indexOf(k);
    if (prev && table.cases.indexOf(prev[prev.length - 1]) === j - 1) prev.push(k);
    else runs.push([k]);
  }
  for (const run of runs) {
    const first = table.cases.indexOf(run[0]);
    const last = table.cases.indexOf(run[run.length - 1]);
    const before = table.cases.slice(0, first).reverse().map((k) => partner.get(k)).find((k) => k !== undefined);
    const after = table.cases.slice(last + 1).map((k) => partner.get(k)).find((k) => k !== undefined);
    const anchor = before ?? after;
    const indent = anchor ? indentAt(cx.curText, anchor.start) : `${indentAt(cx.curText, now.start)}\t`;
    const texts = run.map((k) => cx.renamed(reindent(cx.baseText.slice(k.start, k.end), indentAt(cx.baseText, k.start), indent)));
    if (before) {
      const comma = /^[ \t]*,/.exec(cx.curText.slice(before.end, now.bodyEnd));
      const at = before.end + (comma ? comma[0].length : 0);
      const lead = comma ? '' : ',';
      edits.push({ start: at, end: at, newText: multiline ? `${lead}\n${indent}${texts.join(`,\n${indent}`)},` : `, ${texts.join(', ')}${comma ? ',' : ''}` });
    } else if (after) {
      edits.push({ start: after.start, end: after.start, newText: multiline ? `${texts.join(`,\n${indent}`)},\n${indent}` : `${texts.join(', ')}, ` });
    } else if (now.cases.length === 0 && cx.curText.slice(now.bodyStart + 1, now.bodyEnd - 1).trim() === '') {
      const outer = indentAt(cx.curText, now.start);
      edits.push({ start: now.bodyStart + 1, end: now.bodyEnd - 1, newText: multiline ? `\n${indent}${texts.join(`,\n${indent}`)},\n${outer}` : texts.join(', ') });
    } else return null;
  }
  return edits;
}

/**
 * Puts a removed `t.Run("…", …)` back beside the sibling subtest it followed (or preceded) at the
 * base. Null when it has no surviving sibling or was not a statement of its own (`ok := t.Run(…)`).
 */
function restoreSubtest(s: Subtest, baseFn: FunctionContract, curFn: FunctionContract, baseText: string, curText: string, renamed: (s: string) => string): TextEdit[] | null {
  const parentOf = (x: Subtest) => baseFn.subtests.filter((p) => p !== x && p.callStart < x.callStart && x.callEnd <= p.callEnd).pop() ?? null;
  const parent = parentOf(s);
  const bare = (text: string, start: number, end: number) => text.slice(text.lastIndexOf('\n', start - 1) + 1, start).trim() === '' && /^[ \t]*(?:\r?\n|$)/.test(text.slice(end));
  if (!bare(baseText, s.callStart, s.callEnd)) return null;
  const now = (x: Subtest) => curFn.subtests.find((c) => c.name === x.name && bare(curText, c.callStart, c.callEnd));
  const siblings = baseFn.subtests.filter((x) => x !== s && parentOf(x) === parent);
  const before = siblings.filter((x) => x.callEnd <= s.callStart).reverse().map(now).find((x) => x !== undefined);
  const after = siblings.filter((x) => x.callStart >= s.callEnd).map(now).find((x) => x !== undefined);
  const anchor = before ?? after;
  if (!anchor) return null;
  const indent = indentAt(curText, anchor.callStart);
  const text = renamed(reindent(baseText.slice(s.callStart, s.callEnd), indentAt(baseText, s.callStart), indent));
  if (before) return [{ start: before.callEnd, end: before.callEnd, newText: `\n${indent}${text}` }];
  return [{ start: after!.callStart, end: after!.callStart, newText: `${text}\n${indent}` }];
}

/** Lines after the first move from one indentation to another. */
function reindent(text: string, from: string, to: string): string {
  return text
    .split('\n')
    .map((line, i) => (i === 0 ? line : line.startsWith(from) ? to + line.slice(from.length) : line))
    .join('\n');
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
  const body = reindent(baseText.slice(was.statementStart, was.statementEnd), indentAt(baseText, was.statementStart), indent);
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
