/**
 * A worker of `hi-workbench check` (checkParallel in check.ts): parses its share of a tree's Go
 * files, reports each file's package facts, then analyses them with the facts of their packages'
 * other files, which the main thread merged from every worker. Trees stay here between the two
 * steps, so each file is parsed once, as in analyzePackage.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Tree } from 'web-tree-sitter';
import { analyzeTree, factsOfTree, type SourceFile } from '../../server/src/analysis/analyze';
import type { PackageFacts } from '../../server/src/analysis/facts';
import { readHeader } from '../../server/src/analysis/goFile';
import { GoParser } from '../../server/src/analysis/parser';
import { allRules } from '../../server/src/analysis/rules';
import type { Finding } from '../../server/src/analysis/types';

/** The main thread's messages, in order: one `parse`, then one `analyze`. */
export type CheckWorkerRequest = { kind: 'parse'; files: SourceFile[] } | { kind: 'analyze'; facts: Record<string, PackageFacts> };

export type CheckWorkerReply =
  | { kind: 'parsed'; files: { path: string; pkg: string | null; facts: PackageFacts | null }[] }
  | { kind: 'analyzed'; findings: Record<string, Finding[]>; errors: { file: string; rule: string; message: string }[] };

export interface CheckWorkerData {
  wasmDir: string;
  /** Rule ids to run (all when absent). */
  rules?: string[];
}

async function main(): Promise<void> {
  const port = parentPort!;
  const { wasmDir, rules: ruleIds } = workerData as CheckWorkerData;
  const parser = await GoParser.load({ wasmDir });
  // In the order given, as check() runs them (findings at one offset are ordered by rule).
  const rules = ruleIds?.flatMap((id) => allRules.filter((r) => r.id === id));
  let files: SourceFile[] = [];
  const trees = new Map<string, Tree>();
  const errors: { file: string; rule: string; message: string }[] = [];
  const reply = (message: CheckWorkerReply) => port.postMessage(message);
  port.on('message', (request: CheckWorkerRequest) => {
    if (request.kind === 'parse') {
      files = request.files;
      reply({
        kind: 'parsed',
        files: files.map((file) => {
          try {
            const tree = parser.parse(file.text);
            trees.set(file.path, tree);
            return { path: file.path, pkg: readHeader(tree.rootNode).packageName, facts: factsOfTree(file.path, file.text, tree) };
          } catch (e) {
            errors.push({ file: file.path, rule: 'parser', message: String(e) });
            return { path: file.path, pkg: null, facts: null };
          }
        }),
      });
      return;
    }
    const findings: Record<string, Finding[]> = {};
    for (const file of files) {
      const tree = trees.get(file.path);
      if (!tree) continue;
      findings[file.path] = analyzeTree(file.path, file.text, tree, {
        rules,
        packageFacts: request.facts[file.path],
        onRuleError: (rule, e) => errors.push({ file: file.path, rule: rule.id, message: String(e) }),
      });
      tree.delete();
    }
    reply({ kind: 'analyzed', findings, errors });
    port.close();
  });
}

void main();
