// import-environment, log-level/log-target, service-log-level/-target, help, rescue/emergency/default and
// kexec through a live tsysd (PID-namespaced, tests/helpers/daemon.ts): systemctl 252's messages and exit
// codes, and the manager's state afterwards (environment, log level, isolated target, exit).
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { startDaemon, type Daemon } from '../helpers/daemon';

let d: Daemon;

before(async () => {
  d = await startDaemon({
    units: {
      'doc.service': '[Unit]\nDocumentation=man:tsysd-no-such-page(8) https://example.org/doc\n[Service]\nExecStart=/bin/sleep 1000\n',
      'bus.service': '[Service]\nBusName=org.example.Tsysd\nExecStart=/bin/sleep 1000\n',
      'plain.service': '[Service]\nExecStart=/bin/sleep 1000\n',
      'rescue.target': '[Unit]\nDescription=Rescue\nAllowIsolate=yes\n',
    },
  });
});
after(async () => { if (d) await d.stop(); });

test('import-environment copies named and globbed variables into the manager environment', async () => {
  const env = { TSYSD_IMP_A: 'one', TSYSD_IMP_B: 'two words', TSYSD_OTHER: 'x' };
  const r = await d.ctl(['import-environment', 'TSYSD_IMP_*', 'TSYSD_UNSET_VAR'], { env });
  assert.deepEqual(r, { code: 0, stdout: '', stderr: 'Environment variable $TSYSD_UNSET_VAR is not set, ignoring.\n' });
  const shown = (await d.ctl(['show-environment'])).stdout.split('\n');
  assert.ok(shown.includes('TSYSD_IMP_A=one'));
  assert.ok(shown.some((l) => l.startsWith('TSYSD_IMP_B=')));
  assert.ok(!shown.some((l) => l.startsWith('TSYSD_OTHER=')));
});

test('log-level and log-target get and set the manager\'s own settings', async () => {
  assert.deepEqual(await d.ctl(['log-level']), { code: 0, stdout: 'info\n', stderr: '' });
  assert.deepEqual(await d.ctl(['log-level', 'debug']), { code: 0, stdout: '', stderr: '' });
  assert.deepEqual(await d.ctl(['log-level']), { code: 0, stdout: 'debug\n', stderr: '' });
  assert.deepEqual(await d.ctl(['log-level', 'bogus']),
    { code: 1, stdout: '', stderr: "Failed to set log level of org.freedesktop.systemd1 to bogus: Invalid log level 'bogus'\n" });
  assert.deepEqual(await d.ctl(['log-level', 'info', 'extra']), { code: 1, stdout: '', stderr: 'Too many arguments.\n' });
  assert.deepEqual(await d.ctl(['log-target']), { code: 0, stdout: 'console\n', stderr: '' });
  const t = await d.ctl(['log-target', 'kmsg']);
  assert.equal(t.code, 1);
  assert.match(t.stderr, /^Failed to set log target of org\.freedesktop\.systemd1 to kmsg: /);
});

test('service-log-level needs BusName=; help prints Documentation= or says it is not known', async () => {
  assert.deepEqual(await d.ctl(['service-log-level', 'plain']), { code: 1, stdout: '', stderr: "Unit plain.service doesn't declare BusName=.\n" });
  const b = await d.ctl(['service-log-level', 'bus.service', 'debug']);
  assert.equal(b.code, 1);
  assert.match(b.stderr, /^Failed to set log level of org\.example\.Tsysd: /);
  assert.deepEqual(await d.ctl(['service-log-target']), { code: 1, stdout: '', stderr: 'Too few arguments.\n' });
  assert.deepEqual(await d.ctl(['help', 'plain']), { code: 0, stdout: '', stderr: 'Documentation for plain.service not known.\n' });
  // without man on $PATH: systemctl's child reports the exec failure; the URL is not shown
  const h = await d.ctl(['help', 'doc'], { env: { PATH: '/nonexistent' } });
  assert.deepEqual(h, { code: 0, stdout: '', stderr: 'Failed to execute man: No such file or directory\nCan\'t show: https://example.org/doc\n' });
});

test('freeze/thaw are refused as for a unit with CanFreeze=no', async () => {
  assert.equal((await d.ctl(['show', '-P', 'CanFreeze', 'plain.service'])).stdout, 'no\n');
  assert.deepEqual(await d.ctl(['freeze', 'plain']), { code: 1, stdout: '', stderr: "Failed to freeze unit plain.service: Unit 'plain.service' does not support freezing.\n" });
  assert.deepEqual(await d.ctl(['thaw', 'plain', 'nope']), { code: 1, stdout: '',
    stderr: "Failed to thaw unit plain.service: Unit 'plain.service' does not support freezing.\nFailed to thaw unit nope.service: Unit nope.service not loaded.\n" });
});

test('rescue isolates rescue.target; emergency isolates the built-in one; kexec shuts the manager down', async () => {
  assert.deepEqual(await d.ctl(['start', 'plain']), { code: 0, stdout: '', stderr: '' });
  const r = await d.ctl(['rescue']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await d.ctl(['is-active', 'rescue.target'])).stdout, 'active\n');
  assert.equal((await d.ctl(['is-active', 'plain.service'])).stdout, 'inactive\n');
  // tsysd carries a built-in emergency.target (src/manager builtin units)
  const e = await d.ctl(['emergency']);
  assert.equal(e.code, 0, e.stderr);
  assert.equal((await d.ctl(['is-active', 'emergency.target'])).stdout, 'active\n');
  assert.equal((await d.ctl(['is-active', 'rescue.target'])).stdout, 'inactive\n');
  assert.deepEqual(await d.ctl(['default', 'x']), { code: 1, stdout: '', stderr: 'Too many arguments.\n' });
  assert.deepEqual(await d.ctl(['kexec']), { code: 0, stdout: '', stderr: '' });
  assert.notEqual(await d.waitExit(30000), null);
});
