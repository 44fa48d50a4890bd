import * as vscode from 'vscode';

/** The control_logs log language (grammar, folding, code links), shared by run logs and container logs. */
export const LOG_LANGUAGE_ID = 'hi-log';

/** Gives a document the log language unless it has it already. */
export async function asLogDocument(doc: vscode.TextDocument): Promise<vscode.TextDocument> {
  return doc.languageId === LOG_LANGUAGE_ID ? doc : vscode.languages.setTextDocumentLanguage(doc, LOG_LANGUAGE_ID);
}
