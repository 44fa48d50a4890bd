import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import { rulesById } from './analysis/rules';
import type { AnalyzedDocument } from './documentStore';
import { ruleDocUri, toRange } from './diagnostics';

/** Explains the findings under the cursor: the rule's why, with its incorrect/correct example. */
export function hoverAt(doc: AnalyzedDocument, position: Position): Hover | null {
  const offset = doc.lines.offsetAt(position);
  const here = doc.findings.filter((f) => f.start <= offset && offset <= f.end);
  if (here.length === 0) return null;
  const sections = [...new Set(here.map((f) => f.ruleId))].map((id) => {
    const rule = rulesById.get(id)!;
    const [title, ...why] = rule.doc.split('\n');
    const example = rule.example
      ? `\n\nIncorrect:\n\`\`\`go\n${rule.example.incorrect}\n\`\`\`\nCorrect:\n\`\`\`go\n${rule.example.correct}\n\`\`\``
      : '';
    return `**${title}** ([${id}](${ruleDocUri(id)}))\n\n${why.join(' ').replace(/\s+/g, ' ').trim()}${example}`;
  });
  const first = here[0];
  return { contents: { kind: MarkupKind.Markdown, value: sections.join('\n\n---\n\n') }, range: toRange(doc.lines, first.start, first.end) };
}
