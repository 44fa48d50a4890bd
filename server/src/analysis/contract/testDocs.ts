import type { FileContract } from './model';

/**
 * hs-test-doc's core: top-level tests without a doc comment. The guide: "when you understand a
 * test's purpose, add godoc". Only tests added since the base are reported unless `existing` is
 * set, so an old file does not light up at once. Pure: contracts in, plain findings out.
 */
export interface MissingDoc {
  test: string;
  /** The test name. */
  start: number;
  end: number;
  /** Where the doc comment goes: the start of the `func` line. */
  insertAt: number;
  message: string;
  /** The guide's scaffold as a VS Code snippet (the cursor starts at the purpose). */
  snippet: string;
  /** The same without placeholders, for editors without snippets. */
  text: string;
}

export function missingTestDocs(current: FileContract, base: FileContract | null, options: { existing: boolean; baseLabel: string }): MissingDoc[] {
  const out: MissingDoc[] = [];
  for (const fn of current.functions.values()) {
    if (!fn.isTest || fn.hasDoc || !/^func\s+Test\w*\s*\(\s*\w+\s+\*\s*testing\.T\s*\)/.test(current.text.slice(fn.start, fn.start + 200))) continue;
    const isNew = !base || !base.functions.has(fn.name);
    if (!isNew && !options.existing) continue;
    out.push({
      test: fn.name,
      start: fn.nameStart,
      end: fn.nameEnd,
      insertAt: fn.start,
      message: `${fn.name} has no doc comment${isNew ? ` (new since ${options.baseLabel})` : ''}: say what it verifies and why, as the guide asks (purpose, then "The test verifies:" bullets).`,
      snippet: `// ${fn.name} \${1:validates what behaviour, and why it matters}.\n//\n// The test verifies:\n// - \${2:the first property checked}\n// - \${3:the next one}\n`,
      text: `// ${fn.name} validates …\n//\n// The test verifies:\n// - …\n`,
    });
  }
  return out;
}
