import { CompareMemo, compareContracts, contractOfText, ContractModeler } from '../../server/src/analysis/contract';
import { IncrementalDocument } from '../../server/src/analysis/incremental';
import { LineIndex } from '../../server/src/analysis/lineIndex';
import { loadParser } from '../support/parser';
import { generateFile } from './generate';
import { median } from './stats';

type Report = (name: string, value: string, target: string, ok: boolean) => void;

/**
 * Issue 15: the contract diff of a 4 500-line test file against its base once the base is cached
 * (the server holds it by blob id), as the server computes it on its own schedule: the contract of
 * the document's tree (kept in step with edits by the typing path; unchanged functions reused)
 * and the comparison with the base. Each step first changes one expected value somewhere.
 */
export async function contractDiff(report: Report): Promise<void> {
  const parser = await loadParser();
  const baseText = generateFile(15, 4500, 14);
  const base = contractOfText(parser, baseText)!;
  const doc = new IncrementalDocument(parser, baseText, 1);
  const modeler = new ContractModeler();
  const memo = new CompareMemo();
  compareContracts(base, modeler.contract(doc.currentTree(), doc.text), { baseLabel: 'HEAD', memo });
  const times: number[] = [];
  let changes = 0;
  let assertions = 0;
  for (let i = 0; i < 60; i++) {
    // Change one expectation (`…, 2)` → `…, 3)`) at a spot spread over the file.
    const at = doc.text.indexOf('assert.Len(c, nodes, 2)', (i * 7919) % (doc.text.length - 500));
    if (at >= 0) {
      const digit = at + 'assert.Len(c, nodes, '.length;
      const pos = new LineIndex(doc.text).positionAt(digit);
      doc.applyChanges([{ range: { start: pos, end: { line: pos.line, character: pos.character + 1 } }, text: '3' }], i + 2);
    }
    const tree = doc.currentTree();
    const t0 = performance.now();
    const now = modeler.contract(tree, doc.text);
    changes = compareContracts(base, now, { baseLabel: 'HEAD', memo }).length;
    times.push(performance.now() - t0);
    assertions = [...now.functions.values()].reduce((s, f) => s + f.assertions.length, 0);
  }
  const m = median(times.slice(10));
  report(`contract diff after an edit, 4 500-line test file against its cached base (${assertions} assertions, ${changes} changes; contract of the document tree + compare), median of 50`, `${m.toFixed(1)} ms`, '≤ 20 ms', m <= 20);
  // The cold case, for the record: a fresh parse and contract of every function.
  const cold: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    compareContracts(base, contractOfText(parser, doc.text)!, { baseLabel: 'HEAD' });
    cold.push(performance.now() - t0);
  }
  report('contract diff from scratch (full parse + every function), median of 10', `${median(cold).toFixed(1)} ms`, 'informational', true);
  doc.dispose();
}
