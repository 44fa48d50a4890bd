import { Query, type Language, type Node, type Tree } from 'web-tree-sitter';
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
  const out: DiscoveredTest[] = [];
  for (const fn of namedChildren(tree.rootNode)) {
    if (fn.type !== 'function_declaration') continue;
    const fnText = fn.text;
    if (!fnText.startsWith('func Test')) continue;
    let relative = byFunctionText.get(fnText);
    if (relative === undefined) {
      relative = discoverFunction(fn);
      if (byFunctionText.size >= CACHE_LIMIT) byFunctionText.clear();
      byFunctionText.set(fnText, relative);
    }
    // Directives live above the function, outside its text: always read them fresh.
    if (relative) out.push({ ...shift(relative, fn.startIndex), directives: directivesAbove(text, fn.startIndex) });
  }
  return out;
}

function discoverFunction(fn: Node): DiscoveredTest | null {
  const name = fn.childForFieldName('name');
  if (!name || !(TEST_NAME.test(name.text) || name.text === 'Test') || !takesTestingT(fn)) return null;
  const body = fn.childForFieldName('body');
  const t: DiscoveredTest = {
    name: name.text,
    nameStart: name.startIndex,
    nameEnd: name.endIndex,
    start: fn.startIndex,
    end: fn.endIndex,
    directives: {},
    longestMinutes: body ? longestMinutes(body) : 0,
    children: body && body.text.includes('.Run(') ? subtests(body, name.text) : [],
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

const runQueries = new WeakMap<Language, Query>();

/** `x.Run("name", func(t *testing.T) {…})` calls directly under `scope` (not inside a nested Run). */
function subtests(scope: Node, parent: string): DiscoveredTest[] {
  let q = runQueries.get(scope.tree.language);
  if (!q) runQueries.set(scope.tree.language, (q = new Query(scope.tree.language, '(call_expression) @c')));
  const runs = q.captures(scope).map((c) => c.node).filter((call) => {
    const c = callee(call);
    return c?.name === 'Run' && c.receiver !== null && callArguments(call).length === 2 && callArguments(call)[1].type === 'func_literal';
  });
  // Keep only the outermost Run calls; nested ones become their children.
  const outermost = runs.filter((r) => !runs.some((o) => o !== r && o.startIndex <= r.startIndex && r.endIndex <= o.endIndex && o.id !== r.id));
  const out: DiscoveredTest[] = [];
  for (const call of outermost) {
    const [nameArg, fn] = callArguments(call);
    const literal = stringValue(nameArg);
    if (literal === null) continue; // dynamic name: go test decides it at run time
    const name = `${parent}/${literal.replace(/\s/g, '_')}`;
    const body = fn.childForFieldName('body');
    out.push({
      name,
      nameStart: nameArg.startIndex,
      nameEnd: nameArg.endIndex,
      start: call.startIndex,
      end: call.endIndex,
      directives: {},
      longestMinutes: body ? longestMinutes(body) : 0,
      children: body ? subtests(body, name) : [],
    });
  }
  return out;
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

const minuteQueries = new WeakMap<Language, Query>();

/** Calls whose duration argument is a wait: sleeps, timers, and wait/timeout/eventually helpers. */
const WAIT_CALL = /^(Sleep|After|AfterFunc|NewTimer|Tick|WithTimeout|WithDeadline)$|wait|timeout|eventually|until|poll/i;
/** Variables that hold a wait: `testDuration := 12 * time.Minute` bounds a loop. */
const WAIT_NAME = /timeout|wait|deadline|duration|sleep/i;

/**
 * The largest `N * time.Minute` (or `time.Minute * N`, or hours) that the body waits for: the content
 * signal. Only waits count: an argument of a sleep, timer or wait/timeout call, or a value stored in a
 * variable named for a wait. `time.Now().Add(70 * time.Minute)` in an assertion waits for nothing.
 */
function longestMinutes(body: Node): number {
  if (!/time\.(Minute|Hour)\b/.test(body.text)) return 0;
  let q = minuteQueries.get(body.tree.language);
  if (!q) minuteQueries.set(body.tree.language, (q = new Query(body.tree.language, '(binary_expression) @b')));
  let best = 0;
  for (const { node } of q.captures(body)) {
    const m = /^(\d+)\s*\*\s*time\.(Minute|Hour)$|^time\.(Minute|Hour)\s*\*\s*(\d+)$/.exec(node.text);
    if (!m) continue;
    const minutes = Number(m[1] ?? m[4]) * ((m[2] ?? m[3]) === 'Hour' ? 60 : 1);
    if (minutes > best && isWait(node)) best = minutes;
  }
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
