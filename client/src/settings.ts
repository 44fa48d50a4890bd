import { normalizeFlows, type DebugFlow } from '../../shared/src/debugFlows';
import * as vscode from 'vscode';
import { normalizeDocker, normalizeRun, type DockerSettings, type RunSettings } from '../../shared/src/settings';

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

/** `headscale.docker.*`, read the same way the server reads them. */
export function dockerSettings(): DockerSettings {
  return normalizeDocker({ docker: vscode.workspace.getConfiguration('headscale').get('docker') });
}

/** How logs open: the size above which they open as errors with context, and its context lines. */
export function logViewSettings(): { largeLogBytes: number; contextLines: number; warningsAsProblems: boolean; timelineSeconds: number } {
  const c = vscode.workspace.getConfiguration('headscale.artifacts');
  return {
    largeLogBytes: Math.max(1, c.get<number>('largeLogMB', 20)) * 1048576,
    contextLines: Math.max(0, Math.min(50, c.get<number>('contextLines', 5))),
    warningsAsProblems: c.get<boolean>('warningsAsProblems', false) === true,
    timelineSeconds: Math.max(1, Math.min(600, c.get<number>('timelineSeconds', 10))),
  };
}

/** `headscale.artifacts.debugFlows`: the user's own flows, shown after the guide's. */
export function debugFlowSettings(): DebugFlow[] {
  return normalizeFlows(vscode.workspace.getConfiguration('headscale.artifacts').get('debugFlows'));
}
