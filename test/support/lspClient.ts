import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  DocumentDiagnosticRequest,
  InitializeRequest,
  InitializedNotification,
  StreamMessageReader,
  StreamMessageWriter,
  type ClientCapabilities,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { SERVER_EXEC_ARGV } from '../../shared/src/protocol';
import { repoRoot } from './parser';

/** A real language-server process spoken to over stdio JSON-RPC, as an editor would. */
export interface LspSession {
  connection: ProtocolConnection;
  process: ChildProcess;
  stderr: () => string;
  /** What the fake editor answers to workspace/configuration from now on. */
  setSettings(settings: unknown): void;
  close(): Promise<void>;
}

export const defaultCapabilities: ClientCapabilities = {
  textDocument: {
    diagnostic: { dynamicRegistration: false },
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } } },
    hover: { contentFormat: ['markdown'] },
    synchronization: {},
  },
  workspace: { configuration: true },
};

export async function startServer(options: { capabilities?: ClientCapabilities; settings?: unknown; initializationOptions?: unknown } = {}): Promise<LspSession> {
  // HI_SERVER_CPU_PROF=<dir> profiles every server a test or bench starts (where does it block?).
  const profile = process.env.HI_SERVER_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.HI_SERVER_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...SERVER_EXEC_ARGV, ...profile, path.join(repoRoot, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  let settings: unknown = options.settings ?? {};
  connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => settings));
  connection.onRequest('client/registerCapability', () => null);
  connection.onRequest('workspace/diagnostic/refresh', () => null);
  connection.onNotification('window/logMessage', () => undefined);
  connection.listen();
  await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: pathToFileURL(repoRoot).toString(),
    capabilities: options.capabilities ?? defaultCapabilities,
    initializationOptions: options.initializationOptions ?? { trusted: true },
    workspaceFolders: null,
  });
  await connection.sendNotification(InitializedNotification.type, {});
  return {
    connection,
    process: child,
    stderr: () => stderr,
    setSettings(next) {
      settings = next;
    },
    async close() {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      try {
        await connection.sendRequest('shutdown');
        await connection.sendNotification('exit');
      } catch {
        child.kill();
      }
      await exited;
      connection.dispose();
    },
  };
}

export async function pullDiagnostics(session: LspSession, uri: string) {
  const report = await session.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } });
  if (report.kind !== 'full') throw new Error('expected a full report');
  return report.items;
}
