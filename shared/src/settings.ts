/**
 * Settings shared by the extension (which contributes them) and the server (which reads them).
 * Keys live under the `headscale.` section.
 */
export type RuleLevel = 'default' | 'off' | 'error' | 'warning' | 'information' | 'hint';

export interface AnalysisSettings {
  /** Per-rule level keyed by rule id (`headscale.rules.<id>`). */
  rules: Record<string, RuleLevel>;
  /** Extra method names treated as external reads (`headscale.analysis.readMethods`). */
  readMethods: string[];
  /** Extra method names treated as state-changing (`headscale.analysis.mutatingMethods`). */
  mutatingMethods: string[];
}

export const defaultAnalysisSettings: AnalysisSettings = { rules: {}, readMethods: [], mutatingMethods: [] };

export const RULE_LEVELS: readonly RuleLevel[] = ['default', 'off', 'error', 'warning', 'information', 'hint'];
