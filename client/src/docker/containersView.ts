import * as vscode from 'vscode';
import { Reloader } from '../reloader';
import type { CleanupOptions, CleanupPlan, ContainerGroup, DockerState, HiContainer } from '../../../shared/src/docker';
import { formatBytes, plural } from '../wording';
import { containerDescription, groupDescription, planLines, resultSummary } from './containerPresentation';
import type { DockerClient } from './dockerClient';

type Node = { type: 'group'; group: ContainerGroup } | { type: 'container'; container: HiContainer; group: ContainerGroup };

const STATE_ICONS: Record<string, vscode.ThemeIcon> = {
  running: new vscode.ThemeIcon('circle-filled', new vscode.ThemeColor('testing.iconPassed')),
  exited: new vscode.ThemeIcon('circle-outline'),
  dead: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  created: new vscode.ThemeIcon('circle-large-outline'),
  paused: new vscode.ThemeIcon('debug-pause'),
  restarting: new vscode.ThemeIcon('sync~spin'),
};

/**
 * The "Containers" view: hi's containers grouped by run, redrawn when the server reports Docker
 * events. An unreachable daemon is one message in the view (with the retry countdown), never a
 * stream of notifications. Removal always goes through a modal that lists exactly what goes.
 */
export class ContainersView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<Node>;
  private groups: ContainerGroup[] = [];
  private state: DockerState | undefined;
  private readonly reloader = new Reloader(() => this.load());
  /** Which containers exist in which state, to tell a real change from a refresh that found the same. */
  private signature = '';
  private readonly groupsChanged = new vscode.EventEmitter<void>();
  /** Fires when containers or their states changed (the Runs view shows a run's containers from this). */
  readonly onDidChangeGroups = this.groupsChanged.event;

  constructor(private readonly docker: DockerClient, private readonly log: vscode.LogOutputChannel) {
    this.view = vscode.window.createTreeView('hi.containers', { treeDataProvider: this, showCollapseAll: true });
  }

  containersOfRun(runId: string): HiContainer[] {
    return this.groups.find((g) => g.runId === runId)?.containers ?? [];
  }

  refresh(): Promise<void> {
    return this.reloader.reload();
  }

  private async load(): Promise<void> {
    try {
      const result = await this.docker.listContainers();
      const wasReachable = this.state?.reachable;
      this.state = result.state;
      this.groups = result.groups;
      if (result.state.reachable) {
        this.view.message = result.groups.length ? undefined : 'No hi containers: nothing is running and nothing was left behind.';
        this.view.description = `${plural(result.groups.reduce((n, g) => n + g.containers.length, 0), 'container')} · Docker ${result.state.version}`;
      } else {
        this.view.message = `Docker not reachable at ${result.state.host}: ${result.state.error}. Retrying${result.state.retryInSeconds ? ` in ${result.state.retryInSeconds}s` : ''} (or use Retry).`;
        this.view.description = 'Docker not reachable';
        if (wasReachable !== false) this.log.warn(`Docker not reachable at ${result.state.host}: ${result.state.error}`);
      }
      void vscode.commands.executeCommand('setContext', 'hi.dockerReachable', result.state.reachable);
    } catch (e) {
      this.view.message = 'The Docker view is unavailable (the language server is not running).';
      this.log.warn(`listing containers failed: ${String(e)}`);
    }
    this.changed.fire(undefined);
    const signature = this.groups.map((g) => `${g.runId}:${g.containers.map((c) => `${c.id}=${c.state}`).join(',')}`).join(';');
    if (signature !== this.signature) this.groupsChanged.fire();
    this.signature = signature;
  }

  getChildren(n?: Node): Node[] {
    if (!n) return this.groups.map((group) => ({ type: 'group', group }));
    if (n.type === 'group') return n.group.containers.map((container) => ({ type: 'container', container, group: n.group }));
    return [];
  }

  getParent(n: Node): Node | undefined {
    return n.type === 'container' ? { type: 'group', group: n.group } : undefined;
  }

  getTreeItem(n: Node): vscode.TreeItem {
    if (n.type === 'group') {
      const item = new vscode.TreeItem(n.group.label, n.group.active || n.group.runId === null ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `group:${n.group.runId ?? 'unlabelled'}`;
      item.description = groupDescription(n.group);
      item.iconPath = new vscode.ThemeIcon(n.group.runId ? (n.group.active ? 'run-all' : 'history') : 'question');
      item.contextValue = n.group.runId ? 'hi.containerRun' : 'hi.containerUnlabelled';
      return item;
    }
    const c = n.container;
    const item = new vscode.TreeItem(c.name);
    item.id = `container:${c.id}`;
    item.description = containerDescription(c);
    item.tooltip = `${c.name}\n${c.status}\nrole ${c.role}${c.runId ? `, run ${c.runId}` : ', no hi labels'}\nimage ${c.image}\nnetworks ${c.networks.join(', ') || '—'}`;
    item.iconPath = STATE_ICONS[c.state] ?? new vscode.ThemeIcon('circle-outline');
    item.contextValue = `hi.container.${c.state}`;
    item.command = { command: 'hi.showContainerLogs', title: 'Show logs', arguments: [n] };
    return item;
  }

  /** Expands and selects a run's group (a running test's containers appear live). */
  async revealRun(runId: string): Promise<void> {
    await this.refresh();
    const group = this.groups.find((g) => g.runId === runId);
    if (group && this.view.visible) await this.view.reveal({ type: 'group', group }, { expand: true, select: false, focus: false });
  }

  /** "Clean leftovers": exited/dead hi containers, their unused hs-* networks, optionally caches. */
  async cleanLeftovers(): Promise<void> {
    const extras = await vscode.window.showQuickPick(
      [
        { label: 'Go module and build cache volumes', description: 'hs-integration-go-cache, hs-integration-go-build-cache (the next run downloads modules again)', key: 'volumes' as const },
        { label: 'hi test images', description: 'images tagged hs-*, headscale-integration*, tailscale* (the next run rebuilds them)', key: 'images' as const },
      ],
      { title: 'Clean leftovers: also remove…', placeHolder: 'Exited hi containers and their unused hs-* networks are always included; pick extras or press Enter', canPickMany: true },
    );
    if (!extras) return;
    const options: CleanupOptions = { includeCacheVolumes: extras.some((e) => e.key === 'volumes'), includeImages: extras.some((e) => e.key === 'images') };
    await this.planAndRemove(options, 'Clean leftovers');
  }

  async removeContainers(containers: HiContainer[], title: string): Promise<void> {
    await this.planAndRemove({ containerIds: containers.map((c) => c.id) }, title);
  }

  private async planAndRemove(options: CleanupOptions, title: string): Promise<void> {
    let plan: CleanupPlan;
    try {
      plan = await this.docker.planCleanup(options);
    } catch (e) {
      void vscode.window.showErrorMessage(`${title}: Docker is not reachable (${e instanceof Error ? e.message : String(e)}). Nothing was removed.`);
      await this.refresh();
      return;
    }
    await this.confirmAndRemove(plan, title);
  }

  private async confirmAndRemove(plan: CleanupPlan, title: string): Promise<void> {
    const count = plan.containers.length + plan.networks.length + plan.volumes.length + plan.images.length;
    if (!count) {
      void vscode.window.showInformationMessage(`${title}: nothing of hi's to remove.`);
      return;
    }
    const choice = await vscode.window.showWarningMessage(
      `${title}: remove ${plural(count, 'item')} (about ${formatBytes(plan.reclaimBytes)})?`,
      { modal: true, detail: `Only hi's containers, networks, volumes and images are touched:\n${planLines(plan)}` },
      'Remove',
    );
    if (choice !== 'Remove') return;
    let allowRunning = false;
    if (plan.running.length) {
      const again = await vscode.window.showWarningMessage(
        `${plural(plan.running.length, 'container')} ${plan.running.length === 1 ? 'is' : 'are'} running (an active run): ${plan.running.map((c) => c.name).join(', ')}. Stop and remove ${plan.running.length === 1 ? 'it' : 'them'} too?`,
        { modal: true, detail: 'A running test loses its containers and fails. Choose "Keep running ones" to remove only the stopped containers.' },
        'Remove running ones too',
        'Keep running ones',
      );
      if (!again) return;
      allowRunning = again === 'Remove running ones too';
    }
    const result = await this.docker.executeCleanup(plan, allowRunning).catch((e: unknown) => {
      void vscode.window.showErrorMessage(`${title}: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    });
    if (!result) return;
    for (const f of result.failed) this.log.warn(`${title}: could not remove ${f.name}: ${f.message}`);
    for (const r of result.refused) this.log.info(`${title}: kept ${r.name}: ${r.reason}`);
    void vscode.window.showInformationMessage(`${title}: ${resultSummary(result)}`);
    await this.refresh();
  }

  dispose(): void {
    this.view.dispose();
    this.changed.dispose();
    this.groupsChanged.dispose();
  }
}
