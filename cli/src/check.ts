import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { Worker } from 'node:worker_threads';
import { analyzePackage, type SourceFile } from '../../server/src/analysis/analyze';
import { mergeFacts, type PackageFacts } from '../../server/src/analysis/facts';
import type { CheckWorkerData, CheckWorkerReply, CheckWorkerRequest } from './checkWorker';
import { CheckClaims, CheckShare, type ParsedFile } from './checkShare';
import { fileRows, type CheckRow } from './checkRows';
import { GoParser } from '../../server/src/analysis/parser';
import { type Rule } from '../../server/src/analysis/rule';
import { allRules, rulesById } from '../../server/src/analysis/rules';
import { READ_LIMITS, readRegularText } from '../../server/src/safeRead';
import { collectGoFiles, UsageError, type SkippedPath } from './files';
import { sarifLevel, sarifLocation, sarifLog } from './sarif';

export type { CheckLocation, CheckRow } from './checkRows';

export interface CheckOptions {
  /** Only these rules (default: all). */
  rules?: readonly Rule[];
  /** Paths in rows are made relative to this folder. */
  cwd?: string;
}

export interface CheckResult {
  rows: CheckRow[];
  /** Files that were not (fully) checked, with why: the CLI then exits 2, never 0. */
  unchecked: SkippedPath[];
  /** How many Go files were read and analysed (the summary says it; none at all is an error). */
  checked: number;
}

/**
 * Analyses files and directories; positions in rows are 1-based (UTF-16 columns, as LSP). Nothing
 * fails open: a file that is not a regular file, is over the size limit, cannot be read, or that
 * the parser or a rule failed on is listed in `unchecked`, and the other files are still checked.
 */
export function check(parser: GoParser, inputs: readonly string[], onWarning: (msg: string) => void, options: CheckOptions = {}): CheckResult {
  return checkRead(parser, readInputs(inputs), onWarning, options);
}

function checkRead(parser: GoParser, { groups, unchecked }: ReadInputs, onWarning: (msg: string) => void, options: CheckOptions): CheckResult {
  const rows: CheckRow[] = [];
  const cwd = options.cwd ?? process.cwd();
  for (const sources of groups) {
    const failures = new Map<string, string[]>();
    // The files of one directory are one package: facts (MustFindNode defined in helpers.go)
    // reach the files that call them.
    const results = analyzePackage(parser, sources, {
      rules: options.rules,
      // Rows carry no fixes.
      fixes: false,
      onRuleError: (rule, e, file) => noteFailure(failures, file ?? path.dirname(sources[0]!.path), rule.id, String(e), onWarning),
    });
    for (const [where, why] of failures) unchecked.push({ path: where, reason: why.join('; ') });
    for (const file of sources) rows.push(...fileRows(file, results.get(file.path) ?? [], cwd));
  }
  return { rows, unchecked, checked: groups.flat().length };
}

/** Below this much Go, starting workers (a parser each) costs more than it saves. */
const PARALLEL_FROM_CHARS = 400_000;

/**
 * check() on several cores when the tree is big enough (Headscale's integration/ is 1.2 MB): this
 * thread and worker threads (checkWorker.ts) each run a share (checkShare.ts), taking files to
 * parse and report package facts from one list, largest first; the facts are merged per package
 * here exactly as analyzePackage merges them; then each share analyses its files, and takes what
 * is left of the others' once it is done. Same rows, same order as check().
 */
export async function checkOnCores(
  wasmDir: string,
  inputs: readonly string[],
  onWarning: (msg: string) => void,
  /** `beforeAnalysis`: called once every file is parsed (or, on one thread, before it starts). */
  options: CheckOptions & { workers: number; beforeAnalysis?: () => void },
): Promise<CheckResult> {
  const read = readInputs(inputs);
  const all = read.groups.flat();
  const chars = all.reduce((n, f) => n + f.text.length, 0);
  const count = Math.min(options.workers, Math.ceil(chars / (PARALLEL_FROM_CHARS / 2)), all.length);
  // Without the worker script beside the CLI (a copy of cli.js alone), one thread does it all.
  if (count < 2 || !fs.existsSync(path.join(wasmDir, 'checkWorker.js'))) {
    options.beforeAnalysis?.();
    return checkRead(await GoParser.load({ wasmDir }), read, onWarning, options);
  }
  const cwd = options.cwd ?? process.cwd();
  const { groups, unchecked } = read;
  // Largest first: the last files to be taken are the small ones, so the threads end together.
  const files = [...all].sort((a, b) => b.text.length - a.text.length);
  const claims = CheckClaims.create(files.length);
  const data: CheckWorkerData = { wasmDir, rules: options.rules?.map((r) => r.id) };
  // The threads start first: they boot while this thread loads its parser and starts parsing; each
  // takes files from the list as soon as it is ready.
  const workers = Array.from({ length: count - 1 }, () => new Worker(path.join(wasmDir, 'checkWorker.js'), { workerData: data }));
  try {
    const next = (w: Worker) =>
      new Promise<CheckWorkerReply>((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
      });
    const parsing = workers.map((w) => (w.postMessage({ kind: 'parse', files, claims: claims.cells } satisfies CheckWorkerRequest), next(w)));
    const local = new CheckShare(await GoParser.load({ wasmDir }), options.rules, files, claims);
    const parsed = [local.parse(), ...(await Promise.all(parsing)).map((reply) => (reply.kind === 'parsed' ? reply.files : []))];
    options.beforeAnalysis?.();
    const info = new Map<string, ParsedFile>();
    for (const list of parsed) for (const f of list) info.set(f.path, f);
    // Facts for the files that parsed (those are the ones to analyse): their package's others'.
    const facts: Record<string, PackageFacts> = {};
    for (const group of groups) {
      for (const file of group) {
        const own = info.get(file.path);
        if (!own?.facts) continue;
        facts[file.path] = mergeFacts(group.filter((o) => o !== file && info.get(o.path)?.facts && info.get(o.path)!.pkg === own.pkg).map((o) => info.get(o.path)!.facts!));
      }
    }
    const analyzing = workers.map((w) => (w.postMessage({ kind: 'analyze', facts, cwd } satisfies CheckWorkerRequest), next(w)));
    const analyzed = [{ rows: local.analyze(facts, cwd), errors: local.errors }, ...(await Promise.all(analyzing)).flatMap((reply) => (reply.kind === 'analyzed' ? [reply] : []))];
    const rowsByFile = new Map<string, CheckRow[]>();
    const failures = new Map<string, string[]>();
    for (const reply of analyzed) {
      for (const [file, rows] of Object.entries(reply.rows)) rowsByFile.set(file, rows);
      for (const e of reply.errors) noteFailure(failures, e.file, e.rule, e.message, onWarning);
    }
    for (const [where, why] of failures) unchecked.push({ path: where, reason: why.join('; ') });
    const rows = groups.flat().flatMap((file) => rowsByFile.get(file.path) ?? []);
    return { rows, unchecked, checked: files.length };
  } finally {
    // Not awaited: a worker ends by itself once it has replied, and a process exit ends one that
    // has not (after a failure); waiting for the threads to wind down cost up to 13 ms.
    for (const w of workers) void w.terminate();
  }
}

interface ReadInputs {
  groups: SourceFile[][];
  unchecked: SkippedPath[];
}

/** The inputs' Go files read (regular files only, bounded), grouped by directory. */
function readInputs(inputs: readonly string[]): ReadInputs {
  const { files, skipped } = collectGoFiles(inputs);
  const unchecked: SkippedPath[] = [...skipped];
  const groups = byDirectory(files).map((group) => {
    const sources: SourceFile[] = [];
    for (const file of group) {
      try {
        // Invalid UTF-8 decodes to U+FFFD: the analysis still runs on the rest of the file.
        sources.push({ path: file, text: readRegularText(file, READ_LIMITS.goSource) });
      } catch (e) {
        unchecked.push({ path: file, reason: (e as Error).message });
      }
    }
    return sources;
  });
  return { groups: groups.filter((g) => g.length > 0), unchecked };
}

function noteFailure(failures: Map<string, string[]>, where: string, rule: string, message: string, onWarning: (msg: string) => void): void {
  const why = rule === 'parser' ? `the parser failed: ${message}` : `rule ${rule} failed: ${message}`;
  failures.set(where, [...(failures.get(where) ?? []), why]);
  onWarning(`${where}: ${why}`);
}


/** Files grouped by their directory, in first-seen order. */
export function byDirectory(files: readonly string[]): string[][] {
  const groups = new Map<string, string[]>();
  for (const f of files) {
    const dir = path.dirname(f);
    groups.set(dir, [...(groups.get(dir) ?? []), f]);
  }
  return [...groups.values()];
}

const SEVERITY_RANK: Record<string, number> = { error: 3, warning: 2, information: 1, hint: 0 };
const SEVERITY_ORDER = ['error', 'warning', 'information', 'hint'] as const;

/**
 * `3 findings: 1 error, 2 hints (ewt-timing 2, ewt-outer-t 1)`, or `no findings in 12 files`: a
 * clean run says how much it checked, so a CI log shows the paths were right.
 */
export function formatSummary(rows: readonly CheckRow[], checked: number): string {
  if (rows.length === 0) return `no findings in ${checked} file${checked === 1 ? '' : 's'}`;
  const bySeverity = SEVERITY_ORDER.map((s) => [s, rows.filter((r) => r.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}${n === 1 ? '' : s === 'information' ? '' : 's'}`);
  const byRule = new Map<string, number>();
  for (const r of rows) byRule.set(r.rule, (byRule.get(r.rule) ?? 0) + 1);
  // Rule ids are ASCII kebab-case: code-unit order is localeCompare's, without the 8 ms a
  // process's first localeCompare spends loading ICU's collation data.
  const rules = [...byRule].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([id, n]) => `${id} ${n}`);
  return `${rows.length} finding${rows.length === 1 ? '' : 's'}: ${bySeverity.join(', ')} (${rules.join(', ')})`;
}

export function formatText(rows: readonly CheckRow[], checked: number): string {
  const out: string[] = [];
  for (const r of rows) {
    out.push(`${r.file}:${r.line}:${r.column}: ${r.severity} ${r.rule}: ${r.message}`);
    for (const rel of r.related) out.push(`    ${rel.file}:${rel.line}:${rel.column}: ${rel.message}`);
  }
  out.push(formatSummary(rows, checked));
  return out.map((l) => l + '\n').join('');
}

export function formatSarif(rows: readonly CheckRow[]): string {
  return sarifLog(
    allRules,
    rows.map((r) => ({
      ruleId: r.rule,
      level: sarifLevel(r.severity),
      message: { text: r.message },
      locations: [sarifLocation(r.file, r)],
      ...(r.related.length ? { relatedLocations: r.related.map((rel, id) => ({ id, ...sarifLocation(rel.file, rel), message: { text: rel.message } })) } : {}),
    })),
  );
}

export interface CheckArgs {
  inputs: string[];
  format: 'text' | 'json' | 'sarif';
  failOn: 'error' | 'warning' | 'hint';
  rules: readonly Rule[];
}

/** `check` flags, parsed strictly: an unknown flag or rule id is a usage error. */
export function parseCheckArgs(argv: readonly string[]): CheckArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: { format: { type: 'string', default: 'text' }, 'fail-on': { type: 'string', default: 'warning' }, rules: { type: 'string' }, disable: { type: 'string' } },
    });
  } catch (e) {
    throw new UsageError(`check: ${e instanceof Error ? e.message : String(e)}`);
  }
  const { values, positionals } = parsed;
  const format = values.format as string;
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError('--format must be one of text, json, sarif');
  const failOn = values['fail-on'] as string;
  if (!['error', 'warning', 'hint'].includes(failOn)) throw new UsageError('--fail-on must be one of error, warning, hint');
  if (positionals.length === 0) throw new UsageError('check needs at least one file or directory');
  const ids = (list: string | undefined) => {
    const out = (list ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = out.filter((id) => !rulesById.has(id));
    if (unknown.length) throw new UsageError(`unknown rule ${unknown.join(', ')} (known: ${allRules.map((r) => r.id).join(', ')})`);
    return new Set(out);
  };
  const only = ids(values.rules as string | undefined);
  const disabled = ids(values.disable as string | undefined);
  const rules = allRules.filter((r) => (only.size === 0 || only.has(r.id)) && !disabled.has(r.id));
  return { inputs: positionals, format: format as CheckArgs['format'], failOn: failOn as CheckArgs['failOn'], rules };
}

/** Exit status: 1 when a finding is at least as severe as --fail-on (hints alone pass by default). */
export function checkExitCode(rows: readonly CheckRow[], failOn: CheckArgs['failOn']): number {
  const threshold = SEVERITY_RANK[failOn];
  return rows.some((r) => (SEVERITY_RANK[r.severity] ?? 2) >= threshold) ? 1 : 0;
}
