/**
 * The wire contract between the extension (client) and the language server, declared once.
 * Standard LSP requests are not repeated here; only names and payloads that are ours.
 */

/** `source` of every diagnostic the server publishes. */
export const DIAGNOSTIC_SOURCE = 'hi workbench';

/** Language ids the server analyses. */
export const GO_LANGUAGE_ID = 'go';

/** Payload in `Diagnostic.data`: which rule, so code actions can find the finding again. */
export interface DiagnosticData {
  ruleId: string;
  /** Document version the finding was computed for. */
  version: number;
}

/** initializationOptions the extension sends. */
export interface InitializationOptions {
  /** Whether the workspace is trusted; untrusted workspaces get analysis only. */
  trusted: boolean;
}
