// e2e: the native fixes of issue 13 with the real addon. The spawn watch reports a failure record at once
// but keeps the child's spawn block until the status pipe's EOF (the child still runs on that stack after
// writing); the poll table takes watches on more fds than any fixed table had (4,096) and refuses stale and
// duplicate ids; FIFOs, message queues and unix socket nodes get their exact mode while the process umask
// stays as it is, even with the libuv thread pool creating files at the same time; RLIMIT_NOFILE read/set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRealPlatform } from '../../src/platform/real';
import { loadNative } from '../../src/platform/native';
import type { ListenOptions } from '../../src/platform/types';
import { exitWaiter } from '../helpers/exits';

const p = createRealPlatform();
const { addon } = loadNative();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-native-fixes-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const waitExit = exitWaiter(p);
const openFds = (): number => fs.readdirSync('/proc/self/fd').length;
/** Pipe ends this process holds. */
const openPipes = (): number => fs.readdirSync('/proc/self/fd').filter((f) => { try { return fs.readlinkSync(`/proc/self/fd/${f}`).startsWith('pipe:'); } catch { return false; } }).length;

function listenOpts(address: string, over: Partial<ListenOptions> = {}): ListenOptions {
  return { kind: 'stream', address, backlog: 16, bindIPv6Only: 'default', bindToDevice: '', reusePort: false, freeBind: false,
    transparent: false, keepAlive: false, keepAliveTimeUs: 0, keepAliveIntervalUs: 0, keepAliveProbes: 0, noDelay: false,
    receiveBuffer: 0, sendBuffer: 0, passCredentials: false, socketMode: 0o666, directoryMode: 0o755, socketUser: '', socketGroup: '', ...over };
}

test('a failure record is reported at once; the status watch lives on until the child has exited', async () => {
  const before = openPipes();
  let got: { stage?: number; errno?: number; at: number } | null = null;
  // The child writes a {203, 2} record on its status fd (3) and keeps running, holding the pipe open.
  const pid = addon.spawn('/bin/sh', ['sh', '-c', "printf '\\313\\0\\0\\0\\2\\0\\0\\0' >&3; sleep 0.5"], ['PATH=/usr/bin:/bin'], [-1, -1, -1], true,
    (stage?: number, errno?: number) => { got = { stage, errno, at: Date.now() }; });
  assert.ok(pid > 0);
  addon.reaperRef(true);
  const t0 = Date.now();
  for (let i = 0; i < 200 && !got; i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(got, 'record reported');
  const g = got as { stage?: number; errno?: number; at: number };
  assert.deepEqual({ stage: g.stage, errno: g.errno }, { stage: 203, errno: 2 });
  // The child is still alive and the read end is still watched (one fd more than before).
  assert.equal(addon.kill(pid, 0), 0, 'child still running after its record');
  assert.equal(openPipes(), before + 1, 'status pipe read end kept until EOF');
  const e = await waitExit(pid);
  assert.deepEqual({ code: e.code, status: e.status }, { code: 'exited', status: 0 });
  addon.reaperRef(false);
  assert.ok(Date.now() - t0 >= 300, 'the record came before the exit');
  for (let i = 0; i < 100 && openPipes() > before; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(openPipes(), before, 'watch closed at EOF');
});

test('poll watches on more fds than the old fixed table (4,096); stale and duplicate ids are refused', async (t) => {
  const lim = addon.getNofile();
  assert.ok(typeof lim === 'object');
  // Room for the pipes: raise the soft limit to the hard one if needed (restored afterwards).
  const want = 2 * 4200 + openFds() + 64;
  const hard = lim.hard < 0 ? Infinity : lim.hard;
  if (hard < want) { t.skip(`RLIMIT_NOFILE hard limit ${lim.hard} < ${want}`); return; }
  if (lim.soft >= 0 && lim.soft < want) assert.equal(addon.setNofile(want, lim.hard), 0);
  const pipes: [number, number][] = [];
  const ids: number[] = [];
  let fired = 0;
  try {
    for (let i = 0; i < 4200; i++) {
      const pp = p.pipe(true, true);
      assert.ok(Array.isArray(pp));
      pipes.push(pp);
      ids.push(p.pollFd(pp[0], 1, () => { fired++; }));
    }
    assert.equal(new Set(ids).size, ids.length, 'distinct ids');
    const first = pipes[0] as [number, number];
    assert.equal(addon.pollStart(first[0], 1, () => undefined), -17, 'a second watch on the same fd: -EEXIST');
    for (const [, w] of pipes) fs.writeSync(w, 'x');
    for (let i = 0; i < 500 && fired < pipes.length; i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(fired >= pipes.length, `every watch fired (${fired}/${pipes.length})`);
  } finally {
    for (const id of ids) assert.equal(addon.pollStop(id), 0);
    for (const [r, w] of pipes) { p.close(r); p.close(w); }
    if (lim.soft >= 0) addon.setNofile(lim.soft, lim.hard);
  }
  assert.equal(addon.pollStop(ids[0] as number), -9, 'stopping twice: -EBADF');
  // A new watch on a reused fd number gets a new id; the old id does not stop it.
  const pp = p.pipe(true, true);
  assert.ok(Array.isArray(pp));
  const old = ids.find((id) => id % 2 ** 31 === pp[0]);
  const id2 = p.pollFd(pp[0], 1, () => undefined);
  if (old !== undefined) { assert.notEqual(id2, old); assert.equal(addon.pollStop(old), -9); }
  assert.equal(addon.pollStop(id2), 0);
  p.close(pp[0]); p.close(pp[1]);
});

test('FIFO, message queue and unix socket nodes get their exact mode; the process umask is never changed', async () => {
  const oldMask = process.umask(0o022);
  let stop = false;
  // Meanwhile the thread pool creates files with mode 0666: under umask 022 every one must come out 0644.
  const made: string[] = [];
  const writer = (async () => {
    for (let i = 0; !stop; i++) {
      const f = path.join(tmp, `pool-${i}`);
      await fs.promises.writeFile(f, '', { mode: 0o666 });
      made.push(f);
    }
  })();
  try {
    for (let i = 0; i < 150; i++) {
      const fifo = p.openListen(listenOpts(path.join(tmp, `fifo-${i}`), { kind: 'fifo', socketMode: 0o666 }));
      assert.ok('fd' in fifo);
      p.close(fifo.fd);
      const sock = p.openListen(listenOpts(path.join(tmp, `sock-${i}`), { socketMode: 0o666 }));
      assert.ok('fd' in sock);
      p.close(sock.fd);
      if (i % 10 === 0) await new Promise((r) => setImmediate(r));
    }
    const name = `/tsysd-test-${process.pid}`;
    const mq = p.openListen(listenOpts(name, { kind: 'mqueue', socketMode: 0o662 }));
    if ('fd' in mq) {
      assert.equal(fs.fstatSync(mq.fd).mode & 0o777, 0o662);
      p.close(mq.fd);
      assert.equal(p.mqUnlink(name), 0, 'the queue is removed again (it lives in the host IPC namespace)');
    }
  } finally {
    stop = true;
    await writer;
    assert.equal(process.umask(oldMask), 0o022, 'umask unchanged');
  }
  for (let i = 0; i < 150; i++) {
    assert.equal(fs.statSync(path.join(tmp, `fifo-${i}`)).mode & 0o777, 0o666);
    assert.equal(fs.statSync(path.join(tmp, `sock-${i}`)).mode & 0o777, 0o666);
  }
  const wrong = made.filter((f) => (fs.statSync(f).mode & 0o777) !== 0o644);
  assert.deepEqual(wrong, [], 'files created by the thread pool meanwhile kept the process umask');
  assert.ok(made.length > 0);
});

test('RLIMIT_NOFILE can be read and set; nr_open is read', () => {
  const lim = addon.getNofile();
  assert.ok(typeof lim === 'object');
  assert.ok(addon.nrOpen() >= 1024);
  assert.equal(addon.setNofile(512, lim.hard), 0);
  assert.deepEqual(addon.getNofile(), { soft: 512, hard: lim.hard });
  assert.equal(addon.setNofile(lim.soft, lim.hard), 0);
  assert.deepEqual(addon.getNofile(), lim);
  assert.equal(addon.setNofile(10, 5), -22, 'soft above hard: -EINVAL');
});
