// e2e: tsysd leaves no cgroup behind. A daemon (PID 1 of its namespace, with --cgroup-name) creates
// <own cgroup>/<name>/system.slice/<unit> (systemd's layout: a unit's cgroup sits in its slice's); on a clean stop it removes its empty unit cgroups and the base itself; when
// it is SIGKILLed, the harness (helpers/daemon.ts stop()) removes the tree once the namespace is gone.
// Skipped when this machine has no writable cgroup2 hierarchy. Last, the fallback without cgroups: one stop of
// many units (their /proc lookups share one snapshot per event-loop turn) still kills each unit's processes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectCgroups, cgroupPrune } from '../../src/platform/cgroup';
import { hasUnshare, nsPids, startDaemon, testCgroupName, waitFor } from '../helpers/daemon';

const probeName = testCgroupName();
const cg = detectCgroups(probeName);
if (cg.available) cgroupPrune(cg.base);
const skip = !hasUnshare() ? 'unshare --pid is not available' : !cg.available ? `no writable cgroup2: ${cg.reason}` : false;

const units = {
  'a.service': '[Service]\nExecStart=/bin/sleep 600\n',
  'b.service': '[Service]\nExecStart=/bin/sh -c "sleep 600 & exec sleep 600"\n',
  'once.service': '[Service]\nType=oneshot\nExecStart=/bin/true\n',
  'boot.target': '[Unit]\nWants=a.service b.service once.service\n',
};

test('clean stop: the daemon removes its unit cgroups and its base directory', { skip }, async () => {
  const d = await startDaemon({ units, args: ['--target', 'boot.target'] });
  try {
    const base = d.cgroupDir();
    assert.ok(base.endsWith(`/${d.cgroupName}`));
    for (const u of ['a.service', 'b.service', 'once.service']) assert.ok(fs.existsSync(path.join(base, 'system.slice', u)), `${u} has a cgroup`);
    assert.ok(fs.readFileSync(path.join(base, 'system.slice', 'b.service', 'cgroup.procs'), 'utf8').trim().split('\n').length === 2);
    d.signal('SIGTERM');
    assert.equal(await d.waitExit(20000), 0);
    assert.ok(!fs.existsSync(base), `${base} removed by the daemon itself`);
    assert.ok(fs.existsSync(d.runDir) && !fs.existsSync(path.join(d.runDir, 'builtin-units')), 'built-in units it wrote are removed too');
  } finally {
    await d.stop();
  }
});

test('exit through an emergency action (SuccessAction=exit-force) also removes the base', { skip }, async () => {
  const d = await startDaemon({ units: { ...units, 'quit.service': '[Unit]\nSuccessAction=exit-force\n[Service]\nType=oneshot\nExecStart=/bin/true\n' },
    args: ['--target', 'boot.target'] });
  try {
    const base = d.cgroupDir();
    assert.ok(fs.existsSync(path.join(base, 'system.slice', 'a.service')));
    await d.ctl(['start', '--no-block', 'quit.service']);
    assert.notEqual(await d.waitExit(20000), null);
    assert.ok(!fs.existsSync(base), `${base} removed by the daemon itself`);
  } finally {
    await d.stop();
  }
});

test('SIGKILLed daemon: the harness removes the cgroups it left once its namespace is gone', { skip }, async () => {
  const d = await startDaemon({ units, args: ['--target', 'boot.target'] });
  let base = '';
  try {
    base = d.cgroupDir();
    assert.ok(fs.existsSync(path.join(base, 'system.slice', 'a.service')));
    d.signal('SIGKILL');
    assert.notEqual(await d.waitExit(20000), null);
    assert.ok(fs.existsSync(base), 'a killed daemon cannot clean up');
  } finally {
    await d.stop();
  }
  assert.ok(await waitFor(() => !fs.existsSync(base), 2000), `${base} removed by the harness`);
});

test('without cgroups (TSYSD_NO_CGROUPS=1) one stop of many units, sharing a /proc snapshot per turn, kills every process', async (t) => {
  if (!hasUnshare()) { t.skip('unshare --pid is not available'); return; }
  const n = 12;
  const many: Record<string, string> = {};
  for (let i = 0; i < n; i++) many[`m${i}.service`] = '[Service]\nExecStart=/bin/sh -c "sleep 601 & sleep 601 & exec sleep 601"\nTimeoutStopSec=3\n';
  many['many.target'] = `[Unit]\nWants=${Object.keys(many).join(' ')}\n`;
  const d = await startDaemon({ units: many, args: ['--target', 'many.target'], env: { TSYSD_NO_CGROUPS: '1' } });
  try {
    assert.ok(!fs.existsSync(d.cgroupDir()), 'no cgroup created without cgroup support');
    assert.ok(await waitFor(() => nsPids(d, /^sleep 601/).length === 3 * n), `got ${nsPids(d, /^sleep 601/).length}`);
    const names = Array.from({ length: n }, (_, i) => `m${i}.service`);
    assert.equal((await d.ctl(['stop', ...names])).code, 0);
    assert.deepEqual(nsPids(d, /^sleep 601/), []);
    const r = await d.ctl(['show', '-p', 'Result', '--value', ...names]);
    assert.deepEqual(r.stdout.trim().split(/\s+/), names.map(() => 'success'), 'stopped by SIGTERM, not by the stop timeout');
  } finally {
    await d.stop();
  }
});
