/**
 * Where a log line points into Go source: headscale's zerolog caller (`hscontrol/state/state.go:812 >`,
 * relative to the container's working directory /go/src/headscale, or longer with the CI image), a
 * panic's goroutine frame (`/go/src/headscale/hscontrol/mapper/batcher.go:401 +0x1a4`), testify's
 * `Error Trace:` and go test's `route_test.go:110:`. Pure: offsets in, module-relative paths out;
 * the extension turns them into links to the workspace's own files.
 */
export interface CodeRef {
  /** 0-based character range of `file:line` in the text. */
  start: number;
  end: number;
  /** Path relative to the module root, `/`-separated (null: a path outside the module, e.g. GOROOT). */
  relative: string | null;
  /** The path as the log wrote it. */
  written: string;
  line: number;
}

/** Container and CI checkouts of headscale: the part before the module-relative path. */
const MODULE_PREFIXES = [/^\/go\/src\/headscale\//, /^(?:\.\.\/)*(?:home\/)?runner\/work\/headscale\/headscale\//, /^\/home\/runner\/work\/headscale\/headscale\//, /^\/headscale\//];

const PATTERNS: { re: RegExp; kind: 'caller' | 'frame' | 'trace' | 'test' }[] = [
  // zerolog ConsoleWriter: `<time> <LVL> <caller> > message`.
  { re: /^\S+ (?:TRC|DBG|INF|WRN|ERR|FTL|PNC) ((?:\.\.\/|\/)?(?:[\w.@-]+\/)*[\w.-]+\.go):(\d+) >/, kind: 'caller' },
  // goroutine frame: a tab, an absolute path, `:line`, optional ` +0x…`.
  { re: /^\t(\/\S+\.go):(\d+)(?: \+0x[0-9a-f]+)?$/, kind: 'frame' },
  // testify block.
  { re: /Error Trace:\s+(\S+\.go):(\d+)/, kind: 'trace' },
  // go test's `    file_test.go:123: message`.
  { re: /^\s+(\w+_test\.go):(\d+): /, kind: 'test' },
];

export function codeRefs(text: string): CodeRef[] {
  for (const { re, kind } of PATTERNS) {
    const m = re.exec(text);
    if (!m) continue;
    const written = m[1];
    const start = m.index + m[0].indexOf(written);
    return [{ start, end: start + written.length + 1 + m[2].length, written, line: Number(m[2]), relative: moduleRelative(written, kind) }];
  }
  return [];
}

function moduleRelative(written: string, kind: 'caller' | 'frame' | 'trace' | 'test'): string | null {
  for (const p of MODULE_PREFIXES) if (p.test(written)) return written.replace(p, '');
  // A bare test file name is printed relative to the package directory: integration/.
  if (kind === 'test' || (kind === 'trace' && !written.includes('/'))) return `integration/${written}`;
  // zerolog prints callers relative to the working directory, which is the module root.
  if (kind === 'caller' && !written.startsWith('/') && !written.startsWith('../')) return written;
  return null; // GOROOT, module cache, another checkout
}
