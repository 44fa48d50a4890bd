import * as fs from 'fs';
import * as path from 'path';
import type { ErrorLine, FailureSummary, RunFile, RunView, SummaryLink } from '../../../shared/src/artifacts';
import { codeRefs } from '../../../shared/src/codeRefs';
import { formatRunDuration } from '../../../shared/src/hiCommand';
import { readPanic } from './panicTrace';
import { readRunRecord } from './runRecord';

/**
 * "What broke?" in one screen, in the order the integration-tester guide reads a failed run:
 * the failing test(s) and their testify messages, the triage and its evidence, the headscale
 * server log (its first error and the errors around it; a panic with its first frames), the
 * client logs, then duration and size. A plain document with links: every `file:line` opens
 * that line of the log or of the workspace's test file.
 */
const AROUND = 8;
/** Crashes whose goroutine is shown (go test's own timeout panic is the testing alarm's, not headscale's). */
const CRASH_MARKERS = new Set(['panic', 'fatal-error']);
const CLIENT_LINES = 5;

export function failureSummary(run: RunView): FailureSummary {
  const out: string[] = [];
  const links: SummaryLink[] = [];
  const link = (start: number, length: number, target: SummaryLink['target']) => links.push({ line: out.length, start, end: start + length, target });
  const record = readRunRecord(run.path);
  const title = `${run.test ?? run.id}: ${run.status}${run.triage ? ` (${run.triage})` : ''}`;
  out.push(`# ${title}`);
  out.push(`Run ${run.id}, started ${run.startedAt.replace('T', ' ')}${run.durationSeconds !== null ? `, ran ${formatRunDuration(run.durationSeconds)}` : ''}, ${formatSize(run.sizeBytes)} in ${run.files.length + (run.unlistedFiles ?? 0)} files`);
  out.push('');

  // 1. The failing tests: the run record has go test's parsed failures; else the logs' FAIL and testify lines.
  out.push('## Failing tests');
  const failed = (record?.tests ?? []).filter((t) => t.status === 'failed');
  // hi runs from the module root and writes control_logs there.
  const moduleRoot = record?.cwd ?? path.dirname(path.dirname(run.path));
  const testRoot = path.join(moduleRoot, 'integration');
  if (failed.length) {
    for (const t of failed) {
      out.push(`--- FAIL: ${t.name}`);
      for (const f of t.failures ?? []) {
        const ref = `${f.file}:${f.line}`;
        const text = `    ${ref}: ${oneLine(f.message)}`;
        link(4, ref.length, { path: path.join(testRoot, f.file), line: f.line, inWorkspace: exists(path.join(testRoot, f.file)) });
        out.push(text);
      }
    }
  } else {
    const lines = run.files.flatMap((f) => f.errors.filter((e) => e.marker === 'go-test-fail' || e.marker === 'testify').map((e) => ({ f, e })));
    if (!lines.length) out.push(record ? 'The run record lists no failed test (hi itself failed?).' : 'No run record and no go test failure in the logs (go test output is in the terminal that ran hi).');
    for (const { f, e } of lines.slice(0, 10)) logLine(f, e);
  }
  out.push('');

  // 2. Triage with its evidence.
  out.push(`## Triage: ${run.triage ?? 'not triaged'}`);
  out.push(run.triage === 'infrastructure'
    ? 'An infrastructure signature is present and nothing crashed. The guide: reset Docker networking or prune and retry; do not change code for this.'
    : run.triage === 'code'
      ? 'The guide: almost every failure is a code bug. Read the headscale server log first, then the server code it names.'
      : 'No failure signature was found in the logs.');
  for (const e of run.evidence) {
    const f = run.files.find((x) => x.relative === e.file);
    if (f) logLine(f, { line: e.line, text: e.text, marker: e.marker ?? '', severity: 'error', ...(e.note ? { note: e.note } : {}) }, e.count && e.count > 1 ? ` (${e.count} such lines)` : '');
    else out.push(`  ${e.file}:${e.line}  ${e.text}`);
  }
  out.push('');

  // 3. The headscale server log: its first error and the errors around it.
  out.push('## Headscale server log');
  const servers = run.files.filter((f) => f.kind === 'hs-stderr');
  if (!servers.length) out.push('No hs-*.stderr.log in this run.');
  for (const f of servers) {
    out.push(`${f.relative}: ${count(f.errorCount, 'error')}, ${count(f.warningCount, 'warning')}${f.problem ? ` (${f.problem})` : ''}`);
    crash(f);
    const first = f.errors.findIndex((e) => e.marker !== 'goroutine');
    if (first < 0) {
      out.push('  no error lines');
      continue;
    }
    out.push('  first error:');
    logLine(f, f.errors[first]);
    const around = f.errors.slice(first + 1, first + 1 + AROUND);
    if (around.length) out.push('  then:');
    for (const e of around) logLine(f, e);
    const rest = f.errorCount - first - 1 - around.length;
    if (rest > 0) out.push(`  … ${count(rest, 'more error')} (open the log, or "Errors with context")`);
  }
  out.push('');

  // 4. Client logs.
  out.push('## Client logs');
  const clients = run.files.filter((f) => f.kind === 'ts-stderr' || f.kind === 'log');
  const noisy = clients.filter((f) => f.errorCount);
  if (!noisy.length) out.push(clients.length ? `No errors in ${clients.length} client logs.` : 'No client logs in this run.');
  for (const f of noisy) {
    out.push(`${f.relative}: ${count(f.errorCount, 'error')}`);
    for (const e of f.errors.slice(0, CLIENT_LINES)) logLine(f, e);
  }
  out.push('');
  out.push('## Size');
  out.push(`${formatSize(run.sizeBytes)}: ${run.files.length + (run.unlistedFiles ?? 0)} files, ${run.errorCount} error lines and ${run.warningCount} warning lines in the logs (warnings are listed in each log's collapsed group).`);
  return { title, text: out.join('\n') + '\n', links };

  /** A panic or fatal error with the top frames of the goroutine that crashed, each frame linked to the code. */
  function crash(f: RunFile): void {
    const at = f.errors.find((e) => CRASH_MARKERS.has(e.marker))?.line ?? run.evidence.find((e) => e.file === f.relative && CRASH_MARKERS.has(e.marker ?? ''))?.line;
    const trace = at === undefined ? null : readPanic(f.path, at);
    if (!trace) return;
    out.push(`  crashed${trace.goroutine ? ' (the goroutine that panicked, its top frames):' : ':'}`);
    for (const m of trace.message) logLine(f, { line: m.line, text: m.text, marker: '', severity: 'error' });
    if (!trace.goroutine) return;
    logLine(f, { line: trace.goroutine.line, text: trace.goroutine.text, marker: '', severity: 'error' });
    for (const frame of trace.frames) {
      out.push(`      ${frame.createdBy ? 'created by ' : ''}${frame.func}`);
      // `\t/go/src/headscale/hscontrol/…/batcher.go:401 +0x1a4`, printed after 8 spaces instead of the tab.
      const location = frame.location.replace(/^\t/, '');
      for (const c of codeRefs(frame.location)) {
        const file = c.relative ? path.join(moduleRoot, c.relative) : c.written;
        link(8 + c.start - 1, c.end - c.start, { path: file, line: c.line, inWorkspace: !!c.relative && exists(file) });
      }
      out.push(`        ${location}`);
    }
    if (trace.moreFrames) out.push(`      … ${count(trace.moreFrames, 'more frame')} (open the log at line ${trace.goroutine.line})`);
  }

  function logLine(f: RunFile, e: ErrorLine, suffix = ''): void {
    const ref = `${f.relative}:${e.line}`;
    link(4, ref.length, { path: f.path, line: e.line, inWorkspace: true });
    const text = oneLine(e.text);
    // The caller or frame the line names, linked to the workspace's source (the guide reads the
    // server code right after the server log).
    const at = 4 + ref.length + 2;
    for (const c of codeRefs(text)) {
      const file = c.relative ? path.join(moduleRoot, c.relative) : c.written;
      link(at + c.start, c.end - c.start, { path: file, line: c.line, inWorkspace: !!c.relative && exists(file) });
    }
    out.push(`    ${ref}  ${text}${e.note ? ` (${e.note})` : ''}${suffix}`);
  }
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function oneLine(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 300 ? t.slice(0, 300) + ' …' : t;
}

function exists(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function formatSize(n: number): string {
  return n >= 1048576 ? `${(n / 1048576).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`;
}
