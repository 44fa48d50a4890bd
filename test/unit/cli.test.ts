/** The CLI as a user runs it: a real process, its output formats and its exit codes. */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyzePackage } from '../../server/src/analysis/analyze';
import { LineIndex } from '../../server/src/analysis/lineIndex';
import { collectGoFiles } from '../../cli/src/files';
import { byDirectory, formatSummary, type CheckRow } from '../../cli/src/check';
import { loadParser, repoRoot } from '../support/parser';

const cli = path.join(repoRoot, 'dist', 'cli.js');
const fixtures = path.join(repoRoot, 'test', 'fixtures');

function run(...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: repoRoot });
}

test('check --format json matches the analyzer on every fixture, 1-based, exit 1', async () => {
  const r = run('check', fixtures, '--format', 'json');
  assert.equal(r.status, 1, r.stderr);
  const rows = JSON.parse(r.stdout) as { file: string; line: number; column: number; endLine: number; endColumn: number; rule: string; severity: string; message: string; related: unknown[] }[];
  const parser = await loadParser();
  const expected = [];
  // Every .go file below the fixtures, nested ones too (hs-test-contract keeps base/current pairs in
  // folders); one directory is one package: the CLI passes facts between its files.
  for (const group of byDirectory(collectGoFiles([fixtures]).files)) {
    const sources = group.map((file) => ({ path: file, text: fs.readFileSync(file, 'utf8') }));
    const results = analyzePackage(parser, sources);
    for (const { path: file, text } of sources) {
      const lines = new LineIndex(text);
      // Paths relative to the working directory (the CLI runs in the repository root).
      const shown = path.relative(repoRoot, file);
      const at = (start: number, end: number) => {
        const s = lines.positionAt(start);
        const e = lines.positionAt(end);
        return { file: shown, line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 };
      };
      for (const f of results.get(file) ?? []) {
        expected.push({ ...at(f.start, f.end), rule: f.ruleId, severity: f.severity, message: f.message, related: f.related.map((x) => ({ ...at(x.start, x.end), message: x.message })) });
      }
    }
  }
  assert.ok(expected.length > 30);
  assert.deepEqual(rows, expected);
  // Spot-check 1-based positions against the source text: the range is the whole call.
  const first = rows.find((x) => x.rule === 'ewt-outer-t' && x.line === x.endLine)!;
  const src = fs.readFileSync(path.join(repoRoot, first.file), 'utf8').split('\n')[first.line - 1];
  assert.match(src.slice(first.column - 1, first.endColumn - 1), /^assert\.\w+\(t, .*\)$/);
});

test('text and sarif formats, the summary line, --fail-on; a clean file exits 0', () => {
  // ewt-timing's fixtures hold hints only: they do not fail a build unless asked to.
  const text = run('check', path.join(fixtures, 'ewt-timing'), '--rules', 'ewt-timing');
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /^test\/fixtures\/ewt-timing\/timing_test\.go:\d+:\d+: hint ewt-timing: Tick \(1s\)/m);
  const findingLines = text.stdout.trim().split('\n').filter((l) => /^\S+:\d+:\d+: /.test(l));
  assert.match(text.stdout.trim().split('\n').pop()!, new RegExp(`^${findingLines.length} findings: ${findingLines.length} hints \\(ewt-timing ${findingLines.length}\\)$`));
  assert.equal(run('check', path.join(fixtures, 'ewt-timing'), '--rules', 'ewt-timing', '--fail-on', 'hint').status, 1);
  const sarif = run('check', path.join(fixtures, 'ewt-timing'), '--rules=ewt-timing', '--format=sarif');
  const doc = JSON.parse(sarif.stdout);
  assert.equal(doc.version, '2.1.0');
  assert.equal(doc.runs[0].results.length, findingLines.length);
  assert.match(sarif.stderr, /findings: /);
  assert.ok(doc.runs[0].tool.driver.rules.some((r: { id: string }) => r.id === 'ewt-nested'));

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hi-cli-'));
  fs.writeFileSync(path.join(dir, 'clean_test.go'), 'package integration\n\nfunc TestClean(t *testing.T) {}\n');
  fs.writeFileSync(path.join(dir, 'helpers.go'), 'package integration\n');
  const clean = run('check', dir);
  assert.equal(clean.status, 0, clean.stdout + clean.stderr);
  assert.equal(clean.stdout, 'no findings in 2 files\n', 'a clean check says how much it checked');
  const cleanJson = run('check', path.join(dir, 'clean_test.go'), '--format', 'json');
  assert.deepEqual([cleanJson.status, JSON.parse(cleanJson.stdout), cleanJson.stderr], [0, [], 'no findings in 1 file\n']);
  // A folder with no Go file in it (a wrong path in CI) is an error, not a clean pass.
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'hi-cli-empty-'));
  fs.mkdirSync(path.join(empty, 'vendor'));
  fs.writeFileSync(path.join(empty, 'vendor', 'x.go'), 'package x\n');
  const none = run('check', empty);
  assert.equal(none.status, 2, none.stdout + none.stderr);
  assert.equal(none.stdout, '');
  assert.match(none.stderr, /^hi-workbench: check: no Go files in /);
  fs.rmSync(empty, { recursive: true });
  fs.rmSync(dir, { recursive: true });
});

test('check: related locations in text, JSON and SARIF; --rules and --disable; errors fail by default', () => {
  const dir = path.join(fixtures, 'ewt-shadowed-result');
  const text = run('check', dir, '--rules', 'ewt-shadowed-result');
  assert.equal(text.status, 1, 'an error fails the build');
  assert.match(text.stdout, /error ewt-shadowed-result: .*\n {4}test\/fixtures\/ewt-shadowed-result\/\S+:\d+:\d+: outer \w+ declared here\n {4}\S+:\d+:\d+: outer \w+ read here/);
  const rows = JSON.parse(run('check', dir, '--rules', 'ewt-shadowed-result', '--format', 'json').stdout) as { rule: string; related: { message: string; line: number }[] }[];
  // Each row carries where the outer variable is declared and read (and, when a later block sets it first, where).
  const hasRelated = (r: (typeof rows)[number], what: RegExp) => r.related.some((x) => what.test(x.message));
  assert.ok(rows.length > 0 && rows.every((r) => r.rule === 'ewt-shadowed-result' && hasRelated(r, /declared here/) && hasRelated(r, /read here/)));
  assert.ok(rows.some((r) => r.related.length === 3 && hasRelated(r, /assigned here first/)));
  const sarif = JSON.parse(run('check', dir, '--rules', 'ewt-shadowed-result', '--format', 'sarif').stdout);
  assert.equal(sarif.runs[0].results[0].relatedLocations.length, 2);
  assert.match(sarif.runs[0].results[0].relatedLocations[0].message.text, /declared here/);
  const disabled = run('check', dir, '--disable', 'ewt-shadowed-result,ewt-message', '--format', 'json');
  assert.ok((JSON.parse(disabled.stdout) as { rule: string }[]).every((r) => r.rule !== 'ewt-shadowed-result' && r.rule !== 'ewt-message'));
});

test('usage and I/O errors exit 2 with one line', () => {
  for (const args of [['check', '/no/such/path'], ['check'], ['frobnicate'], ['check', fixtures, '--format', 'xml'], ['check', fixtures, '--fail-on', 'info'], ['check', fixtures, '--rules', 'no-such-rule'], ['check', fixtures, '--frobnicate'], []]) {
    const r = run(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    if (args.length) assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

test('env: the Docker checks against the real daemon and a dead one; a failed check exits 1', () => {
  const demo = path.join(repoRoot, 'demo');
  const ok = run('env', demo, '--format', 'json', '--min-free-gb', '0.001');
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  const checks = JSON.parse(ok.stdout) as { name: string; status: string; message: string }[];
  assert.equal(checks.find((c) => c.name === 'Docker daemon')!.status, 'pass');
  assert.match(checks.find((c) => c.name === 'Golang image')!.message, /golang:\d+\.\d+/);
  const dead = run('env', demo, '--docker-host', `unix://${path.join(os.tmpdir(), 'hi-cli-no-docker.sock')}`);
  assert.equal(dead.status, 1);
  assert.match(dead.stdout, /^FAIL {2}Docker daemon: cannot reach Docker/m);
  assert.equal(run('env', '/no/such/checkout').status, 2);
});

test('check on several cores (a tree of 34 000 lines) gives the rows of the single-threaded check, package facts included', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hi-check-cores-'));
  try {
    const { generateFile } = await import('../bench/generate');
    for (let i = 0; i < 12; i++) fs.writeFileSync(path.join(dir, `gen${i}_test.go`), generateFile(900 + i, 1140, 1));
    // A helper in another file of the package: the facts must cross the workers.
    fs.writeFileSync(
      path.join(dir, 'helpers.go'),
      'package integration\n\nfunc MustFindNode(hostname string, nodes []*v1.Node) *v1.Node {\n\tfor _, n := range nodes {\n\t\tif n.GetName() == hostname {\n\t\t\treturn n\n\t\t}\n\t}\n\tpanic("no node " + hostname)\n}\n',
    );
    fs.writeFileSync(
      path.join(dir, 'find_test.go'),
      'package integration\n\nimport (\n\t"testing"\n\t"time"\n\n\t"github.com/stretchr/testify/assert"\n)\n\nfunc TestFind(t *testing.T) {\n\theadscale := setup(t)\n\tassert.EventuallyWithT(t, func(c *assert.CollectT) {\n\t\tnodes, err := headscale.ListNodes()\n\t\tassert.NoError(c, err)\n\t\tassert.NotNil(c, MustFindNode("router", nodes))\n\t}, 10*time.Second, time.Second, "the router should be listed")\n}\n',
    );
    const { check, checkOnCores } = await import('../../cli/src/check');
    const parser = await loadParser();
    const single = check(parser, [dir], () => {}, { cwd: dir });
    const cores = await checkOnCores(path.join(repoRoot, 'dist'), [dir], () => {}, { cwd: dir, workers: 2 });
    assert.ok(single.rows.some((r) => r.rule === 'ewt-must-in-callback' && r.file === 'find_test.go'), 'the helper fact reached the other file');
    assert.ok(single.rows.length > 100, `${single.rows.length} rows`);
    assert.deepEqual(cores, single);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('shares of a check take each file once: one that parsed nothing analyses what the other has not taken (parsed again), a file the parser failed on is left out', async () => {
  const { generateFile } = await import('../bench/generate');
  const { CheckClaims, CheckShare } = await import('../../cli/src/checkShare');
  const { mergeFacts } = await import('../../server/src/analysis/facts');
  const parser = await loadParser();
  const files = [0, 1, 2, 3].map((i) => ({ path: `/pkg/gen${i}_test.go`, text: generateFile(700 + i, 300, 1) }));
  const { fileRows } = await import('../../cli/src/checkRows');
  const found = analyzePackage(parser, files);
  const expected = Object.fromEntries(files.map((f) => [f.path, fileRows(f, found.get(f.path) ?? [], '/pkg')]));
  // Two shares on one thread, run one after the other, so who does what is fixed: `busy` parses
  // every file; `idle` comes too late to parse any, and analyses first, so it takes them all.
  for (const stolen of [0, 2, 4]) {
    const claims = CheckClaims.create(files.length);
    const busy = new CheckShare(parser, undefined, files, claims);
    const idle = new CheckShare(parser, undefined, files, claims);
    const parsed = [...busy.parse(), ...idle.parse()];
    assert.deepEqual(parsed.map((p) => p.path), files.map((f) => f.path));
    const facts = Object.fromEntries(files.map((f) => [f.path, mergeFacts(parsed.filter((p) => p.path !== f.path).map((p) => p.facts!))]));
    // `stolen` files are left to `idle`: it takes them from the end of the list.
    const fromIdle = stolen === 0 ? {} : idle.analyze(Object.fromEntries(Object.entries(facts).slice(-stolen)), '/pkg');
    const fromBusy = busy.analyze(facts, '/pkg');
    assert.deepEqual(Object.keys(fromIdle).sort(), files.slice(files.length - stolen).map((f) => f.path).sort());
    assert.deepEqual(Object.keys(fromBusy).sort(), files.slice(0, files.length - stolen).map((f) => f.path).sort());
    assert.deepEqual({ ...fromBusy, ...fromIdle }, expected);
    assert.deepEqual([...busy.errors, ...idle.errors], []);
  }
  // A file that does not parse (text over the parser's reach is not needed: a parser that throws
  // on one file) gets an error from the share that tried it, and no share analyses it.
  const failing = { parse: (text: string) => (text.includes('gen1_test') ? (() => { throw new Error('no tree'); })() : parser.parse(text)) } as unknown as typeof parser;
  const named = files.map((f) => ({ ...f, text: `// ${path.basename(f.path)}\n${f.text}` }));
  const claims = CheckClaims.create(named.length);
  const one = new CheckShare(failing, undefined, named, claims);
  const other = new CheckShare(failing, undefined, named, claims);
  const parsed = one.parse();
  assert.equal(parsed.find((p) => p.path.endsWith('gen1_test.go'))?.facts, null);
  const facts = Object.fromEntries(parsed.filter((p) => p.facts).map((p) => [p.path, mergeFacts([])]));
  const analysed = { ...other.analyze(facts, '/pkg'), ...one.analyze(facts, '/pkg') };
  assert.deepEqual(Object.keys(analysed).sort(), named.filter((f) => !f.path.endsWith('gen1_test.go')).map((f) => f.path).sort());
  assert.deepEqual(one.errors.map((e) => [path.basename(e.file), e.rule]), [['gen1_test.go', 'parser']]);
  assert.deepEqual(other.errors, []);
});

test('summary: counts by severity in severity order, then rules by count, equal counts by id', () => {
  const row = (rule: string, severity: string): CheckRow => ({ file: 'a_test.go', line: 1, column: 1, endLine: 1, endColumn: 2, rule, severity, message: 'm', related: [] });
  // Ids that differ only after a shared prefix, at a hyphen, or by length.
  const ids = ['hs-test-doc', 'ewt-mutating-call', 'hs-test-contract', 'ewt-must-in-callback', 'ewt-message', 'ewt-message-x'];
  const rows = [...ids.map((id) => row(id, 'warning')), row('ewt-outer-t', 'error'), row('ewt-outer-t', 'error'), row('ewt-timing', 'hint')];
  // localeCompare is the order promised; the summary gets it without loading ICU.
  const once = [...ids, 'ewt-timing'].sort((a, b) => a.localeCompare(b));
  assert.equal(formatSummary(rows, 3), `9 findings: 2 errors, 6 warnings, 1 hint (ewt-outer-t 2, ${once.map((id) => `${id} 1`).join(', ')})`);
  assert.equal(formatSummary([], 3), 'no findings in 3 files');
});
