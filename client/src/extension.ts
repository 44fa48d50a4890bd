import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { createLanguageClient } from './languageClient';

let client: LanguageClient | undefined;

/**
 * Activation stays cheap: it creates the log channel, registers commands and starts the language
 * client; all parsing and analysis happen in the server process.
 */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('hi workbench', { log: true });
  context.subscriptions.push(log);
  client = createLanguageClient(context, log);

  const commands: Record<string, (...args: unknown[]) => unknown> = {
    'hi.showLog': () => log.show(),
    'hi.restartServer': async () => {
      log.info('restarting the language server on request');
      await client?.restart();
    },
    'hi.openSampleTest': () => openSampleTest(),
    'hi.revealControlLogs': () => revealControlLogs(),
  };
  for (const [id, handler] of Object.entries(commands)) {
    context.subscriptions.push(vscode.commands.registerCommand(id, handler));
  }
  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(() => log.info('workspace trusted: running hi is now allowed')),
    { dispose: () => void client?.stop() },
  );
  log.info(`hi workbench activated (workspace ${vscode.workspace.isTrusted ? 'trusted' : 'in Restricted Mode: analysis only, nothing is executed'})`);
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}

/** Walkthrough step: open an integration test so the user sees diagnostics and lenses. */
async function openSampleTest(): Promise<void> {
  const [file] = await vscode.workspace.findFiles('**/integration/*_test.go', '**/node_modules/**', 1);
  if (!file) {
    void vscode.window.showInformationMessage('No integration/*_test.go file in this workspace. Open a Headscale checkout.');
    return;
  }
  await vscode.window.showTextDocument(file);
}

async function revealControlLogs(): Promise<void> {
  const [marker] = await vscode.workspace.findFiles('**/control_logs/**', '**/node_modules/**', 1);
  if (!marker) {
    void vscode.window.showInformationMessage('No control_logs folder yet: it appears after the first hi run.');
    return;
  }
  const folder = vscode.Uri.joinPath(marker, '..');
  await vscode.commands.executeCommand('revealInExplorer', folder);
}
