import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { normalizePhases, planPhases, type PhaseSetting } from '../../../shared/src/phases';
import type { RunTestArgs } from '../../../shared/src/protocol';
import type { ArtifactsClient } from '../artifacts/artifactsClient';
import { deleteRunsKeepingLast } from '../artifacts/retention';
import type { ContainersView } from '../docker/containersView';
import type { DockerClient } from '../docker/dockerClient';
import { dockerSettings } from '../settings';
import type { TestExplorer } from '../testExplorer';
import type { FinishedRun, RunnerController } from './runnerController';
import { renderPhaseSummary, type PhaseSummaryRow } from './runPages';

/**
 * "Run phase…": the guide's phases as a queue of single-test runs (each its own TestRun), an optional
 * clean-environment step before each test (old runs, leftovers, disk), and one summary table at the
 * end instead of a notification per test.
 */
export class PhaseRunner {
  constructor(
    private readonly explorer: TestExplorer,
    private readonly runner: RunnerController,
    private readonly artifacts: ArtifactsClient,
    private readonly docker: DockerClient,
    private readonly containers: ContainersView,
    private readonly controlLogs: () => string | undefined,
  ) {}

  async pick(): Promise<void> {
    const c = vscode.workspace.getConfiguration('headscale');
    const phases = normalizePhases(c.get('phases'));
    const tests = await this.explorer.topLevelTests();
    const plan = planPhases(tests, phases);
    const pick = await vscode.window.showQuickPick(
      plan.map((p) => ({ label: p.phase.name, description: `${p.tests.length} tests`, detail: p.tests.map((t) => t.name).join(', ') || 'no tests in this workspace', plan: p })),
      { title: 'Run phase', placeHolder: 'Tests run one at a time, in order; edit the phases in headscale.phases' },
    );
    if (!pick || !pick.plan.tests.length) return;
    await this.run(pick.plan.phase, pick.plan.tests.map((t) => t.args));
  }

  async run(phase: PhaseSetting, tests: RunTestArgs[]): Promise<PhaseSummaryRow[]> {
    const clean = vscode.workspace.getConfiguration('headscale.runner').get<boolean>('cleanEnvironment', true) !== false;
    const rows = new Map<RunTestArgs, PhaseSummaryRow>(tests.map((a) => [a, { test: a.title, status: 'skipped', durationSeconds: null, triage: null, runId: null, runDir: null }]));
    const done = new Set<RunTestArgs>();
    let resolveAll!: () => void;
    const allDone = new Promise<void>((r) => (resolveAll = r));
    const settle = (args: RunTestArgs) => {
      done.add(args);
      if (done.size === tests.length) resolveAll();
    };
    const sub = this.runner.onDidFinishRun((f: FinishedRun) => {
      const row = rows.get(f.args);
      if (!row) return;
      Object.assign(row, { status: f.status, durationSeconds: f.durationSeconds, runId: f.runId, runDir: f.runDir });
      void this.triage(row).finally(() => settle(f.args));
    });
    try {
      for (const args of tests) {
        const accepted = await this.explorer.runArgs(args, {
          quiet: true,
          queueWithoutAsking: true,
          prepare: clean ? (write) => this.cleanEnvironment(args, write) : undefined,
          onSkipped: () => settle(args),
        });
        if (!accepted) settle(args);
      }
      await allDone;
    } finally {
      sub.dispose();
    }
    const summary = [...rows.values()];
    const panel = vscode.window.createWebviewPanel('hi.phaseSummary', `${phase.name.split(':')[0]}: summary`, vscode.ViewColumn.Active, { enableScripts: false, enableCommandUris: ['hi.revealRun'], localResourceRoots: [] });
    panel.webview.html = renderPhaseSummary(phase.name, summary, randomBytes(16).toString('base64'));
    return summary;
  }

  private async triage(row: PhaseSummaryRow): Promise<void> {
    const logs = this.controlLogs();
    if (row.status !== 'failed' || !row.runId || !logs) return;
    const view = await this.artifacts.describeRun(logs, row.runId).catch(() => null);
    row.triage = view?.triage ?? null;
  }

  /**
   * The guide's mandatory pre-test cleanup, the safe way: old runs beyond the newest N, hi's
   * leftover containers and networks (each through its usual confirmation, silent when there is
   * nothing), then a disk check that can skip the test.
   */
  private async cleanEnvironment(args: RunTestArgs, write: (text: string) => void): Promise<boolean> {
    write('clean environment: ');
    const logs = this.controlLogs();
    const keep = vscode.workspace.getConfiguration('headscale.runner').get<number>('keepRuns', 50);
    if (logs && Number.isInteger(keep) && keep > 0) await deleteRunsKeepingLast(this.artifacts, logs, keep, this.runner.activeRunId).catch(() => false);
    write(`runs kept ≤ ${keep}; `);
    await this.containers.cleanLeftoversNow(`Before ${args.title}: clean leftovers`).catch(() => undefined);
    write('leftovers checked; ');
    const checks = await this.docker.envChecks(args.cwd, dockerSettings().minFreeGB).catch(() => []);
    const disk = checks.find((c) => c.name.startsWith('Free disk'));
    write(`disk: ${disk ? `${disk.status} (${disk.message})` : 'not measured'}\n`);
    if (disk?.status !== 'fail') return true;
    const choice = await vscode.window.showWarningMessage(`Before ${args.title}: ${disk.message}.`, 'Run anyway', 'Skip this test');
    return choice === 'Run anyway';
  }
}
