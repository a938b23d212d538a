// e2e: spawn through the real exec helper and reap with the native reaper. Real processes, no mocks.
// Covers: LISTEN_PID == the service's own pid, exact fd layout with no manager fd leaking, failing
// stages reported as systemd exit codes with errno, User=nobody credentials, signals and exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRealPlatform } from '../../src/platform/real';
import { makeSpawnRequest } from '../../src/platform/helper-args';
import { fixture } from '../fixtures/build';
import { exitWaiter } from '../helpers/exits';
import type { ChildExit, ExecOutcome, SpawnRequest } from '../../src/platform/types';

const p = createRealPlatform();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-native-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const waitExit = exitWaiter(p);

let seq = 0;
async function run(req: Partial<SpawnRequest> & { path: string; argv: string[] }): Promise<{ pid: number; exit: ChildExit; outcome: ExecOutcome; out: string }> {
  const outFile = path.join(tmp, `out-${seq++}`);
  const fd = fs.openSync(outFile, 'w');
  let resolveOutcome!: (o: ExecOutcome) => void;
  const outcome = new Promise<ExecOutcome>((res) => { resolveOutcome = res; });
  // Run in the temp dir unless told otherwise, so a core dump (SIGSEGV case) never lands in the checkout.
  const r = p.spawn(makeSpawnRequest(req.path, req.argv, { stdout: fd, stderr: fd, workingDirectory: { path: tmp, optional: false }, ...req }), (o) => resolveOutcome(o));
  fs.closeSync(fd);
  if ('errno' in r) throw new Error(r.message);
  const [o, exit] = await Promise.all([outcome, waitExit(r.pid)]);
  return { pid: r.pid, exit, outcome: o, out: fs.readFileSync(outFile, 'utf8') };
}

test('LISTEN_PID equals the service pid and listen fds sit at 3..', async () => {
  const s1 = p.openListen({ kind: 'stream', address: path.join(tmp, 'listen.sock'), backlog: 16, bindIPv6Only: 'default', bindToDevice: '', reusePort: false, freeBind: false, transparent: false, keepAlive: false, keepAliveTimeUs: 0, keepAliveIntervalUs: 0, keepAliveProbes: 0, noDelay: false, receiveBuffer: 0, sendBuffer: 0, passCredentials: false, socketMode: 0o666, directoryMode: 0o755, socketUser: '', socketGroup: '' });
  assert.ok('fd' in s1);
  const r = await run({
    path: fixture('fd-list'), argv: ['fd-list', path.join(tmp, 'fds-listing'), '/bin/sh', '-c', 'echo "$$ $LISTEN_PID $LISTEN_FDS $SYSTEMD_EXEC_PID"'],
    env: ['LISTEN_FDS=1', 'PATH=/usr/bin:/bin'], listenFds: [s1.fd], setExecPid: true,
  });
  p.close(s1.fd);
  assert.deepEqual(r.outcome, { ok: true });
  assert.deepEqual(r.exit, { pid: r.pid, code: 'exited', status: 0 });
  assert.equal(r.out, `${r.pid} ${r.pid} 1 ${r.pid}\n`);
  // fds of the service process itself (fd-list then execs the shell in the same process)
  assert.equal(fs.readFileSync(path.join(tmp, 'fds-listing'), 'utf8'), '0 1 2 3\n');
});

test('failing stages map to systemd exit codes with errno', async () => {
  const chdir = await run({ path: '/bin/true', argv: ['true'], workingDirectory: { path: '/nonexistent-dir', optional: false } });
  assert.deepEqual(chdir.outcome, { ok: false, exitCode: 200, stage: 'CHDIR', errno: 2, message: 'No such file or directory' });
  assert.deepEqual(chdir.exit, { pid: chdir.pid, code: 'exited', status: 200 });
  const opt = await run({ path: '/bin/true', argv: ['true'], workingDirectory: { path: '/nonexistent-dir', optional: true } });
  assert.deepEqual(opt.outcome, { ok: true });
  assert.equal(opt.exit.status, 0);
  const user = await run({ path: '/bin/true', argv: ['true'], user: 'no-such-user-tsysd' });
  assert.equal(user.exit.status, 217);
  assert.ok(!user.outcome.ok && user.outcome.stage === 'USER');
  const group = await run({ path: '/bin/true', argv: ['true'], group: 'no-such-group-tsysd' });
  assert.equal(group.exit.status, 216);
  const exec = await run({ path: '/nonexistent/binary', argv: ['binary'] });
  assert.ok(!exec.outcome.ok && exec.outcome.exitCode === 203 && exec.outcome.errno === 2);
  assert.equal(exec.exit.status, 203);
  const bare = await run({ path: 'tsysd-no-such-command', argv: ['x'] });
  assert.equal(bare.exit.status, 203);
});

test('bare names use the fixed search path', async () => {
  const r = await run({ path: 'echo', argv: ['echo', 'hello'], env: [] });
  assert.deepEqual(r.outcome, { ok: true });
  assert.equal(r.out, 'hello\n');
});

test('User=nobody gets nobody uid, gid and supplementary groups', async () => {
  const nobody = p.getUser('nobody');
  assert.ok(nobody);
  const r = await run({ path: '/usr/bin/id', argv: ['id'], user: 'nobody', env: [] });
  const groups = p.groupList('nobody', nobody.gid);
  assert.deepEqual(r.outcome, { ok: true });
  const m = /^uid=(\d+)\S* gid=(\d+)\S* groups=(.*)$/.exec(r.out.trim());
  assert.ok(m, r.out);
  assert.equal(Number(m[1]), nobody.uid);
  assert.equal(Number(m[2]), nobody.gid);
  const got = (m[3] ?? '').split(',').map((g) => Number(g.split('(')[0])).sort((a, b) => a - b);
  assert.deepEqual(got, [...new Set(groups)].sort((a, b) => a - b));
  // SupplementaryGroups= adds to the user's groups.
  const r2 = await run({ path: '/usr/bin/id', argv: ['id', '-G'], user: 'nobody', supplementaryGroups: ['daemon'], env: [] });
  const daemon = p.getGroup('daemon');
  assert.ok(daemon);
  assert.ok(r2.out.trim().split(' ').map(Number).includes(daemon.gid), r2.out);
});

test('signals and exit codes are reported', async () => {
  const r = await run({ path: '/bin/sh', argv: ['sh', '-c', 'kill -USR1 $$'] });
  assert.deepEqual(r.exit, { pid: r.pid, code: 'killed', status: 10 });
  const c = await run({ path: '/bin/sh', argv: ['sh', '-c', 'exit 42'] });
  assert.deepEqual(c.exit, { pid: c.pid, code: 'exited', status: 42 });
  const d = await run({ path: '/bin/sh', argv: ['sh', '-c', 'ulimit -c unlimited 2>/dev/null; kill -SEGV $$'] });
  assert.equal(d.exit.status, 11);
  assert.ok(d.exit.code === 'killed' || d.exit.code === 'dumped');
});

test('stdout/stderr through a pipe read by a net.Socket (log capture plumbing); SIGPIPE default vs ignored', async () => {
  const pr = p.pipe(true, false);
  assert.ok(Array.isArray(pr));
  const [rfd, wfd] = pr;
  const reader = new net.Socket({ fd: rfd, readable: true, writable: false });
  const chunks: Buffer[] = [];
  reader.on('data', (b) => chunks.push(b));
  const ended = new Promise<void>((res) => reader.on('end', () => res()));
  const r = p.spawn(makeSpawnRequest('/bin/sh', ['sh', '-c', 'echo out; echo err >&2'], { stdout: wfd, stderr: wfd }));
  p.close(wfd);   // the manager keeps only the read end
  assert.ok('pid' in r);
  const [ex] = await Promise.all([waitExit(r.pid), ended]);
  assert.equal(ex.status, 0);
  assert.equal(Buffer.concat(chunks).toString(), 'out\nerr\n');
  // IgnoreSIGPIPE=yes: writing to a closed pipe gives EPIPE instead of death by SIGPIPE.
  const grep = (ign: boolean) => run({ path: '/bin/sh', argv: ['sh', '-c', 'grep SigIgn /proc/self/status'], ignoreSigpipe: ign });
  const on = await grep(true), off = await grep(false);
  const mask = (s: string): bigint => BigInt('0x' + (/SigIgn:\s+([0-9a-f]+)/.exec(s)?.[1] ?? '0'));
  assert.equal(mask(on.out) & (1n << 12n), 1n << 12n);
  assert.equal(mask(off.out) & (1n << 12n), 0n);
});
