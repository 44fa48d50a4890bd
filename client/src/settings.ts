import * as vscode from 'vscode';
import { normalizeRun, type RunSettings } from '../../shared/src/settings';

/** Run settings for a resource, read the same way the server reads them. */
export function runSettings(scope?: vscode.Uri): RunSettings {
  const c = vscode.workspace.getConfiguration('headscale', scope);
  return normalizeRun({
    timeouts: c.get('timeouts'),
    categories: c.get('categories'),
    postgresTests: c.get('postgresTests'),
    lens: c.get('lens'),
    hi: c.get('hi'),
    maxConcurrentRuns: c.get('maxConcurrentRuns'),
    cancelGraceSeconds: c.get('cancelGraceSeconds'),
    controlLogs: c.get('controlLogs'),
  });
}
