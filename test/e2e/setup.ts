/**
 * The e2e suite's setup check, run once by scripts/test-e2e.sh before any spec: the VSIX installs
 * into code-server, code-server serves the workbench (HTTP 200), and Chromium renders it. When any
 * of that fails, the suite fails here once with one line that says why and names the log, instead
 * of every spec failing with the same stack.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { closeBrowser, codeServerBin, freePort, installExtensionOnce, launchBrowser, resultsDir, stopProcessGroup, waitForLog } from './harness';

const logFile = path.join(resultsDir, 'e2e-setup.log');

async function main(): Promise<void> {
  const started = Date.now();
  fs.mkdirSync(resultsDir, { recursive: true });
  fs.writeFileSync(logFile, '');
  const step = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      fs.appendFileSync(logFile, `${what}:\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      throw new SetupError(`${what}: ${firstLine(error)}`);
    }
  };

  const extensions = await step('the VSIX could not be installed into code-server', () => installExtensionOnce());
  const base = fs.mkdtempSync(path.join(process.env.HI_E2E_RUN_DIR ?? fs.mkdtempSync('/tmp/hi-e2e-'), 'setup-'));
  const workspace = path.join(base, 'workspace');
  fs.mkdirSync(workspace, { recursive: true });
  const port = await freePort();
  const serverLog = path.join(base, 'code-server.log');
  const out = fs.openSync(serverLog, 'w');
  const args = ['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust'];
  const server = spawn(codeServerBin(), [...args, '--user-data-dir', path.join(base, 'user-data'), '--extensions-dir', extensions, workspace], { detached: true, stdio: ['ignore', out, out] });
  try {
    await step('code-server did not start', () => waitForLog(serverLog, server, /HTTP server listening on/, 60_000));
    const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`;
    await step('code-server did not serve the workbench', async () => {
      const response = await fetch(url);
      if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}`);
    });
    await step('Chromium did not render the workbench', async () => {
      const page = await (await launchBrowser()).newPage();
      await page.goto(url);
      await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    });
  } finally {
    await closeBrowser().catch(() => undefined);
    await stopProcessGroup(server);
    fs.appendFileSync(logFile, `--- code-server log ---\n${fs.readFileSync(serverLog, 'utf8')}`);
  }
  console.log(`[e2e setup] ok: VSIX installed, code-server serves the workbench and Chromium renders it (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

class SetupError extends Error {}

/** The line that says why: the first one naming an error, else the first line. */
function firstLine(error: unknown): string {
  const lines = (error instanceof Error ? error.message : String(error)).trim().split('\n');
  return (lines.find((l) => /error|cannot|failed|not found/i.test(l)) ?? lines[0] ?? '').trim();
}

main().catch((error: unknown) => {
  const why = error instanceof SetupError ? error.message : `unexpected: ${firstLine(error)}`;
  console.error(`[e2e setup] FAILED, no spec was run: ${why} (log: ${path.relative(process.cwd(), logFile)})`);
  process.exitCode = 1;
});
