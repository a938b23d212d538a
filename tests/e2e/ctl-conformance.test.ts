// tsysctl against a live tsysd (PID-namespaced, tests/helpers/daemon.ts): stdout, stderr and exit codes
// as systemd 252's systemctl prints them for the same situations (systemd-semantics.md §7), including
// the `systemctl`/`journalctl` personalities and SO_PEERCRED read-only access for uid 65534.
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startDaemon, waitFor, TSYSCTL, type Daemon, type CtlResult } from '../helpers/daemon';

const UNITS: Record<string, string> = {
  'sleeper.service': '[Unit]\nDescription=Sleeper test\n[Service]\nExecStart=/bin/sleep 1000\n',
  'oneshot-ok.service': '[Service]\nType=oneshot\nExecStart=/bin/true\nRemainAfterExit=yes\n',
  'oneshot-fail.service': '[Service]\nType=oneshot\nExecStart=/bin/false\n',
  'talker.service': '[Service]\nType=oneshot\nExecStart=/bin/sh -c "echo hello from talker"\n',
  'static.service': '[Service]\nExecStart=/bin/sleep 1000\n',
  'inst.service': '[Service]\nExecStart=/bin/sleep 1000\n[Install]\nWantedBy=multi-user.target\n',
  'multi-user.target': '[Unit]\nDescription=Multi-User System\n',
  'trig.socket': `[Socket]\nListenStream=@tsysd-ctl-conformance-${process.pid}\n`,
  'trig.service': '[Service]\nExecStart=/bin/sleep 1000\n',
  'dropped.service': '[Unit]\nDescription=Dropped\n[Service]\nExecStart=/bin/sleep 1000\n',
  'dropped.service.d/10-a.conf': '[Service]\nEnvironment=A=1\n',
  'dropped.service.d/20-b.conf': '[Unit]\nDescription=Dropped twice\n',
  'app.target': '[Unit]\nDescription=App\nWants=static.service oneshot-ok.service\n',
};

let d: Daemon;
let sysctl = '';
let journal = '';

before(async () => {
  d = await startDaemon({ units: UNITS, symlinks: { 'masked.service': '/dev/null' } });
  fs.chmodSync(d.dir, 0o755);
  sysctl = path.join(d.dir, 'systemctl');
  journal = path.join(d.dir, 'journalctl');
  fs.symlinkSync(TSYSCTL, sysctl);
  fs.symlinkSync(TSYSCTL, journal);
});
after(async () => { if (d) await d.stop(); });

const same = (r: CtlResult, code: number, stdout: string, stderr = ''): void => {
  assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, { code, stdout, stderr });
};

test('start / is-active / stop of a simple service', async () => {
  same(await d.ctl(['start', 'sleeper.service']), 0, '');
  same(await d.ctl(['is-active', 'sleeper']), 0, 'active\n');
  same(await d.ctl(['show', '-p', 'ActiveState,SubState', 'sleeper.service']), 0, 'ActiveState=active\nSubState=running\n');
  const pid = Number((await d.ctl(['show', '-P', 'MainPID', 'sleeper.service'])).stdout.trim());
  assert.ok(pid > 0);
  same(await d.ctl(['stop', 'sleeper.service']), 0, '');
  same(await d.ctl(['is-active', 'sleeper.service']), 3, 'inactive\n');
});

test('a failing oneshot: systemctl\'s message, rc 1; is-failed; status rc 3; reset-failed', async () => {
  same(await d.ctl(['start', 'oneshot-fail.service']), 1, '',
    'Job for oneshot-fail.service failed because the control process exited with error code.\n'
    + 'See "tsysctl status oneshot-fail.service" and "journalctl -xeu oneshot-fail.service" for details.\n');
  same(await d.ctl(['is-failed', 'oneshot-fail.service']), 0, 'failed\n');
  same(await d.ctl(['show', '-p', 'Result', '--value', 'oneshot-fail.service']), 0, 'exit-code\n');
  const st = await d.ctl(['status', 'oneshot-fail.service']);
  assert.equal(st.code, 3);
  assert.match(st.stdout, /^× oneshot-fail\.service\n {5}Loaded: loaded \(.*oneshot-fail\.service; static\)\n {5}Active: failed \(Result: exit-code\) since .*; .* ago\n/);
  same(await d.ctl(['reset-failed', 'oneshot-fail.service']), 0, '');
  same(await d.ctl(['is-failed', 'oneshot-fail.service']), 1, 'inactive\n');
  const r = await d.ctl(['start', 'oneshot-fail.service'], { argv0: sysctl });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /See "systemctl status oneshot-fail\.service"/);
});

test('missing, masked and not-loaded units', async () => {
  same(await d.ctl(['start', 'nope.service']), 5, '', 'Failed to start nope.service: Unit nope.service not found.\n');
  same(await d.ctl(['stop', 'nope.service']), 5, '', 'Failed to stop nope.service: Unit nope.service not loaded.\n');
  same(await d.ctl(['start', 'masked.service']), 1, '', 'Failed to start masked.service: Unit masked.service is masked.\n');
  same(await d.ctl(['status', 'nope.service']), 4, '', 'Unit nope.service could not be found.\n');
  same(await d.ctl(['is-active', 'nope.service']), 3, 'inactive\n');
  same(await d.ctl(['show', '-p', 'LoadState,ActiveState,SubState', 'nope.service']), 0, 'LoadState=not-found\nActiveState=inactive\nSubState=dead\n');
});

test('oneshot with RemainAfterExit: active (exited); list-units shows it', async () => {
  same(await d.ctl(['start', 'oneshot-ok']), 0, '');
  same(await d.ctl(['show', '-p', 'ActiveState', '-p', 'SubState', 'oneshot-ok.service']), 0, 'ActiveState=active\nSubState=exited\n');
  const l = await d.ctl(['list-units', '--no-legend', 'oneshot-ok.service']);
  assert.equal(l.code, 0);
  assert.match(l.stdout, /^ {2}oneshot-ok\.service loaded active exited oneshot-ok\.service\n$/);
});

test('is-enabled and enable/disable through the manager', async () => {
  same(await d.ctl(['is-enabled', 'static.service']), 0, 'static\n');
  same(await d.ctl(['is-enabled', 'inst.service']), 1, 'disabled\n');
  const e = await d.ctl(['enable', 'inst.service']);
  assert.equal(e.code, 0, e.stderr);
  assert.match(e.stderr, /^Created symlink .*multi-user\.target\.wants\/inst\.service → .*inst\.service\.\n$/);
  same(await d.ctl(['is-enabled', 'inst.service']), 0, 'enabled\n');
  const x = await d.ctl(['disable', 'inst.service']);
  assert.match(x.stderr, /^Removed ".*multi-user\.target\.wants\/inst\.service"\.\n$/);
});

test('logs / journalctl -u show the service output', async () => {
  same(await d.ctl(['start', 'talker.service']), 0, '');
  assert.ok(await waitFor(async () => (await d.ctl(['logs', '-u', 'talker.service'])).stdout.includes('hello from talker'), 5000));
  const j = await d.ctl(['-u', 'talker.service', '--no-pager'], { argv0: journal });
  assert.equal(j.code, 0, j.stderr);
  assert.match(j.stdout, /hello from talker\n/);
});

test('environment, is-system-running', async () => {
  const env = await d.ctl(['show-environment']);
  assert.equal(env.code, 0);
  assert.match(env.stdout, /^PATH=/m);
  same(await d.ctl(['set-environment', 'TSYSD_TEST_X=1']), 0, '');
  assert.match((await d.ctl(['show-environment'])).stdout, /^TSYSD_TEST_X=1$/m);
  same(await d.ctl(['unset-environment', 'TSYSD_TEST_X']), 0, '');
  const r = await d.ctl(['is-system-running']);
  assert.ok(r.stdout === 'running\n' || r.stdout === 'degraded\n', r.stdout);
});

test('uid 65534 may read state but gets "Access denied" (rc 4) for changes', async () => {
  same(await d.ctl(['is-active', 'oneshot-ok.service'], { uid: 65534 }), 0, 'active\n');
  same(await d.ctl(['stop', 'oneshot-ok.service'], { uid: 65534 }), 4, '', 'Failed to stop oneshot-ok.service: Access denied\n');
  same(await d.ctl(['is-active', 'oneshot-ok.service']), 0, 'active\n');
});

test('status of a running service, reload not applicable (rc 3), kill, list-jobs, cat', async () => {
  same(await d.ctl(['start', 'sleeper']), 0, '');
  const st = await d.ctl(['status', 'sleeper'], { argv0: sysctl });
  assert.equal(st.code, 0, st.stderr);
  const pid = (await d.ctl(['show', '-P', 'MainPID', 'sleeper'])).stdout.trim();
  assert.match(st.stdout, new RegExp(`^● sleeper\\.service - Sleeper test\\n {5}Loaded: loaded \\(${d.unitDir}/sleeper\\.service; static\\)\\n {5}Active: active \\(running\\) since \\w{3} \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\w+; .+ ago\\n(.*\\n)* {3}Main PID: ${pid} \\(sleep\\)\\n`));
  same(await d.ctl(['reload', 'sleeper']), 3, '', 'Failed to reload sleeper.service: Job type reload is not applicable for unit sleeper.service.\n');
  same(await d.ctl(['list-jobs']), 0, 'No jobs running.\n');
  same(await d.ctl(['cat', 'sleeper']), 0, `# ${d.unitDir}/sleeper.service\n${UNITS['sleeper.service']}`);
  same(await d.ctl(['kill', '-s', 'TERM', 'sleeper']), 0, '');
  assert.ok(await waitFor(async () => (await d.ctl(['is-active', 'sleeper'])).code === 3, 5000));
  same(await d.ctl(['show', '-p', 'Result', '-p', 'MainPID', 'sleeper']), 0, 'MainPID=0\nResult=success\n');
});

test('list-units --all with a pattern: exact table and footer', async () => {
  // (units never loaded, like static.service, are not listed: systemd lists units in memory only)
  const r = await d.ctl(['list-units', '--all', 'static.service', 'oneshot-ok.service', 'oneshot-fail.service']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, [
    '  UNIT                 LOAD   ACTIVE SUB    DESCRIPTION',
    '● oneshot-fail.service loaded failed failed oneshot-fail.service',
    '  oneshot-ok.service   loaded active exited oneshot-ok.service',
    '',
    'LOAD   = Reflects whether the unit definition was properly loaded.',
    'ACTIVE = The high-level unit activation state, i.e. generalization of SUB.',
    'SUB    = The low-level unit activation state, values depend on unit type.',
    '2 loaded units listed.',
    "To show all installed unit files use 'tsysctl list-unit-files'.",
    '',
  ].join('\n'));
});

test('daemon-reload picks up a new unit; enable --now starts it', async () => {
  fs.writeFileSync(path.join(d.unitDir, 'late.service'), '[Service]\nExecStart=/bin/sleep 1000\n[Install]\nWantedBy=multi-user.target\n');
  same(await d.ctl(['daemon-reload']), 0, '');
  const r = await d.ctl(['enable', '--now', 'late.service']);
  assert.equal(r.code, 0, r.stderr);
  same(await d.ctl(['is-active', 'late.service']), 0, 'active\n');
  same(await d.ctl(['is-enabled', 'late.service']), 0, 'enabled\n');
  same(await d.ctl(['disable', '--now', '-q', 'late.service']), 0, '');
  same(await d.ctl(['is-active', 'late.service']), 3, 'inactive\n');
});

test('list-dependencies renders the manager graph like systemctl', async () => {
  same(await d.ctl(['start', 'oneshot-ok.service']), 0, '');
  same(await d.ctl(['list-dependencies', 'app.target']), 0, 'app.target\n● ├─oneshot-ok.service\n○ └─static.service\n');
  same(await d.ctl(['list-dependencies', '--plain', 'app.target']), 0, 'app.target\n  oneshot-ok.service\n  static.service\n');
});

test('list-sockets; stopping a socket-activated service warns that the socket can still activate it', async () => {
  same(await d.ctl(['start', 'trig.socket']), 0, '');
  const addr = `@tsysd-ctl-conformance-${process.pid}`;
  same(await d.ctl(['list-sockets', 'trig.socket']), 0,
    `${'LISTEN'.padEnd(addr.length)} UNIT        ACTIVATES\n${addr} trig.socket trig.service\n\n1 sockets listed.\nPass --all to see loaded but inactive sockets, too.\n`);
  same(await d.ctl(['start', 'trig.service']), 0, '');
  same(await d.ctl(['stop', 'trig.service']), 0, '', 'Warning: Stopping trig.service, but it can still be activated by:\n  trig.socket\n');
  same(await d.ctl(['stop', 'trig.socket']), 0, '');
});

test('a unit file changed on disk: NeedDaemonReload=yes and systemctl\'s warning on start/status', async () => {
  fs.writeFileSync(path.join(d.unitDir, 'changing.service'), '[Service]\nExecStart=/bin/sleep 1000\n');
  same(await d.ctl(['daemon-reload']), 0, '');
  assert.equal((await d.ctl(['start', 'changing.service'])).code, 0);
  await new Promise((r) => setTimeout(r, 1100));   // a new mtime second
  fs.writeFileSync(path.join(d.unitDir, 'changing.service'), '[Service]\nExecStart=/bin/sleep 999\n');
  same(await d.ctl(['show', '-p', 'NeedDaemonReload', 'changing.service']), 0, 'NeedDaemonReload=yes\n');
  const warn = "Warning: The unit file, source configuration file or drop-ins of changing.service changed on disk. Run 'systemctl daemon-reload' to reload units.\n";
  same(await d.ctl(['restart', 'changing.service'], { argv0: sysctl }), 0, '', warn);
  const st = await d.ctl(['status', 'changing.service'], { argv0: sysctl });
  assert.equal(st.stderr, warn);
  same(await d.ctl(['daemon-reload']), 0, '');
  assert.equal((await d.ctl(['stop', 'changing.service'])).code, 0);
});

test('status shows drop-ins grouped by directory; logs -f follows new lines', async () => {
  same(await d.ctl(['start', 'dropped.service']), 0, '');
  const st = await d.ctl(['status', 'dropped.service']);
  assert.equal(st.code, 0, st.stderr);
  assert.match(st.stdout, new RegExp(`^● dropped\\.service - Dropped twice\\n {5}Loaded: loaded \\(${d.unitDir}/dropped\\.service; static\\)\\n {4}Drop-In: ${d.unitDir}/dropped\\.service\\.d\\n {13}└─10-a\\.conf, 20-b\\.conf\\n {5}Active: active \\(running\\)`));
  same(await d.ctl(['stop', 'dropped.service']), 0, '');
  // follow: a long-running tsysctl logs -f sees a line written after it started
  const { spawn } = require('node:child_process') as typeof import('node:child_process');
  const p = spawn(process.execPath, [TSYSCTL, '--socket', d.sock, 'logs', '-f', '-u', 'talker.service', '-n', '0']);
  let out = '';
  p.stdout.on('data', (b: Buffer) => { out += b.toString(); });
  await new Promise((r) => setTimeout(r, 500));
  same(await d.ctl(['start', 'talker.service']), 0, '');
  assert.ok(await waitFor(() => /hello from talker\n/.test(out), 5000), out);
  p.kill('SIGINT');
  await new Promise((r) => p.on('close', r));
  assert.equal(out.split('hello from talker').length - 1, 1, `-n 0 printed old lines:\n${out}`);
});

// Must stay last: it ends the manager.
test('exit CODE: orderly shutdown, tsysd exits with the code (container semantics)', async () => {
  same(await d.ctl(['exit', '7']), 0, '');
  assert.equal(await d.waitExit(30000), 7);
});
