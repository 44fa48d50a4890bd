import type { Node } from 'web-tree-sitter';
import { callsOfMethods, type GoFile } from './goFile';
import { blankedCode, closingBracket, codeOnly } from './parts';
import { callArguments, callee, memoPerNode } from './syntax';

/**
 * When a test knows which node holds which position of an ID-sorted listing (hsic's ListNodes and
 * ListUsers sort by ID, and IDs are given in registration order). Registration order is only
 * unknown where several clients register at once: the scenario brings up NodesPerUser × Users
 * clients concurrently. Positions are the test's own where
 * - the test sorts its clients by node ID first (route_test.go's HA tests: `sort.SliceStable(allClients,
 *   … Self.ID …)`, then `subRouter1 := allClients[0]` is `nodes[0]`), or
 * - its scenario brings up at most one client, so every further node is registered by a step of the
 *   test itself, one after another (a client that logs in again as another user).
 * Both are read outside EventuallyWithT callbacks only, from the declaration's frame, which every
 * part sees verbatim (parts.ts): an edit there re-analyses the whole declaration.
 */
export interface RegistrationOrder {
  /** Offset after which positions are known: the function's start, an ID sort's end, or null. */
  knownFrom: number | null;
}

const EWT_METHODS: ReadonlySet<string> = new Set(['EventuallyWithT', 'EventuallyWithTf']);
const SORT_METHODS: ReadonlySet<string> = new Set(['Slice', 'SliceStable', 'SortFunc', 'SortStableFunc']);
const SORT_PACKAGES: ReadonlySet<string> = new Set(['sort', 'slices']);
/** A comparator that orders by a node's ID (`Self.ID`, `GetId()`, `MustID()`, `.Id`). */
const BY_ID = /\.(?:ID|Id)\b|\bGetId\s*\(|\bMustID\s*\(/;
const SPEC = /\bScenarioSpec\s*\{/g;
/** Creates several clients at once (`CreateTailscaleNodesInUser(user, version, count, …)`). */
const BULK_CREATE = /\.\s*CreateTailscaleNodesInUser\s*\(/g;

/** `fn`: the outermost function; `lists`: the listing variables (a sort of one of them aligns nothing). */
export const registrationOrder = memoPerNode((fn: Node, file: GoFile, lists: ReadonlySet<string>): RegistrationOrder => {
  const start = fn.startIndex;
  const text = file.text.slice(start, fn.endIndex);
  const code = blankedCode(text);
  const callbacks = callsOfMethods(file, fn, EWT_METHODS).map((c) => ({ start: c.startIndex, end: c.endIndex }));
  const outside = (at: number) => !callbacks.some((r) => at >= r.start && at < r.end);
  if (oneClientAtATime(text, code, start, outside)) return { knownFrom: start };
  for (const call of callsOfMethods(file, fn, SORT_METHODS)) {
    const c = callee(call);
    if (!c?.receiver || !SORT_PACKAGES.has(c.receiver) || !outside(call.startIndex)) continue;
    const [sorted, ...rest] = callArguments(call);
    if (!sorted || lists.has(sorted.text) || !rest.some((a) => BY_ID.test(a.text))) continue;
    return { knownFrom: call.endIndex };
  }
  return { knownFrom: null };
});

/**
 * Whether the function's scenario specs each bring up at most one client and nothing creates
 * clients in bulk, read outside callbacks (where an edit's skeleton would hide a change). A spec
 * whose counts are not literals, or no spec at all (the scenario comes from a helper), is unknown:
 * not one at a time.
 */
function oneClientAtATime(text: string, code: string, offset: number, outside: (at: number) => boolean): boolean {
  for (const m of code.matchAll(BULK_CREATE)) if (outside(offset + m.index)) return false;
  let specs = 0;
  for (const m of code.matchAll(SPEC)) {
    if (!outside(offset + m.index)) continue;
    const open = m.index + m[0].length - 1;
    const close = closingBracket(code, open);
    if (close === code.length) return false;
    // (Literals are blanked in `code`, which keeps offsets; the user names are counted in the text.)
    const clients = clientsOf(codeOnly(text.slice(open + 1, close)));
    if (clients === null || clients > 1) return false;
    specs++;
  }
  return specs > 0;
}

/** NodesPerUser × the number of Users, when both are literal (absent counts as none); else null. */
function clientsOf(body: string): number | null {
  const perUser = /\bNodesPerUser\s*:\s*([^,\n}]*)/.exec(body);
  const users = /\bUsers\s*:/.exec(body);
  const n = perUser ? (/^\d+\s*$/.test(perUser[1]) ? Number(perUser[1]) : null) : 0;
  let u: number | null = 0;
  if (users) {
    const list = /\bUsers\s*:\s*\[\]string\s*\{([^{}]*)\}/.exec(body);
    u = list ? list[1].split(',').filter((e) => e.trim() !== '').length : null;
  }
  return n === null || u === null ? null : n * u;
}
