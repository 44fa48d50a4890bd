import type { Node, Tree } from 'web-tree-sitter';
import { callArguments, callee, namedChildren, stringValue } from '../analysis/syntax';

/**
 * Finds the tests of a Go test file: top-level `func TestX(t *testing.T)` and `t.Run("literal", …)`
 * subtests at any depth (dynamic names are skipped). Pure: text and tree in, plain data out.
 */
export interface DiscoveredTest {
  /** `TestX` or `TestX/sub/inner` (go test's spelling, spaces → underscores). */
  name: string;
  /** UTF-16 offsets of the name (the lens and hover anchor) and of the whole declaration/call. */
  nameStart: number;
  nameEnd: number;
  start: number;
  end: number;
  /** The `//hi:` directives in the comment block above a top-level test. */
  directives: Directives;
  /** Longest wait in the body (`time.Sleep(N * time.Minute)`, a wait/timeout argument), in minutes. */
  longestMinutes: number;
  children: DiscoveredTest[];
}

export interface Directives {
  timeoutSeconds?: number;
  postgres?: boolean;
}

const TEST_NAME = /^Test[A-Z0-9_]/;

/**
 * Discovered tests by function text, with offsets relative to the function: after an edit only the
 * edited function is looked at again (the same idea as the Analyzer's cache). Bounded.
 */
const byFunctionText = new Map<string, DiscoveredTest | null>();
const CACHE_LIMIT = 5000;

export function discoverTests(text: string, tree: Tree): DiscoveredTest[] {
  return testDeclarations(text, tree).map((d) => ({ ...shift(d.relative, d.start), directives: d.directives }));
}

/** A top-level test function as the source has it: what a per-declaration cache needs. */
export interface TestDeclaration {
  /** The function's text (from `func` to its closing brace): the cache key. */
  text: string;
  /** UTF-16 offset, line and character of `func`. */
  start: number;
  line: number;
  character: number;
  /** Read from the comment lines above, outside the function's text. */
  directives: Directives;
  /** The test with offsets relative to `start` (directives empty). */
  relative: DiscoveredTest;
}

/** The test functions of a file, each discovered once per function text (later calls are lookups). */
export function testDeclarations(text: string, tree: Tree): TestDeclaration[] {
  const out: TestDeclaration[] = [];
  for (const fn of namedChildren(tree.rootNode)) {
    // Helpers are skipped on the document's text, without making a string of their own.
    if (fn.type !== 'function_declaration' || !text.startsWith('func Test', fn.startIndex)) continue;
    const fnText = fn.text;
    let relative = byFunctionText.get(fnText);
    if (relative === undefined) {
      relative = discoverFunction(fn);
      if (byFunctionText.size >= CACHE_LIMIT) byFunctionText.clear();
      byFunctionText.set(ownCopy(fnText), relative);
    }
    if (!relative) continue;
    const start = fn.startIndex;
    // tree-sitter's rows count '\n' as LineIndex does; its columns are not UTF-16, so measure the line.
    out.push({ text: fnText, start, line: fn.startPosition.row, character: start - (text.lastIndexOf('\n', start - 1) + 1), directives: directivesAbove(text, start), relative });
  }
  return out;
}

/**
 * The text as a string of its own. `node.text` is a slice that keeps the whole document text of
 * that version alive: kept in the cache (key or test name), every edit would pin another copy of
 * the file until the cache is cleared.
 */
function ownCopy(s: string): string {
  return (' ' + s).slice(1);
}

function discoverFunction(fn: Node): DiscoveredTest | null {
  const name = fn.childForFieldName('name');
  if (!name || !(TEST_NAME.test(name.text) || name.text === 'Test') || !takesTestingT(fn)) return null;
  const body = fn.childForFieldName('body');
  // Waits are found once for the whole function; each subtest takes those inside its body.
  const waits = body ? waitsIn(body) : [];
  const t: DiscoveredTest = {
    name: ownCopy(name.text),
    nameStart: name.startIndex,
    nameEnd: name.endIndex,
    start: fn.startIndex,
    end: fn.endIndex,
    directives: {},
    longestMinutes: body ? longestWithin(waits, body) : 0,
    children: body ? subtests(body, name.text, waits) : [],
  };
  return shift(t, -fn.startIndex);
}

function shift(t: DiscoveredTest, by: number): DiscoveredTest {
  return { ...t, nameStart: t.nameStart + by, nameEnd: t.nameEnd + by, start: t.start + by, end: t.end + by, children: t.children.map((c) => shift(c, by)) };
}

function takesTestingT(fn: Node): boolean {
  const params = fn.childForFieldName('parameters');
  const first = params ? namedChildren(params)[0] : undefined;
  return !!first && /^\*\w+\.T$/.test(first.childForFieldName('type')?.text.replace(/\s+/g, '') ?? '');
}

/** Where `.Run(` may be written: the text finds the few candidates, the tree confirms each. */
const RUN_TEXT = /\.\s*Run\s*\(/g;

/**
 * `x.Run("name", func(t *testing.T) {…})` calls in a test's body, as a tree: a Run inside another
 * Run's function is its child. A dynamic name (go test decides it at run time) drops the Run and
 * everything inside it, as does a Run outside its parent's function (in its name argument).
 * Candidates come from the text and are confirmed in the tree: a wasm query over a long function
 * costs milliseconds, a lookup per `.Run(` microseconds.
 */
function subtests(body: Node, parent: string, waits: readonly Wait[]): DiscoveredTest[] {
  const calls: Node[] = [];
  const text = body.text;
  for (const m of text.matchAll(RUN_TEXT)) {
    const at = body.startIndex + m.index + m[0].indexOf('R');
    const field = body.descendantForIndex(at);
    const selector = field?.parent;
    const call = selector?.parent;
    if (field?.type !== 'field_identifier' || field.text !== 'Run' || selector?.type !== 'selector_expression' || call?.type !== 'call_expression') continue;
    if (call.childForFieldName('function')?.startIndex !== selector.startIndex) continue;
    const args = callArguments(call);
    if (args.length === 2 && args[1].type === 'func_literal') calls.push(call);
  }
  calls.sort((x, y) => x.startIndex - y.startIndex);
  const roots: DiscoveredTest[] = [];
  const open: { end: number; bodyStart: number; bodyEnd: number; test: DiscoveredTest | null }[] = [];
  for (const call of calls) {
    while (open.length && open[open.length - 1].end <= call.startIndex) open.pop();
    const outer = open[open.length - 1];
    const [nameArg, fn] = callArguments(call);
    const fnBody = fn.childForFieldName('body');
    const reachable = !outer || (outer.test !== null && outer.bodyStart <= call.startIndex && call.endIndex <= outer.bodyEnd);
    const literal = reachable ? stringValue(nameArg) : null;
    const test: DiscoveredTest | null = literal === null ? null : {
      name: ownCopy(`${outer ? outer.test!.name : parent}/${literal.replace(/\s/g, '_')}`),
      nameStart: nameArg.startIndex,
      nameEnd: nameArg.endIndex,
      start: call.startIndex,
      end: call.endIndex,
      directives: {},
      longestMinutes: fnBody ? longestWithin(waits, fnBody) : 0,
      children: [],
    };
    if (test) (outer ? outer.test!.children : roots).push(test);
    open.push({ end: call.endIndex, bodyStart: fnBody?.startIndex ?? call.endIndex, bodyEnd: fnBody?.endIndex ?? call.endIndex, test });
  }
  return roots;
}

const DIRECTIVE = /^\s*\/\/\s*hi:(timeout|postgres)(?:=(\S+))?/;

/**
 * `//hi:timeout=2100s` (or 35m, or plain seconds) and `//hi:postgres` in the comment lines directly
 * above a test function.
 */
export function directivesAbove(text: string, declStart: number): Directives {
  const result: Directives = {};
  let end = text.lastIndexOf('\n', declStart - 1);
  while (end > 0) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const line = text.slice(start, end);
    if (!/^\s*\/\//.test(line)) break;
    const m = DIRECTIVE.exec(line);
    if (m?.[1] === 'postgres') result.postgres = m[2] !== 'false';
    if (m?.[1] === 'timeout' && m[2]) {
      const seconds = parseDuration(m[2]);
      if (seconds !== null) result.timeoutSeconds = seconds;
    }
    end = start - 1;
  }
  return result;
}

/** Go-style durations (`2100s`, `35m`, `1h30m`) or bare seconds; null when malformed. */
export function parseDuration(s: string): number | null {
  if (/^\d+$/.test(s)) return Number(s);
  const re = /(\d+(?:\.\d+)?)(h|m|s)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * (m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1);
    consumed = re.lastIndex;
  }
  return consumed === s.length && consumed > 0 ? Math.round(total) : null;
}

/** Calls whose duration argument is a wait: sleeps, timers, and wait/timeout/eventually helpers. */
const WAIT_CALL = /^(Sleep|After|AfterFunc|NewTimer|Tick|WithTimeout|WithDeadline)$|wait|timeout|eventually|until|poll/i;
/** Variables that hold a wait: `testDuration := 12 * time.Minute` bounds a loop. */
const WAIT_NAME = /timeout|wait|deadline|duration|sleep/i;

/** A wait in a test's body: where it is and how many minutes. */
interface Wait {
  at: number;
  minutes: number;
}

/**
 * Every `N * time.Minute` (or `time.Minute * N`, or hours) that the body waits for: the content
 * signal. Only waits count: an argument of a sleep, timer or wait/timeout call, or a value stored in a
 * variable named for a wait. `time.Now().Add(70 * time.Minute)` in an assertion waits for nothing.
 */
function waitsIn(body: Node): Wait[] {
  const out: Wait[] = [];
  const text = body.text;
  for (const m of text.matchAll(/time\.(Minute|Hour)\b/g)) {
    // From the `time` identifier up to the product that holds it (selector, then binary expression).
    let node = body.descendantForIndex(body.startIndex + m.index);
    for (let up = 0; node && node.type !== 'binary_expression' && up < 3; up++) node = node.parent;
    if (node?.type !== 'binary_expression') continue;
    const product = /^(\d+)\s*\*\s*time\.(Minute|Hour)$|^time\.(Minute|Hour)\s*\*\s*(\d+)$/.exec(node.text);
    if (!product) continue;
    const minutes = Number(product[1] ?? product[4]) * ((product[2] ?? product[3]) === 'Hour' ? 60 : 1);
    if (isWait(node)) out.push({ at: node.startIndex, minutes });
  }
  return out;
}

/** The longest of the waits inside `scope`, in minutes (0 for none). */
function longestWithin(waits: readonly Wait[], scope: Node): number {
  let best = 0;
  for (const w of waits) if (w.minutes > best && scope.startIndex <= w.at && w.at < scope.endIndex) best = w.minutes;
  return best;
}

function isWait(expr: Node): boolean {
  let n: Node = expr;
  // Up through arithmetic and parentheses (`2 * (5 * time.Minute)`) to what uses the value.
  while (n.parent && (n.parent.type === 'binary_expression' || n.parent.type === 'parenthesized_expression')) n = n.parent;
  const p = n.parent;
  if (!p) return false;
  if (p.type === 'argument_list' && p.parent?.type === 'call_expression') {
    const name = callee(p.parent)?.name ?? '';
    return WAIT_CALL.test(name);
  }
  if (p.type === 'expression_list') {
    const stmt = p.parent;
    if (stmt && (stmt.type === 'short_var_declaration' || stmt.type === 'assignment_statement' || stmt.type === 'var_spec' || stmt.type === 'const_spec')) {
      const left = stmt.childForFieldName('left') ?? stmt.childForFieldName('name');
      return !!left && WAIT_NAME.test(left.text);
    }
  }
  return false;
}
