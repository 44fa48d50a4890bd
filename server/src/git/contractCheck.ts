import type { GoParser } from '../analysis/parser';
import { compareContracts, contractOfText, type CompareMemo, type ContractChange, type FileContract } from '../analysis/contract';
import type { BaseLookup, ContractBaseReader } from './contractBase';

/** Thrown from a pause when the document changed during its check: the rest is not worth reading. */
export class CheckSuperseded extends Error {
  constructor() {
    super('the document changed during its contract check');
  }
}

export interface ContractCheck {
  lookup: BaseLookup;
  changes: ContractChange[];
  /** The current contract, when it was read (a base was found, or the file is new). */
  current?: FileContract;
}

/**
 * A file's contract changes against its base: git for the base (cached by blob), the pure
 * comparison for the rest. Silent (no changes) when there is no base, or while the file has merge
 * conflict markers. Never throws.
 */
export async function checkContract(reader: ContractBaseReader, parser: GoParser, file: string, text: string, base: string): Promise<ContractCheck> {
  return checkContractOf(reader, file, () => contractOfText(parser, text), base);
}

/** The same for an open document, whose contract comes from its own (incrementally parsed) tree. */
export async function checkContractOf(
  reader: ContractBaseReader,
  file: string,
  currentContract: () => FileContract | null | Promise<FileContract | null>,
  base: string,
  memo?: CompareMemo,
  /** A file the base does not have is compared with nothing: its contract is built only if asked (hs-test-doc). */
  newFileNeedsContract = true,
): Promise<ContractCheck> {
  let lookup: BaseLookup;
  try {
    lookup = await reader.lookup(file, base);
  } catch (error) {
    return { lookup: { kind: 'silent', why: `git failed: ${error instanceof Error ? error.message : String(error)}` }, changes: [] };
  }
  if (lookup.kind !== 'found' && lookup.kind !== 'new-file') return { lookup, changes: [] };
  if (lookup.kind === 'new-file' && !newFileNeedsContract) return { lookup, changes: [] };
  let current: FileContract | null;
  try {
    current = await currentContract();
  } catch (error) {
    if (error instanceof CheckSuperseded) return { lookup: { kind: 'silent', why: error.message }, changes: [] };
    current = null;
  }
  if (!current) return { lookup: { kind: 'silent', why: 'the file has merge conflict markers' }, changes: [] };
  if (lookup.kind === 'new-file') return { lookup, changes: [], current };
  try {
    return { lookup, changes: compareContracts(lookup.contract, current, { baseLabel: lookup.label, memo }), current };
  } catch {
    return { lookup, changes: [], current };
  }
}
