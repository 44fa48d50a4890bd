import { fixAdvice, type EnvCheck } from '../../../shared/src/docker';
import { checksTable } from '../reportTable';

/** The Docker environment checks as markdown rows for the joined hi doctor report. Pure. */
const ICONS = { pass: '✅', warn: '⚠️', fail: '❌' } as const;

export function renderEnvChecks(checks: readonly EnvCheck[]): string[] {
  const fails = checks.filter((c) => c.status === 'fail').length;
  return [
    `## Docker environment (hi workbench) — ${fails ? `${fails} failed` : 'ready'}`,
    '',
    ...checksTable(checks.map((c) => ({ icon: ICONS[c.status], name: c.name, message: c.message, hints: c.fix ? [fixAdvice(c.fix)] : [] }))),
    '',
  ];
}

export function failedChecks(checks: readonly EnvCheck[]): EnvCheck[] {
  return checks.filter((c) => c.status === 'fail');
}
