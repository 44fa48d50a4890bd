import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { DiscoverTestsRequest, type RunTestArgs, type TestInfo } from '../../shared/src/protocol';
import type { RunnerController } from './runner/runnerController';

/**
 * The integration tests in the Testing view, by file with their subtests. Both run profiles go
 * through the same one-at-a-time runner; results and failure locations come from hi's output.
 */
export class TestExplorer implements vscode.Disposable {
  private readonly controller = vscode.tests.createTestController('hi', 'Headscale integration (hi)');
  private readonly args = new WeakMap<vscode.TestItem, { run: RunTestArgs; runPostgres: RunTestArgs }>();
  private readonly disposables: vscode.Disposable[] = [this.controller];

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

  private async discoverFile(uri: vscode.Uri): Promise<void> {
    const result = await this.client.sendRequest(DiscoverTestsRequest, { uri: uri.toString() });
    if (!result.tests.length) {
      this.controller.items.delete(uri.toString());
      return;
    }
    const file = this.controller.createTestItem(uri.toString(), path.basename(uri.fsPath), uri);
    if (result.fileRun) this.args.set(file, { run: result.fileRun, runPostgres: { ...result.fileRun, postgres: true, argv: [...result.fileRun.argv, '--postgres'] } });
    const add = (parent: vscode.TestItemCollection, t: TestInfo) => {
      const item = this.controller.createTestItem(`${uri.toString()}#${t.name}`, t.name.split('/').pop()!, uri);
      item.range = new vscode.Range(t.line, t.character, t.endLine, t.endCharacter);
      item.description = `${t.label} · ${t.run.timeoutSeconds}s`;
      this.args.set(item, { run: t.run, runPostgres: t.runPostgres });
      parent.add(item);
      t.children.forEach((c) => add(item.children, c));
    };
    result.tests.forEach((t) => add(file.children, t));
    this.controller.items.add(file);
  }

  private async run(request: vscode.TestRunRequest, token: vscode.CancellationToken, postgres: boolean): Promise<void> {
    const items: vscode.TestItem[] = [];
    if (request.include) items.push(...request.include);
    else this.controller.items.forEach((i) => items.push(i));
    const testRun = this.controller.createTestRun(request);
    token.onCancellationRequested(() => void this.runner.cancel());
    const finishedAll: Promise<void>[] = [];
    for (const item of items) {
      const args = this.args.get(item);
      if (!args) continue;
      const chosen = postgres ? args.runPostgres : args.run;
      const done = new Promise<void>((resolve) => {
        void this.runner
          .request(chosen, {
            started: () => this.forEach(item, (i) => testRun.started(i)),
            output: (chunk) => testRun.appendOutput(chunk.replace(/\r?\n/g, '\r\n')),
            finished: (_run, parsed, _record, status) => {
              this.forEach(item, (i) => {
                const name = i.id.split('#')[1];
                const result = name ? parsed.tests.get(name) : undefined;
                const duration = result?.durationSeconds !== undefined ? result.durationSeconds * 1000 : undefined;
                if (status === 'cancelled') testRun.skipped(i);
                else if (result?.status === 'passed') testRun.passed(i, duration);
                else if (result?.status === 'skipped') testRun.skipped(i);
                else if (result?.status === 'failed') {
                  // go test prints assertion lines under the innermost running (sub)test: gather them all.
                  const own = [...parsed.tests.values()].filter((t) => t.name === name || t.name.startsWith(`${name}/`));
                  testRun.failed(i, this.messages(own.flatMap((t) => t.failures), own.flatMap((t) => t.output), chosen.cwd), duration);
                }
                else if (name) testRun.errored(i, new vscode.TestMessage(parsed.error ?? `no result for ${name} in hi's output`));
              });
              resolve();
            },
          })
          .then((accepted) => {
            if (!accepted) {
              this.forEach(item, (i) => testRun.skipped(i));
              resolve();
            }
          });
      });
      finishedAll.push(done);
    }
    await Promise.all(finishedAll);
    testRun.end();
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
