#!/usr/bin/env node
// A stand-in for headscale's `hi` runner (cmd/hi), for demos and tests where Docker Hub images
// are out of reach. It takes hi's argv, prints hi's lines (shared/headscale-facts.md §1.3–1.6),
// writes control_logs/<YYYYMMDD-HHMMSS-6hex>/ and exits like hi: 0 success, 1 error, 2 usage.
//
// Outcome per test: HI_STANDIN_MODE (pass | fail | hang | doctor-fail | infra), else
// cmd/hi/standin-outcomes.json next to this file ({"TestX": "fail", "*": "pass"}; a list such as
// {"TestX": ["pass", "fail"]} is used in turn, one entry per run of that test).
// HI_STANDIN_SECONDS sets the test's length (default 4). On SIGINT it cleans up "containers" for
// HI_STANDIN_CLEANUP_MS (default 300) and exits 1; HI_STANDIN_IGNORE=SIGINT,SIGTERM makes it
// ignore those signals, to exercise a caller's escalation. HI_STANDIN_CHILD=1 starts a child
// process in the same group (as `go run` does), which ignores SIGINT.
// HI_STANDIN_DOCKER=1 makes the run's containers real (image HI_STANDIN_IMAGE, default
// hi-workbench-busybox:test from scripts/ensure-docker.sh): the runner and a tailscale container
// labelled hi.run-id/hi.test-type (plus hi-workbench.seed=HI_STANDIN_SEED for test cleanup),
// removed at the end like hi does, unless --keep-on-failure keeps a failed run's.
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

const argv = process.argv.slice(2);
const stamp = () => {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
};
const log = (msg) => process.stderr.write(`${stamp()} ${msg}\n`);
const out = (msg) => process.stdout.write(msg + '\n');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function parseFlags(args) {
  const flags = {};
  const positional = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('-')) { positional.push(a); continue; }
    const m = /^--?([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m) { positional.push(a); continue; }
    const known = ['test', 'timeout', 'failfast', 'postgres', 'go-version', 'clean-before', 'clean-after', 'keep-on-failure', 'logs-dir', 'verbose', 'stats', 'hs-memory-limit', 'ts-memory-limit', 'help'];
    if (!known.includes(m[1])) { process.stderr.write(`flag provided but not defined: -${m[1]}\n`); process.exit(2); }
    const boolean = ['failfast', 'postgres', 'clean-before', 'clean-after', 'keep-on-failure', 'verbose', 'stats', 'help'];
    if (m[2] !== undefined) flags[m[1]] = m[2];
    else if (boolean.includes(m[1])) flags[m[1]] = 'true';
    else flags[m[1]] = args[++i];
  }
  return { flags, positional };
}

function outcomeFor(test, logsRoot) {
  if (process.env.HI_STANDIN_MODE) return process.env.HI_STANDIN_MODE;
  try {
    const table = JSON.parse(fs.readFileSync(path.join(__dirname, 'standin-outcomes.json'), 'utf8'));
    const name = test.replace(/[\^$]/g, '').split('/')[0];
    const entry = table[name] || table['*'] || 'pass';
    return Array.isArray(entry) ? nthOutcome(entry, name, logsRoot) : entry;
  } catch {
    return 'pass';
  }
}

/**
 * A list of outcomes (`["pass", "fail", "pass"]`) is used in turn, one per run of that test, counted
 * in <logs-dir>/.standin-runs.json: a flaky test on demand.
 */
function nthOutcome(list, name, logsRoot) {
  if (!logsRoot) return list[0] || 'pass';
  const file = path.join(logsRoot, '.standin-runs.json');
  let counts = {};
  try {
    counts = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {}
  const n = Number(counts[name]) || 0;
  counts[name] = n + 1;
  fs.mkdirSync(logsRoot, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(counts));
  return list[n % list.length] || 'pass';
}

function doctor(fail) {
  const checks = [
    ['✅', 'Docker Binary', 'Docker binary found'],
    fail ? ['❌', 'Docker Daemon', 'Cannot ping Docker daemon: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?'] : ['✅', 'Docker Daemon', 'Docker daemon is running and accessible'],
    ['✅', 'Docker Context', 'Using default Docker context'],
    ['⚠️', 'Docker Hub Credentials', 'No Docker Hub credentials found — pulls will be rate-limited (100/6h per IP)'],
    ['✅', 'Golang Image', 'Golang image golang:1.26.5 is available locally'],
    ['✅', 'Go Installation', 'go version go1.26.5 linux/amd64'],
    ['✅', 'Git Repository', 'Running in Git repository'],
    ['✅', 'Required Files', 'All required files found'],
  ];
  log('🔍 System Health Check Results');
  log('================================');
  for (const [icon, name, msg] of checks) {
    log(`${icon} ${name}: ${msg}`);
    if (name === 'Docker Hub Credentials') log('   💡 Run: docker login');
    if (icon === '❌') log('   💡 Start Docker: sudo systemctl start docker');
  }
  log('================================');
  if (fail) return false;
  log('✅ All system checks passed - ready to run integration tests!');
  return true;
}

function runId() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}-${crypto.randomBytes(3).toString('hex')}`;
}

/** Real containers for the run (argv, no shell), as hi's scenario would start them. */
function startContainers(id, specs) {
  const { execFileSync } = require('child_process');
  const image = process.env.HI_STANDIN_IMAGE || 'hi-workbench-busybox:test';
  const seed = process.env.HI_STANDIN_SEED ? ['--label', `hi-workbench.seed=${process.env.HI_STANDIN_SEED}`] : [];
  return specs.map(([name, role]) => {
    execFileSync('docker', ['run', '-d', '--name', name, '--label', `hi.run-id=${id}`, '--label', `hi.test-type=${role}`, ...seed, image, 'sleep', '3600'], { stdio: 'ignore' });
    log(`Created ${name} container`);
    return name;
  });
}

function removeContainers(names) {
  if (names.length) require('child_process').spawnSync('docker', ['rm', '-f', ...names], { stdio: 'ignore' });
}

function hex() {
  return crypto.randomBytes(3).toString('hex');
}

/** `^TestA$|^TestB$` → ['TestA', 'TestB'] (top-level names, as go test would run them). */
function testsOf(pattern) {
  return pattern.split('|').map((p) => p.replace(/[\^$]/g, '').split('/')[0].replace(/\*.*$/, '')).filter(Boolean);
}

async function run(pattern, flags) {
  const names = testsOf(pattern);
  const modes = names.map((n) => outcomeFor(n, flags['logs-dir'] || 'control_logs'));
  const mode = modes.find((m) => m !== 'pass') || 'pass';
  if (!doctor(mode === 'doctor-fail')) {
    log('Error: pre-flight checks failed: system checks failed - see details above');
    process.exit(1);
  }
  const id = runId();
  const short = id.slice(-6);
  const logsDir = path.join(flags['logs-dir'] || 'control_logs', id);
  fs.mkdirSync(logsDir, { recursive: true });
  const test = names[0] || 'TestAll';
  const hsName = `hs-${test.replace(/^Test/, '').toLowerCase().slice(0, 20)}-${hex()}`;
  const tsName = `ts-${short}-head-${hex()}`;
  log(`Starting test: ${pattern}`);
  log(`Run ID: ${id}`);
  log(`Monitor with: docker logs -f headscale-test-suite-${id}`);
  const containers = process.env.HI_STANDIN_DOCKER ? startContainers(id, [[`headscale-test-suite-${id}`, 'test-runner'], [tsName, 'tailscale']]) : [];
  log(`Logs directory: ${logsDir}`);
  if (flags.verbose) log(`Command: go test ./... -run ${pattern} -failfast -timeout ${flags.timeout || '2h0m0s'} -v`);

  // Like `go run` → hi → go test: a child in the same process group, which a cancel must reach too.
  if (process.env.HI_STANDIN_CHILD) {
    const child = require('child_process').spawn(process.execPath, ['-e', 'process.on("SIGINT",()=>{});setInterval(()=>{},1000)'], { stdio: 'ignore' });
    log(`Child process: ${child.pid}`);
  }
  let interrupted = false;
  const ignore = (process.env.HI_STANDIN_IGNORE || '').split(',');
  process.on('SIGTERM', () => { if (!ignore.includes('SIGTERM')) process.exit(143); });
  process.on('SIGINT', async () => {
    if (ignore.includes('SIGINT') || interrupted) return;
    interrupted = true;
    log('Received interrupt, cleaning up test containers...');
    await sleep(Number(process.env.HI_STANDIN_CLEANUP_MS || 300));
    out(`Removed 3 containers for run ID ${id}`);
    log('Error: test failed: interrupted');
    process.exit(1);
  });

  const seconds = Number(process.env.HI_STANDIN_SECONDS || 4);
  const hsLog = fs.createWriteStream(path.join(logsDir, `${hsName}.stderr.log`));
  const tsLog = fs.createWriteStream(path.join(logsDir, `${tsName}.stderr.log`));
  hsLog.write(`${new Date().toISOString()} INF starting headscale commit=0123abcd version=dev\n`);
  tsLog.write(`${stamp()} logtail started\n`);
  out(`=== RUN   ${test}`);
  const steps = mode === 'hang' ? Infinity : Math.max(1, Math.round(seconds * 4));
  for (let i = 0; i < steps && !interrupted; i++) {
    await sleep(250);
    if (i % 4 === 0) out(`${stamp()} Created ${i === 0 ? hsName : `ts-${short}-head-${hex()}`} container`);
    hsLog.write(`${new Date().toISOString()} INF hscontrol/poll.go:251 > node has connected node.id=${1 + (i % 3)} node.name=${tsName}\n`);
    tsLog.write(`${stamp()} magicsock: derp-999 connected; connGen=${i + 1}\n`);
  }
  const duration = seconds.toFixed(2);
  const results = (names.length ? names : [test]).map((name, i) => ({ name, mode: modes[i] || mode }));
  for (const { name, mode: m } of results) {
    if (name !== test) out(`=== RUN   ${name}`);
    if (m === 'fail') {
      hsLog.write(`${new Date().toISOString()} ERR hscontrol/state/state.go:912 > failed to update primary routes error="route 10.33.0.0/16 not approved" node.id=2\n`);
      out(`=== RUN   ${name}/routes-propagate`);
      out(`    route_test.go:110: `);
      out(`        \tError Trace:\t/go/src/headscale/integration/route_test.go:110`);
      out(`        \tError:      \t"[]" should have 1 item(s), but has 0`);
      out(`        \tTest:       \t${name}`);
      out(`        \tMessages:   \troute should be advertised`);
      out(`    route_test.go:105: Condition never satisfied`);
      out(`--- FAIL: ${name} (${duration}s)`);
      out(`    --- FAIL: ${name}/routes-propagate (${(seconds / 2).toFixed(2)}s)`);
    } else if (m === 'infra') {
      tsLog.write(`${stamp()} control: register request: failed to resolve "${hsName}": no DNS fallback candidates remain for "${hsName}"\n`);
      out(`    auth_web_flow_test.go:88: failed to resolve "${hsName}": no DNS fallback candidates remain`);
      out(`--- FAIL: ${name} (${duration}s)`);
    } else {
      out(`=== RUN   ${name}/ping-all`);
      out(`--- PASS: ${name} (${duration}s)`);
      out(`    --- PASS: ${name}/ping-all (${(seconds / 2).toFixed(2)}s)`);
    }
  }
  if (mode === 'pass') {
    out('PASS');
    out(`ok  \tgithub.com/juanfont/headscale/integration\t${(seconds + 0.4).toFixed(3)}s`);
  } else {
    out('FAIL');
    out(`FAIL\tgithub.com/juanfont/headscale/integration\t${(seconds + 0.4).toFixed(3)}s`);
  }
  await Promise.all([new Promise((r) => hsLog.end(r)), new Promise((r) => tsLog.end(r))]);
  fs.writeFileSync(path.join(logsDir, `${hsName}.stdout.log`), 'Updating certificates in /etc/ssl/certs...\n');
  fs.writeFileSync(path.join(logsDir, `${tsName}.stdout.log`), 'OK: 12 MiB in 22 packages\n');
  const failed = mode !== 'pass';
  if (failed) {
    fs.writeFileSync(path.join(logsDir, `${hsName}_metrics.txt`), '# TYPE headscale_nodestore_nodes gauge\nheadscale_nodestore_nodes 2\n');
    fs.writeFileSync(path.join(logsDir, `${tsName}_status.json`), JSON.stringify({ BackendState: 'Running', Peer: {} }, null, 2));
  }
  log(`Test artifacts saved to: ${logsDir}`);
  log('Headscale logs:');
  log(`  ${hsName}.stderr.log`);
  log(`  ${hsName}.stdout.log`);
  if (!(failed && flags['keep-on-failure'])) {
    removeContainers(containers);
    out(`Removed 4 containers for run ID ${id}`);
  } else if (containers.length) {
    // go test has ended, so the runner container has exited; the scenario's containers keep running.
    require('child_process').spawnSync('docker', ['kill', containers[0]], { stdio: 'ignore' });
  }
  if (failed) {
    log('Error: test failed: exit code 1');
    process.exit(1);
  }
  log('Cleaned up 2 files and 2 directories (freed ~12.34 MB)');
  log('Test completed successfully!');
  process.exit(0);
}

(async () => {
  const [command, ...rest] = argv;
  const { flags, positional } = parseFlags(rest);
  if (!command || command === 'help' || command === '--help' || flags.help) {
    out('Usage: hi <command> [flags]\n\nCommands:\n  run [test-pattern]  Run integration tests\n  doctor              Check system requirements for running integration tests\n  clean               Clean up test resources');
    process.exit(command ? 0 : 2);
  }
  if (command === 'doctor') process.exit(doctor(outcomeFor('') === 'doctor-fail') ? 0 : (log('Error: system checks failed - see details above'), 1));
  if (command === 'clean') { out('No test containers found to remove'); process.exit(0); }
  if (command !== 'run') { process.stderr.write(`hi: unknown command "${command}"\n`); process.exit(2); }
  const pattern = flags.test || positional[0];
  if (!pattern) { log('Error: test pattern is required as first argument or use --test flag'); process.exit(1); }
  await run(pattern, flags);
})();
