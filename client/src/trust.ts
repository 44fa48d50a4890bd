import * as vscode from 'vscode';

/** Says why something is off in Restricted Mode, with a button that opens Workspace Trust. */
export async function offerWorkspaceTrust(message: string, severity: 'info' | 'warning' = 'warning'): Promise<void> {
  const show = severity === 'info' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
  if (await show(message, 'Manage Workspace Trust')) await vscode.commands.executeCommand('workbench.trust.manage');
}
