import { KIND_LABELS, type ErrorLine, type FileKind, type MapResponseFolder, type RunFile, type RunView } from '../../../shared/src/artifacts';
import { mapResponseFolders } from '../../../shared/src/mapResponseFolders';
import { formatRunDuration } from '../../../shared/src/hiCommand';
import { formatAge, formatBytes, plural } from '../wording';

export { formatAge, formatBytes, listWithMore, plural } from '../wording';

/**
 * How runs, files and error lines read in the sidebar. No `vscode` import: the wording is tested
 * as plain functions.
 */

/** The run row's description: status, triage badge, errors, age, duration. */
export function runDescription(run: RunView, now?: Date): string {
  const parts: string[] = [run.status];
  if (run.triage) parts.push(run.triage === 'infrastructure' ? 'infra' : run.triage);
  if (run.described) parts.push(plural(run.errorCount, 'error'));
  if (run.described && run.warningCount) parts.push(plural(run.warningCount, 'warning'));
  parts.push(formatAge(run.startedAt, now));
  if (run.durationSeconds !== null) parts.push(formatRunDuration(run.durationSeconds));
  // The walk's budget ran out: say so rather than show a run as complete.
  if (run.truncated) parts.push('files not all listed');
  return parts.filter(Boolean).join(' · ');
}

/** The test name as the user wrote it when known; otherwise hi's lowercase name or the run id. */
export function runLabel(run: RunView): string {
  return run.test ?? run.id;
}

export interface FileGroup {
  id: string;
  label: string;
  files: RunFile[];
}

const GROUPS: { id: string; label: string; kinds: FileKind[] }[] = [
  { id: 'headscale', label: 'Headscale server', kinds: ['hs-stderr', 'hs-stdout'] },
  { id: 'tailscale', label: 'Tailscale clients', kinds: ['ts-stderr', 'ts-stdout'] },
  { id: 'logs', label: 'Other logs', kinds: ['log'] },
  { id: 'mapresponses', label: 'Map responses', kinds: ['mapresponse'] },
  { id: 'status', label: 'Client status', kinds: ['status'] },
  { id: 'netmap', label: 'Netmaps', kinds: ['netmap'] },
  { id: 'database', label: 'Database snapshot', kinds: ['database'] },
  { id: 'metrics', label: 'Metrics', kinds: ['metrics'] },
  { id: 'pprof', label: 'pprof', kinds: ['pprof'] },
  { id: 'other', label: 'Other files', kinds: ['record', 'other'] },
];

/** A run's files in the guide's reading order, grouped; empty groups are left out. */
export function groupFiles(run: RunView): FileGroup[] {
  return GROUPS.map((g) => ({ id: g.id, label: g.label, files: run.files.filter((f) => g.kinds.includes(f.kind)) })).filter((g) => g.files.length);
}

/** Map response captures per node folder: the server's sums when it sent them, else from the rows. */
export function mapResponseNodes(run: RunView, rows: readonly RunFile[]): MapResponseFolder[] {
  return run.mapResponseFolders ?? mapResponseFolders(rows);
}

/** "5 errors · 1 warning · Headscale server stderr · 1.2 MB". */
export function fileDescription(file: RunFile): string {
  const parts: string[] = [];
  if (file.errorCount) parts.push(plural(file.errorCount, 'error'));
  if (file.warningCount) parts.push(plural(file.warningCount, 'warning'));
  if (file.problem) parts.push(file.problem);
  parts.push(KIND_LABELS[file.kind], formatBytes(file.sizeBytes));
  return parts.join(' · ');
}

/** An error line without its leading timestamp, which the description repeats as `:line`. */
export function errorLabel(text: string): string {
  return text.replace(/^(\d{4}[-/]\d{2}[-/]\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)\s+/, '').trim() || text;
}

/**
 * An error row: `:line` first (a narrow sidebar cuts the end, never the line number), then the
 * text without its timestamp and without a trailing colon (`goroutine 412 [running]:` reads
 * `:411  goroutine 412 [running]`).
 */
export function errorRowLabel(error: ErrorLine): string {
  return `:${error.line}  ${errorLabel(error.text).replace(/:\s*$/, '')}`;
}

/** The run row's tooltip, plain text (a Markdown tooltip would show escapes in file names). */
export function runTooltip(run: RunView): string {
  const lines = [`${runLabel(run)} · ${run.status}${run.triage ? ` · ${run.triage}` : ''}`, `Run ${run.id}, started ${run.startedAt.replace('T', ' ')}, ${formatBytes(run.sizeBytes)}`];
  if (run.described) lines.push(`${plural(run.errorCount, 'error')}, ${plural(run.warningCount, 'warning')}`);
  for (const e of run.evidence) lines.push(`  ${e.file}:${e.line}  ${e.text.slice(0, 160)}${e.note ? ` (${e.note})` : ''}`);
  return lines.join('\n');
}
