import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CONTRACT_BASE_SCHEME, ContractBaseRequest } from '../../shared/src/protocol';

/**
 * Read-only documents of a test file at the contract base (opened from hs-test-contract's related
 * information). The server reads them with git; the extension host only shows the text.
 */
export function registerContractBase(lc: LanguageClient): vscode.Disposable {
  return vscode.workspace.registerTextDocumentContentProvider(CONTRACT_BASE_SCHEME, {
    async provideTextDocumentContent(uri) {
      const result = await lc.sendRequest(ContractBaseRequest, { uri: uri.toString() });
      return result.text ?? '// hi workbench: this base version is not available (Restricted Mode, or git no longer has it).\n';
    },
  });
}

/** `hi.insertSnippet` (hs-test-doc's quick fix): the godoc scaffold with the cursor on its first placeholder. */
export async function insertSnippetAt(uri: string, line: number, snippet: string): Promise<void> {
  const editor = await vscode.window.showTextDocument(vscode.Uri.parse(uri));
  await editor.insertSnippet(new vscode.SnippetString(snippet), new vscode.Position(line, 0));
}
