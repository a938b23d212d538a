// Unit: prepareExec and the kill helpers over the FakePlatform (no OS): request shape per Exec kind and
// prefix, environment precedence, directory env, errors as data, KillMode signal plans.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakePlatform } from '../../src/platform/fake';
import { prepareExec } from '../../src/exec/prepare';
import { killUnitStep, killUnit } from '../../src/exec/kill';
import { capsToMask, ALL_CAPS } from '../../src/exec/caps';
import { helperArgv, decodeOutcome, makeSpawnRequest } from '../../src/platform/helper-args';
import { defaultConfig } from '../../src/directives/defaults';
import type { ExecCommand, UnitConfig } from '../../src/directives/types';
import type { ExecRuntime } from '../../src/exec/types';

const cmd = (argv: string[], over: Partial<ExecCommand> = {}): ExecCommand =>
  ({ path: argv[0] as string, argv, ignoreFailure: false, noEnvExpand: false, privileged: '', file: 'f', line: 1, ...over });
const rt = (over: Partial<ExecRuntime> = {}): ExecRuntime => ({ kind: 'start', unitName: 'a.service', invocationId: 'ab'.repeat(16),
  listenFds: [7, 8], listenFdNames: ['x', 'y'], notifySocket: '/run/tsysd/notify', mainPid: 55, watchdogUs: 0, stdin: -1, stdout: 3,
  stderr: 3, userMode: false, managerEnvironment: ['FROMMGR=1'], managerPid: 1, cgroup: '/sys/fs/cgroup/t/a.service',
  dirRoots: { runtime: '/r', state: '/s', cache: '/c', logs: '/l', configuration: '/e' }, privileged: true, ...over });
const cfg = (f: (c: UnitConfig) => void = () => undefined): UnitConfig => { const c = defaultConfig('a.service'); f(c); return c; };
const envOf = (l: string[]): Map<string, string> => new Map(l.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));

test('ExecStart gets listen fds, LISTEN_* names, no MAINPID; ExecStartPre gets none of them', () => {
  const p = new FakePlatform();
  const r = prepareExec(p, cmd(['/bin/d', '--x']), cfg(), rt(), {});
  assert.ok(r.ok);
  assert.deepEqual(r.req.listenFds, [7, 8]);
  const e = envOf(r.env);
  assert.equal(e.get('LISTEN_FDS'), '2');
  assert.equal(e.get('LISTEN_FDNAMES'), 'x:y');
  assert.equal(e.get('NOTIFY_SOCKET'), '/run/tsysd/notify');
  assert.equal(e.get('FROMMGR'), '1');
  assert.equal(e.get('LANG'), 'C.UTF-8');
  assert.ok(!e.has('MAINPID'));
  assert.equal(r.req.cgroup, '/sys/fs/cgroup/t/a.service');
  assert.equal(r.req.newSession, true);
  const pre = prepareExec(p, cmd(['/bin/d']), cfg(), rt({ kind: 'start-pre', mainPid: null }), {});
  assert.ok(pre.ok);
  assert.deepEqual(pre.req.listenFds, []);
  assert.ok(!envOf(pre.env).has('LISTEN_FDS'));
  const reload = prepareExec(p, cmd(['/bin/kill', '-HUP', '$MAINPID']), cfg(), rt({ kind: 'reload' }), {});
  assert.ok(reload.ok);
  assert.deepEqual(reload.req.argv, ['/bin/kill', '-HUP', '55']);
});

test('precedence: manager < systemd vars < PassEnvironment < Environment < EnvironmentFile; UnsetEnvironment last', () => {
  const p = new FakePlatform();
  p.files.set('/etc/x.env', 'B=file\nC=file\n');
  const c = cfg((u) => {
    u.exec.environment = ['A=env', 'B=env', 'INVOCATION_ID=mine'];
    u.exec.environmentFiles = [{ path: '/etc/x.env', optional: false }];
    u.exec.passEnvironment = ['A', 'P'];
    u.exec.unsetEnvironment = ['C', 'FROMMGR=2'];
  });
  const r = prepareExec(p, cmd(['/bin/d']), c, rt(), { A: 'pass', P: 'pass' });
  assert.ok(r.ok);
  const e = envOf(r.env);
  assert.deepEqual([e.get('A'), e.get('B'), e.get('C'), e.get('P'), e.get('INVOCATION_ID'), e.get('FROMMGR')], ['env', 'file', undefined, 'pass', 'mine', '1']);
  const bad = prepareExec(p, cmd(['/bin/d']), cfg((u) => { u.exec.environmentFiles = [{ path: '/nope', optional: false }]; }), rt(), {});
  assert.ok(!bad.ok);
  assert.equal(bad.error.stage, 'environment-file');
});

test('User= sets USER/HOME/SHELL/LOGNAME; prefixes + and ! drop the credential switch; user mode passes no User=', () => {
  const p = new FakePlatform();
  const c = cfg((u) => { u.exec.user = 'nobody'; u.exec.group = 'nogroup'; u.exec.noNewPrivileges = true; u.exec.capabilityBoundingSet = ['CAP_KILL']; u.exec.runtimeDirectory = ['a'];  });
  const r = prepareExec(p, cmd(['/bin/d']), c, rt(), {});
  assert.ok(r.ok);
  const e = envOf(r.env);
  assert.deepEqual([e.get('USER'), e.get('LOGNAME'), e.get('HOME'), e.get('SHELL')], ['nobody', 'nobody', '/nonexistent', '/usr/sbin/nologin']);
  assert.equal(e.get('RUNTIME_DIRECTORY'), '/r/a');
  assert.equal(r.req.user, 'nobody');
  assert.equal(r.req.capabilityBoundingSet, 1n << 5n);
  assert.equal(r.req.noNewPrivileges, true);
  const plus = prepareExec(p, cmd(['/bin/d'], { privileged: '+' }), c, rt(), {});
  assert.ok(plus.ok);
  assert.deepEqual([plus.req.user, plus.req.group, plus.req.capabilityBoundingSet, plus.req.noNewPrivileges], ['', '', null, false]);
  const bang = prepareExec(p, cmd(['/bin/d'], { privileged: '!' }), c, rt(), {});
  assert.ok(bang.ok);
  assert.deepEqual([bang.req.user, bang.req.noNewPrivileges], ['', true]);
  const um = prepareExec(p, cmd(['/bin/d']), c, rt({ userMode: true, managerPid: 99 }), {});
  assert.ok(um.ok);
  assert.equal(um.req.user, '');
  assert.equal(envOf(um.env).get('MANAGERPID'), '99');
  assert.ok(!envOf(um.env).has('PATH'), 'user mode: PATH comes from the manager environment');
});

test('helper argv encodes the request; outcome decoding names the stage', () => {
  const req = makeSpawnRequest('true', ['true', 'a'], { listenFds: [5], user: 'u', limits: [{ name: 'NOFILE', soft: 10, hard: Infinity }], umask: 0o27,
    workingDirectory: { path: '/w', optional: true }, capabilityBoundingSet: 0x420n, privateTmp: { tmp: '/t', varTmp: '/v' } });
  const { argv, fds } = helperArgv('/h', req);
  assert.deepEqual(fds, [-1, -1, -1, 5]);
  assert.deepEqual(argv, ['/h', '--status-fd=4', '--setsid', '--listen-fds=1', '--user=u', '--umask=27', '--rlimit=NOFILE:10:infinity',
    '--chdir-optional=/w', '--cap-bset=420',
    '--search-path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', '--', 'true', 'true', 'a']);
  assert.deepEqual(decodeOutcome(undefined, undefined, () => ''), { ok: true });
  assert.deepEqual(decodeOutcome(217, 3, () => 'No such process'), { ok: false, exitCode: 217, stage: 'USER', errno: 3, message: 'No such process' });
  assert.equal(capsToMask(['~CAP_KILL']).mask, ALL_CAPS & ~(1n << 5n));
  assert.deepEqual(capsToMask(['net_bind_service', 'CAP_BOGUS']), { mask: 1n << 10n, unknown: ['CAP_BOGUS'] });
});

test('KillMode signal plans: control-group, mixed, process, none; SendSIGHUP; kill --kill-whom', () => {
  const kc = { killMode: 'control-group' as const, killSignal: 15, restartKillSignal: 2, finalKillSignal: 9, watchdogSignal: 6, sendSIGKILL: true, sendSIGHUP: true };
  const mk = (): { p: FakePlatform; main: number; other: number; cg: string } => {
    const p = new FakePlatform();
    const cg = (p.cgroupCreate('a.service') as { path: string }).path;
    const main = (p.spawn(makeSpawnRequest('/d', ['d'], { cgroup: cg })) as { pid: number }).pid;
    const other = (p.spawn(makeSpawnRequest('/d', ['d'], { cgroup: cg })) as { pid: number }).pid;
    return { p, main, other, cg };
  };
  let w = mk();
  killUnitStep(w.p, kc, { mainPid: w.main, controlPid: null, cgroup: w.cg, sessions: [] }, 'term');
  assert.deepEqual(w.p.kills.filter((k) => !k.cgroup).map((k) => [k.pid === w.main ? 'main' : 'other', k.signal]),
    [['main', 15], ['main', 18], ['main', 1], ['other', 15], ['other', 18], ['other', 1]]);
  w = mk();
  killUnitStep(w.p, kc, { mainPid: w.main, controlPid: null, cgroup: w.cg, sessions: [] }, 'term', true);
  assert.equal(w.p.kills[0]?.signal, 2, 'RestartKillSignal on restart');
  w = mk();
  killUnitStep(w.p, { ...kc, killMode: 'mixed' }, { mainPid: w.main, controlPid: null, cgroup: w.cg, sessions: [] }, 'term');
  assert.ok(w.p.kills.every((k) => k.pid === w.main));
  killUnitStep(w.p, { ...kc, killMode: 'mixed' }, { mainPid: w.main, controlPid: null, cgroup: w.cg, sessions: [] }, 'final');
  assert.ok(w.p.kills.some((k) => k.pid === w.other && k.signal === 9));
  w = mk();
  killUnitStep(w.p, { ...kc, killMode: 'process' }, { mainPid: w.main, controlPid: null, cgroup: w.cg, sessions: [] }, 'final');
  assert.deepEqual(w.p.kills.map((k) => [k.pid, k.signal]), [[w.main, 9]]);
  w = mk();
  assert.deepEqual(killUnitStep(w.p, { ...kc, killMode: 'none' }, { mainPid: w.main, controlPid: null, cgroup: w.cg, sessions: [] }, 'final'), []);
  assert.equal(w.p.kills.length, 0);
  w = mk();
  assert.deepEqual(killUnit(w.p, { mainPid: w.main, controlPid: null, cgroup: w.cg, sessions: [] }, 'main', 10), [w.main]);
  assert.deepEqual(killUnit(w.p, { mainPid: w.main, controlPid: null, cgroup: w.cg, sessions: [] }, 'all', 10).sort((a, b) => a - b), [w.main, w.other].sort((a, b) => a - b));
});

test('FakePlatform clock and timers fire in order', () => {
  const p = new FakePlatform();
  const seen: string[] = [];
  p.setTimer(2000, () => seen.push('b'));
  const t = p.setTimer(1000, () => seen.push('x'));
  p.setTimer(1000, () => seen.push('a'));
  p.clearTimer(t);
  p.advance(1500);
  assert.deepEqual(seen, ['a']);
  p.advance(500);
  assert.deepEqual(seen, ['a', 'b']);
  assert.equal(p.monotonicUs(), 1_002_000);
});
