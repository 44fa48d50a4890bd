import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { runTestArgs, validatePattern } from '../../shared/src/hiCommand';
import { findModuleRoots } from '../../shared/src/moduleRoot';
import { InsertSnippetCommand, TrustChangedNotification, type RunTestArgs } from '../../shared/src/protocol';
import type { RunView } from '../../shared/src/artifacts';
import { controlLogsDir } from '../../shared/src/controlLogs';
import { ArtifactsClient } from './artifacts/artifactsClient';
import { LOG_LANGUAGE_ID, LogEditor } from './artifacts/logEditor';
import { deleteRun, deleteRunsByRule } from './artifacts/retention';
import { LogProblems, isRunLog } from './artifacts/logProblems';
import { CodeLinks } from './artifacts/codeLinks';
import { RunDocuments } from './artifacts/runDocuments';
import { RunsView } from './artifacts/runsView';
import { ArtifactViewers } from './artifacts/viewerPanel';
import { ContainerLogChangedNotification, ContainersChangedNotification, type HiContainer } from '../../shared/src/docker';
import { ContainerLogs } from './docker/containerLogs';
import { ContainersView } from './docker/containersView';
import { DockerClient } from './docker/dockerClient';
import { failedChecks } from './docker/envReport';
import { DOCTOR_SCHEME, DoctorReports } from './doctor';
import { createLanguageClient } from './languageClient';
import { RunnerController } from './runner/runnerController';
import { TestHistoryPanels } from './runner/historyPanel';
import { PhaseRunner } from './runner/phaseRunner';
import { debugFlowSettings, dockerSettings, logViewSettings, runSettings, terminalPerRun } from './settings';
import { TestFileLinks } from './terminalLinks';
import { TestExplorer } from './testExplorer';
import { offerWorkspaceTrust } from './trust';
import { insertSnippetAt, registerContractBase } from './contractBase';

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
  const runner = new RunnerController(log, (method) => void lc.sendNotification(method), () => ({ ...runSettings(), terminalPerRun: terminalPerRun() }));
  const doctor = new DoctorReports();
  const explorer = new TestExplorer(lc, runner);
  const artifacts = new ArtifactsClient(lc);
  const docker = new DockerClient(lc);
  const containersView = new ContainersView(docker, log);
  const containerLogs = new ContainerLogs(docker);
  // A log opened any way (Explorer, Quick Open, the Runs view) has its lines in Problems while open.
  const logProblems = new LogProblems(artifacts, (file) => isRunLog(file) || isLogLanguage(file), () => logViewSettings().warningsAsProblems);
  const runsView = new RunsView(artifacts, () => currentControlLogs(), () => runner.activeRunId, (runId) => containersView.containersOfRun(runId), log, logProblems, () => debugFlowSettings());
  const logEditor = new LogEditor(artifacts);
  const viewers = new ArtifactViewers(artifacts);
  const runDocs = new RunDocuments();
  const codeLinks = new CodeLinks(() => moduleRoot());
  const histories = new TestHistoryPanels(lc);
  runner.beforeRun = (args) => checkEnvironmentBeforeRun(args, docker, doctor);
  runner.durationsFor = (args) => explorer.previousDurations(args);
  const phases = new PhaseRunner(explorer, runner, artifacts, docker, containersView, () => currentControlLogs());
  const cwdByTerminal = (t: vscode.Terminal) => (runner.current && runner.isRunTerminal(t) ? runner.current.args.cwd : moduleRoot());

  const commands: Record<string, (...args: never[]) => unknown> = {
    'hi.showLog': () => log.show(),
    'hi.restartServer': async () => {
      log.info('restarting the language server on request');
      await lc.restart();
    },
    'hi.openSampleTest': () => openSampleTest(),
    'hi.revealControlLogs': () => revealControlLogs(),
    'hi.runTest': (args: RunTestArgs) => explorer.runArgs(args),
    'hi.runPattern': () => runPattern(explorer),
    'hi.runPhase': () => phases.pick(),
    'hi.showTestHistory': (uri?: string, test?: string) => (uri && test ? histories.open(uri, test) : undefined),
    'hi.runSuite': () => runPattern(explorer, 'Test'),
    'hi.cancelRun': () => runner.cancel(),
    'hi.showRunOutput': () => runner.showOutput(),
    'hi.runMenu': () => runMenu(runner),
    'hi.revealRun': async (dir: string) => {
      if (!(await runsView.reveal(dir))) await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(dir));
    },
    'hi.refreshRuns': () => runsView.refresh(),
    'hi.deleteRuns': () =>
      whenTrusted('Deleting runs', async () => {
        if (runsView.folder && (await deleteRunsByRule(artifacts, runsView.folder, runner.activeRunId))) await runsView.refresh();
      }),
    'hi.deleteRun': (node?: { run?: { id: string } }) =>
      whenTrusted('Deleting runs', async () => {
        if (runsView.folder && node?.run && (await deleteRun(artifacts, runsView.folder, node.run.id, runner.activeRunId))) await runsView.refresh();
      }),
    'hi.openLogAt': (file: string, line: number, size?: number) => logEditor.openAt(file, line, size),
    'hi.showFailureSummary': (node?: { run?: { id: string; test: string | null } }) => {
      const folder = runsView.folder;
      const run = node?.run;
      if (!folder || !run) return undefined;
      return runDocs.open(`${run.test ?? run.id} failure summary`, `summary:${folder}:${run.id}`, async () => (await artifacts.failureSummary(folder, run.id)) ?? { text: `# Run ${run.id} no longer exists.\n`, links: [] });
    },
    'hi.searchRun': async (node?: { run?: RunView }) => {
      const run = node?.run;
      if (!run) return;
      const pattern = await vscode.window.showInputBox({
        title: `Search ${run.test ?? run.id}`,
        prompt: 'A regular expression, searched in every log of the run (ripgrep)',
        placeHolder: 'e.g. Disconnect|NodeWentOffline|PrimaryRoutes',
        validateInput: (v) => {
          try {
            new RegExp(v);
            return v ? undefined : 'Type a regular expression';
          } catch (e) {
            return `Not a regular expression: ${(e as Error).message}`;
          }
        },
      });
      if (pattern) await runsView.search(run, pattern);
    },
    'hi.openTimeline': (target?: string | vscode.Uri | { file?: { path: string }; line?: number; error?: { line: number } }, line?: number) => {
      // From a Runs view row (error or flow match), a log editor's current line, or (file, line) arguments.
      const editor = vscode.window.activeTextEditor;
      const file = typeof target === 'string' ? target : target instanceof vscode.Uri ? target.fsPath : target?.file?.path ?? editor?.document.uri.fsPath;
      const at = typeof target === 'object' && !(target instanceof vscode.Uri) ? target.error?.line ?? target.line : line ?? (editor && editor.document.uri.fsPath === file ? editor.selection.active.line + 1 : undefined);
      if (!file || !at || !isRunLog(file)) return vscode.window.showInformationMessage('hi workbench: open a control_logs log (or pick an error line in the Runs view) to see the timeline around a line.');
      const runDir = path.dirname(file);
      const seconds = logViewSettings().timelineSeconds;
      return runDocs.open(`timeline ${path.basename(file)}:${at} ±${seconds}s`, `timeline:${file}:${at}:${seconds}`, async () => (await artifacts.timeline(path.dirname(runDir), path.basename(runDir), file, at, seconds)) ?? { text: '# The run or the log no longer exists.\n', links: [] });
    },
    'hi.openFile': (file: string) => vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file)),
    'hi.viewArtifact': (file: string, kind: 'metrics' | 'status' | 'mapresponses' | 'database') => viewers.open(file, kind),
    'hi.nextLogError': () => logEditor.jump(1),
    'hi.previousLogError': () => logEditor.jump(-1),
    'hi.openErrorsWithContext': (target?: vscode.Uri | { file?: { path: string } }) => {
      const file = target instanceof vscode.Uri ? target.fsPath : target?.file?.path ?? vscode.window.activeTextEditor?.document.uri.fsPath;
      return file ? logEditor.openWithContext(file) : undefined;
    },
    [InsertSnippetCommand]: (uri: string, line: number, snippet: string) => insertSnippetAt(uri, line, snippet),
    'hi.explainRestricted': () => offerWorkspaceTrust('Running hi is disabled in Restricted Mode: hi workbench only analyses untrusted code. Trust the workspace to run tests.', 'info'),
    'hi.doctor': () => {
      const root = moduleRoot();
      return root ? doctor.run(root, runSettings().hiCommand, () => docker.envChecks(root, dockerSettings().minFreeGB)) : vscode.window.showErrorMessage('hi workbench: open a headscale checkout (a folder with go.mod and cmd/hi) to run hi doctor.');
    },
    'hi.refreshContainers': () => containersView.refresh(),
    'hi.retryDocker': async () => {
      await docker.retry();
      await containersView.refresh();
    },
    'hi.cleanLeftovers': () => whenTrusted('Removing containers', () => containersView.cleanLeftovers()),
    'hi.removeContainer': (node?: { container?: HiContainer }) => node?.container && whenTrusted('Removing containers', () => containersView.removeContainers([node.container!], `Remove ${node.container!.name}`)),
    'hi.removeRunContainers': (node?: { group?: { runId: string | null; label: string; containers: HiContainer[] } }) =>
      node?.group && whenTrusted('Removing containers', () => containersView.removeContainers(node.group!.containers, `Remove the containers of ${node.group!.label}`)),
    'hi.showContainerLogs': (node?: { container?: HiContainer }) => node?.container && containerLogs.show(node.container.id, node.container.name),
  };
  for (const [id, handler] of Object.entries(commands)) {
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await (handler as (...a: unknown[]) => unknown)(...args);
        } catch (e) {
          // One clear message (and the details in the log) instead of VS Code's generic failure.
          log.error(`${id} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
          void vscode.window.showErrorMessage(`hi workbench: ${e instanceof Error ? e.message : String(e)}`, 'Show log').then((c) => c && log.show());
          return undefined;
        }
      }),
    );
  }
  context.subscriptions.push(
    runner,
    explorer,
    runsView,
    viewers,
    containersView,
    containerLogs,
    lc.onNotification(ContainersChangedNotification, () => void containersView.refresh()),
    lc.onNotification(ContainerLogChangedNotification, ({ id }: { id: string }) => containerLogs.textArrived(id)),
    containersView.onDidChangeGroups(() => runsView.containersChanged()),
    containersView.view.onDidChangeVisibility((e) => e.visible && void containersView.refresh()),
    logProblems,
    runner.onDidChangeRun(() => {
      const runId = runner.activeRunId;
      if (runId) void containersView.revealRun(runId);
    }),
    runner.onDidFinishRun((finished) => void offerLeftoverRemoval(finished, containersView)),
    runner.onDidFinishRun(() => histories.refresh()),
    histories,
    ...logEditor.register(),
    ...runDocs.register(),
    codeLinks.register(),
    runner.onDidChangeRun(() => void runsView.refresh()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('headscale.controlLogs') || e.affectsConfiguration('headscale.hi.extraArgs') || e.affectsConfiguration('headscale.artifacts')) void runsView.refresh();
      if (e.affectsConfiguration('headscale.artifacts.warningsAsProblems')) logProblems.resend();
    }),
    vscode.workspace.registerTextDocumentContentProvider(DOCTOR_SCHEME, doctor),
    registerContractBase(lc),
    vscode.window.registerTerminalLinkProvider(new TestFileLinks(cwdByTerminal)),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      log.info('workspace trusted: running hi is now allowed');
      void lc.sendNotification(TrustChangedNotification, { trusted: true });
    }),
    { dispose: () => void lc.stop() },
  );
  log.info(`hi workbench activated (workspace ${vscode.workspace.isTrusted ? 'trusted' : 'in Restricted Mode: analysis only, nothing is executed'})`);
  await lc.start();
  void runsView.start();
  if (containersView.view.visible) void containersView.refresh();
}

/** A log the user gave the log language (any .log opened as hi control log). */
function isLogLanguage(file: string): boolean {
  return vscode.workspace.textDocuments.some((d) => d.uri.scheme === 'file' && d.uri.fsPath === file && d.languageId === LOG_LANGUAGE_ID);
}

/** Destructive actions need a trusted workspace (package.json hides them too; this covers keybindings and URIs). */
async function whenTrusted(what: string, action: () => Promise<unknown>): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    void offerWorkspaceTrust(`${what} is disabled in Restricted Mode. Trust this workspace to use it.`);
    return;
  }
  await action();
}

/**
 * Before a run: the Docker checks (daemon, disk, images). A failed check asks first, offering to
 * run anyway or to open the report with the fixes; warnings never block.
 */
async function checkEnvironmentBeforeRun(args: RunTestArgs, docker: DockerClient, doctor: DoctorReports): Promise<boolean> {
  const settings = dockerSettings();
  if (!settings.checkBeforeRun) return true;
  const checks = await docker.envChecks(args.cwd, settings.minFreeGB).catch(() => []);
  const failed = failedChecks(checks);
  if (!failed.length) return true;
  const choice = await vscode.window.showWarningMessage(`Before running ${args.title}: ${failed.map((c) => `${c.name}: ${c.message}`).join('; ')}`, 'Run anyway', 'Fix');
  if (choice === 'Fix') void doctor.showEnvironment(checks);
  return choice === 'Run anyway';
}

/** After a cancel, or a failure kept with --keep-on-failure: offer to remove that run's containers. */
async function offerLeftoverRemoval(finished: { runId: string | null; status: string; args: RunTestArgs }, containers: ContainersView): Promise<void> {
  const kept = finished.status === 'cancelled' || (finished.status === 'failed' && finished.args.argv.includes('--keep-on-failure'));
  if (!kept || !finished.runId) return;
  await containers.refresh();
  const left = containers.containersOfRun(finished.runId);
  if (!left.length) return;
  const choice = await vscode.window.showWarningMessage(`${left.length} container(s) of run ${finished.runId} were left behind: ${left.map((c) => c.name).join(', ')}.`, 'Remove…', 'Show');
  if (choice === 'Show') await containers.revealRun(finished.runId);
  if (choice === 'Remove…') await containers.removeContainers(left, `Remove the leftovers of run ${finished.runId}`);
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
async function runPattern(explorer: TestExplorer, suite?: string): Promise<void> {
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
  const args = runTestArgs(s.hiCommand, s.hiExtraArgs, {
    title: suite ? 'all integration tests' : pattern,
    testName: null,
    uri: '',
    pattern,
    anchored: false,
    cwd: root,
    timeoutSeconds: timeout,
    postgres: false,
    category: suite ? 'suite' : 'pattern',
    previousDurations: [],
  });
  await explorer.runArgs(args);
}

/** The status bar's menu: cancel, show the run, and the editable queue. */
async function runMenu(runner: RunnerController): Promise<void> {
  type Item = vscode.QuickPickItem & { action: () => void };
  const items: Item[] = [];
  if (runner.current) {
    items.push({ label: `$(debug-stop) Cancel ${runner.current.title}`, detail: 'SIGINT first, so hi removes its containers', action: () => void runner.cancel() });
    items.push({ label: `$(terminal) Show output of ${runner.current.title}`, action: () => runner.showOutput() });
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
