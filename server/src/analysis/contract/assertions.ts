/**
 * What testify's assertion methods mean, for comparing a test with its base revision: which
 * argument is the value under test ("actual") and which is the expectation, and how strong the
 * check is. Method names are given without the `f` suffix (`Equalf` is `Equal` with a format).
 */

/** Where the expectation sits among the arguments after the TestingT. */
export type Roles =
  /** `Equal(t, expected, actual, …)`: expectation first, then the value. */
  | 'expected-first'
  /** `Len(t, object, length, …)`: the value first, then the expectation. */
  | 'actual-first'
  /** `NoError(t, err, …)`: the method itself is the expectation. */
  | 'actual-only';

interface MethodInfo {
  roles: Roles;
  /** Arguments before msgAndArgs (after the TestingT). */
  arity: number;
  /** 3 = exact value, 2 = bound or membership, 1 = anything-but (non-nil, non-empty, some error). */
  strength: 1 | 2 | 3;
}

const m = (roles: Roles, arity: number, strength: 1 | 2 | 3): MethodInfo => ({ roles, arity, strength });

export const METHODS: ReadonlyMap<string, MethodInfo> = new Map([
  ['Equal', m('expected-first', 2, 3)],
  ['EqualValues', m('expected-first', 2, 3)],
  ['EqualExportedValues', m('expected-first', 2, 3)],
  ['Exactly', m('expected-first', 2, 3)],
  ['ElementsMatch', m('expected-first', 2, 3)],
  ['JSONEq', m('expected-first', 2, 3)],
  ['YAMLEq', m('expected-first', 2, 3)],
  ['Same', m('expected-first', 2, 3)],
  ['IsType', m('expected-first', 2, 3)],
  ['Implements', m('expected-first', 2, 3)],
  ['InDelta', m('expected-first', 3, 3)],
  ['InEpsilon', m('expected-first', 3, 3)],
  ['WithinDuration', m('expected-first', 3, 3)],
  ['Regexp', m('expected-first', 2, 3)],
  ['NotEqual', m('expected-first', 2, 1)],
  ['NotEqualValues', m('expected-first', 2, 1)],
  ['NotSame', m('expected-first', 2, 1)],
  ['NotRegexp', m('expected-first', 2, 1)],
  ['Len', m('actual-first', 2, 3)],
  ['EqualError', m('actual-first', 2, 3)],
  ['ErrorIs', m('actual-first', 2, 3)],
  ['ErrorAs', m('actual-first', 2, 3)],
  ['ErrorContains', m('actual-first', 2, 2)],
  ['Contains', m('actual-first', 2, 2)],
  ['Subset', m('actual-first', 2, 2)],
  ['Greater', m('actual-first', 2, 2)],
  ['GreaterOrEqual', m('actual-first', 2, 2)],
  ['Less', m('actual-first', 2, 2)],
  ['LessOrEqual', m('actual-first', 2, 2)],
  ['WithinRange', m('actual-first', 3, 2)],
  ['NotContains', m('actual-first', 2, 1)],
  ['NotSubset', m('actual-first', 2, 1)],
  ['NotErrorIs', m('actual-first', 2, 1)],
  ['NoError', m('actual-only', 1, 3)],
  ['Nil', m('actual-only', 1, 3)],
  ['Empty', m('actual-only', 1, 3)],
  ['Zero', m('actual-only', 1, 3)],
  ['True', m('actual-only', 1, 3)],
  ['False', m('actual-only', 1, 3)],
  ['Panics', m('actual-only', 1, 3)],
  ['NotPanics', m('actual-only', 1, 3)],
  ['FileExists', m('actual-only', 1, 3)],
  ['DirExists', m('actual-only', 1, 3)],
  ['NoFileExists', m('actual-only', 1, 3)],
  ['NoDirExists', m('actual-only', 1, 3)],
  ['Positive', m('actual-only', 1, 2)],
  ['Negative', m('actual-only', 1, 2)],
  ['IsIncreasing', m('actual-only', 1, 2)],
  ['IsDecreasing', m('actual-only', 1, 2)],
  ['IsNonIncreasing', m('actual-only', 1, 2)],
  ['IsNonDecreasing', m('actual-only', 1, 2)],
  ['Error', m('actual-only', 1, 1)],
  ['NotNil', m('actual-only', 1, 1)],
  ['NotEmpty', m('actual-only', 1, 1)],
  ['NotZero', m('actual-only', 1, 1)],
]);

/** Pairs that assert the opposite of each other: swapping one for the other inverts the test. */
const OPPOSITES: ReadonlyArray<[string, string]> = [
  ['True', 'False'],
  ['Nil', 'NotNil'],
  ['NoError', 'Error'],
  ['Empty', 'NotEmpty'],
  ['Zero', 'NotZero'],
  ['Equal', 'NotEqual'],
  ['EqualValues', 'NotEqualValues'],
  ['Contains', 'NotContains'],
  ['Subset', 'NotSubset'],
  ['Same', 'NotSame'],
  ['Regexp', 'NotRegexp'],
  ['ErrorIs', 'NotErrorIs'],
  ['Panics', 'NotPanics'],
  ['FileExists', 'NoFileExists'],
  ['DirExists', 'NoDirExists'],
];

export function areOpposites(a: string, b: string): boolean {
  return OPPOSITES.some(([x, y]) => (x === a && y === b) || (x === b && y === a));
}

/** `Equalf` → `Equal`; names without a known base are returned unchanged. */
export function baseMethod(name: string): string {
  if (METHODS.has(name)) return name;
  if (name.endsWith('f') && METHODS.has(name.slice(0, -1))) return name.slice(0, -1);
  return name;
}

/** How a method change reads, or null when it keeps (or strengthens) the check. */
export function kindChange(from: string, to: string): 'weakened' | 'inverted' | null {
  if (from === to) return null;
  if (areOpposites(from, to)) return 'inverted';
  const a = METHODS.get(from);
  const b = METHODS.get(to);
  if (!a || !b) return null;
  return b.strength < a.strength ? 'weakened' : null;
}
