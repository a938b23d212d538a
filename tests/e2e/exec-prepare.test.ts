// e2e: the whole exec path with real processes: UnitConfig + ExecRuntime → prepareExec → Platform.spawn
// through the helper. Environment (Environment=, EnvironmentFile=, PassEnvironment=, UnsetEnvironment=,
// $VAR expansion), LISTEN_* with libsystemd, no manager fd leaking, User=nobody with directories,
// failing stages (200/217/203 and EnvironmentFile), PrivateTmp=, UMask/Nice/OOMScoreAdjust/LimitNOFILE,
// NoNewPrivileges=, CapabilityBoundingSet=, the '+' prefix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRealPlatform } from '../../src/platform/real';
import { prepareExec, cleanupPrivateTmp } from '../../src/exec/prepare';
import { dirRoots, removeRuntimeDirectories } from '../../src/exec/dirs';
import type { ExecRuntime } from '../../src/exec/types';
import type { ExecCommand, UnitConfig } from '../../src/directives/types';
import { defaultConfig } from '../../src/directives/defaults';
import { POLL_READABLE } from '../../src/platform/types';
import { fixture } from '../fixtures/build';
import { Harness, waitFor } from '../fixtures/harness';

const p = createRealPlatform();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-prep-'));
fs.chmodSync(tmp, 0o755);   // User=nobody must traverse it
const h = new Harness(p, tmp);
test.after(() => {
  h.cleanup();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const roots = { runtime: path.join(tmp, 'run'), state: path.join(tmp, 'lib'), cache: path.join(tmp, 'cache'), logs: path.join(tmp, 'log'), configuration: path.join(tmp, 'etc') };

/** fd-list fixture output ('0 1 2 3\n') → '0 1 2 3'. */
function fdList(ls: string): string {
  return ls.trim();
}

function cmd(argv: string[], over: Partial<ExecCommand> = {}): ExecCommand {
  return { path: argv[0] as string, argv, ignoreFailure: false, noEnvExpand: false, privileged: '', file: 'x.service', line: 1, ...over };
}
function cfg(f: (c: UnitConfig) => void = () => undefined): UnitConfig {
  const c = defaultConfig('prep.service');
  f(c);
  return c;
}
function rt(over: Partial<ExecRuntime> = {}): ExecRuntime {
  return { kind: 'start', unitName: 'prep.service', invocationId: '0123456789abcdef0123456789abcdef', listenFds: [], listenFdNames: [],
    notifySocket: '', mainPid: null, watchdogUs: 0, stdin: -1, stdout: -1, stderr: -1, userMode: false, managerEnvironment: [],
    managerPid: process.pid, cgroup: '', dirRoots: roots, privateTmpBase: { tmp, varTmp: path.join(tmp, 'vartmp') }, privileged: true, ...over };
}

async function runPrepared(c: ExecCommand, u: UnitConfig, r: ExecRuntime, penv: Record<string, string> = {}) {
  const prep = prepareExec(p, c, u, r, penv);
  if (!prep.ok) return { prep, res: null };
  const res = await h.run(prep.req);
  return { prep, res };
}

test('environment: base, Environment=, EnvironmentFile= (overrides), PassEnvironment=, UnsetEnvironment=, $VAR expansion', async () => {
  const ef = path.join(tmp, 'env1');
  fs.writeFileSync(ef, '# comment\n; other\nFROMFILE="quoted value"\nOVER=file\nCONT=a\\\n b\n  SPACED = x y  \nNOEXP=$HOME\n');
  const u = cfg((c) => {
    c.exec.environment = ['OVER=env', 'WORDS=one two  three', 'GONE=1', 'KEEPV=yes'];
    c.exec.environmentFiles = [{ path: ef, optional: false }, { path: path.join(tmp, 'missing'), optional: true }];
    c.exec.passEnvironment = ['PASSED', 'NOTSET'];
    c.exec.unsetEnvironment = ['GONE', 'KEEPV=no'];
  });
  const { prep, res } = await runPrepared(cmd(['/bin/sh', '-c', 'env; echo "ARGS:$#:$1:$2:$3:$4"', 'sh', '$WORDS', '${WORDS}', '$$X']), u, rt(), { PASSED: 'p1' });
  assert.ok(prep.ok);
  assert.ok(res);
  const env = new Map(res.out.trim().split('\n').filter((l) => l.includes('=') && !l.startsWith('ARGS')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  assert.equal(env.get('PATH'), '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
  assert.ok(env.get('LANG'));
  assert.equal(env.get('INVOCATION_ID'), '0123456789abcdef0123456789abcdef');
  assert.equal(env.get('SYSTEMD_EXEC_PID'), String(res.pid));
  assert.equal(env.get('FROMFILE'), 'quoted value');
  assert.equal(env.get('OVER'), 'file');
  assert.equal(env.get('CONT'), 'a b');
  assert.equal(env.get('SPACED'), 'x y');
  assert.equal(env.get('NOEXP'), '$HOME');
  assert.equal(env.get('PASSED'), 'p1');
  assert.ok(!env.has('NOTSET'));
  assert.ok(!env.has('GONE'));
  assert.equal(env.get('KEEPV'), 'yes');
  assert.ok(!env.has('HOME'), 'no User= → no HOME in the system manager');
  assert.ok(!env.has('LISTEN_PID'));
  // $WORDS split into 3 words, ${WORDS} one word, $$X → $X
  assert.match(res.out, /ARGS:5:one:two:three:one two  three/);
});

test('a missing EnvironmentFile= fails the spawn with a readable reason; ":" disables expansion', async () => {
  const u = cfg((c) => { c.exec.environmentFiles = [{ path: path.join(tmp, 'nope'), optional: false }]; });
  const r = prepareExec(p, cmd(['/bin/true']), u, rt());
  assert.ok(!r.ok);
  assert.equal(r.error.stage, 'environment-file');
  assert.equal(r.error.errno, 2);
  assert.match(r.error.message, /^Failed to load environment files: No such file or directory/);
  const g = prepareExec(p, cmd(['/bin/true']), cfg((c) => { c.exec.environmentFiles = [{ path: path.join(tmp, 'nomatch*'), optional: false }]; }), rt());
  assert.ok(!g.ok);
  fs.writeFileSync(path.join(tmp, 'glob-a.env'), 'GA=1\n');
  fs.writeFileSync(path.join(tmp, 'glob-b.env'), 'GB=2\nGA=3\n');
  const ok = prepareExec(p, cmd(['/bin/echo', '$GA', '${GB}']), cfg((c) => { c.exec.environmentFiles = [{ path: path.join(tmp, 'glob-*.env'), optional: false }]; }), rt());
  assert.ok(ok.ok);
  assert.deepEqual(ok.req.argv, ['/bin/echo', '3', '2']);
  const raw = prepareExec(p, cmd(['/bin/echo', '$GA'], { noEnvExpand: true }), cfg(), rt());
  assert.ok(raw.ok);
  assert.deepEqual(raw.req.argv, ['/bin/echo', '$GA']);
});

test('LISTEN_FDS/LISTEN_FDNAMES/LISTEN_PID reach sd_listen_fds_with_names(); no manager fd leaks into the service', async () => {
  const ns = p.openNotifySocket(path.join(tmp, 'notify.sock'));
  assert.ok('fd' in ns);
  const got: import('../../src/platform/types').NotifyDatagram[] = [];
  const w = p.pollFd(ns.fd, POLL_READABLE, () => { for (let x = p.recvNotify(ns.fd); x; x = p.recvNotify(ns.fd)) got.push(x); });
  const pipe = p.pipe(true, true);
  assert.ok(Array.isArray(pipe));
  const mk = (n: string) => p.openListen({ kind: 'stream', address: path.join(tmp, n), backlog: 8, bindIPv6Only: 'default', bindToDevice: '', reusePort: false,
    freeBind: false, transparent: false, keepAlive: false, keepAliveTimeUs: 0, keepAliveIntervalUs: 0, keepAliveProbes: 0, noDelay: false,
    receiveBuffer: 0, sendBuffer: 0, passCredentials: false, socketMode: 0o666, directoryMode: 0o755, socketUser: '', socketGroup: '' });
  const a = mk('a.sock'), b = mk('b.sock'), other = mk('other.sock');
  assert.ok('fd' in a && 'fd' in b && 'fd' in other);
  const fdsOut = path.join(tmp, 'fds.txt');
  const r = rt({ listenFds: [a.fd, b.fd], listenFdNames: ['web', 'admin'], notifySocket: path.join(tmp, 'notify.sock') });
  const closeAll = (): void => { p.unpollFd(w); for (const fd of [ns.fd, pipe[0], pipe[1], a.fd, b.fd, other.fd]) p.close(fd); };
  try {
  const prep = prepareExec(p, cmd([fixture('fd-list'), fdsOut, fixture('sd-listen')]), cfg(), r, {});
  assert.ok(prep.ok);
  const s = h.start(prep.req);
  assert.ok(await waitFor(() => fs.readFileSync(s.outFile, 'utf8').includes('sd-listen')));
  assert.equal(fs.readFileSync(s.outFile, 'utf8').trim(), `sd-listen pid=${s.pid} fds=2 names=web:admin listen_pid_ok=1`);
  assert.equal(fdList(fs.readFileSync(fdsOut, 'utf8')), '0 1 2 3 4');
  // The same pid also sent READY=1 to the notify socket (libsystemd sd_notify), with its credentials.
  await waitFor(() => got.length > 0);
  const d = got[0];
  assert.equal(d?.pid, s.pid);
  assert.equal(d?.data.toString(), 'READY=1\nSTATUS=fds=2');
  p.kill(s.pid, 15);
  assert.equal((await h.waitExit(s.pid)).status, 0);
  // A command other than ExecStart= gets no listen fds.
  const pre = prepareExec(p, cmd([fixture('fd-list'), fdsOut, '/bin/sh', '-c', 'echo "L=$LISTEN_FDS"']), cfg(), { ...r, kind: 'start-pre' }, {});
  assert.ok(pre.ok);
  const rp = await h.run(pre.req);
  assert.equal(rp.out.trim(), 'L=');
  assert.equal(fdList(fs.readFileSync(fdsOut, 'utf8')), '0 1 2');
  } finally { closeAll(); }
});

test('User=nobody: credentials, USER/HOME/SHELL, directories owned by the user with their modes, RuntimeDirectoryPreserve', async () => {
  const nobody = p.getUser('nobody');
  assert.ok(nobody);
  const u = cfg((c) => {
    c.exec.user = 'nobody';
    c.exec.runtimeDirectory = ['prep', 'prep2/sub'];
    c.exec.runtimeDirectoryMode = 0o750;
    c.exec.stateDirectory = ['prepstate'];
    c.exec.stateDirectoryMode = 0o700;
    c.exec.cacheDirectory = ['prepcache'];
    c.exec.logsDirectory = ['preplogs'];
    c.exec.configurationDirectory = ['prepconf'];
  });
  const { prep, res } = await runPrepared(cmd(['/bin/sh', '-c', 'id -u; id -g; id -G; echo "$USER $LOGNAME $HOME $SHELL"; echo "$RUNTIME_DIRECTORY|$STATE_DIRECTORY|$CACHE_DIRECTORY|$LOGS_DIRECTORY|$CONFIGURATION_DIRECTORY"; touch "$STATE_DIRECTORY/w" && echo writable']), u, rt());
  assert.ok(prep.ok && res);
  const lines = res.out.trim().split('\n');
  assert.equal(lines[0], String(nobody.uid));
  assert.equal(lines[1], String(nobody.gid));
  assert.deepEqual(lines[2]?.split(' ').map(Number).sort((a, b) => a - b), [...new Set(p.groupList('nobody', nobody.gid))].sort((a, b) => a - b));
  assert.equal(lines[3], `nobody nobody ${nobody.home} ${nobody.shell}`);
  assert.equal(lines[4], `${roots.runtime}/prep:${roots.runtime}/prep2/sub|${roots.state}/prepstate|${roots.cache}/prepcache|${roots.logs}/preplogs|${roots.configuration}/prepconf`);
  assert.equal(lines[5], 'writable');
  const st = fs.statSync(`${roots.runtime}/prep`);
  assert.equal(st.mode & 0o7777, 0o750);
  assert.equal(st.uid, nobody.uid);
  assert.equal(fs.statSync(`${roots.state}/prepstate`).mode & 0o7777, 0o700);
  assert.equal(fs.statSync(`${roots.runtime}/prep2`).uid, 0, 'parents stay root-owned');
  assert.equal(fs.statSync(`${roots.configuration}/prepconf`).uid, 0, 'ConfigurationDirectory= is not chowned');
  const rr = dirRoots(rt(), '/root');
  removeRuntimeDirectories(p, u.exec, rr, true);
  assert.ok(!fs.existsSync(`${roots.runtime}/prep`));
  assert.ok(fs.existsSync(`${roots.state}/prepstate`));
  // preserve=restart keeps the runtime directory across a restart only
  u.exec.runtimeDirectoryPreserve = 'restart';
  assert.ok(prepareExec(p, cmd(['/bin/true']), u, rt()).ok);
  removeRuntimeDirectories(p, u.exec, rr, true);
  assert.ok(fs.existsSync(`${roots.runtime}/prep`));
  removeRuntimeDirectories(p, u.exec, rr, false);
  assert.ok(!fs.existsSync(`${roots.runtime}/prep`));
  // '+' runs with full privileges despite User=
  const plus = await runPrepared(cmd(['/usr/bin/id', '-u'], { privileged: '+' }), u, rt());
  assert.equal(plus.res?.out.trim(), '0');
});

test('failing stages: WorkingDirectory (200), User (217), Group (216), missing executable (203)', async () => {
  const cases: [string, (c: UnitConfig) => void, ExecCommand, number, string][] = [
    ['chdir', (c) => { c.exec.workingDirectory = { path: path.join(tmp, 'no-such-dir'), optional: false }; }, cmd(['/bin/true']), 200, 'CHDIR'],
    ['user', (c) => { c.exec.user = 'tsysd-no-such-user'; }, cmd(['/bin/true']), 217, 'USER'],
    ['group', (c) => { c.exec.group = 'tsysd-no-such-group'; }, cmd(['/bin/true']), 216, 'GROUP'],
    ['exec', () => undefined, cmd([path.join(tmp, 'no-such-binary')]), 203, 'EXEC'],
    ['exec-bare', () => undefined, cmd(['tsysd-no-such-binary']), 203, 'EXEC'],
  ];
  for (const [name, f, c, code, stage] of cases) {
    const { prep, res } = await runPrepared(c, cfg(f), rt());
    assert.ok(prep.ok, name);
    assert.ok(res);
    assert.deepEqual(res.exit, { pid: res.pid, code: 'exited', status: code }, name);
    assert.ok(!res.outcome.ok, name);
    assert.equal(res.outcome.stage, stage, name);
    assert.ok(res.outcome.message.length > 0, name);
  }
  // The '~' working directory of User=nobody is /nonexistent: optional '-~' passes, '~' fails with 200.
  const home = await runPrepared(cmd(['/bin/pwd']), cfg((c) => { c.exec.user = 'nobody'; c.exec.workingDirectory = { path: '~', optional: false }; }), rt());
  assert.equal(home.res?.exit.status, 200);
  const rootHome = await runPrepared(cmd(['/bin/pwd']), cfg((c) => { c.exec.workingDirectory = { path: '~', optional: false }; }), rt());
  assert.equal(rootHome.res?.out.trim(), p.getUser('root')?.home);
  const dflt = await runPrepared(cmd(['/bin/pwd']), cfg(), rt());
  assert.equal(dflt.res?.out.trim(), '/');
});

test('UMask=, Nice=, OOMScoreAdjust=, LimitNOFILE=, NoNewPrivileges=, CapabilityBoundingSet=', async () => {
  const u = cfg((c) => {
    c.exec.umask = 0o027;
    c.exec.nice = 7;
    c.exec.oomScoreAdjust = 321;
    c.exec.limits = { NOFILE: { soft: 1234, hard: 2345 }, CORE: { soft: Infinity, hard: Infinity } };
    c.exec.noNewPrivileges = true;
    c.exec.capabilityBoundingSet = ['CAP_NET_BIND_SERVICE', 'CAP_KILL'];
  });
  const { res } = await runPrepared(cmd(['/bin/sh', '-c', 'umask; nice; cat /proc/self/oom_score_adj; ulimit -Sn; ulimit -Hn; ulimit -c; grep -E "^(NoNewPrivs|CapBnd)" /proc/self/status']), u, rt());
  assert.ok(res);
  const l = res.out.trim().split('\n');
  assert.deepEqual(l.slice(0, 6), ['0027', '7', '321', '1234', '2345', 'unlimited']);
  assert.match(l[6] ?? '', /^CapBnd:\s+0*420$/);   // bits 5 (KILL) and 10 (NET_BIND_SERVICE)
  assert.match(l[7] ?? '', /^NoNewPrivs:\s+1$/);
});

test('PrivateTmp=: /tmp and /var/tmp are private to the unit and shared by its commands', async () => {
  const u = cfg((c) => { c.exec.privateTmp = true; });
  const r = rt({ invocationId: 'feedfacefeedfacefeedfacefeedface' });
  const marker = `tsysd-ptmp-${process.pid}`;
  const w = await runPrepared(cmd(['/bin/sh', '-c', `echo hi > /tmp/${marker} && echo vt > /var/tmp/${marker} && ls -ld /tmp | cut -c1-10`]), u, { ...r, kind: 'start-pre' });
  assert.equal(w.res?.exit.status, 0, w.res?.out);
  assert.equal(w.res?.out.trim(), 'drwxrwxrwt');
  assert.ok(!fs.existsSync(`/tmp/${marker}`), 'not visible on the host /tmp');
  const rd = await runPrepared(cmd(['/bin/cat', `/tmp/${marker}`, `/var/tmp/${marker}`]), u, r);
  assert.equal(rd.res?.out, 'hi\nvt\n');
  cleanupPrivateTmp(p, r);
  const other = await runPrepared(cmd(['/bin/sh', '-c', `test -e /tmp/${marker} && echo leaked || echo clean`]), u, rt({ invocationId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' }));
  assert.equal(other.res?.out.trim(), 'clean');
  cleanupPrivateTmp(p, rt({ invocationId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' }));
});

test('ExecStop= gets MAINPID, SERVICE_RESULT, EXIT_CODE, EXIT_STATUS; main gets WATCHDOG_USEC/WATCHDOG_PID', async () => {
  const stop = await runPrepared(cmd(['/bin/sh', '-c', 'echo "$MAINPID $SERVICE_RESULT $EXIT_CODE $EXIT_STATUS"']), cfg(),
    rt({ kind: 'stop-post', mainPid: 4242, serviceResult: { result: 'exit-code', exitCode: 'exited', exitStatus: '3' } }));
  assert.equal(stop.res?.out.trim(), '4242 exit-code exited 3');
  const main = await runPrepared(cmd(['/bin/sh', '-c', 'echo "$WATCHDOG_USEC $WATCHDOG_PID $$$$ ${MAINPID:-none}"']), cfg(), rt({ watchdogUs: 3000000, mainPid: 77 }));
  assert.equal(main.res?.out.trim(), `3000000 ${main.res?.pid} ${main.res?.pid} none`);
});

test('AmbientCapabilities= with User=nobody; RootDirectory= chroots before exec', async () => {
  const amb = await runPrepared(cmd(['/bin/grep', '-E', '^Cap(Amb|Eff)', '/proc/self/status']),
    cfg((c) => { c.exec.user = 'nobody'; c.exec.ambientCapabilities = ['CAP_NET_BIND_SERVICE']; }), rt());
  assert.equal(amb.res?.out, 'CapEff:\t0000000000000400\nCapAmb:\t0000000000000400\n');
  // A root with one static binary: the service sees only that tree.
  const root = path.join(tmp, 'root');
  fs.mkdirSync(path.join(root, 'bin'), { recursive: true });
  fs.mkdirSync(path.join(root, 'out'), { recursive: true });
  const { spawnSync } = await import('node:child_process');
  const cc = spawnSync('gcc', ['-static', '-O2', '-o', path.join(root, 'bin', 'tsysd-chrooted'), path.join(__dirname, '..', '..', '..', 'tests', 'fixtures', 'exit-with.c')]);
  assert.equal(cc.status, 0, String(cc.stderr));
  assert.ok(!fs.existsSync('/bin/tsysd-chrooted'));
  const r = await runPrepared(cmd(['/bin/tsysd-chrooted', '7']), cfg((c) => { c.exec.rootDirectory = root; c.exec.workingDirectory = { path: '/out', optional: false }; }), rt());
  assert.deepEqual(r.res?.outcome, { ok: true });
  assert.equal(r.res?.exit.status, 7);
  assert.equal(r.res?.out, `exit-with pid=${r.res?.pid}\n`);
  const bad = await runPrepared(cmd(['/bin/true']), cfg((c) => { c.exec.rootDirectory = path.join(tmp, 'no-root'); }), rt());
  // RootDirectory= implies MountAPIVFS=, so systemd 252 sets the root up in a mount namespace and a missing
  // root fails there: 226/NAMESPACE (210/CHROOT only without a namespace).
  assert.equal(bad.res?.exit.status, 226);
});
