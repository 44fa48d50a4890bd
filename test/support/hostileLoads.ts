/**
 * The hostile loads that make the language server work hard, built once for the robustness table
 * (test/robustness/hostile.test.ts, limits that hold on a loaded machine) and the hover-latency
 * bench (test/bench/hostileBench.ts, the 200 ms goal). Each writes Headscale-shaped input.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** `n` zerolog-shaped INF lines, then `extra`. */
export function infoLog(n: number, extra = ''): string {
  return Array.from({ length: n }, (_, i) => `2026-12-01T10:00:${String(i % 60).padStart(2, '0')}Z INF line ${i}`).join('\n') + '\n' + extra;
}

/** 48 logs of ~1.3 MB (62 MB): more logs than a real run, each with a late warning. */
export function writeHeavyRun(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const chunk = infoLog(38_000, '2026-12-01T10:03:00Z WRN late warning\n');
  for (let i = 0; i < 48; i++) fs.writeFileSync(path.join(dir, `${i % 2 ? 'ts' : 'hs'}-heavy${i}-abcdef.stderr.log`), chunk);
}

/** A run with a client log and 21 000 map responses of one node: over the walk's 20 000-file budget. */
export function writeManyFilesRun(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'ts-many-abcdef.stderr.log'), infoLog(10));
  const many = path.join(dir, 'mapresponses', '7');
  fs.mkdirSync(many, { recursive: true });
  for (let i = 0; i < 21_000; i++) fs.writeFileSync(path.join(many, `2026-12-01T10-00-00.${String(i).padStart(6, '0')}-change.json`), '');
}

/**
 * A sparse log: 400 lines, an error on line 401, then a 600 MB line of NULs (longer than V8's
 * longest string) and one more line. More than the 8 KB a scan sniffs for NUL bytes comes before
 * the hole, so the log is scanned as text.
 */
export function writeSparseLog(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, infoLog(400, '2026-12-01T10:02:00Z ERR before the hole\n'));
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, '\nafter the hole\n', 600 * 1024 * 1024);
  fs.closeSync(fd);
}

/** A test of `depth` EventuallyWithT nested in one another (300: 30 KB). */
export function deepEventually(depth: number, name = 'TestDeep'): string {
  let deep = `package integration\n\nimport (\n\t"testing"\n\t"time"\n\n\t"github.com/stretchr/testify/assert"\n)\n\nfunc ${name}(t *testing.T) {\n`;
  for (let i = 0; i < depth; i++) deep += `${'\t'.repeat(i + 1)}assert.EventuallyWithT(t, func(c *assert.CollectT) {\n`;
  for (let i = depth - 1; i >= 0; i--) deep += `${'\t'.repeat(i + 1)}}, time.Second, time.Millisecond)\n`;
  return deep + '}\n';
}
