import type { Node } from 'web-tree-sitter';
import { namedChildren, queryIn } from './syntax';

/**
 * What rules may know about the rest of the package, as plain serialisable data (go/analysis
 * Facts): computed once per change from per-declaration summaries, merged with the facts of the
 * package's other files where the caller has them (the CLI and the precision harness read the
 * whole directory). Rules see only these names, never another declaration's syntax, and the
 * Analyzer keys its cache on them, so a cached finding is what a fresh analysis would produce.
 */
export interface PackageFacts {
  /** Functions that contain an EventuallyWithT (directly, or through same-file calls). */
  functionsWithEwt: string[];
  /**
   * `name:index` for those of them that wait only when their bool parameter at that index is
   * true (`if retry {`): a call passing `false` does not wait (waitGates.ts).
   */
  waitsOnlyWhen: string[];
  /** Functions taking a `*assert.CollectT`: safe to call from a callback, and called from one. */
  collectHelpers: string[];
  /** `Must…` lookups in a slice or map that panic when the element is missing (MustFindNode). */
  panickingLookups: string[];
}

export const noFacts: PackageFacts = { functionsWithEwt: [], waitsOnlyWhen: [], collectHelpers: [], panickingLookups: [] };

/** Facts as sets, for the rules. */
export interface Facts {
  functionsWithEwt: ReadonlySet<string>;
  /** Function name → the bool parameter that switches its waits on. */
  waitsOnlyWhen: ReadonlyMap<string, number>;
  collectHelpers: ReadonlySet<string>;
  panickingLookups: ReadonlySet<string>;
}

export function mergeFacts(list: readonly PackageFacts[]): PackageFacts {
  const union = (pick: (f: PackageFacts) => string[]) => [...new Set(list.flatMap(pick))].sort();
  return { functionsWithEwt: union((f) => f.functionsWithEwt), waitsOnlyWhen: union((f) => f.waitsOnlyWhen), collectHelpers: union((f) => f.collectHelpers), panickingLookups: union((f) => f.panickingLookups) };
}

export function factSets(f: PackageFacts): Facts {
  // `name:index` entries (plain strings, so the facts stay serialisable).
  const gated = f.waitsOnlyWhen.map((e) => {
    const at = e.lastIndexOf(':');
    return [e.slice(0, at), Number(e.slice(at + 1))] as const;
  });
  return { functionsWithEwt: new Set(f.functionsWithEwt), waitsOnlyWhen: new Map(gated), collectHelpers: new Set(f.collectHelpers), panickingLookups: new Set(f.panickingLookups) };
}

/** What one top-level function declaration contributes (besides functionsWithEwt, from calls). */
export function declarationFacts(decl: Node): { collectHelper: boolean; panickingLookup: boolean } {
  const params = decl.childForFieldName('parameters');
  const types = params ? namedChildren(params).map((p) => p.childForFieldName('type')?.text.replace(/\s+/g, '') ?? '') : [];
  const name = decl.childForFieldName('name')?.text ?? '';
  const collectHelper = types.some((t) => /^\*\w+\.CollectT$/.test(t));
  // A lookup: it takes a collection, and it panics when what it looks for is not there — which
  // is exactly what an early tick sees. A parse helper (mustParseID(string)) is not one.
  const panickingLookup =
    /^[Mm]ust[A-Z]/.test(name) &&
    types.some((t) => t.startsWith('[]') || t.startsWith('map[')) &&
    queryIn(decl, '(call_expression function: (identifier) @f (#eq? @f "panic"))').length > 0;
  return { collectHelper, panickingLookup };
}
