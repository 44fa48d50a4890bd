import type { Node } from 'web-tree-sitter';
import type { GoFile } from './goFile';
import { callArguments, callee, memoPerNode, namedChildren, queryIn } from './syntax';

/**
 * Evaluates Go duration expressions to seconds where that is possible without type checking:
 * `10*time.Second`, `time.Duration(n)*time.Millisecond`, headscale's integrationutil constants,
 * `ScaledTimeout(d)` (local value; CI doubles it) and same-file constants. Anything else is null,
 * and rules stay silent on null.
 */

const UNITS: Record<string, number> = {
  Nanosecond: 1e-9, Microsecond: 1e-6, Millisecond: 1e-3, Second: 1, Minute: 60, Hour: 3600,
};

/** integration/integrationutil/timeouts.go, local (unscaled) values. */
export const KNOWN_DURATIONS: Record<string, number> = {
  HAConvergeTimeout: 60, HASlowConvergeTimeout: 120, PolicyPropagationTimeout: 180, AuthFlowTimeout: 30,
  StatusReadyTimeout: 30, PeerSyncTimeout: 60, FastPoll: 0.2, SlowPoll: 0.5, PingPoll: 2,
};

/** An optional decimal count times a selector, nothing else (no comment, no line break). */
const SIMPLE_DURATION = /^(?:(\d+)[ \t]*\*[ \t]*)?([A-Za-z_]\w*)\.([A-Za-z_]\w*)$/;

export class DurationEvaluator {
  private constants: Map<string, Node> | undefined;

  constructor(private readonly file: GoFile) {}

  seconds(node: Node | null, depth = 0): number | null {
    if (!node || depth > 8) return null;
    const simple = this.simple(node.text);
    if (simple !== undefined) return simple;
    switch (node.type) {
      case 'int_literal':
      case 'float_literal': {
        const v = Number(node.text.replace(/_/g, ''));
        return Number.isFinite(v) ? v : null; // a bare number: nanoseconds when used as a Duration
      }
      case 'parenthesized_expression':
        return this.seconds(node.namedChild(0), depth + 1);
      case 'selector_expression':
        return this.selector(node.childForFieldName('operand')?.text, node.childForFieldName('field')?.text ?? '');
      case 'identifier':
        if (node.text in KNOWN_DURATIONS) return KNOWN_DURATIONS[node.text];
        return this.seconds(this.constant(node.text) ?? null, depth + 1);
      case 'binary_expression': {
        const op = node.childForFieldName('operator')?.text;
        const l = this.seconds(node.childForFieldName('left'), depth + 1);
        const r = this.seconds(node.childForFieldName('right'), depth + 1);
        if (l === null || r === null) return null;
        if (op === '*') return l * r;
        if (op === '/') return r === 0 ? null : l / r;
        if (op === '+') return l + r;
        if (op === '-') return l - r;
        return null;
      }
      case 'call_expression': {
        const c = callee(node);
        const arg = callArguments(node)[0] ?? null;
        if (c?.name === 'ScaledTimeout' || (c?.name === 'Duration' && c.receiver === (this.file.imports.time ?? 'time'))) {
          return this.seconds(arg, depth + 1);
        }
        return null;
      }
      default:
        return null;
    }
  }

  /**
   * `10*time.Second`, `time.Second` or `integrationutil.PeerSyncTimeout`, the common spellings,
   * read from the text as the tree would read them (the tree costs a lookup across the wasm
   * boundary per operand); undefined for anything else, which the tree reads.
   */
  private simple(text: string): number | null | undefined {
    const m = SIMPLE_DURATION.exec(text);
    if (!m) return undefined;
    const [, count, operand, field] = m;
    const unit = this.selector(operand, field);
    if (unit === null) return null;
    return count === undefined ? unit : Number(count) * unit;
  }

  /** `time.Second` (under the file's name for package time) or a known constant's `x.PeerSyncTimeout`. */
  private selector(operand: string | undefined, field: string): number | null {
    if (operand === (this.file.imports.time ?? 'time') && field in UNITS) return UNITS[field];
    return field in KNOWN_DURATIONS ? KNOWN_DURATIONS[field] : null;
  }

  private constant(name: string): Node | undefined {
    this.constants ??= packageConstants(this.file.root);
    return this.constants.get(name);
  }
}

/**
 * Package-level constants and variables by name: their specs are direct children (or inside a
 * spec list). Once per tree: every part's model of a 1 100-line test asks.
 */
const packageConstants = memoPerNode((root) => {
  const consts = new Map<string, Node>();
  for (const top of namedChildren(root)) {
    if (top.type !== 'const_declaration' && top.type !== 'var_declaration') continue;
    for (const spec of queryIn(top, '[(const_spec) (var_spec)] @s')) {
      const name = spec.childForFieldName('name');
      const value = spec.childForFieldName('value')?.namedChild(0);
      if (name && value) consts.set(name.text, value);
    }
  }
  return consts;
});

export function formatSeconds(s: number): string {
  if (s >= 60 && Number.isInteger(s / 60)) return `${s / 60}m`;
  if (s >= 1) return `${+s.toFixed(3)}s`;
  return `${+(s * 1000).toFixed(3)}ms`;
}
