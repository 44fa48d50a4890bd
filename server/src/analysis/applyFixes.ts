import type { Fix, TextEdit } from './types';

/**
 * Applies fixes in order, skipping any whose edits overlap an earlier one (its finding will be
 * re-reported, and fixed, on the next analysis). Returns the new text and the fixes taken.
 */
export function applyFixes(text: string, fixes: readonly Fix[]): { text: string; applied: Fix[] } {
  const { edits, applied } = selectFixes(fixes);
  // Apply from the end so earlier offsets stay valid; equal starts keep their given order.
  const ordered = edits.map((e, i) => ({ e, i })).sort((a, b) => b.e.start - a.e.start || b.i - a.i);
  let out = text;
  for (const { e } of ordered) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return { text: out, applied };
}

/** The fixes that can be applied together, in order, and their combined edits. */
export function selectFixes(fixes: readonly Fix[]): { edits: TextEdit[]; applied: Fix[] } {
  const taken: TextEdit[] = [];
  const applied: Fix[] = [];
  for (const fix of fixes) {
    // Overlapping ranges conflict; so does the same insertion at the same point (two findings
    // proposing one hoisted declaration).
    const overlaps = fix.edits.some((e) =>
      taken.some((t) => (e.start < t.end && t.start < e.end) || (e.start === t.start && e.end === t.end && e.newText === t.newText)),
    );
    if (overlaps) continue;
    taken.push(...fix.edits);
    applied.push(fix);
  }
  return { edits: taken, applied };
}
