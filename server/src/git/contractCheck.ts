import type { GoParser } from '../analysis/parser';
import { compareContracts, contractOfText, type ContractChange } from '../analysis/contract';
import type { BaseLookup, ContractBaseReader } from './contractBase';

export interface ContractCheck {
  lookup: BaseLookup;
  changes: ContractChange[];
}

/**
 * A file's contract changes against its base: git for the base (cached by blob), the pure
 * comparison for the rest. Silent (no changes) when there is no base, or while the file has merge
 * conflict markers. Never throws.
 */
export async function checkContract(reader: ContractBaseReader, parser: GoParser, file: string, text: string, base: string): Promise<ContractCheck> {
  let lookup: BaseLookup;
  try {
    lookup = await reader.lookup(file, base);
  } catch (error) {
    return { lookup: { kind: 'silent', why: `git failed: ${error instanceof Error ? error.message : String(error)}` }, changes: [] };
  }
  if (lookup.kind !== 'found') return { lookup, changes: [] };
  const current = contractOfText(parser, text);
  if (!current) return { lookup: { kind: 'silent', why: 'the file has merge conflict markers' }, changes: [] };
  try {
    return { lookup, changes: compareContracts(lookup.contract, current, { baseLabel: lookup.label }) };
  } catch {
    return { lookup, changes: [] };
  }
}
