import * as fs from 'fs';

/**
 * The one way the server and the CLI read a whole file from a workspace. A cloned repository is
 * attacker-controlled: `hi-workbench-run.json -> /dev/zero` or a FIFO named `x_test.go` must not
 * take the process down. So a file is read only when the opened descriptor is a regular file
 * (fstat, so a symlink swapped after a stat cannot slip through) and no bigger than the caller's
 * limit; it is opened with O_NONBLOCK, so opening a FIFO returns at once instead of waiting for
 * a writer. Whatever is refused comes back as an UnsafeReadError with a message for the user.
 */
export class UnsafeReadError extends Error {
  constructor(
    message: string,
    /** Why: not a regular file, over the limit, or the system's error code. */
    readonly reason: 'not-regular' | 'too-large' | 'io',
  ) {
    super(message);
  }
}

const NONBLOCK = fs.constants.O_NONBLOCK ?? 0;

/** A readable name for what a path is when it is not a regular file. */
export function fileTypeOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

export function formatBytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(1)} GB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(0)} KB`;
  return `${n} bytes`;
}

/**
 * Opens `file` for reading when it is a regular file of at most `maxBytes`; returns the descriptor
 * and its stat. The caller closes the descriptor.
 */
export function openRegular(file: string, maxBytes: number): { fd: number; st: fs.Stats } {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | NONBLOCK);
  } catch (e) {
    throw new UnsafeReadError(`cannot open: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, 'io');
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new UnsafeReadError(`not read: ${fileTypeOf(st)}, not a regular file`, 'not-regular');
    if (st.size > maxBytes) throw new UnsafeReadError(`not read: ${formatBytes(st.size)} is over the ${formatBytes(maxBytes)} limit`, 'too-large');
    return { fd, st };
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
}

/**
 * A regular file's bytes, at most `maxBytes`. A file that grows while it is read is cut at its
 * size when opened (plus nothing): the result never exceeds the limit.
 */
export function readRegularFile(file: string, maxBytes: number): Buffer {
  const { fd, st } = openRegular(file, maxBytes);
  try {
    const buffer = Buffer.allocUnsafe(st.size);
    let filled = 0;
    while (filled < st.size) {
      let n: number;
      try {
        n = fs.readSync(fd, buffer, filled, st.size - filled, filled);
      } catch (e) {
        throw new UnsafeReadError(`cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, 'io');
      }
      if (n === 0) break; // truncated while reading
      filled += n;
    }
    return filled === st.size ? buffer : buffer.subarray(0, filled);
  } finally {
    fs.closeSync(fd);
  }
}

/** readRegularFile as UTF-8 text (invalid bytes become U+FFFD). */
export function readRegularText(file: string, maxBytes: number): string {
  return readRegularFile(file, maxBytes).toString('utf8');
}

/** readRegularText that answers null instead of throwing: for optional files such as run records. */
export function tryReadRegularText(file: string, maxBytes: number): string | null {
  try {
    return readRegularText(file, maxBytes);
  } catch {
    return null;
  }
}

/** Whether `file` is (after following links) a regular file; never opens it. */
export function isRegularFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Limits for the kinds of file the project reads whole. */
export const READ_LIMITS = {
  /** hi-workbench-run.json: a handful of fields. */
  runRecord: 64 << 10,
  /** One map response: headscale's biggest are a few MB (thousands of peers). */
  mapResponse: 8 << 20,
  /** A Go source file: the biggest in headscale is ~100 KB; tree-sitter's wasm aborts far above this. */
  goSource: 8 << 20,
  /** Prometheus dumps and tailscale status JSON. */
  textArtifact: 64 << 20,
  /** A headscale SQLite snapshot (sql.js holds it in memory). */
  database: 256 << 20,
} as const;
