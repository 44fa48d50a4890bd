import type { Rule } from '../rule';

/**
 * A rule that compares a file with its base revision instead of reading one declaration. Its
 * input (the base contract) comes from git in the server, so it runs on its own schedule, off the
 * typing path, and is registered beside `allRules` (rules/index.ts) under the same naming rules.
 */
export interface BaseRule extends Pick<Rule, 'id' | 'defaultSeverity' | 'doc' | 'example'> {
  scope: 'test';
}
