import * as path from 'node:path';
import * as vscode from 'vscode';
import { Reloader } from '../reloader';
import type { ErrorLine, RunFile, RunSearchResult, RunView, SearchFile } from '../../../shared/src/artifacts';
import { DEBUG_FLOWS, type DebugFlow } from '../../../shared/src/debugFlows';
import type { HiContainer } from '../../../shared/src/docker';
import { containerDescription } from '../wording';
import type { ArtifactsClient } from './artifactsClient';
import type { LogProblems } from './logProblems';
import { errorLabel, errorRowLabel, fileDescription, formatBytes, groupFiles, mapResponseNodes, plural, runDescription, runLabel, runTooltip, type FileGroup } from './presentation';

/** Tree nodes; each keeps its parent so `reveal` can walk up. */
type Node =
  | { type: 'run'; run: RunView }
  | { type: 'evidence'; run: RunView; parent: Node }
  | { type: 'summary'; run: RunView; parent: Node }
  | { type: 'group'; run: RunView; group: FileGroup; parent: Node }
  | { type: 'file'; run: RunView; file: RunFile; parent: Node }
  | { type: 'mapnode'; run: RunView; node: string; dir: string; count: number; parent: Node }
  | { type: 'error'; run: RunView; file: RunFile; error: ErrorLine; parent: Node }
  | { type: 'warnings'; run: RunView; file: RunFile; parent: Node }
  | { type: 'flows'; run: RunView; parent: Node }
  | { type: 'flow'; run: RunView; flow: DebugFlow; parent: Node; result?: RunSearchResult }
  | { type: 'flowfile'; run: RunView; flow: DebugFlow; file: SearchFile; parent: Node }
  | { type: 'match'; run: RunView; flow: DebugFlow; file: SearchFile; line: number; text: string; parent: Node }
  | { type: 'message'; run: RunView; text: string; key: string; parent: Node }
  | { type: 'containers'; run: RunView; containers: HiContainer[]; parent: Node }
  | { type: 'container'; run: RunView; container: HiContainer; parent: Node };

const STATUS_ICONS: Record<RunView['status'], vscode.ThemeIcon> = {
  passed: new vscode.ThemeIcon('testing-passed-icon', new vscode.ThemeColor('testing.iconPassed')),
  failed: new vscode.ThemeIcon('testing-failed-icon', new vscode.ThemeColor('testing.iconFailed')),
  running: new vscode.ThemeIcon('loading~spin'),
  cancelled: new vscode.ThemeIcon('circle-slash'),
  unknown: new vscode.ThemeIcon('question'),
};

const LOG_FILE_KINDS = new Set<RunFile['kind']>(['hs-stderr', 'hs-stdout', 'ts-stderr', 'ts-stdout', 'log']);

const VIEWER_KINDS = { metrics: 'metrics', status: 'status', database: 'database' } as const;

/**
 * The "Runs" view: control_logs runs newest first, each with its files in the guide's reading
 * order and its error lines. It draws what the server computed; a file watcher keeps it live and
 * the runner's active run shows as running.
 */
export class RunsView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<Node>;
  private runs: RunView[] = [];
  private nodes = new Map<string, Node>();
  private controlLogs: string | undefined;
  private watcher: vscode.FileSystemWatcher | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private readonly reloader = new Reloader(() => this.load());
  /** The index is read only while the view is visible (and the server is up); otherwise it is marked stale. */
  private stale = true;
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];
  /** "Search this run…" patterns per run path, shown after the guide's flows. */
  private readonly searches = new Map<string, DebugFlow[]>();

  constructor(
    private readonly client: ArtifactsClient,
    private readonly locate: () => string | undefined,
    private readonly activeRunId: () => string | null,
    /** The run's Docker containers, from the Containers view (live while a test runs). */
    private readonly containersOfRun: (runId: string) => HiContainer[],
    private readonly log: vscode.LogOutputChannel,
    /** Expanded runs have their logs' lines in Problems; collapsing takes them away. */
    private readonly problems?: LogProblems,
    /** `headscale.artifacts.debugFlows`, after the guide's. */
    private readonly userFlows: () => DebugFlow[] = () => [],
  ) {
    this.view = vscode.window.createTreeView('hi.runs', { treeDataProvider: this, showCollapseAll: true });
    this.disposables.push(
      this.view,
      this.changed,
      this.view.onDidChangeVisibility((e) => {
        if (e.visible && this.stale) void this.refresh();
      }),
      this.view.onDidCollapseElement((e) => {
        if (e.element.type === 'run') this.problems?.setRun(e.element.run.path, null);
      }),
    );
  }

  get folder(): string | undefined {
    return this.controlLogs;
  }

  /** The language server is up: the index can be asked for. */
  start(): Promise<void> {
    this.ready = true;
    return this.refresh();
  }

  /** Re-reads the index (one request at a time; see Reloader) if the view is showing, else marks it stale. */
  refresh(): Promise<void> {
    this.stale = true;
    return this.ready && this.view.visible ? this.reloader.reload() : Promise.resolve();
  }

  /** File events arrive in bursts while hi writes a run: one refresh per half second at most. */
  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), 500);
  }

  private async load(): Promise<void> {
    this.stale = false;
    const dir = this.locate();
    if (dir !== this.controlLogs) this.watch(dir);
    this.controlLogs = dir;
    if (!dir) {
      this.runs = [];
      this.view.message = 'Open a headscale checkout (a folder with go.mod and cmd/hi) to browse its control_logs runs.';
      this.view.description = undefined;
      this.changed.fire(undefined);
      return;
    }
    try {
      const result = await this.client.listRuns(dir);
      this.runs = result.runs;
      this.view.description = result.exists ? formatBytes(result.totalBytes) : undefined;
      this.view.message = result.runs.length ? undefined : `No runs in ${path.basename(dir)} yet: they appear here while hi runs.`;
    } catch (e) {
      this.log.warn(`listing ${dir} failed: ${String(e)}`);
      this.view.message = 'The control_logs index is unavailable (the language server is not running).';
    }
    this.nodes.clear();
    this.changed.fire(undefined);
  }

  private watch(dir: string | undefined): void {
    this.watcher?.dispose();
    this.watcher = undefined;
    if (!dir) return;
    this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dir), '**'));
    const kick = () => this.scheduleRefresh();
    this.watcher.onDidCreate(kick);
    this.watcher.onDidChange(kick);
    this.watcher.onDidDelete(kick);
  }

  /** Selects and expands a run folder (from the runner's "Open artifacts" or a lens's "Last run"). */
  async reveal(dir: string): Promise<boolean> {
    if (!this.ready) return false;
    await this.reloader.reload();
    const run = this.runs.find((r) => path.resolve(r.path) === path.resolve(dir));
    if (!run) return false;
    await this.view.reveal(this.node({ type: 'run', run }), { select: true, focus: true, expand: true });
    return true;
  }

  /** Nodes are interned by id so reveal() and getParent() see the same objects the tree holds. */
  private node(n: Node): Node {
    const id = nodeId(n);
    const existing = this.nodes.get(id);
    if (existing) return existing;
    this.nodes.set(id, n);
    return n;
  }

  /** Docker containers changed: redraw (runs keep their data; a run's containers are re-read). */
  containersChanged(): void {
    this.nodes.clear();
    this.changed.fire(undefined);
  }

  /** "Search this run…": adds the pattern as a flow of the run and opens it. */
  async search(run: RunView, pattern: string): Promise<void> {
    const flow: DebugFlow = { id: `search-${pattern}`, label: `Search: ${pattern}`, pattern, hint: 'Search this run…' };
    const list = this.searches.get(run.path) ?? [];
    if (!list.some((f) => f.pattern === pattern)) this.searches.set(run.path, [...list, flow]);
    const live = this.runs.find((r) => r.path === run.path) ?? run;
    const runNode = this.node({ type: 'run', run: live });
    const flows = this.node({ type: 'flows', run: live, parent: runNode });
    this.changed.fire(flows);
    await this.view.reveal(this.node({ type: 'flow', run: live, flow, parent: flows }), { select: true, focus: true, expand: true });
  }

  getParent(n: Node): Node | undefined {
    return n.type === 'run' ? undefined : n.parent;
  }

  async getChildren(n?: Node): Promise<Node[]> {
    if (!n) return this.runs.map((run) => this.node({ type: 'run', run: this.withLiveStatus(run) }));
    switch (n.type) {
      case 'run': {
        // Expanding describes the run (scans its logs) and publishes its errors as Problems.
        const run = (this.controlLogs && (await this.client.describeRun(this.controlLogs, n.run.id).catch(() => null))) || n.run;
        const live = this.withLiveStatus(run);
        if (!n.run.described && live.described) {
          // An older run listed without its logs: its row now gets the error count and triage.
          n.run = live;
          this.runs = this.runs.map((r) => (r.id === live.id ? run : r));
          this.changed.fire(n);
        }
        this.problems?.setRun(live.path, live.files.filter((f) => LOG_FILE_KINDS.has(f.kind)).map((f) => f.path));
        const children: Node[] = [];
        const containers = this.containersOfRun(live.id);
        if (containers.length) children.push(this.node({ type: 'containers', run: live, containers, parent: n }));
        if (live.status === 'failed' && live.described) children.push(this.node({ type: 'summary', run: live, parent: n }));
        if (live.evidence.length) children.push(this.node({ type: 'evidence', run: live, parent: n }));
        // The guide's searches come before the files: they are where a reading of the logs starts.
        if (live.files.some((f) => LOG_FILE_KINDS.has(f.kind))) children.push(this.node({ type: 'flows', run: live, parent: n }));
        for (const group of groupFiles(live)) children.push(this.node({ type: 'group', run: live, group, parent: n }));
        return children;
      }
      case 'flows':
        return [...DEBUG_FLOWS, ...this.userFlows(), ...(this.searches.get(n.run.path) ?? [])].map((flow) => this.node({ type: 'flow', run: n.run, flow, parent: n }));
      case 'flow': {
        // Expanding a flow runs it (ripgrep over the run's logs); collapsing and expanding again re-runs it.
        const result = this.controlLogs ? await this.client.searchRun(this.controlLogs, n.run.id, n.flow.pattern).catch((e) => ({ pattern: n.flow.pattern, files: [], total: 0, error: String(e) })) : null;
        n.result = result ?? undefined;
        if (!result) return [this.node({ type: 'message', run: n.run, text: 'The run no longer exists.', key: n.flow.pattern, parent: n })];
        if (result.error) return [this.node({ type: 'message', run: n.run, text: result.error, key: n.flow.pattern, parent: n })];
        if (!result.files.length) return [this.node({ type: 'message', run: n.run, text: `No line matches ${n.flow.pattern}`, key: n.flow.pattern, parent: n })];
        return result.files.map((file) => this.node({ type: 'flowfile', run: n.run, flow: n.flow, file, parent: n }));
      }
      case 'flowfile':
        return n.file.matches.map((m) => this.node({ type: 'match', run: n.run, flow: n.flow, file: n.file, line: m.line, text: m.text, parent: n }));
      case 'group':
        if (n.group.id === 'mapresponses') return mapResponseNodes(n.run, n.group.files).map((m) => this.node({ type: 'mapnode', run: n.run, ...m, parent: n }));
        return n.group.files.map((file) => this.node({ type: 'file', run: n.run, file, parent: n }));
      case 'file': {
        // Errors first; the warnings (a tenth of a real headscale log) wait in one collapsed group.
        const rows: Node[] = n.file.errors.map((error) => this.node({ type: 'error', run: n.run, file: n.file, error, parent: n }));
        if (n.file.warningCount) rows.push(this.node({ type: 'warnings', run: n.run, file: n.file, parent: n }));
        return rows;
      }
      case 'warnings':
        return n.file.warnings.map((error) => this.node({ type: 'error', run: n.run, file: n.file, error, parent: n }));
      case 'containers':
        return n.containers.map((container) => this.node({ type: 'container', run: n.run, container, parent: n }));
      default:
        return [];
    }
  }

  private withLiveStatus(run: RunView): RunView {
    return run.id === this.activeRunId() ? { ...run, status: 'running' } : run;
  }

  getTreeItem(n: Node): vscode.TreeItem {
    switch (n.type) {
      case 'run': {
        const item = new vscode.TreeItem(runLabel(n.run), vscode.TreeItemCollapsibleState.Collapsed);
        item.id = nodeId(n);
        item.description = runDescription(n.run);
        item.iconPath = STATUS_ICONS[n.run.status];
        item.contextValue = n.run.status === 'running' ? 'hi.run.running' : n.run.status === 'failed' ? 'hi.run.failed' : 'hi.run';
        item.resourceUri = vscode.Uri.file(n.run.path);
        item.tooltip = runTooltip(n.run);
        return item;
      }
      case 'evidence': {
        const first = n.run.evidence[0];
        const item = new vscode.TreeItem(`${n.run.triage === 'infrastructure' ? 'Infrastructure failure' : n.run.triage === 'code' ? 'Code failure' : 'Failure'}: ${errorLabel(first.text)}`);
        item.id = nodeId(n);
        item.iconPath = new vscode.ThemeIcon(n.run.triage === 'infrastructure' ? 'server-environment' : 'bug');
        item.description = `${first.file}:${first.line}`;
        item.tooltip = n.run.evidence.map((e) => `${e.file}:${e.line}  ${e.text}${e.note ? ` (${e.note})` : ''}`).join('\n');
        item.command = { command: 'hi.openLogAt', title: 'Open', arguments: [path.join(n.run.path, first.file), first.line, n.run.files.find((f) => f.relative === first.file)?.sizeBytes] };
        return item;
      }
      case 'flows': {
        const item = new vscode.TreeItem('Debug flows', vscode.TreeItemCollapsibleState.Collapsed);
        item.id = nodeId(n);
        item.description = 'the guide\'s searches over every log';
        item.iconPath = new vscode.ThemeIcon('search');
        item.contextValue = 'hi.flows';
        return item;
      }
      case 'flow': {
        const item = new vscode.TreeItem(n.flow.label, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = nodeId(n);
        item.description = n.flow.pattern;
        item.tooltip = `${n.flow.label}: ${n.flow.pattern}\n${n.flow.hint}`;
        item.iconPath = new vscode.ThemeIcon('list-filter');
        return item;
      }
      case 'flowfile': {
        const item = new vscode.TreeItem(path.posix.basename(n.file.relative), vscode.TreeItemCollapsibleState.Expanded);
        item.id = nodeId(n);
        item.description = `${n.file.more ? `first ${n.file.matches.length}` : plural(n.file.matches.length, 'line')}${n.file.problem ? ` · ${n.file.problem}` : ''}`;
        item.resourceUri = vscode.Uri.file(n.file.path);
        return item;
      }
      case 'match': {
        const item = new vscode.TreeItem(errorRowLabel({ line: n.line, text: n.text, marker: '', severity: 'warning' }));
        item.id = nodeId(n);
        item.tooltip = `${n.file.relative}:${n.line}\n${n.text}`;
        item.command = { command: 'hi.openLogAt', title: 'Open at this line', arguments: [n.file.path, n.line] };
        item.contextValue = 'hi.logLine';
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(n.text);
        item.id = nodeId(n);
        item.iconPath = new vscode.ThemeIcon('info');
        return item;
      }
      case 'summary': {
        const item = new vscode.TreeItem('Failure summary');
        item.id = nodeId(n);
        item.description = 'what broke, in the guide\'s reading order';
        item.iconPath = new vscode.ThemeIcon('report');
        item.command = { command: 'hi.showFailureSummary', title: 'Show failure summary', arguments: [{ run: n.run }] };
        return item;
      }
      case 'group': {
        const errors = n.group.files.reduce((s, f) => s + f.errorCount, 0);
        const item = new vscode.TreeItem(n.group.label, n.group.id === 'headscale' || errors ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
        item.id = nodeId(n);
        // Past 500 map responses the server sends the first rows and every folder's count.
        const folded = n.group.id === 'mapresponses' ? n.run.mapResponseFolders : undefined;
        const count = folded ? folded.reduce((sum, m) => sum + m.count, 0) : n.group.files.length;
        item.description = errors ? plural(errors, 'error') : plural(count, 'file');
        return item;
      }
      case 'file': {
        const f = n.file;
        const item = new vscode.TreeItem(path.posix.basename(f.relative), f.errors.length || f.warningCount ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = nodeId(n);
        item.description = fileDescription(f);
        item.resourceUri = vscode.Uri.file(f.path);
        item.tooltip = `${f.relative}\n${fileDescription(f)}`;
        item.contextValue = f.kind.endsWith('stderr') || f.kind.endsWith('stdout') || f.kind === 'log' ? 'hi.log' : `hi.${f.kind}`;
        const viewer = VIEWER_KINDS[f.kind as keyof typeof VIEWER_KINDS];
        item.command = viewer
          ? { command: 'hi.viewArtifact', title: 'Open viewer', arguments: [f.path, viewer] }
          : item.contextValue === 'hi.log'
            ? { command: 'hi.openLogAt', title: 'Open at first error', arguments: [f.path, f.errors[0]?.line ?? 1, f.sizeBytes] }
            : { command: 'hi.openFile', title: 'Open', arguments: [f.path] };
        return item;
      }
      case 'mapnode': {
        const item = new vscode.TreeItem(`node ${n.node}`);
        item.id = nodeId(n);
        item.description = plural(n.count, 'response');
        item.iconPath = new vscode.ThemeIcon('timeline-open');
        item.command = { command: 'hi.viewArtifact', title: 'Open timeline', arguments: [path.dirname(n.dir), 'mapresponses'] };
        return item;
      }
      case 'containers': {
        const running = n.containers.filter((c) => c.state === 'running').length;
        const item = new vscode.TreeItem('Docker containers', vscode.TreeItemCollapsibleState.Collapsed);
        item.id = nodeId(n);
        item.description = `${plural(n.containers.length, 'container')}${running ? ` · ${running} running` : ''}`;
        item.iconPath = new vscode.ThemeIcon('vm');
        return item;
      }
      case 'container': {
        const item = new vscode.TreeItem(n.container.name);
        item.id = nodeId(n);
        item.description = containerDescription(n.container);
        item.iconPath = new vscode.ThemeIcon(n.container.state === 'running' ? 'circle-filled' : 'circle-outline');
        item.command = { command: 'hi.showContainerLogs', title: 'Show logs', arguments: [{ container: n.container }] };
        return item;
      }
      case 'error': {
        // `:line` leads so a narrow sidebar truncates the text, never the line number.
        const item = new vscode.TreeItem(errorRowLabel(n.error));
        item.id = nodeId(n);
        item.description = n.error.note ?? n.error.marker;
        item.tooltip = `${n.file.relative}:${n.error.line} (${n.error.marker}${n.error.note ? `: ${n.error.note}` : ''})\n${n.error.text}`;
        item.iconPath = new vscode.ThemeIcon(n.error.severity === 'error' ? 'error' : 'warning', new vscode.ThemeColor(n.error.severity === 'error' ? 'errorForeground' : 'editorWarning.foreground'));
        item.command = { command: 'hi.openLogAt', title: 'Open at this line', arguments: [n.file.path, n.error.line, n.file.sizeBytes] };
        item.contextValue = 'hi.logLine';
        return item;
      }
      case 'warnings': {
        const shown = n.file.warnings.length;
        const item = new vscode.TreeItem(plural(n.file.warningCount, 'warning'), vscode.TreeItemCollapsibleState.Collapsed);
        item.id = nodeId(n);
        item.description = shown < n.file.warningCount ? `first ${shown} listed` : undefined;
        item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('editorWarning.foreground'));
        return item;
      }
    }
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    this.watcher?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function nodeId(n: Node): string {
  switch (n.type) {
    case 'run':
      return `run:${n.run.path}`;
    case 'evidence':
      return `evidence:${n.run.path}`;
    case 'summary':
      return `summary:${n.run.path}`;
    case 'flows':
      return `flows:${n.run.path}`;
    case 'flow':
      return `flow:${n.run.path}:${n.flow.id}:${n.flow.pattern}`;
    case 'flowfile':
      return `flowfile:${n.run.path}:${n.flow.id}:${n.flow.pattern}:${n.file.path}`;
    case 'match':
      return `match:${n.flow.id}:${n.flow.pattern}:${n.file.path}:${n.line}`;
    case 'message':
      return `message:${n.run.path}:${n.key}`;
    case 'group':
      return `group:${n.run.path}:${n.group.id}`;
    case 'file':
      return `file:${n.file.path}`;
    case 'mapnode':
      return `mapnode:${n.dir}`;
    case 'error':
      return `error:${n.file.path}:${n.error.line}`;
    case 'warnings':
      return `warnings:${n.file.path}`;
    case 'containers':
      return `containers:${n.run.path}`;
    case 'container':
      return `run-container:${n.container.id}`;
  }
}

