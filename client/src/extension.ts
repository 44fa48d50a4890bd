import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { buildRunArgv, validatePattern } from '../../shared/src/hiCommand';
import { findModuleRoots } from '../../shared/src/moduleRoot';
import { TrustChangedNotification, type RunTestArgs } from '../../shared/src/protocol';
import { controlLogsDir } from '../../shared/src/controlLogs';
import { ArtifactsClient } from './artifacts/artifactsClient';
import { LogEditor } from './artifacts/logEditor';
import { deleteRun, deleteRunsByRule } from './artifacts/retention';
import { RunsView } from './artifacts/runsView';
import { ArtifactViewers } from './artifacts/viewerPanel';
import { DOCTOR_SCHEME, DoctorReports } from './doctor';
import { createLanguageClient } from './languageClient';
import { RunnerController } from './runner/runnerController';
import { runSettings } from './settings';
import { TestFileLinks } from './terminalLinks';
import { TestExplorer } from './testExplorer';

let client: LanguageClient | undefined;

/**
 * Activation stays cheap: it creates the log channel, registers commands and views, and starts the
 * language client; all parsing and analysis happen in the server process.
 */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('hi workbench', { log: true });
  context.subscriptions.push(log);
  client = createLanguageClient(context, log);
  const lc = client;
  const runner = new RunnerController(log, (method) => void lc.sendNotification(method), () => runSettings());
  const doctor = new DoctorReports();
  const explorer = new TestExplorer(lc, runner);
  const artifacts = new ArtifactsClient(lc);
  const runsView = new RunsView(artifacts, () => currentControlLogs(), () => runner.activeRunId, log);
  const logEditor = new LogEditor(artifacts);
  const viewers = new ArtifactViewers(artifacts);
  const cwdByTerminal = (t: vscode.Terminal) => (runner.current && t.name === `hi: ${runner.current.title}` ? runner.current.args.cwd : moduleRoot());

  const commands: Record<string, (...args: never[]) => unknown> = {
    'hi.showLog': () => log.show(),
    'hi.restartServer': async () => {
      log.info('restarting the language server on request');
      await lc.restart();
    },
    'hi.openSampleTest': () => openSampleTest(),
    'hi.revealControlLogs': () => revealControlLogs(),
    'hi.runTest': (args: RunTestArgs) => runner.request(args),
    'hi.runPattern': () => runPattern(runner),
    'hi.runSuite': () => runPattern(runner, 'Test'),
    'hi.cancelRun': () => runner.cancel(),
    'hi.runMenu': () => runMenu(runner),
    'hi.revealRun': async (dir: string) => {
      if (!(await runsView.reveal(dir))) await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(dir));
    },
    'hi.refreshRuns': () => runsView.refresh(),
    'hi.deleteRuns': async () => {
      if (runsView.folder && (await deleteRunsByRule(artifacts, runsView.folder, runner.activeRunId))) await runsView.refresh();
    },
    'hi.deleteRun': async (node?: { run?: { id: string } }) => {
      if (runsView.folder && node?.run && (await deleteRun(artifacts, runsView.folder, node.run.id, runner.activeRunId))) await runsView.refresh();
    },
    'hi.openLogAt': (file: string, line: number) => logEditor.openAt(file, line),
    'hi.openFile': (file: string) => vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file)),
    'hi.viewArtifact': (file: string, kind: 'metrics' | 'status' | 'mapresponses' | 'database') => viewers.open(file, kind),
    'hi.nextLogError': () => logEditor.jump(1),
    'hi.previousLogError': () => logEditor.jump(-1),
    'hi.openErrorsWithContext': (target?: vscode.Uri | { file?: { path: string } }) => {
      const file = target instanceof vscode.Uri ? target.fsPath : target?.file?.path ?? vscode.window.activeTextEditor?.document.uri.fsPath;
      return file ? logEditor.openWithContext(file) : undefined;
    },
    'hi.explainRestricted': () =>
      vscode.window.showInformationMessage('Running hi is disabled in Restricted Mode: hi workbench only analyses untrusted code. Trust the workspace to run tests.', 'Manage Workspace Trust').then((c) => c && vscode.commands.executeCommand('workbench.trust.manage')),
    'hi.doctor': () => {
      const root = moduleRoot();
      return root ? doctor.run(root, runSettings().hiCommand) : vscode.window.showErrorMessage('hi workbench: open a headscale checkout (a folder with go.mod and cmd/hi) to run hi doctor.');
    },
  };
  for (const [id, handler] of Object.entries(commands)) {
    context.subscriptions.push(vscode.commands.registerCommand(id, handler as (...args: unknown[]) => unknown));
  }
  context.subscriptions.push(
    runner,
    explorer,
    runsView,
    viewers,
    ...logEditor.register(),
    runner.onDidChangeRun(() => void runsView.refresh()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('headscale.controlLogs') || e.affectsConfiguration('headscale.hi.extraArgs') || e.affectsConfiguration('headscale.artifacts')) void runsView.refresh();
    }),
    vscode.workspace.registerTextDocumentContentProvider(DOCTOR_SCHEME, doctor),
    vscode.window.registerTerminalLinkProvider(new TestFileLinks(cwdByTerminal)),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      log.info('workspace trusted: running hi is now allowed');
      void lc.sendNotification(TrustChangedNotification, { trusted: true });
    }),
    { dispose: () => void lc.stop() },
  );
  log.info(`hi workbench activated (workspace ${vscode.workspace.isTrusted ? 'trusted' : 'in Restricted Mode: analysis only, nothing is executed'})`);
  await lc.start();
  void runsView.refresh();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}

/** control_logs of the module root: `--logs-dir` from the extra args, else `headscale.controlLogs`. */
function currentControlLogs(): string | undefined {
  const root = moduleRoot();
  if (!root) return undefined;
  const s = runSettings(vscode.Uri.file(root));
  return controlLogsDir(root, s.controlLogs, s.hiExtraArgs);
}

/** The first workspace folder (or parent) with go.mod and cmd/hi. */
function moduleRoot(): string | undefined {
  for (const f of vscode.workspace.workspaceFolders ?? []) {
    const { hiRoot } = findModuleRoots(f.uri.fsPath);
    if (hiRoot) return hiRoot;
  }
  return undefined;
}

/**
 * A user-typed pattern (headscale.timeouts.pattern), or with `suite` = "Test" every test of the
 * package (headscale.timeouts.suite, the guide's 45 minutes).
 */
async function runPattern(runner: RunnerController, suite?: string): Promise<void> {
  const root = moduleRoot();
  if (!root) {
    void vscode.window.showErrorMessage('hi workbench: no folder with go.mod and cmd/hi in this workspace.');
    return;
  }
  const pattern =
    suite ??
    (await vscode.window.showInputBox({
      title: 'Run integration tests matching a pattern',
      prompt: 'A go test -run pattern, e.g. TestSubnet* or ^TestA$|^TestB$',
      validateInput: (v) => (v ? validatePattern(v) : null),
    }));
  if (!pattern) return;
  const s = runSettings();
  const timeout = suite ? s.timeouts.suite : s.timeouts.pattern;
  const args: RunTestArgs = {
    title: suite ? 'all integration tests' : pattern,
    testName: null,
    uri: '',
    pattern,
    argv: buildRunArgv(s.hiCommand, s.hiExtraArgs, { pattern, anchored: false, timeoutSeconds: timeout, postgres: false }),
    cwd: root,
    timeoutSeconds: timeout,
    postgres: false,
    category: suite ? 'suite' : 'pattern',
    previousDurations: [],
  };
  await runner.request(args);
}

/** The status bar's menu: cancel, show the run, and the editable queue. */
async function runMenu(runner: RunnerController): Promise<void> {
  type Item = vscode.QuickPickItem & { action: () => void };
  const items: Item[] = [];
  if (runner.current) {
    items.push({ label: `$(debug-stop) Cancel ${runner.current.title}`, detail: 'SIGINT first, so hi removes its containers', action: () => void runner.cancel() });
    items.push({ label: `$(terminal) Show output of ${runner.current.title}`, action: () => vscode.window.terminals.find((t) => t.name === `hi: ${runner.current?.title}`)?.show() });
  }
  runner.queued.forEach((q, i) => {
    items.push({ label: `$(close) Remove ${q.title} from the queue`, description: `#${i + 1} in queue`, action: () => runner.removeQueued(q.id) });
    if (i > 0) items.push({ label: `$(arrow-up) Move ${q.title} up`, action: () => runner.moveQueued(q.id, -1) });
  });
  if (!items.length) items.push({ label: 'No hi run is active or queued', action: () => undefined });
  const pick = await vscode.window.showQuickPick(items, { title: 'hi runs' });
  pick?.action();
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
  await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.joinPath(marker, '..'));
}
