// tsysctl set-property through a live tsysd (PID-namespaced, tests/helpers/daemon.ts): the control drop-in
// 50-KEY.conf as systemd writes it, the property in `show`, and a running service's cgroup limit changed in
// place (pids.max) when a pids controller is writable here; systemctl's refusals.
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectCgroups, detectLegacy, legacyHierarchies, ownCgroupDir } from '../../src/platform/cgroup';
import { startDaemon, type Daemon } from '../helpers/daemon';

let d: Daemon;
before(async () => { d = await startDaemon({ units: { 'lim.service': '[Service]\nExecStart=/bin/sleep 600\nTasksMax=100\n' } }); });
after(async () => { if (d) await d.stop(); });

/** The pids.max file of a unit of this daemon, or '' when no pids controller is usable here (probing with the
 *  daemon's own cgroup name: its groups are removed with it). */
function pidsMax(rel: string): string {
  const own = ownCgroupDir();
  const cg = detectCgroups(d.cgroupName);
  let ctl: string[] = [];
  try { ctl = 'dir' in own ? fs.readFileSync(path.join(own.dir, 'cgroup.controllers'), 'utf8').trim().split(/\s+/) : []; } catch { /* none */ }
  let base = '';
  if (cg.available && ctl.includes('pids') && 'dir' in own) base = path.join(own.dir, d.cgroupName);
  else if (detectLegacy(d.cgroupName).has('pids')) { const h = legacyHierarchies().get('pids'); if (h) base = path.join(h.own, d.cgroupName); }
  return base ? path.join(base, rel, 'pids.max') : '';
}

test('set-property writes the control drop-in and changes a running unit\'s limit at once', async (t) => {
  assert.equal((await d.ctl(['start', 'lim'])).code, 0);
  const f = pidsMax('system.slice/lim.service');
  if (f && fs.existsSync(f)) assert.equal(fs.readFileSync(f, 'utf8').trim(), '100');
  assert.deepEqual(await d.ctl(['set-property', 'lim', 'TasksMax=77']), { code: 0, stdout: '', stderr: '' });
  const dropin = path.join(d.unitDir, 'lim.service.d', '50-TasksMax.conf');
  assert.equal(fs.readFileSync(dropin, 'utf8'), '# This is a drop-in unit file extension, created via "systemctl set-property"\n'
    + '# or an equivalent operation. Do not edit.\n[Service]\nTasksMax=77\n');
  assert.equal((await d.ctl(['show', '-P', 'TasksMax', 'lim.service'])).stdout, '77\n');
  if (f && fs.existsSync(f)) assert.equal(fs.readFileSync(f, 'utf8').trim(), '77');
  else t.diagnostic('no writable pids controller: the live cgroup write is not checked');
  assert.equal((await d.ctl(['is-active', 'lim'])).stdout, 'active\n');
});

test('set-property refusals', async () => {
  assert.deepEqual(await d.ctl(['set-property', 'lim']), { code: 1, stdout: '', stderr: 'Too few arguments.\n' });
  assert.deepEqual(await d.ctl(['set-property', 'lim', 'TasksMax']), { code: 1, stdout: '', stderr: 'Not an assignment: TasksMax\n' });
  assert.deepEqual(await d.ctl(['set-property', 'lim', 'ExecStart=/bin/true']),
    { code: 1, stdout: '', stderr: 'Failed to set unit properties on lim.service: Cannot set property ExecStart, or unknown property.\n' });
  assert.deepEqual(await d.ctl(['set-property', 'nope', 'TasksMax=5']),
    { code: 1, stdout: '', stderr: 'Failed to set unit properties on nope.service: Unit nope.service not found.\n' });
});
