import type { ContractState } from './contractService';

/** The hover's contract line for a test name: how its expectations changed since the base, if they did. */
export function contractHoverSection(state: ContractState | undefined, testName: string): string | null {
  if (!state) return null;
  if (state.newTests === 'all' || state.newTests.has(testName)) return `Contract: new since the base${state.base ? ` (${state.base.label})` : ''}.`;
  if (!state.base) return null;
  const mine = state.changes.filter((c) => c.functionName === testName);
  if (mine.length === 0) return `Contract: unchanged since ${state.base.label}.`;
  const open = mine.filter((c) => !c.directive?.reason);
  const explained = mine.filter((c) => c.directive?.reason);
  return [
    `**Contract changed since ${state.base.label}** (${mine.length} change${mine.length === 1 ? '' : 's'}${explained.length ? `, ${explained.length} explained` : ''}):`,
    ...open.slice(0, 8).map((c) => `- ${c.message}`),
    ...(open.length > 8 ? [`- …and ${open.length - 8} more`] : []),
    ...explained.slice(0, 4).map((c) => `- ${c.message} — *${c.directive!.reason}*`),
  ].join('\n');
}
