import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { DiscoverTestsRequest, type RunTestArgs, type TestInfo } from '../../shared/src/protocol';
import type { TestCategory } from '../../shared/src/settings';
import type { HiOutputParser } from './runner/hiOutput';
import type { RequestOptions, RunnerController } from './runner/runnerController';

/**
 * The integration tests in the Testing view, by file with their subtests. Every run is a TestRun
 * here, wherever it starts (a lens, this view, the palette, a phase): results per test and subtest,
 * durations, failure messages at their lines and the gutter marks all come from hi's output.
 */
export class TestExplorer implements vscode.Disposable {
  private readonly controller = vscode.tests.createTestController('hi', 'Headscale integration (hi)');
  private readonly args = new WeakMap<vscode.TestItem, { run: RunTestArgs; runPostgres: RunTestArgs }>();
  private readonly disposables: vscode.Disposable[] = [this.controller];
  /** Top-level tests by item id, with their category (phases are built from it). */
  private readonly topLevel = new Map<string, { name: string; category: TestCategory; uri: string }>();

  constructor(private readonly client: LanguageClient, private readonly runner: RunnerController) {
    this.controller.resolveHandler = async (item) => {
      if (!item) await this.discoverWorkspace();
    };
    this.controller.refreshHandler = () => this.discoverWorkspace();
    for (const postgres of [false, true]) {
      this.controller.createRunProfile(postgres ? 'hi (PostgreSQL)' : 'hi (SQLite)', vscode.TestRunProfileKind.Run, (request, token) => this.run(request, token, postgres), !postgres);
    }
    const watcher = vscode.workspace.createFileSystemWatcher('**/integration/*_test.go');
    watcher.onDidChange((uri) => void this.discoverFile(uri));
    watcher.onDidCreate((uri) => void this.discoverFile(uri));
    watcher.onDidDelete((uri) => this.controller.items.delete(uri.toString()));
    this.disposables.push(watcher, vscode.workspace.onDidSaveTextDocument((d) => d.fileName.endsWith('_test.go') && void this.discoverFile(d.uri)));
  }

  async discoverWorkspace(): Promise<void> {
    const files = await vscode.workspace.findFiles('**/integration/*_test.go', '**/{node_modules,vendor}/**');
    await Promise.all(files.map((f) => this.discoverFile(f)));
  }

  private async discoverFile(uri: vscode.Uri): Promise<vscode.TestItem | undefined> {
    const result = await this.client.sendRequest(DiscoverTestsRequest, { uri: uri.toString() });
    for (const id of [...this.topLevel.keys()]) if (id.startsWith(`${uri.toString()}#`)) this.topLevel.delete(id);
    if (!result.tests.length) {
      this.controller.items.delete(uri.toString());
      return undefined;
    }
    for (const t of result.tests) this.topLevel.set(`${uri.toString()}#${t.name}`, { name: t.name, category: t.category as TestCategory, uri: uri.toString() });
    const file = this.controller.items.get(uri.toString()) ?? this.controller.createTestItem(uri.toString(), path.basename(uri.fsPath), uri);
    if (result.fileRun && result.fileRunPostgres) this.args.set(file, { run: result.fileRun, runPostgres: result.fileRunPostgres });
    // Items are updated in place (not replaced), so results and gutter marks of earlier runs stay.
    const sync = (collection: vscode.TestItemCollection, tests: TestInfo[]) => {
      const keep = new Set<string>();
      for (const t of tests) {
        const id = `${uri.toString()}#${t.name}`;
        keep.add(id);
        const item = collection.get(id) ?? this.controller.createTestItem(id, t.name.split('/').pop()!, uri);
        item.range = new vscode.Range(t.line, t.character, t.endLine, t.endCharacter);
        item.description = `${t.label} · ${t.run.timeoutSeconds}s${t.history.flakyCommits.length ? ' · ⚠ flaky' : ''}`;
        this.args.set(item, { run: t.run, runPostgres: t.runPostgres });
        collection.add(item);
        sync(item.children, t.children);
      }
      collection.forEach((i) => !keep.has(i.id) && collection.delete(i.id));
    };
    sync(file.children, result.tests);
    this.controller.items.add(file);
    return file;
  }

  /** Every top-level test of the workspace with its run arguments, by file path then position. */
  async topLevelTests(): Promise<{ name: string; category: TestCategory; args: RunTestArgs }[]> {
    await this.discoverWorkspace();
    const out: { name: string; category: TestCategory; args: RunTestArgs; uri: string }[] = [];
    this.controller.items.forEach((file) =>
      file.children.forEach((item) => {
        const info = this.topLevel.get(item.id);
        const args = this.args.get(item);
        if (info && args) out.push({ name: info.name, category: info.category, args: args.run, uri: info.uri });
      }),
    );
    return out.sort((a, b) => a.uri.localeCompare(b.uri)); // stable: discovery order within a file
  }

  /**
   * The earlier durations of a single-test run as the server has them now, on the run's backend: a
   * run queued behind another run of the same test gets an ETA that counts that run too.
   */
  async previousDurations(args: RunTestArgs): Promise<number[] | null> {
    if (!args.uri || !args.testName) return null;
    // Only a question to the server: the Testing view's items are not touched while a run is under way.
    const result = await this.client.sendRequest(DiscoverTestsRequest, { uri: args.uri });
    const find = (tests: TestInfo[]): TestInfo | undefined => {
      for (const t of tests) {
        const hit = t.name === args.testName ? t : find(t.children);
        if (hit) return hit;
      }
      return undefined;
    };
    const fresh = find(result.tests);
    return fresh ? (args.postgres ? fresh.runPostgres : fresh.run).previousDurations : null;
  }

  /**
   * A run from outside this view (lens, palette, phase) as a TestRun over the items it covers:
   * the test, the tests of a file or phase, or the top-level tests a pattern matches.
   */
  async runArgs(args: RunTestArgs, options: Omit<RequestOptions, 'observer'> & { onSkipped?: () => void } = {}): Promise<boolean> {
    const items = await this.itemsFor(args);
    const request = new vscode.TestRunRequest(items.length ? items : undefined);
    const testRun = this.controller.createTestRun(request, args.title, true);
    return this.observe(testRun, items, args, options, () => testRun.end());
  }

  private async itemsFor(args: RunTestArgs): Promise<vscode.TestItem[]> {
    const names = args.testName ? [args.testName] : args.testNames;
    if (args.uri) {
      const uri = vscode.Uri.parse(args.uri);
      const file = this.controller.items.get(uri.toString()) ?? (await this.discoverFile(uri));
      if (!file) return [];
      if (!names) return [file];
      return names.map((n) => this.find(file, `${uri.toString()}#${n}`)).filter((i): i is vscode.TestItem => !!i);
    }
    // A pattern from the palette: go test matches its first level against the top-level names.
    if (!this.controller.items.size) await this.discoverWorkspace();
    const top = new RegExp(args.pattern.split('/')[0]);
    const out: vscode.TestItem[] = [];
    this.controller.items.forEach((file) => file.children.forEach((t) => (names ? names.includes(t.label) : top.test(t.label)) && out.push(t)));
    return out;
  }

  private find(root: vscode.TestItem, id: string): vscode.TestItem | undefined {
    if (root.id === id) return root;
    let hit: vscode.TestItem | undefined;
    root.children.forEach((c) => (hit ??= this.find(c, id)));
    return hit;
  }

  private async run(request: vscode.TestRunRequest, token: vscode.CancellationToken, postgres: boolean): Promise<void> {
    const items: vscode.TestItem[] = [];
    if (request.include) items.push(...request.include);
    else this.controller.items.forEach((i) => items.push(i));
    const testRun = this.controller.createTestRun(request);
    const ours = new Set<number>();
    token.onCancellationRequested(() => {
      this.runner.clearQueue((r) => ours.has(r.id));
      void this.runner.cancel();
    });
    const finishedAll: Promise<void>[] = [];
    for (const item of items) {
      const args = this.args.get(item);
      if (!args) continue;
      finishedAll.push(new Promise<void>((resolve) => void this.observe(testRun, [item], postgres ? args.runPostgres : args.run, { queueWithoutAsking: finishedAll.length > 0, onQueued: (id) => ours.add(id) }, resolve)));
    }
    await Promise.all(finishedAll);
    testRun.end();
  }

  /** Requests the run and reports it into `testRun`; `done` is called once, however it ends. */
  private async observe(testRun: vscode.TestRun, items: vscode.TestItem[], args: RunTestArgs, options: Omit<RequestOptions, 'observer'> & { onQueued?: (id: number) => void; onSkipped?: () => void }, done: () => void): Promise<boolean> {
    const all = (fn: (i: vscode.TestItem) => void) => items.forEach((item) => this.forEach(item, fn));
    items.forEach((i) => testRun.enqueued(i));
    let ended = false;
    const end = () => {
      if (!ended) (ended = true), done();
    };
    const accepted = await this.runner.request(args, {
      ...options,
      observer: {
        queued: (run) => options.onQueued?.(run.id),
        started: () => all((i) => testRun.started(i)),
        output: (chunk) => testRun.appendOutput(chunk.replace(/\r?\n/g, '\r\n')),
        finished: (_run, parsed, _record, status) => {
          all((i) => this.report(testRun, i, parsed, status, args.cwd));
          // History changed: the items' arguments (the ETA) are read again.
          if (args.uri) void this.discoverFile(vscode.Uri.parse(args.uri));
          end();
        },
        skipped: () => {
          all((i) => testRun.skipped(i));
          options.onSkipped?.();
          end();
        },
      },
    });
    if (!accepted) {
      all((i) => testRun.skipped(i));
      end();
    }
    return accepted;
  }

  private report(testRun: vscode.TestRun, i: vscode.TestItem, parsed: HiOutputParser, status: string, cwd: string): void {
    const name = i.id.split('#')[1];
    if (!name) return; // a file: VS Code sums up its tests
    const result = parsed.tests.get(name);
    const duration = result?.durationSeconds !== undefined ? result.durationSeconds * 1000 : undefined;
    if (status === 'cancelled' && result?.status !== 'passed' && result?.status !== 'failed') testRun.skipped(i);
    else if (result?.status === 'passed') testRun.passed(i, duration);
    else if (result?.status === 'skipped') testRun.skipped(i);
    else if (result?.status === 'failed') {
      // go test prints assertion lines under the innermost running (sub)test: gather them all.
      const own = [...parsed.tests.values()].filter((t) => t.name === name || t.name.startsWith(`${name}/`));
      testRun.failed(i, this.messages(own.flatMap((t) => t.failures), own.flatMap((t) => t.output), cwd), duration);
    } else if (name.includes('/')) testRun.skipped(i); // a subtest go test never reached (failfast)
    else testRun.errored(i, new vscode.TestMessage(parsed.error ?? `no result for ${name} in hi's output`));
  }

  private messages(failures: { file: string; line: number; message: string }[], output: string[], cwd: string): vscode.TestMessage[] {
    if (!failures.length) return [new vscode.TestMessage(output.join('\n') || 'failed')];
    return failures.map((f) => {
      const m = new vscode.TestMessage(f.message || `${f.file}:${f.line}`);
      m.location = new vscode.Location(vscode.Uri.file(path.join(cwd, 'integration', f.file)), new vscode.Position(Math.max(0, f.line - 1), 0));
      return m;
    });
  }

  private forEach(item: vscode.TestItem, fn: (i: vscode.TestItem) => void): void {
    fn(item);
    item.children.forEach((c) => this.forEach(c, fn));
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}
