import * as vscode from 'vscode';
import type { EnvCheck } from '../../shared/src/docker';
import { renderEnvChecks } from './docker/envReport';
import { checksTable } from './reportTable';
import { HiOutputParser } from './runner/hiOutput';
import { HiProcess } from './runner/hiProcess';
import { findProgram } from './runner/preflight';

/**
 * `hi doctor` joined with hi workbench's Docker environment checks (disk, leftovers, images) as one
 * readable report: the ✅/⚠️/❌ checks with their 💡 suggestions.
 */
export const DOCTOR_SCHEME = 'hi-doctor';

export class DoctorReports implements vscode.TextDocumentContentProvider {
  private readonly reports = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.reports.get(uri.toString()) ?? '';
  }

  async run(cwd: string, hiCommand: string[], envChecks: () => Promise<EnvCheck[]>): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('hi doctor runs programs, so it is disabled in Restricted Mode.');
      return;
    }
    const env = envChecks().catch((e): EnvCheck[] => [{ name: 'Docker checks', status: 'warn', message: `could not run: ${String(e)}` }]);
    let doctor: string[];
    if (!findProgram(hiCommand[0], cwd)) {
      doctor = ['## hi doctor', '', `\`${hiCommand[0]}\` is not on PATH, so hi doctor could not run (install Go, or set headscale.hi.command to a prebuilt hi).`, ''];
    } else {
      const parser = new HiOutputParser();
      const raw: string[] = [];
      const proc = new HiProcess([...hiCommand, 'doctor'], cwd);
      proc.on('line', (l) => {
        raw.push(l);
        parser.push(l);
      });
      const { code } = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Running hi doctor and the Docker checks…' }, () => proc.exitPromise);
      doctor = render(parser, raw, code);
    }
    await this.show([...renderEnvChecks(await env), ...doctor].join('\n'));
  }

  /** The Docker checks alone (the "Fix" of a failed pre-run check). */
  async showEnvironment(checks: EnvCheck[]): Promise<void> {
    await this.show(renderEnvChecks(checks).join('\n'));
  }

  private async show(markdown: string): Promise<void> {
    const uri = vscode.Uri.parse(`${DOCTOR_SCHEME}:/hi-doctor.md`);
    this.reports.set(uri.toString(), `# Environment report\n\n${markdown}`);
    this.changed.fire(uri);
    await vscode.commands.executeCommand('markdown.showPreview', uri);
  }
}

function render(parser: HiOutputParser, raw: string[], code: number | null): string[] {
  const fails = parser.doctorFailed.length;
  const warns = parser.doctor.filter((c) => c.status === 'warn').length;
  const lines = [
    `## hi doctor — ${fails ? `${fails} failed` : 'ready to run integration tests'}${warns ? `, ${warns} warning(s)` : ''}`,
    '',
    ...checksTable(parser.doctor.map((c) => ({ icon: c.icon, name: c.name, message: c.message, hints: c.suggestions }))),
    '',
    `Exit code: ${code}`,
    '',
    '<details><summary>Raw output</summary>',
    '',
    '```',
    ...raw,
    '```',
    '</details>',
  ];
  if (!parser.doctor.length) lines.splice(2, 0, 'hi printed no checks; see the raw output below.', '');
  return lines;
}
