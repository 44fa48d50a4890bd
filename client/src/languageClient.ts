import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  TransportKind,
  type ErrorHandler,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { GO_LANGUAGE_ID, SERVER_EXEC_ARGV, type InitializationOptions } from '../../shared/src/protocol';
import { RestartPolicy } from './restartPolicy';

/**
 * Starts dist/server.js over IPC. A crash restarts it with one notification; more than five
 * crashes in three minutes leave it stopped with a "Show log" action, so a broken server never
 * turns into a notification storm.
 */
export function createLanguageClient(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_EXEC_ARGV] } },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_EXEC_ARGV, '--inspect=6010'] } },
  };
  const policy = new RestartPolicy();
  const errorHandler: ErrorHandler = {
    error: () => ({ action: ErrorAction.Continue }),
    closed: () => {
      if (policy.recordCrash()) {
        log.warn(`language server stopped unexpectedly; restarting (${policy.recentCrashes} crash(es) in the last 3 minutes)`);
        void vscode.window.showWarningMessage('hi workbench: the language server crashed and was restarted.');
        return { action: CloseAction.Restart, handled: true };
      }
      log.error('language server crashed more than 5 times in 3 minutes; it stays stopped');
      void vscode.window
        .showErrorMessage('hi workbench: the language server keeps crashing and was stopped. Diagnostics are off until you restart it.', 'Show log', 'Restart')
        .then((choice) => {
          if (choice === 'Show log') log.show();
          if (choice === 'Restart') void vscode.commands.executeCommand('hi.restartServer');
        });
      return { action: CloseAction.DoNotRestart, handled: true };
    },
  };
  const initializationOptions: InitializationOptions = { trusted: vscode.workspace.isTrusted, ripgrepPath: bundledRipgrep() };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: GO_LANGUAGE_ID },
      { scheme: 'untitled', language: GO_LANGUAGE_ID },
    ],
    synchronize: { configurationSection: 'headscale' },
    outputChannel: log,
    middleware: {
      // LSP lenses carry no tooltip: a run lens explains its timeout's arithmetic on hover.
      provideCodeLenses: async (document, token, next) => {
        const lenses = await next(document, token);
        for (const lens of lenses ?? []) {
          const args = lens.command?.arguments?.[0] as { timeoutReason?: unknown; argv?: unknown } | undefined;
          if (lens.command && typeof args?.timeoutReason === 'string') lens.command.tooltip = `--timeout: ${args.timeoutReason}`;
        }
        return lenses;
      },
    },
    errorHandler,
    initializationOptions,
  };
  return new LanguageClient('headscale', 'hi workbench', serverOptions, clientOptions);
}

/** VS Code ships ripgrep for its search; the server uses it to scan large logs. */
function bundledRipgrep(): string | null {
  const candidates = ['node_modules', 'node_modules.asar.unpacked'].map((m) => path.join(vscode.env.appRoot, m, '@vscode', 'ripgrep', 'bin', process.platform === 'win32' ? 'rg.exe' : 'rg'));
  return candidates.find((c) => fs.existsSync(c)) ?? null;
}
