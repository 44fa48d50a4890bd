import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import { displayCommand, formatRunDuration } from '../../shared/src/hiCommand';
import type { DiscoverTestsResult, TestInfo } from '../../shared/src/protocol';
import { rulesById } from './analysis/rules';
import type { AnalyzedDocument } from './documentStore';
import { ruleDocUri, toRange } from './diagnostics';
import { RESULT_ICON } from './lenses';
import { median } from './discovery/testHistory';

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

/**
 * The last runs as a strip, oldest left: `✓ ✓ ✗ ✓ ✗` with each run's duration, backend and commit,
 * the ETA per backend and the flaky badge.
 */
function historyLines(t: TestInfo): string[] {
  const runs = t.lastRuns;
  if (!runs.length) return ['No earlier runs in control_logs.'];
  const strip = [...runs].reverse().map((r) => RESULT_ICON[r.status]).join(' ');
  const detail = runs.map((r) => `${RESULT_ICON[r.status]} ${r.durationSeconds === null ? '?' : formatRunDuration(r.durationSeconds)} ${r.backend}${r.commit ? ` @${r.commit.slice(0, 7)}${r.dirty ? '+dirty' : ''}` : ''} (${r.runId})`);
  const eta = (label: string, d: number[]) => (d.length ? [`${label} ${formatRunDuration(median(d) ?? 0)} (median of ${d.length})`] : []);
  const etas = [...eta('ETA sqlite', t.run.previousDurations), ...eta('ETA postgres', t.runPostgres.previousDurations)];
  return [
    `Last ${runs.length} runs (oldest → newest): ${strip}${t.history.flakyCommits.length ? ` — **⚠ flaky**: passed and failed on ${t.history.flakyCommits.map((c) => c.slice(0, 7)).join(', ')}` : ''}`,
    '',
    ...(etas.length ? [etas.join(' · '), ''] : []),
    detail.join('  \n'),
  ];
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
    ...historyLines(t),
  ];
  return {
    contents: { kind: MarkupKind.Markdown, value: lines.join('\n') },
    range: { start: { line: t.line, character: t.character }, end: { line: t.endLine, character: t.endCharacter } },
  };
}
