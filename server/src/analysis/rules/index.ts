import type { Rule } from '../rule';
import type { BaseRule } from '../contract/baseRule';
import { rule as ewtNested } from './ewt-nested';
import { rule as ewtMutatingCall } from './ewt-mutating-call';
import { rule as ewtShadowedResult } from './ewt-shadowed-result';
import { rule as ewtOuterT } from './ewt-outer-t';
import { rule as ewtMustInCallback } from './ewt-must-in-callback';
import { rule as ewtOneExternalCall } from './ewt-one-external-call';
import { rule as ewtUnguardedIndex } from './ewt-unguarded-index';
import { rule as ewtUnwrappedRead } from './ewt-unwrapped-read';
import { rule as ewtMessage } from './ewt-message';
import { rule as ewtRequireGuard } from './ewt-require-guard';
import { rule as ewtOrderAssumption } from './ewt-order-assumption';
import { rule as ewtTiming } from './ewt-timing';
import { rule as hsAnnouncedRoutes } from './hs-announced-routes';
import { rule as hsTestContract } from './hs-test-contract';
import { rule as hsTestDoc } from './hs-test-doc';

/**
 * Every rule, in priority order: when fixes overlap, the earlier rule's fix wins, and findings
 * are listed in this order. Adding a rule is one line here.
 */
export const allRules: readonly Rule[] = [
  ewtNested,
  ewtMutatingCall,
  ewtShadowedResult,
  ewtOuterT,
  ewtMustInCallback,
  ewtOneExternalCall,
  ewtUnguardedIndex,
  ewtUnwrappedRead,
  ewtMessage,
  ewtRequireGuard,
  ewtOrderAssumption,
  ewtTiming,
  hsAnnouncedRoutes,
];

/** Rules that compare a file with its base revision (git); they run on their own schedule. */
export const baseRules: readonly BaseRule[] = [hsTestContract, hsTestDoc];

/** Everything with a rule id: its doc, severity and setting (README, hovers, SARIF). */
export type DocumentedRule = Rule | BaseRule;
export const documentedRules: readonly DocumentedRule[] = [...allRules, ...baseRules];

export const rulesById: ReadonlyMap<string, DocumentedRule> = new Map(documentedRules.map((r) => [r.id, r]));
