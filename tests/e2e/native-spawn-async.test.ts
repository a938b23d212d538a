// e2e: the addon's spawn() fast path (clone(CLONE_VM) without a vfork wait, src/native/spawn.c) with real
// processes, and the same checks on the posix_spawn fallback (TSYSD_SPAWN=posix, run in a child process,
// since the addon reads the switch once). Covers what the fast path must keep from posix_spawn: exact fd
// layout, default signal dispositions and an empty mask in the child (Node ignores SIGPIPE), a signal sent
// before the child's execve is not lost and runs no Node handler, an execve failure of the program itself
// reported as stage 203/EXEC with errno, and no pipe or zombie left behind after thousands of spawns; the
// direct exec of plain services (no tsysd-exec helper) and, in child processes, native-spawn.test under
// TSYSD_SPAWN=helper (every request through the helper) and =posix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRealPlatform } from '../../src/platform/real';
import { loadNative } from '../../src/platform/native';
import { makeSpawnRequest } from '../../src/platform/helper-args';
import { fixture } from '../fixtures/build';
import { exitWaiter } from '../helpers/exits';
import type { ExecOutcome } from '../../src/platform/types';

const posixMode = process.env['TSYSD_SPAWN'] === 'posix';
const p = createRealPlatform();
const { addon } = loadNative();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-spawn-async-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const waitExit = exitWaiter(p);

interface Outcome { stage?: number; errno?: number }
/** addon.spawn of FILE directly (no exec helper), keeping the reaper's event loop reference. */
function spawnRaw(file: string, argv: string[], fds: number[]): { pid: number; outcome: Promise<Outcome> } {
  let done!: (o: Outcome) => void;
  const outcome = new Promise<Outcome>((res) => { done = res; });
  const pid = addon.spawn(file, argv, ['PATH=/usr/bin:/bin'], fds, true, (stage?: number, errno?: number) => done({ stage, errno }));
  assert.ok(pid > 0, `spawn returned ${pid}`);
  addon.reaperRef(true);
  return { pid, outcome };
}

function openFds(): number { return fs.readdirSync('/proc/self/fd').length; }

test(`${posixMode ? 'posix_spawn' : 'clone'} path: exact fd layout, default signals, empty mask, new session`, async () => {
  const out = path.join(tmp, 'status');
  const listing = path.join(tmp, 'fds');
  const fd = fs.openSync(out, 'w');
  // fd-list writes the child's own fds, then execs cat, which prints its own /proc status.
  const r = spawnRaw(fixture('fd-list'), ['fd-list', listing, '/bin/cat', '/proc/self/status'], [-1, fd, fd]);
  fs.closeSync(fd);
  assert.deepEqual(await r.outcome, { stage: undefined, errno: undefined });
  assert.deepEqual(await waitExit(r.pid), { pid: r.pid, code: 'exited', status: 0 });
  // 0,1,2 and the status pipe (fd 3, close-on-exec in the exec helper; fd-list is not the helper).
  assert.equal(fs.readFileSync(listing, 'utf8'), '0 1 2 3\n');
  const st = fs.readFileSync(out, 'utf8');
  const field = (k: string): string => (new RegExp(`^${k}:\\s*(\\S+)`, 'm').exec(st)?.[1] ?? '');
  assert.equal(field('SigIgn'), '0000000000000000', 'no inherited SIG_IGN (Node ignores SIGPIPE)');
  assert.equal(field('SigBlk'), '0000000000000000', 'empty signal mask');
  assert.equal(field('SigCgt'), '0000000000000000', 'no handler survives exec');
  // setsid: the child leads its own session.
  const r2 = spawnRaw('/bin/sh', ['sh', '-c', 'test "$(ps -o sid= -p $$)" -eq $$'], [-1, -1, -1]);
  await r2.outcome;
  assert.deepEqual(await waitExit(r2.pid), { pid: r2.pid, code: 'exited', status: 0 });
});

test(`${posixMode ? 'posix_spawn' : 'clone'} path: a signal sent right after spawn kills the child with its default action`, async () => {
  const kids: number[] = [];
  for (let i = 0; i < 50; i++) {
    const r = spawnRaw('/bin/sleep', ['sleep', '30'], [-1, -1, -1]);
    assert.equal(addon.kill(r.pid, 15), 0);
    kids.push(r.pid);
  }
  const exits = await Promise.all(kids.map(waitExit));
  for (const e of exits) assert.deepEqual({ code: e.code, status: e.status }, { code: 'killed', status: 15 });
});

test(`${posixMode ? 'posix_spawn' : 'clone'} path: execve failure of the program itself`, async () => {
  const missing = path.join(tmp, 'no-such-program');
  let pid = 0;
  let outcome: Outcome;
  if (posixMode) {
    // posix_spawn reports it synchronously as -errno.
    pid = addon.spawn(missing, ['x'], [], [-1, -1, -1], true, () => undefined);
    assert.equal(pid, -2);
    return;
  }
  ({ pid, outcome } = await (async () => { const r = spawnRaw(missing, ['x'], [-1, -1, -1]); return { pid: r.pid, outcome: await r.outcome }; })());
  assert.deepEqual(outcome, { stage: 203, errno: 2 });
  assert.deepEqual(await waitExit(pid), { pid, code: 'exited', status: 203 });
});

test(`${posixMode ? 'posix_spawn' : 'clone'} path: 3,000 spawns leave no fd, zombie or child behind`, async () => {
  // A previous test's status pipe closes at its child's EOF, which may be seen just after its exit: settle.
  let before = openFds();
  for (let t = 0, same = 0; t < 100 && same < 3; t++) {
    await new Promise((r) => setTimeout(r, 20));
    const now = openFds();
    same = now === before ? same + 1 : 0;
    before = now;
  }
  const bin = fixture('exit-with');
  const n = 3000;
  let i = 0;
  const worker = async (): Promise<void> => {
    while (i < n) {
      const k = i++;
      const code = k % 7;
      const r = p.spawn(makeSpawnRequest(bin, ['exit-with', String(code)], { workingDirectory: { path: tmp, optional: false } }), () => undefined);
      if ('errno' in r) throw new Error(r.message);
      const e = await waitExit(r.pid);
      assert.deepEqual({ code: e.code, status: e.status }, { code: 'exited', status: code });
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  // Outcome pipes close on the helper's/program's exec or exit; give the loop a turn to see the EOFs.
  for (let t = 0; t < 50 && openFds() > before; t++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(openFds(), before, 'no pipe end left open');
  const kids = fs.readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8').trim();
  assert.equal(kids, '', 'no child (or zombie) left');
});

test(`${posixMode ? 'through the helper' : 'direct exec (no helper)'}: pid variables replace inherited ones, cgroup attach failure is 219/CGROUP`, async () => {
  const out = path.join(tmp, 'direct-env');
  const fd = fs.openSync(out, 'w');
  let done!: (o: ExecOutcome) => void;
  const outcome = new Promise<ExecOutcome>((res) => { done = res; });
  const r = p.spawn(makeSpawnRequest('/bin/sh', ['sh', '-c', 'echo "$$ $SYSTEMD_EXEC_PID $WATCHDOG_PID $LISTEN_PID"'], {
    stdout: fd, env: ['SYSTEMD_EXEC_PID=1', 'WATCHDOG_PID=77', 'LISTEN_PID=5'], setExecPid: true, setWatchdogPid: true,
    workingDirectory: { path: tmp, optional: false },
  }), done);
  fs.closeSync(fd);
  if ('errno' in r) throw new Error(r.message);
  assert.deepEqual(await outcome, { ok: true });
  await waitExit(r.pid);
  // LISTEN_PID is not the process's business without listen fds, but an inherited value is left alone.
  assert.equal(fs.readFileSync(out, 'utf8'), `${r.pid} ${r.pid} ${r.pid} 5\n`);
  let done2!: (o: ExecOutcome) => void;
  const outcome2 = new Promise<ExecOutcome>((res) => { done2 = res; });
  const r2 = p.spawn(makeSpawnRequest('/bin/true', ['true'], { cgroup: path.join(tmp, 'not-a-cgroup') }), done2);
  if ('errno' in r2) throw new Error(r2.message);
  const o2 = await outcome2;
  assert.ok(!o2.ok && o2.exitCode === 219 && o2.stage === 'CGROUP' && o2.errno === 2, JSON.stringify(o2));
  assert.deepEqual(await waitExit(r2.pid), { pid: r2.pid, code: 'exited', status: 219 });
});

test(`${posixMode ? 'helper joins' : 'clone3 starts the child in'} the unit's cgroup`, async (t) => {
  const sup = p.cgroupSupport();
  if (!sup.available) { t.diagnostic(`no writable cgroup2 here: ${sup.reason}`); assert.ok(sup.reason); return; }
  const cg = p.cgroupCreate('spawn-test.service');
  assert.ok('path' in cg, JSON.stringify(cg));
  try {
    const out = path.join(tmp, 'cgroup-out');
    const fd = fs.openSync(out, 'w');
    let done!: (o: ExecOutcome) => void;
    const outcome = new Promise<ExecOutcome>((res) => { done = res; });
    const r = p.spawn(makeSpawnRequest('/bin/cat', ['cat', '/proc/self/cgroup'], { stdout: fd, cgroup: cg.path }), done);
    fs.closeSync(fd);
    if ('errno' in r) throw new Error(r.message);
    assert.deepEqual(await outcome, { ok: true });
    assert.deepEqual(await waitExit(r.pid), { pid: r.pid, code: 'exited', status: 0 });
    const line = fs.readFileSync(out, 'utf8').split('\n').find((l) => l.startsWith('0::')) ?? '';
    assert.ok(cg.path.endsWith(line.slice(3)) && line.endsWith('/spawn-test.service'), `${line} vs ${cg.path}`);
    // After a SIGKILL of the cgroup (cgroup.kill), a new child must still live there: Linux 6.x kills
    // children cloned INTO such a cgroup at birth, so the platform has them join it instead.
    p.cgroupKill(cg.path, 9);
    for (let i = 0; i < 3; i++) {
      let done2!: (o: ExecOutcome) => void;
      const outcome2 = new Promise<ExecOutcome>((res) => { done2 = res; });
      const r2 = p.spawn(makeSpawnRequest('/bin/sh', ['sh', '-c', 'grep -q "^0::.*/spawn-test.service$" /proc/self/cgroup'], { cgroup: cg.path }), done2);
      if ('errno' in r2) throw new Error(r2.message);
      assert.deepEqual(await outcome2, { ok: true });
      assert.deepEqual(await waitExit(r2.pid), { pid: r2.pid, code: 'exited', status: 0 });
    }
  } finally {
    assert.equal(p.cgroupRemove(cg.path), 0);
    fs.rmdirSync(sup.base);
  }
});

if (!posixMode) {
  for (const [file, mode] of [[__filename, 'posix'], [path.join(__dirname, 'native-spawn.test.js'), 'posix'], [path.join(__dirname, 'native-spawn.test.js'), 'helper']] as const) {
    test(`TSYSD_SPAWN=${mode} (${mode === 'posix' ? 'posix_spawn fallback' : 'always through tsysd-exec'}) passes ${path.basename(file)}`, () => {
      const r = spawnSync(process.execPath, ['--test', '--test-reporter=dot', file], {
        env: { ...process.env, TSYSD_SPAWN: mode }, encoding: 'utf8', timeout: 120_000,
      });
      assert.equal(r.status, 0, r.stdout + r.stderr);
    });
  }
}
