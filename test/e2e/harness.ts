/**
 * End-to-end harness: a real VS Code (code-server) driven by Debian's Chromium through
 * playwright-core. Each spec gets its own user-data-dir, workspace copy and loopback port; the
 * VSIX is installed once per run. Nothing here sleeps for a fixed time: it waits for UI state.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot } from '../support/parser';

export const resultsDir = path.join(repoRoot, 'test-results');
const runDir = process.env.HI_E2E_RUN_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'hi-e2e-'));
const pidDir = path.join(process.env.HI_WORKBENCH_CACHE ?? path.join(os.homedir(), '.cache', 'hi-workbench'), 'e2e-pids');

export function codeServerBin(): string {
  const bin = process.env.HI_CODE_SERVER;
  if (!bin || !fs.existsSync(bin)) throw new Error('HI_CODE_SERVER is not set: run the e2e suite through `npm run test:e2e` (scripts/test-e2e.sh installs code-server)');
  return bin;
}

/** Kills code-servers a killed earlier run left behind (recorded by pid), so they cannot interfere. */
export function killLeftovers(): void {
  fs.mkdirSync(pidDir, { recursive: true });
  for (const f of fs.readdirSync(pidDir)) {
    const pid = Number(f);
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
    fs.rmSync(path.join(pidDir, f), { force: true });
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

let extensionsDir: string | undefined;

/** Installs the packaged VSIX into a run-wide extensions dir (once). */
export async function installExtensionOnce(): Promise<string> {
  if (extensionsDir) return extensionsDir;
  const dir = path.join(runDir, 'extensions');
  // The setup check (test/e2e/setup.ts) installed it already for this run: the folder is the proof.
  if (!installedExtension(dir)) {
    const vsix = path.join(repoRoot, 'dist', 'hi-workbench.vsix');
    if (!fs.existsSync(vsix)) throw new Error(`${vsix} is missing: npm run package`);
    await runToEnd(codeServerBin(), ['--user-data-dir', path.join(runDir, 'install-profile'), '--extensions-dir', dir, '--install-extension', vsix, '--force']);
    if (!installedExtension(dir)) throw new Error(`code-server --install-extension exited 0 but ${dir} holds no hi-workbench extension`);
  }
  extensionsDir = dir;
  return dir;
}

/** The installed extension's folder in an extensions dir, if code-server really unpacked it there. */
export function installedExtension(dir: string): string | undefined {
  const name = fs.existsSync(dir) ? fs.readdirSync(dir).find((f) => f.startsWith('hi-workbench.hi-workbench-')) : undefined;
  return name && fs.existsSync(path.join(dir, name, 'dist', 'extension.js')) ? path.join(dir, name) : undefined;
}

function runToEnd(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${out}`))));
  });
}

let browser: Browser | undefined;

export async function launchBrowser(): Promise<Browser> {
  browser ??= await chromium.launch({
    executablePath: process.env.HI_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return browser;
}

export async function closeBrowser(): Promise<void> {
  await browser?.close();
  browser = undefined;
}

export interface SessionOptions {
  name: string;
  /** false: start with Workspace Trust enabled and answer "No" (Restricted Mode). */
  trusted: boolean;
  settings?: Record<string, unknown>;
  /** Extra environment for code-server (and so the extension host and the processes it runs). */
  env?: NodeJS.ProcessEnv;
}

/** Runs a spec body in a fresh session: a screenshot on success, artifacts on failure, always closed. */
export async function withSession(options: SessionOptions, body: (s: Session) => Promise<void>): Promise<void> {
  const session = await Session.start(options);
  try {
    await body(session);
    await session.screenshot();
  } catch (error) {
    await session.saveFailureArtifacts();
    throw error;
  } finally {
    await session.close();
  }
}

export class Session {
  private constructor(
    readonly name: string,
    readonly page: Page,
    readonly workspace: string,
    readonly userDataDir: string,
    private readonly server: ChildProcess,
    private readonly logFile: string,
  ) {}

  static async start(options: SessionOptions): Promise<Session> {
    const extensions = await installExtensionOnce();
    const base = fs.mkdtempSync(path.join(runDir, `${options.name}-`));
    const userDataDir = path.join(base, 'user-data');
    const workspace = path.join(base, 'workspace');
    fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
    fs.writeFileSync(
      path.join(userDataDir, 'User', 'settings.json'),
      JSON.stringify({
        'workbench.startupEditor': 'none',
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'workbench.tips.enabled': false,
        'extensions.autoCheckUpdates': false,
        'editor.hover.delay': 100,
        'workbench.colorTheme': 'Default Light Modern',
        // xterm's DOM renderer keeps terminal text readable to the tests (canvas/WebGL draw pixels).
        'terminal.integrated.gpuAcceleration': 'off',
        ...options.settings,
      }),
    );
    fs.cpSync(path.join(repoRoot, 'demo'), workspace, { recursive: true });
    const port = await freePort();
    const logFile = path.join(base, 'code-server.log');
    const log = fs.openSync(logFile, 'w');
    const args = ['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--user-data-dir', userDataDir, '--extensions-dir', extensions];
    if (options.trusted) args.push('--disable-workspace-trust');
    const server = spawn(codeServerBin(), [...args, workspace], { detached: true, stdio: ['ignore', log, log], env: { ...process.env, ...options.env } });
    fs.writeFileSync(path.join(pidDir, String(server.pid)), options.name);
    await waitForLog(logFile, server, /HTTP server listening on/, 60_000);
    const page = await (await launchBrowser()).newPage({ viewport: { width: 1400, height: 900 } });
    const session = new Session(options.name, page, workspace, userDataDir, server, logFile);
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    if (!options.trusted) {
      await page.getByRole('button', { name: "No, I don't trust the authors" }).click({ timeout: 30_000 });
      await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 30_000 });
    }
    return session;
  }

  async screenshot(suffix = ''): Promise<void> {
    fs.mkdirSync(resultsDir, { recursive: true });
    await this.page.screenshot({ path: path.join(resultsDir, `${this.name}${suffix}.png`) });
  }

  /** On failure: a screenshot, the code-server log and the extension's logs under test-results/. */
  async saveFailureArtifacts(): Promise<void> {
    await this.screenshot('-failure').catch(() => undefined);
    const dest = path.join(resultsDir, `${this.name}-logs`);
    fs.mkdirSync(dest, { recursive: true });
    fs.copyFileSync(this.logFile, path.join(dest, 'code-server.log'));
    const logs = path.join(this.userDataDir, 'logs');
    if (fs.existsSync(logs)) fs.cpSync(logs, path.join(dest, 'vscode-logs'), { recursive: true });
  }

  /**
   * The last `lines` lines of the extension's own log ("hi workbench" output channel), for a
   * failure message that says what the client and server did; '' before the extension logged.
   */
  extensionLog(lines = 40): string {
    const logs = path.join(this.userDataDir, 'logs');
    if (!fs.existsSync(logs)) return '';
    const found = fs
      .readdirSync(logs, { recursive: true, encoding: 'utf8' })
      .filter((f) => path.basename(f) === 'hi workbench.log')
      .map((f) => path.join(logs, f));
    return found.map((f) => fs.readFileSync(f, 'utf8').split('\n').slice(-lines).join('\n')).join('\n');
  }

  async close(): Promise<void> {
    await this.page.close().catch(() => undefined);
    await stopProcessGroup(this.server);
    fs.rmSync(path.join(pidDir, String(this.server.pid)), { force: true });
  }
}

export async function waitForLog(file: string, child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? -1));
  while (Date.now() < deadline) {
    const text = fs.readFileSync(file, 'utf8');
    if (pattern.test(text)) return;
    if (exited !== null) throw new Error(`code-server exited (${exited}) before it was ready; log tail:\n${tail(text)}`);
    // Poll the log (fs.watch can miss a write that lands before it starts watching).
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`code-server not ready after ${timeoutMs} ms; log tail:\n${tail(fs.readFileSync(file, 'utf8'))}`);
}

function tail(text: string): string {
  return text.split('\n').slice(-30).join('\n');
}

/** SIGTERM to the whole group, then SIGKILL if it has not exited in 5 s. */
export async function stopProcessGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid!, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // gone
    }
  }, 5000);
  await exited;
  clearTimeout(timer);
}
