import type { EnvCheck } from '../../../shared/src/docker';

/** The Docker environment checks as markdown rows for the joined hi doctor report. Pure. */
const ICONS = { pass: '✅', warn: '⚠️', fail: '❌' } as const;

export function renderEnvChecks(checks: readonly EnvCheck[]): string[] {
  const fails = checks.filter((c) => c.status === 'fail').length;
  return [
    `## Docker environment (hi workbench) — ${fails ? `${fails} failed` : 'ready'}`,
    '',
    '| | check | result |',
    '|---|---|---|',
    ...checks.map((c) => `| ${ICONS[c.status]} | ${c.name} | ${escapeCell(c.message)}${c.fix ? `<br>💡 ${escapeCell(c.fix === 'hi.cleanLeftovers' ? 'Run "hi: Clean Leftover Containers" from the Containers view' : c.fix)}` : ''} |`),
    '',
  ];
}

export function failedChecks(checks: readonly EnvCheck[]): EnvCheck[] {
  return checks.filter((c) => c.status === 'fail');
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/</g, '&lt;');
}
