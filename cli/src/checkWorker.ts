/**
 * A worker thread of `hi-workbench check` on several cores (checkOnCores in check.ts): it runs one
 * share (checkShare.ts), a message per step.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { SourceFile } from '../../server/src/analysis/analyze';
import type { PackageFacts } from '../../server/src/analysis/facts';
import { GoParser } from '../../server/src/analysis/parser';
import { allRules } from '../../server/src/analysis/rules';
import type { CheckRow } from './checkRows';
import { CheckClaims, CheckShare, type ParsedFile, type ShareError } from './checkShare';

/** The main thread's messages, in order: one `parse`, then one `analyze`. */
export type CheckWorkerRequest =
  /** `files`: every file of the check, in the order of `claims` (CheckClaims.cells, shared memory). */
  | { kind: 'parse'; files: SourceFile[]; claims: Int32Array }
  /** Facts for every file that parsed: a share may analyse any of them. */
  | { kind: 'analyze'; facts: Record<string, PackageFacts>; cwd: string };

export type CheckWorkerReply = { kind: 'parsed'; files: ParsedFile[] } | { kind: 'analyzed'; rows: Record<string, CheckRow[]>; errors: ShareError[] };

export interface CheckWorkerData {
  wasmDir: string;
  /** Rule ids to run (all when absent). */
  rules?: string[];
}

async function main(): Promise<void> {
  const port = parentPort!;
  const { wasmDir, rules: ruleIds } = workerData as CheckWorkerData;
  const parser = await GoParser.load({ wasmDir });
  const rules = ruleIds?.flatMap((id) => allRules.filter((r) => r.id === id));
  const reply = (message: CheckWorkerReply) => port.postMessage(message);
  let share: CheckShare | undefined;
  // (Messages posted while the parser loaded wait in the port until this listener is added.)
  port.on('message', (request: CheckWorkerRequest) => {
    if (request.kind === 'parse') {
      share = new CheckShare(parser, rules, request.files, new CheckClaims(request.claims));
      return reply({ kind: 'parsed', files: share.parse() });
    }
    reply({ kind: 'analyzed', rows: share!.analyze(request.facts, request.cwd), errors: share!.errors });
    port.close();
  });
}

void main();
