/**
 * Plain data that the analysis core produces. Positions are UTF-16 code-unit offsets into the
 * analysed text (web-tree-sitter reports the same unit), so the LSP boundary can convert them
 * without re-encoding. Exactly one module per consumer turns these into Diagnostics or CLI rows.
 */
export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** Preferred fixes are safe to apply without reading them (source.fixAll applies only these). */
  isPreferred?: boolean;
}

export interface RelatedInfo {
  start: number;
  end: number;
  message: string;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  start: number;
  end: number;
  related: RelatedInfo[];
  fixes: Fix[];
}

/** A finding as the rule reports it; the analyzer fills in the id and the configured severity. */
export interface ReportedFinding {
  message: string;
  start: number;
  end: number;
  related?: RelatedInfo[];
  /**
   * Costly fixes come as a function: the Analyzer calls it at once where fixes are wanted (the
   * editor) and never where they are not (the CLI prints none; AnalyzeOptions.fixes).
   */
  fixes?: Fix[] | (() => Fix[]);
  /**
   * Related locations in other top-level functions, by name: the Analyzer resolves them against
   * the current text on every run, so a cached finding never holds another declaration's offsets.
   */
  relatedDeclarations?: { name: string; message: string }[];
  /** Overrides the rule's default severity for this finding (e.g. ewt-message: missing vs vague). */
  severity?: Severity;
}
