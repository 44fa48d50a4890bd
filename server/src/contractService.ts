import { pathToFileURL } from 'url';
import { CONTRACT_BASE_SCHEME } from '../../shared/src/protocol';
import type { ContractChange } from './analysis/contract';
import { LineIndex } from './analysis/lineIndex';
import type { GoParser, Pause } from './analysis/parser';
import { ContractBaseReader } from './git/contractBase';
import { CheckSuperseded, checkContractOf } from './git/contractCheck';
import { CompareMemo, contractOfText, missingTestDocs, type FileContract, type MissingDoc } from './analysis/contract';
import type { ResolvedSettings } from './settingsStore';
import { everyMs, QuietPeriod } from './timeSlices';

/** What the server knows about one document's contract, for the version it was computed on. */
export interface ContractState {
  version: number;
  /** Lines of the text it was computed on (a stale state is shown only while this still holds). */
  lineCount: number;
  changes: ContractChange[];
  /** The base document (read-only, served through `hi/contractBase`), when there is a base. */
  base: { uri: string; lines: LineIndex; text: string; label: string } | null;
  /** Tests that did not exist at the base (all of them for a file new since the base). */
  newTests: Set<string> | 'all';
  /** hs-test-doc: integration tests without a doc comment (new ones, or all with docExistingTests). */
  docs: MissingDoc[];
}

export interface ContractHost {
  trusted(): boolean;
  settings(uri: string): Promise<ResolvedSettings>;
  /** The document's current text and version, or undefined when it was closed. */
  document(uri: string): { path: string; text: string; version: number } | undefined;
  /** The open document's contract from its own tree, read in slices with `pause` between them (null with conflict markers). */
  contract(uri: string, pause: Pause): Promise<FileContract | null | undefined>;
  /** A document's contract state changed: its diagnostics need a refresh. */
  changed(uri: string): void;
  /** Say something once (a missing base), to the user and the log. */
  warnOnce(key: string, message: string): void;
}

/** Edits are checked after the typing stops: git and the comparison stay off the typing path. */
const QUIET_MS = 400;
/**
 * Any open or edit, in any document, holds every check back until this long after it: the
 * document's first diagnostics go first. A check spawns git two or three times, and each spawn of
 * a server this size blocks it for 5–20 ms; run right after an open (or after each of the 40 opens
 * of a restored session) they delayed its diagnostics by 20–30 ms.
 */
const ACTIVITY_QUIET_MS = 200;
/** The longest stretch a check holds the server before queued requests (a hover) are answered. */
const SLICE_MS = 10;

/**
 * hs-test-contract's own schedule: after an open or a pause in typing, read the base with git
 * (cached by blob id) and compare. Nothing runs in Restricted Mode, because git is a process.
 */
export class ContractService {
  private states = new Map<string, ContractState>();
  private timers = new Map<string, NodeJS.Timeout>();
  /** Opens and edits of any document (see ACTIVITY_QUIET_MS). */
  private readonly activity = new QuietPeriod(ACTIVITY_QUIET_MS);
  private memos = new Map<string, CompareMemo>();
  private readonly reader: ContractBaseReader;
  private readonly pause = everyMs(SLICE_MS);

  constructor(parser: GoParser, private readonly host: ContractHost) {
    this.reader = new ContractBaseReader(parser, this.pause);
    // Compiling the contract query takes ~100 ms in one wasm call that cannot be sliced: do it while
    // the editor waits for initialize anyway, not in the middle of the first check.
    contractOfText(parser, 'package p\n\nfunc TestWarm(t *testing.T) {}\n');
  }

  /**
   * The state for this version. While typing, the previous version's state is returned as long as
   * the line count is unchanged (its squiggles stay where they were until the next check, instead of
   * flickering off and on with every keystroke); `exact` asks for this version only (edits).
   */
  state(uri: string, version: number, lineCount: number | 'exact' = 'exact'): ContractState | undefined {
    const s = this.states.get(uri);
    return s && (s.version === version || (lineCount !== 'exact' && s.lineCount === lineCount)) ? s : undefined;
  }

  /** After an open (`delay` 0) or an edit of `uri`: check it once documents have been quiet. */
  schedule(uri: string, delay = QUIET_MS): void {
    // Any Go document's open or edit is activity: a helper's diagnostics go first too.
    this.activity.note();
    if (!uri.startsWith('file:') || !uri.endsWith('_test.go')) return;
    this.arm(uri, Math.max(delay, ACTIVITY_QUIET_MS));
  }

  /** Trust or settings changed: everything again, as soon as documents are quiet. */
  recheckAll(uris: string[]): void {
    for (const uri of uris) if (uri.startsWith('file:') && uri.endsWith('_test.go')) this.arm(uri, 0);
  }

  private arm(uri: string, delay: number): void {
    clearTimeout(this.timers.get(uri));
    this.timers.set(
      uri,
      setTimeout(() => {
        const wait = this.activity.remaining();
        if (wait > 0) this.arm(uri, wait);
        else void this.run(uri);
      }, delay),
    );
  }

  private memo(uri: string): CompareMemo {
    let m = this.memos.get(uri);
    if (!m) this.memos.set(uri, (m = new CompareMemo()));
    return m;
  }

  forget(uri: string): void {
    this.memos.delete(uri);
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    if (this.states.delete(uri)) this.host.changed(uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  /** The text behind a `hi-contract-base:` URI. */
  async baseText(uri: string): Promise<string | null> {
    if (!this.host.trusted()) return null;
    const parsed = parseBaseUri(uri);
    return parsed ? this.reader.show(parsed.file, parsed.commit, parsed.basePath) : null;
  }

  private async run(uri: string): Promise<void> {
    this.timers.delete(uri);
    const doc = this.host.document(uri);
    if (!doc) return;
    const had = this.states.has(uri);
    const settings = await this.host.settings(uri);
    if (!this.host.trusted() || (settings.settings.rules['hs-test-contract'] === 'off' && settings.settings.rules['hs-test-doc'] === 'off')) {
      this.states.delete(uri);
      if (had) this.host.changed(uri);
      return;
    }
    // The document's own contract is for this version only: an edit during it abandons the rest
    // (the edit scheduled the next check), so typing never waits on a check that is thrown away.
    const pauseUnlessEdited = () => {
      if (this.host.document(uri)?.version !== doc.version) throw new CheckSuperseded();
      return this.pause();
    };
    const currentContract = async () => (this.host.document(uri)?.version === doc.version ? (await this.host.contract(uri, pauseUnlessEdited)) ?? null : null);
    // Only hs-test-doc reads a new file's contract (a second parse of a 4 500-line file otherwise).
    const docsApply = isIntegrationPath(doc.path) && settings.settings.rules['hs-test-doc'] !== 'off';
    const { lookup, changes, current } = await checkContractOf(this.reader, doc.path, currentContract, settings.contract.base, this.memo(uri), docsApply);
    // Typed on while git answered: the next scheduled run will catch up.
    if (this.host.document(uri)?.version !== doc.version) return;
    if (lookup.kind === 'missing-base') this.host.warnOnce(`base:${lookup.label}`, lookup.message);
    let state: ContractState | undefined;
    const docsOf = (base: FileContract | null, label: string) =>
      current && docsApply
        ? missingTestDocs(current, base, { existing: settings.contract.docExistingTests, baseLabel: label })
        : [];
    if (lookup.kind === 'found') {
      const baseNames = new Set(lookup.contract.functions.keys());
      state = {
        version: doc.version,
        lineCount: lineCountOf(doc.text),
        changes: settings.settings.rules['hs-test-contract'] === 'off' ? [] : changes,
        base: { uri: baseUri(doc.path, lookup.commit, lookup.path, lookup.label), lines: new LineIndex(lookup.text), text: lookup.text, label: lookup.label },
        newTests: new Set(currentTestNames(doc.text).filter((n) => !baseNames.has(n))),
        docs: docsOf(lookup.contract, lookup.label),
      };
    } else if (lookup.kind === 'new-file') {
      state = { version: doc.version, lineCount: lineCountOf(doc.text), changes: [], base: null, newTests: 'all', docs: docsOf(null, lookup.label) };
    }
    if (state) this.states.set(uri, state);
    else this.states.delete(uri);
    if (state || had) this.host.changed(uri);
  }
}

function lineCountOf(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Headscale's integration tests live in `integration/`; unit tests elsewhere are not asked for godoc. */
function isIntegrationPath(file: string): boolean {
  return /(^|[\\/])integration[\\/]/.test(file);
}

/** Top-level test names, cheaply (only to tell new tests from old ones). */
function currentTestNames(text: string): string[] {
  return [...text.matchAll(/^func (Test\w*)\s*\(/gm)].map((m) => m[1]);
}

/** `hi-contract-base:/<abs path>?commit=…&path=…&label=…`: keeps the file name (and so Go highlighting). */
export function baseUri(file: string, commit: string, basePath: string, label: string): string {
  const filePath = pathToFileURL(file).pathname;
  const query = new URLSearchParams({ commit, path: basePath, label }).toString();
  return `${CONTRACT_BASE_SCHEME}:${filePath}?${encodeURIComponent(query)}`;
}

export function parseBaseUri(uri: string): { file: string; commit: string; basePath: string } | null {
  if (!uri.startsWith(`${CONTRACT_BASE_SCHEME}:`)) return null;
  const rest = uri.slice(CONTRACT_BASE_SCHEME.length + 1);
  const q = rest.indexOf('?');
  if (q < 0) return null;
  let params: URLSearchParams;
  let file: string;
  try {
    params = new URLSearchParams(decodeURIComponent(rest.slice(q + 1)));
    file = new URL(`file://${rest.slice(0, q)}`).pathname;
    file = decodeURIComponent(file);
  } catch {
    return null;
  }
  const commit = params.get('commit');
  const basePath = params.get('path');
  if (!commit || !/^[0-9a-f]{7,64}$/.test(commit) || !basePath) return null;
  return { file, commit, basePath };
}
