import type { Fix, TextEdit } from './types';

/**
 * Applies fixes in order, skipping any whose edits overlap an earlier one (its finding will be
 * re-reported, and fixed, on the next analysis). Returns the new text and the fixes taken.
 */
export function applyFixes(text: string, fixes: readonly Fix[]): { text: string; applied: Fix[] } {
  const taken: TextEdit[] = [];
  const applied: Fix[] = [];
  for (const fix of fixes) {
    const overlaps = fix.edits.some((e) =>
      taken.some((t) => e.start < t.end && t.start < e.end || (e.start === e.end && e.start === t.start && t.start === t.end && e.newText === t.newText)),
    );
    if (overlaps) continue;
    taken.push(...fix.edits);
    applied.push(fix);
  }
  // Apply from the end so earlier offsets stay valid; equal starts keep their given order.
  const ordered = taken.map((e, i) => ({ e, i })).sort((a, b) => b.e.start - a.e.start || b.i - a.i);
  let out = text;
  for (const { e } of ordered) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return { text: out, applied };
}
