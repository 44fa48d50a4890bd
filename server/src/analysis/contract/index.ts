import type { Tree } from 'web-tree-sitter';
import type { GoParser, Pause } from '../parser';
import { CompareMemo, compareContracts, type CompareOptions, type ContractChange } from './compare';
import { ContractModeler, fileContract, type FileContract } from './model';

export type { ContractChange, ChangeKind } from './compare';
export type { FileContract } from './model';
export { missingTestDocs, type MissingDoc } from './testDocs';
export { CompareMemo, compareContracts, ContractModeler, fileContract };

/** Unresolved merge conflict markers: the file is not Go yet, so no contract can be read. */
export function hasConflictMarkers(text: string): boolean {
  return /^<{7} /m.test(text) && /^>{7} /m.test(text);
}

/** The contract of a text (parse, read, free the tree). Null for a text with conflict markers. */
export function contractOfText(parser: GoParser, text: string): FileContract | null {
  if (hasConflictMarkers(text)) return null;
  let tree: Tree | undefined;
  try {
    tree = parser.parse(text);
    return fileContract(tree, text);
  } catch {
    return null;
  } finally {
    tree?.delete();
  }
}

/** The same, parsed and read in slices (`pause` between them), for the server's first read of a big base. */
export async function contractOfTextSliced(parser: GoParser, text: string, pause: Pause): Promise<FileContract | null> {
  if (hasConflictMarkers(text)) return null;
  let tree: Tree | undefined;
  try {
    tree = await parser.parseSliced(text, pause);
    return await new ContractModeler().contractSliced(tree, text, pause);
  } catch {
    return null;
  } finally {
    tree?.delete();
  }
}

/** Base text + current text → contract changes. Pure (no fs, no git); never throws. */
export function compareTexts(parser: GoParser, baseText: string, currentText: string, options: CompareOptions): ContractChange[] {
  const base = contractOfText(parser, baseText);
  const current = contractOfText(parser, currentText);
  if (!base || !current) return [];
  try {
    return compareContracts(base, current, options);
  } catch {
    return [];
  }
}
