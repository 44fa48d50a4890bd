/**
 * Realistic control_logs runs for tests and the bench, in the shapes of headscale-facts §4: a
 * headscale stderr log of ~100 000 zerolog console lines (~10 % WRN noise, the lines that matter
 * late in the file), several tailscaled client logs, a mapresponses/ folder with hundreds of
 * captures, and a run record for runs hi workbench started. Variants make code failures and
 * infrastructure failures; each run returns what a reader must find in it, so tests compare
 * against the generated facts instead of hard-coded answers.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export type Variant = 'panic' | 'testify' | 'dns' | 'container-timeout' | 'port-conflict' | 'init-stall' | 'disk-full' | 'passed';

export interface GeneratedRun {
  dir: string;
  id: string;
  test: string;
  variant: Variant;
  expectedTriage: 'code' | 'infrastructure' | null;
  /** Every error-tier line per run-relative file (1-based), in file order. */
  errorLines: Record<string, number[]>;
  /** Warning lines per file (exact count). */
  warningCounts: Record<string, number>;
  /** The first headscale ERR/PNC/panic line (1-based) and its text. */
  firstHsError: { line: number; text: string } | null;
  /** The panic variant's crash in the headscale log: where it starts and the panicking goroutine's frames (module-relative files). */
  panic: { line: number; message: string[]; goroutine: { line: number; text: string }; frames: { func: string; file: string; line: number; createdBy: boolean }[] } | null;
  hsLog: string;
}

export interface RunOptions {
  variant: Variant;
  seed?: number;
  hsLines?: number;
  clients?: number;
  mapResponses?: number;
  /** Write hi workbench's run record (with the testify failure). */
  record?: boolean;
  test?: string;
  /** What the test passed to hsic.WithTestName (default: its lowercased name without "Test"). */
  fragment?: string;
}

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const hex = (r: () => number) => Math.floor(r() * 0xffffff).toString(16).padStart(6, '0');
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const stdlog = (ms: number) => iso(ms).replace(/-/g, '/').replace('T', ' ').replace('Z', '');

/** Writes a run under `controlLogs`; returns its facts. */
export function generateRun(controlLogs: string, opts: RunOptions): GeneratedRun {
  const r = rng(opts.seed ?? 1);
  const hsLines = opts.hsLines ?? 100_000;
  const clients = opts.clients ?? 3;
  const test = opts.test ?? 'TestHASubnetRouterFailover';
  const start = Date.UTC(2026, 10, 24, 10, 0, 0) + (opts.seed ?? 1) * 3_600_000;
  const short = hex(r);
  const d = new Date(start);
  const id = `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}-${String(d.getUTCHours()).padStart(2, '0')}${String(d.getUTCMinutes()).padStart(2, '0')}${String(d.getUTCSeconds()).padStart(2, '0')}-${short}`;
  const dir = path.join(controlLogs, id);
  fs.mkdirSync(dir, { recursive: true });
  const fragment = opts.fragment ?? test.replace(/^Test/, '').toLowerCase();
  const hsName = `hs-${fragment}-${hex(r)}`;
  const clientNames = Array.from({ length: clients }, (_, i) => `ts-${short}-${i % 2 ? '1-94-1' : 'head'}-${hex(r)}`);
  const errorLines: Record<string, number[]> = {};
  const warningCounts: Record<string, number> = {};
  let firstHsError: GeneratedRun['firstHsError'] = null;
  let panic: GeneratedRun['panic'] = null;
  const v = opts.variant;

  // --- headscale stderr ---
  const hsFile = `${hsName}.stderr.log`;
  const hs: string[] = [];
  const hsErr: number[] = [];
  let hsWarn = 0;
  const push = (text: string, tier?: 'error' | 'warning') => {
    hs.push(text);
    if (tier === 'error') {
      hsErr.push(hs.length);
      if (!firstHsError) firstHsError = { line: hs.length, text };
    } else if (tier === 'warning') hsWarn++;
  };
  let t = start + 5000;
  push(`${iso(t)} INF starting headscale commit=0123abcd version=dev`);
  push(`${iso(t)} INF listening and serving HTTP on: 0.0.0.0:8080`);
  push(`${iso(t)} INF listening and serving debug and metrics on: 0.0.0.0:9090`);
  if (v === 'init-stall') {
    // Headscale is up but no client container ever starts: a few lines, then silence until teardown.
    push(`${iso(t + 1000)} DBG hscontrol/state/node_store.go:188 > applied batch batch.size=0 component=nodestore`);
  } else {
    const lateStart = Math.floor(hsLines * 0.7);
    const errorsAt = new Set(Array.from({ length: 3 }, (_, i) => lateStart + Math.floor(r() * (hsLines - lateStart - 200)) + i));
    for (let i = 0; i < hsLines; i++) {
      if (i % 40 === 0) t += 1000;
      const nid = 1 + (i % clients);
      const node = clientNames[nid - 1];
      if (errorsAt.has(i) && v !== 'passed') {
        if (v === 'disk-full') push(`${iso(t)} ERR hscontrol/db/db.go:221 > failed to write node error="write /tmp/integration_test_db.sqlite3: no space left on device" node.id=${nid}`, 'error');
        else push(`${iso(t)} ERR hscontrol/state/state.go:812 > failed to update primary routes error="route 10.33.0.0/16 not approved for node" node.id=${nid} node.name=${node}`, 'error');
        continue;
      }
      const k = Math.floor(r() * 100);
      if (k < 10) push(`${iso(t)} WRN hscontrol/poll.go:${k < 5 ? 318 : 402} > ${k < 5 ? 'keepalive missed, client may be slow' : 'node sent update with unknown endpoint'} node.id=${nid} node.name=${node}`, 'warning');
      else if (k < 14) push(`${iso(t)} INF hscontrol/poll.go:251 > node has connected chan=0xc000a1b2c0 component=poll machine.key=[AbCdE] node.expired=false node.id=${nid} node.key=[FgHiJ] node.name=${node} node.online=false stream=true user.name=user1`);
      else if (k < 18) push(`${iso(t)} DBG hscontrol/state/state.go:640 > updating node routes for tracking announcedRoutes=[10.33.0.0/16] node.id=${nid}`);
      else if (k < 20) push(`${iso(t)} INF hscontrol/state/state.go:702 > SetNodeRoutes node.id=${nid} routes=[10.33.0.0/16]`);
      else if (k < 21) push(`${iso(t)} DBG hscontrol/policy/pm.go:97 > PolicyManager: ApproveRoutesWithPolicy auto-approval node.id=${nid}`);
      else if (k < 22) push(`${iso(t)} INF hscontrol/poll.go:211 > node has disconnected NodeWentOffline chan=0xc000a1b2c0 component=poll node.id=${nid}`);
      else if (k < 23) push(`${iso(t)} DBG hscontrol/routes/primary.go:140 > PrimaryRoutes changed node.id=${nid} prefix=10.33.0.0/16`);
      else if (k < 60) push(`${iso(t)} TRC writing MapResponse to /tmp/mapresponses/${nid}/2026-11-24T10-00-00.${String(i).padStart(9, '0')}-change.json`);
      else push(`${iso(t)} DBG hscontrol/mapper/batcher.go:312 > generated map response node.id=${nid} peers=${clients - 1} type=change`);
    }
    if (v === 'panic') {
      const message = ['panic: runtime error: invalid memory address or nil pointer dereference', '[signal SIGSEGV: segmentation violation code=0x1 addr=0x10 pc=0x1a2b3c]'];
      push(message[0], 'error');
      const line = hs.length;
      push(message[1]);
      push('');
      push(`goroutine 412 [running]:`, 'error');
      const goroutine = { line: hs.length, text: 'goroutine 412 [running]:' };
      const frames: NonNullable<GeneratedRun['panic']>['frames'] = [];
      const frame = (func: string, file: string, at: number, offset: string, createdBy = false) => {
        push(`${createdBy ? 'created by ' : ''}${func}`);
        push(`\t/go/src/headscale/${file}:${at} +0x${offset}`);
        frames.push({ func, file, line: at, createdBy });
      };
      frame('github.com/juanfont/headscale/hscontrol/mapper.(*Batcher).processChange(0xc000123400, {0x0, 0x0})', 'hscontrol/mapper/batcher.go', 401, '1a4');
      frame('github.com/juanfont/headscale/hscontrol/mapper.(*Batcher).worker(0xc000123400, 0x3)', 'hscontrol/mapper/batcher.go', 355, '2f0');
      frame('github.com/juanfont/headscale/hscontrol/mapper.(*Batcher).Start in goroutine 1', 'hscontrol/mapper/batcher.go', 150, '5c', true);
      // GOTRACEBACK=all: the other goroutines follow after a blank line; they did not panic.
      push('');
      push('goroutine 1 [select]:', 'error');
      push('github.com/juanfont/headscale/hscontrol.(*Headscale).Serve(0xc0001a2000)');
      push('\t/go/src/headscale/hscontrol/app.go:640 +0x1b4');
      panic = { line, message, goroutine, frames };
    }
  }
  fs.writeFileSync(path.join(dir, hsFile), hs.join('\n') + '\n');
  errorLines[hsFile] = hsErr;
  warningCounts[hsFile] = hsWarn;
  fs.writeFileSync(path.join(dir, `${hsName}.stdout.log`), 'Updating certificates in /etc/ssl/certs...\n0 added, 0 removed; done.\n');

  // --- clients ---
  const clientCount = v === 'init-stall' || v === 'container-timeout' ? 0 : clients;
  for (const [ci, name] of clientNames.slice(0, clientCount).entries()) {
    const file = `${name}.stderr.log`;
    const lines: string[] = [];
    const errs: number[] = [];
    let ct = start + 8000;
    lines.push(`${stdlog(ct)} logtail started`, `${stdlog(ct)} Program starting: v1.94.1-t0123abcd, Go 1.25.5: []string{"tailscaled", "--tun=tsdev", "--verbose=10"}`);
    // The clients log over the same span as headscale (one hs second per 40 lines), a tenth as densely.
    const n = Math.floor(hsLines / 10);
    const step = (hsLines / 40) * 1000 / Math.max(1, n);
    const base = ct;
    for (let i = 0; i < n; i++) {
      ct = base + Math.floor(i * step / 1000) * 1000;
      lines.push(i % 3 ? `${stdlog(ct)} [v1] magicsock: disco: node [FgHiJ] d:0123456789abcdef now using 172.18.0.${5 + ci}:41641` : `${stdlog(ct)} wgengine: Reconfig: configuring userspace WireGuard config (with ${clients - 1}/${clients - 1} peers)`);
    }
    if (ci === 0 && v === 'dns') {
      lines.push(`${stdlog(ct)} control: LoginInteractive -> regen=false`);
      lines.push(`${stdlog(ct)} Received error: failed to resolve "${hsName}": no DNS fallback candidates remain for "${hsName}"`);
      errs.push(lines.length);
    }
    if (ci === 0 && (v === 'panic' || v === 'testify')) {
      lines.push(`${stdlog(ct)} health(warnable=control-health): error: not connected to control`);
      errs.push(lines.length);
    }
    fs.writeFileSync(path.join(dir, file), lines.join('\n') + '\n');
    errorLines[file] = errs;
    warningCounts[file] = 0;
    fs.writeFileSync(path.join(dir, `${name}.stdout.log`), 'OK: 12 MiB in 22 packages\n');
  }
  if (v === 'port-conflict' || v === 'container-timeout') {
    // hi's post-run extraction of a leftover container: the daemon's own words.
    const name = `derp-${short}-head-${hex(r)}`;
    const file = `${name}.stderr.log`;
    const text = v === 'port-conflict'
      ? `Error starting userland proxy: listen tcp4 0.0.0.0:3478: bind: address already in use`
      : `container creation timeout: ${clientNames[0]} did not start within 120s`;
    fs.writeFileSync(path.join(dir, file), `${stdlog(start + 9000)} derper: starting\n${text}\n`);
    errorLines[file] = [2];
    warningCounts[file] = 0;
  }

  // --- map responses ---
  if (v !== 'passed') {
    const count = opts.mapResponses ?? 300;
    for (let i = 0; i < count; i++) {
      const nid = 1 + (i % clients);
      const at = new Date(start + 10_000 + i * 1500).toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, `.${String(i).padStart(9, '0')}`);
      const mdir = path.join(dir, 'mapresponses', String(nid));
      fs.mkdirSync(mdir, { recursive: true });
      const peers = clientNames.filter((_, p) => p !== nid - 1 && (i < count / 2 || p !== 0)).map((name, p) => ({ ID: p + 1, Name: `${name}.headscale.net.`, Online: i < count / 2 || p !== 0, PrimaryRoutes: p === 0 && i < count / 2 ? ['10.33.0.0/16'] : [], AllowedIPs: ['100.64.0.' + (p + 1) + '/32'] }));
      fs.writeFileSync(path.join(mdir, `${at}-${i < clients ? 'full' : 'change'}.json`), JSON.stringify({ Node: { ID: nid, Name: clientNames[nid - 1] }, Peers: peers, PacketFilter: [{ SrcIPs: ['*'], DstPorts: [{ IP: '*', Ports: { First: 0, Last: 65535 } }] }] }, null, 2));
    }
    fs.writeFileSync(path.join(dir, `${hsName}_metrics.txt`), '# TYPE headscale_nodestore_nodes gauge\nheadscale_nodestore_nodes 3\n');
  }

  const expectedTriage: GeneratedRun['expectedTriage'] = v === 'passed' ? null : v === 'panic' || v === 'testify' ? 'code' : 'infrastructure';
  if (opts.record !== false) {
    const finished = v === 'init-stall' ? start + 15 * 60_000 : t + 5000;
    const failures = v === 'passed' ? [] : [{ file: 'route_test.go', line: 1322, message: v === 'dns' ? `failed to resolve "${hsName}": no DNS fallback candidates remain` : 'Condition never satisfied: primary route should move to router 2' }];
    fs.writeFileSync(
      path.join(dir, 'hi-workbench-run.json'),
      JSON.stringify({ runId: id, test, pattern: `^${test}$`, argv: ['go', 'run', './cmd/hi', 'run', `^${test}$`, '--timeout=1800s'], cwd: path.dirname(controlLogs), postgres: false, timeoutSeconds: 1800, startedAt: new Date(start).toISOString(), finishedAt: new Date(finished).toISOString(), durationSeconds: Math.round((finished - start) / 1000), exitCode: v === 'passed' ? 0 : 1, signal: null, status: v === 'passed' ? 'passed' : 'failed', error: v === 'passed' ? null : 'test failed: exit code 1', tests: [{ name: test, status: v === 'passed' ? 'passed' : 'failed', durationSeconds: Math.round((finished - start) / 1000), failures }] }, null, 2),
    );
  }
  // Teardown saved the logs at the end of the run: their mtime is when the run ended.
  if (v === 'init-stall') {
    const end = new Date(start + 15 * 60_000);
    for (const f of fs.readdirSync(dir)) if (f.endsWith('.log')) fs.utimesSync(path.join(dir, f), end, end);
  }
  return { dir, id, test, variant: v, expectedTriage, errorLines, warningCounts, firstHsError, panic, hsLog: path.join(dir, hsFile) };
}
