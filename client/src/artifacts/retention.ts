import * as vscode from 'vscode';
import type { DeletionPlan } from '../../../shared/src/artifacts';
import type { ArtifactsClient } from './artifactsClient';
import { formatBytes, listWithMore, plural } from './presentation';

/** How many run ids the confirmation lists before "and N more". */
const LISTED = 15;

/**
 * "Delete runs…": by age or keep-the-last-N, always through a modal confirmation that lists what
 * goes; the server deletes only run-id folders directly under control_logs.
 */
export async function deleteRunsByRule(client: ArtifactsClient, controlLogs: string, activeRunId: string | null): Promise<boolean> {
  const rule = await vscode.window.showQuickPick(
    [
      { label: 'Older than N days…', rule: 'age' as const },
      { label: 'Keep the last N runs…', rule: 'keep' as const },
    ],
    { title: 'Delete control_logs runs' },
  );
  if (!rule) return false;
  const answer = await vscode.window.showInputBox({
    title: rule.rule === 'age' ? 'Delete runs older than how many days?' : 'Keep how many of the newest runs?',
    value: rule.rule === 'age' ? '7' : '10',
    validateInput: (v) => (/^\d+$/.test(v.trim()) ? null : 'a whole number'),
  });
  if (answer === undefined) return false;
  const n = Number(answer.trim());
  const plan = await client.planDeletion(rule.rule === 'age' ? { controlLogs, olderThanDays: n } : { controlLogs, keepLast: n });
  return confirmAndDelete(client, controlLogs, plan, activeRunId);
}

/** One run from its context menu. */
export async function deleteRun(client: ArtifactsClient, controlLogs: string, id: string, activeRunId: string | null): Promise<boolean> {
  return confirmAndDelete(client, controlLogs, await client.planDeletion({ controlLogs, ids: [id] }), activeRunId);
}

async function confirmAndDelete(client: ArtifactsClient, controlLogs: string, plan: DeletionPlan, activeRunId: string | null): Promise<boolean> {
  if (plan.refused) {
    void vscode.window.showWarningMessage(`hi workbench: ${plan.refused}.`);
    return false;
  }
  // The run hi is writing right now is never offered for deletion.
  const runs = plan.runs.filter((r) => r.id !== activeRunId);
  if (!runs.length) {
    void vscode.window.showInformationMessage('hi workbench: no runs match; nothing to delete.');
    return false;
  }
  const total = runs.reduce((s, r) => s + r.sizeBytes, 0);
  const listed = listWithMore(runs.map((r) => `${r.id}  (${formatBytes(r.sizeBytes)})`), LISTED);
  const choice = await vscode.window.showWarningMessage(
    `Delete ${plural(runs.length, 'run')} (${formatBytes(total)}) from control_logs?`,
    { modal: true, detail: `These folders are deleted from disk:\n${listed.join('\n')}` },
    'Delete',
  );
  if (choice !== 'Delete') return false;
  const result = await client.deleteRuns(controlLogs, runs.map((r) => r.id));
  const failed = result.failed.length ? ` ${plural(result.failed.length, 'run')} could not be deleted: ${result.failed.map((f) => `${f.id} (${f.message})`).join(', ')}.` : '';
  void vscode.window.showInformationMessage(`hi workbench: deleted ${plural(result.deleted.length, 'run')}, freed ${formatBytes(result.freedBytes)}.${failed}`);
  return true;
}
