// e2e: process tracking and KillMode with real processes. A daemon that double-forks and calls setsid()
// (plus extra setsid'd helpers) is killed completely through its cgroup when cgroup v2 is writable; the
// documented fallback (sessions + main pid) is exercised with cgroups disabled; a SIGTERM ignorer
// needs the final SIGKILL step; KillMode=process leaves the rest alive, mixed kills it in the final step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRealPlatform } from '../../src/platform/real';
import { detectCgroups, cgroupPids } from '../../src/platform/cgroup';
import { killUnitStep, unitPids, type UnitProcesses } from '../../src/exec/kill';
import type { KillContext } from '../../src/directives/types';
import { fixture } from '../fixtures/build';
import { Harness, isAlive, waitFor } from '../fixtures/harness';

const p = createRealPlatform();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-kill-'));
const h = new Harness(p, tmp);
p.setSubreaper(true);
const cg = p.cgroupSupport();
const started: number[] = [];
test.after(() => {
  h.cleanup();
  for (const pid of started) if (isAlive(pid)) p.kill(pid, 9);
  if (cg.available) p.cgroupRemove(cg.base);
  fs.rmSync(tmp, { recursive: true, force: true });
});

const KC = (over: Partial<KillContext> = {}): KillContext => ({ killMode: 'control-group', killSignal: 15, restartKillSignal: 15,
  finalKillSignal: 9, watchdogSignal: 6, sendSIGKILL: true, sendSIGHUP: false, ...over });

function childrenOf(ppid: number): number[] {
  return fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number).filter((pid) => p.parentPid(pid) === ppid);
}

async function startForking(unit: string, cgroup: string): Promise<{ u: UnitProcesses; all: number[] }> {
  const pidFile = path.join(tmp, `${unit}.pid`);
  const r = await h.run({ path: fixture('double-fork'), argv: ['double-fork', pidFile, '2'], cgroup });
  assert.equal(r.exit.status, 0);
  const main = Number(fs.readFileSync(pidFile, 'utf8'));
  const u: UnitProcesses = { mainPid: main, controlPid: null, cgroup, sessions: [r.pid, main] };
  const all = unitPids(p, u);
  started.push(...all);
  return { u, all };
}

test('cgroup v2 detection reports a usable tree or a reason', () => {
  if (cg.available) {
    assert.ok(cg.base.startsWith(cg.mount));
    assert.ok(fs.existsSync(path.join(cg.base, 'cgroup.procs')));
  } else {
    assert.ok(cg.reason.length > 0);
  }
  const off = (() => { process.env['TSYSD_NO_CGROUPS'] = '1'; try { return detectCgroups('x'); } finally { delete process.env['TSYSD_NO_CGROUPS']; } })();
  assert.equal(off.available, false);
});

test('KillMode=control-group kills a double-forking setsid daemon via its cgroup', async () => {
  if (!cg.available) { assert.ok(cg.reason); return; }   // covered by the fallback tests below
  const c = p.cgroupCreate('dfork.service');
  assert.ok('path' in c);
  const { u, all } = await startForking('dfork', c.path);
  assert.equal(all.length, 3, `main + 2 helpers, got ${all.join(' ')}`);
  assert.deepEqual(cgroupPids(c.path).sort((a, b) => a - b), all.sort((a, b) => a - b));
  // The helpers are in sessions we never saw: only the cgroup knows them.
  const sigd = killUnitStep(p, KC(), u, 'term');
  assert.deepEqual(sigd.sort((a, b) => a - b), all.sort((a, b) => a - b));
  assert.ok(await waitFor(() => p.cgroupIsEmpty(c.path), 5000));
  for (const pid of all) assert.ok(!isAlive(pid));
  assert.equal(p.cgroupRemove(c.path), 0);
});

test('fallback without cgroups: setsid children of a live main pid are tracked as descendants', async () => {
  const { u, all } = await startForking('dfork-fb', '');
  const helpers = childrenOf(u.mainPid as number);
  started.push(...helpers);
  assert.equal(helpers.length, 2);
  assert.deepEqual(all.sort((a, b) => a - b), [u.mainPid as number, ...helpers].sort((a, b) => a - b));
  killUnitStep(p, KC(), u, 'term');
  assert.ok(await waitFor(() => [u.mainPid as number, ...helpers].every((x) => !isAlive(x))));
});

test('fallback limit (documented): a setsid() grandchild whose parent exited escapes; cgroups catch it', async () => {
  for (const useCg of [false, true]) {
    if (useCg && !cg.available) continue;
    const c = useCg ? p.cgroupCreate('escape.service') : null;
    const cgroup = c && 'path' in c ? c.path : '';
    const pidFile = path.join(tmp, `escape-${useCg}.pid`);
    const r = await h.run({ path: '/bin/sh', argv: ['sh', '-c', `setsid -f sh -c 'echo $$ > ${pidFile}; exec sleep 100'`], cgroup });
    assert.equal(r.exit.status, 0);
    assert.ok(await waitFor(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').trim() !== ''));
    const escaped = Number(fs.readFileSync(pidFile, 'utf8'));
    started.push(escaped);
    const u: UnitProcesses = { mainPid: null, controlPid: null, cgroup, sessions: [r.pid] };
    assert.equal(unitPids(p, u).includes(escaped), useCg);
    killUnitStep(p, KC(), u, 'final');
    if (useCg) assert.ok(await waitFor(() => !isAlive(escaped)));
    else { assert.ok(isAlive(escaped)); p.kill(escaped, 9); }
    if (cgroup) { await waitFor(() => p.cgroupIsEmpty(cgroup)); p.cgroupRemove(cgroup); }
  }
});

test('fallback kills every process of the service session (forked children without setsid)', async () => {
  const s = h.start({ path: fixture('sigterm-ignorer'), argv: ['sigterm-ignorer', '--children', '3'] });
  started.push(s.pid);
  assert.ok(await waitFor(() => p.sessionPids(s.pid).length === 4));
  const u: UnitProcesses = { mainPid: s.pid, controlPid: null, cgroup: '', sessions: [s.pid] };
  const kids = p.sessionPids(s.pid).filter((x) => x !== s.pid);
  started.push(...kids);
  killUnitStep(p, KC(), u, 'term');
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(p.sessionPids(s.pid).length, 4, 'SIGTERM is ignored');
  killUnitStep(p, KC(), u, 'final');
  const ex = await h.waitExit(s.pid);
  assert.deepEqual(ex, { pid: s.pid, code: 'killed', status: 9 });
  assert.ok(await waitFor(() => kids.every((k) => !isAlive(k))));
});

test('KillMode=process signals the main pid only; mixed kills the rest in the final step', async () => {
  for (const mode of ['process', 'mixed'] as const) {
    const c = cg.available ? p.cgroupCreate(`km-${mode}.service`) : null;
    const cgroup = c && 'path' in c ? c.path : '';
    const s = h.start({ path: '/bin/sh', argv: ['sh', '-c', `${fixture('sigterm-ignorer')} --children 1 & exec sleep 100`], cgroup });
    started.push(s.pid);
    const u: UnitProcesses = { mainPid: s.pid, controlPid: null, cgroup, sessions: [s.pid] };
    assert.ok(await waitFor(() => unitPids(p, u).length === 3));
    const others = unitPids(p, u).filter((x) => x !== s.pid);
    started.push(...others);
    killUnitStep(p, KC({ killMode: mode }), u, 'term');
    const ex = await h.waitExit(s.pid);
    assert.deepEqual(ex, { pid: s.pid, code: 'killed', status: 15 });
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(others.every(isAlive));
    killUnitStep(p, KC({ killMode: mode }), { ...u, mainPid: null }, 'final');
    if (mode === 'process') {
      assert.ok(others.every(isAlive), 'process mode never touches the rest');
      for (const x of others) p.kill(x, 9);
    }
    assert.ok(await waitFor(() => others.every((x) => !isAlive(x))));
    if (cgroup) { await waitFor(() => p.cgroupIsEmpty(cgroup)); p.cgroupRemove(cgroup); }
  }
});
