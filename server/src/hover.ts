import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import { displayCommand, formatRunDuration } from '../../shared/src/hiCommand';
import type { DiscoverTestsResult, TestInfo } from '../../shared/src/protocol';
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

/** Hovering a test name: its category, why, the exact command and the last runs. */
export function testHoverAt(tests: DiscoverTestsResult, position: Position): Hover | null {
  const find = (list: TestInfo[]): TestInfo | null => {
    for (const t of list) {
      if (t.line === position.line && t.character <= position.character && position.character <= t.endCharacter) return t;
      const inner = find(t.children);
      if (inner) return inner;
    }
    return null;
  };
  const t = find(tests.tests);
  if (!t) return null;
  const runs = t.lastRuns;
  const lines = [
    `**${t.name}** — ${t.label}, \`--timeout=${t.run.timeoutSeconds}s\``,
    '',
    `Why: ${t.reason}.`,
    '',
    '```sh',
    `cd ${t.run.cwd}`,
    displayCommand(t.run.argv),
    ...(t.postgresListed ? [displayCommand(t.runPostgres.argv)] : []),
    '```',
    runs.length
      ? `Last runs: ${runs.map((r) => `${r.status === 'passed' ? '✓' : r.status === 'failed' ? '✗' : '⊘'} ${formatRunDuration(r.durationSeconds)}`).join(', ')}`
      : 'No earlier runs in control_logs.',
  ];
  return {
    contents: { kind: MarkupKind.Markdown, value: lines.join('\n') },
    range: { start: { line: t.line, character: t.character }, end: { line: t.endLine, character: t.endCharacter } },
  };
}
