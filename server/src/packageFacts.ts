import * as fs from 'fs';
import * as path from 'path';
import { factsOfTree, type DeclarationFactsSummary } from './analysis/analyze';
import { mergeFacts, type PackageFacts } from './analysis/facts';
import { readHeader } from './analysis/goFile';
import type { GoParser } from './analysis/parser';
import type { Tree } from 'web-tree-sitter';
import { everyMs, QuietPeriod } from './timeSlices';

/** A Go file larger than this is not read for facts (generated code, not a helper file). */
const MAX_FILE_BYTES = 2 * 1024 * 1024;
/** At most this many sibling files per directory are read. */
const MAX_FILES_PER_DIRECTORY = 500;
/**
 * How much sibling source one analysis reads before it answers: the rest is read in the
 * background, one file per turn of the event loop, and dependants are refreshed after. Opening the
 * first file of a 30k-line directory then costs about one helper file, not the whole package.
 */
const SYNC_READ_BYTES = 128 * 1024;
/**
 * The background reads wait until no analysis asked for siblings for this long. A read is a whole
 * parse (30 ms for a 4 500-line test), and answering a request takes several turns of the event
 * loop: read between them, the files left over from one open made each of the next five opens of
 * the package wait 300–700 ms for its diagnostics.
 */
const FILL_AFTER_QUIET_MS = 200;
/** The longest stretch a background parse holds the server (as the contract check's). */
const FILL_SLICE_MS = 10;

/** One file's contribution to its package: facts and package clause, for one version of it. */
interface FileFacts {
  /** `v<version>` for an open document, `<mtime>:<size>` for a file on disk. */
  key: string;
  pkg: string | null;
  facts: PackageFacts;
}

/** What the provider needs to know about open documents (their text wins over the disk). */
export interface OpenDocuments {
  /** The open document at this path: its version and its current tree (borrowed for the call). */
  byPath(file: string): { version: number; withTree<T>(use: (tree: Tree) => T): T } | undefined;
}

/** The merged facts of a document's siblings and a key that changes exactly when they do. */
export interface SiblingFacts {
  /** Which version of which file each part came from. */
  key: string;
  facts: PackageFacts;
  /** The merged facts serialised: what analyses are cached by and compared on. */
  json: string;
}

/**
 * Package facts of the other `.go` files in a document's directory, as the CLI computes them for a
 * package (analyzePackage): same package clause, merged. Open documents contribute their in-memory
 * text (cached per version, re-querying only changed functions), the others are read from disk
 * (regular files only, bounded) and cached by mtime and size. With a file watcher the disk is
 * trusted until an event says otherwise; without one, every use re-stats the directory.
 */
export class PackageFactsProvider {
  private readonly disk = new Map<string, FileFacts>();
  private readonly open = new Map<string, FileFacts & { reuse: Map<string, DeclarationFactsSummary> }>();
  private readonly listings = new Map<string, string[]>();
  /** Disk entries an event put in doubt: re-stat before use. */
  private readonly unverified = new Set<string>();
  /** The last merge per document, so an unchanged set of siblings is not merged again. */
  private readonly merged = new Map<string, SiblingFacts>();
  /** Disk files left for the background (over the synchronous budget). */
  private readonly pending = new Set<string>();
  private filling = false;
  private disposed = false;
  /** Analyses asking for siblings: the background reads wait until they pause. */
  private readonly asked = new QuietPeriod(FILL_AFTER_QUIET_MS);
  /** Breaks in the background parses, so requests are answered between slices. */
  private readonly pause = everyMs(FILL_SLICE_MS);
  /** Set when the client sends workspace/didChangeWatchedFiles for Go files. */
  watching = false;

  /** `onFilled(dir)`: the background finished reading files of `dir`; dependants may be stale. */
  constructor(private readonly parser: GoParser, private readonly docs: OpenDocuments, private readonly onFilled: (dir: string) => void = () => undefined) {}

  dispose(): void {
    this.disposed = true;
    this.pending.clear();
  }

  /** Facts of the files beside `file` that share its package clause `pkg`. */
  siblingsOf(file: string, pkg: string | null): SiblingFacts {
    this.asked.note();
    const dir = path.dirname(file);
    const parts: string[] = [];
    const list: PackageFacts[] = [];
    const budget = { bytes: SYNC_READ_BYTES };
    for (const name of this.listing(dir)) {
      const sibling = path.join(dir, name);
      if (sibling === file) continue;
      const f = this.factsOf(sibling, budget);
      if (f === 'pending') {
        parts.push(`${name}@pending`);
        continue;
      }
      if (!f || f.pkg !== pkg) continue;
      parts.push(`${name}@${f.key}`);
      list.push(f.facts);
    }
    if (this.pending.size) this.scheduleFill();
    const key = `${pkg}/${parts.join('|')}`;
    const last = this.merged.get(file);
    if (last?.key === key) return last;
    const facts = mergeFacts(list);
    const result = { key, facts, json: JSON.stringify(facts) };
    this.merged.set(file, result);
    return result;
  }

  /**
   * An open document was just analysed with `tree`: its facts for this version are read now, so
   * that its siblings' next look at them does not parse it again (documents that are only open
   * give their tree back after each analysis).
   */
  analysedOpen(file: string, version: number, tree: Tree): void {
    this.openFacts(file, version, (use) => use(tree));
  }

  private openFacts(file: string, version: number, withTree: <T>(use: (tree: Tree) => T) => T): FileFacts {
    const key = `v${version}`;
    const cached = this.open.get(file);
    if (cached?.key === key) return cached;
    const reuse = cached?.reuse ?? new Map<string, DeclarationFactsSummary>();
    const entry = { key, reuse, ...withTree((tree) => ({ pkg: readHeader(tree.rootNode).packageName, facts: factsOfTree(file, '', tree, reuse) })) };
    this.open.set(file, entry);
    return entry;
  }

  /** A watched-file event (or a re-read of a test file): check the disk again (mtime and size). */
  changedOnDisk(file: string): void {
    this.unverified.add(file);
    this.listings.delete(path.dirname(file));
  }

  /** An open document closed: its facts come from the disk again. */
  closed(file: string): void {
    this.open.delete(file);
    this.merged.delete(file);
  }

  private listing(dir: string): string[] {
    const cached = this.watching ? this.listings.get(dir) : undefined;
    if (cached) return cached;
    let names: string[] = [];
    try {
      // Helper files first: that is where package helpers (MustFindNode, …WithCollect) live.
      const isTest = (n: string) => (n.endsWith('_test.go') ? 1 : 0);
      names = fs
        .readdirSync(dir)
        .filter((n) => n.endsWith('.go'))
        .sort((a, b) => isTest(a) - isTest(b) || (a < b ? -1 : a > b ? 1 : 0))
        .slice(0, MAX_FILES_PER_DIRECTORY);
    } catch {
      // An unreadable or vanished directory has no siblings.
    }
    this.listings.set(dir, names);
    return names;
  }

  private factsOf(file: string, budget?: { bytes: number }): FileFacts | null | 'pending' {
    const doc = this.docs.byPath(file);
    if (doc) return this.openFacts(file, doc.version, doc.withTree);
    const cached = this.disk.get(file);
    if (cached && this.watching && !this.unverified.has(file)) return cached;
    if (this.pending.has(file)) return 'pending';
    this.unverified.delete(file);
    return this.readDisk(file, cached, budget);
  }

  /**
   * Reads the files left over, one per turn once analyses have been quiet for a while (see
   * FILL_AFTER_QUIET_MS), then tells the directories' dependants.
   */
  private scheduleFill(): void {
    if (this.filling || this.disposed) return;
    this.filling = true;
    const dirs = new Set<string>();
    const step = () => {
      const wait = this.asked.remaining();
      if (wait > 0 && !this.disposed) return void setTimeout(step, wait);
      const next = this.pending.values().next();
      if (this.disposed || next.done) {
        this.filling = false;
        if (!this.disposed) for (const dir of dirs) this.onFilled(dir);
        return;
      }
      this.pending.delete(next.value);
      dirs.add(path.dirname(next.value));
      // (readDiskSliced does not throw; if it ever did, the fill must still go on.)
      void this.readDiskSliced(next.value, this.disk.get(next.value))
        .catch(() => undefined)
        .then(() => setImmediate(step));
    };
    setImmediate(step);
  }

  /** A file's facts, parsed here and now (within `budget`, when given). */
  private readDisk(file: string, cached: FileFacts | undefined, budget?: { bytes: number }): FileFacts | null | 'pending' {
    const source = this.readSource(file, cached, budget);
    if (source === null || source === 'pending' || 'facts' in source) return source;
    let tree: Tree;
    try {
      tree = this.parser.parse(source.text);
    } catch {
      this.disk.delete(file);
      return null;
    }
    return this.keep(file, source, tree);
  }

  /**
   * A file's facts, for the background: parsed in slices (timeSlices.ts), so that a request never
   * waits on a whole parse (256 KB of binary noise named `_test.go` takes a second).
   */
  private async readDiskSliced(file: string, cached: FileFacts | undefined): Promise<void> {
    const source = this.readSource(file, cached);
    if (source === null || source === 'pending' || 'facts' in source) return;
    let tree: Tree;
    try {
      tree = await this.parser.parseSliced(source.text, this.pause);
    } catch {
      this.disk.delete(file);
      return;
    }
    if (this.disposed) tree.delete();
    else this.keep(file, source, tree);
  }

  /** The facts of a parsed file, kept by its key; the tree is freed. */
  private keep(file: string, source: { key: string; text: string }, tree: Tree): FileFacts | null {
    try {
      const entry: FileFacts = { key: source.key, pkg: readHeader(tree.rootNode).packageName, facts: factsOfTree(file, source.text, tree) };
      this.disk.set(file, entry);
      return entry;
    } catch {
      this.disk.delete(file);
      return null;
    } finally {
      tree.delete();
    }
  }

  /**
   * Reads a regular file of bounded size (never blocks on a FIFO, never follows into a device):
   * its text and key, or the cached facts when the key is unchanged, or 'pending' when it is over
   * the budget left.
   */
  private readSource(file: string, cached: FileFacts | undefined, budget?: { bytes: number }): { key: string; text: string } | FileFacts | null | 'pending' {
    let fd: number | undefined;
    try {
      fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
      const stat = fs.fstatSync(fd);
      if (!stat.isFile() || stat.size > MAX_FILE_BYTES) {
        this.disk.delete(file);
        return null;
      }
      const key = `${stat.mtimeMs}:${stat.size}`;
      if (cached?.key === key) return cached;
      if (budget) {
        if (stat.size > budget.bytes) {
          this.pending.add(file);
          return 'pending';
        }
        budget.bytes -= stat.size;
      }
      const buffer = Buffer.alloc(stat.size);
      const read = fs.readSync(fd, buffer, 0, stat.size, 0);
      return { key, text: buffer.subarray(0, read).toString('utf8') };
    } catch {
      this.disk.delete(file);
      return null;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  }
}
