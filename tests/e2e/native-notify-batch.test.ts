// e2e: the addon's batched notify receive (recvmmsg, src/native/dgram.c) on a real SO_PASSCRED socket —
// one call returns every queued datagram in order with its sender's credentials and its SCM_RIGHTS fds (open
// and usable here), a datagram longer than NOTIFY_BUFFER_MAX in the middle flagged as cut without
// disturbing its neighbours, fds that do not fit the caller's buffer closed and their datagram flagged —
// and pidfds: readable exactly once their process has exited.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { M_LEN, M_NFD, M_PID, M_TRUNC, META, newNotifyBatch, unpackDatagram } from '../../src/notify/batch';
import type { NativeAddon } from '../../src/platform/native';
import { createRealPlatform } from '../../src/platform/real';
import type { NotifyBatch } from '../../src/platform/types';

// No reaper: the pidfd test awaits its child's 'exit' from child_process, and a platform reaper's waitpid(-1)
// racing libuv's waitpid(pid) would swallow it (a CI run hung there); daemon-boot and logs-capture do the same.
const p = createRealPlatform({ reaper: false });
const n = (p as unknown as { native: NativeAddon }).native;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-nbatch-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function notifySocket(name: string): { fd: number; sender: number; path: string } {
  const sp = path.join(tmp, name);
  const r = p.openNotifySocket(sp);
  assert.ok('fd' in r, JSON.stringify(r));
  const sender = n.socket('unix', 'dgram', true);
  assert.ok(sender >= 0);
  return { fd: r.fd, sender, path: sp };
}

function send(s: { sender: number; path: string }, data: string | Buffer, fds: number[] = []): void {
  const r = n.sendmsg(s.sender, Buffer.isBuffer(data) ? data : Buffer.from(data), fds, { family: 'unix', path: s.path, abstract: false });
  assert.ok(r >= 0, `sendmsg: ${r}`);
}

test('recvmmsg: one call returns the queued datagrams in order, with credentials, fds, and a cut one flagged', () => {
  const s = notifySocket('a');
  const [r1, w1] = p.pipe(false, false) as [number, number];
  const [r2, w2] = p.pipe(false, false) as [number, number];
  // at most 9 queued: the kernel's default net.unix.max_dgram_qlen is 10 and these sends do not wait
  send(s, 'READY=1');
  send(s, 'FDSTORE=1\nFDNAME=one', [r1]);
  send(s, 'STATUS=' + 'x'.repeat(5000));
  send(s, 'STATUS=after-cut');
  send(s, Buffer.from('STATUS=nul\0inside'));
  send(s, 'FDSTORE=1', [r2, w2]);
  send(s, 'STATUS=last\n');
  const b = newNotifyBatch();
  const got = p.recvNotifyBatch(s.fd, b);
  assert.equal(got, 7);
  const ds = Array.from({ length: got }, (_, i) => unpackDatagram(b, i));
  assert.deepEqual(ds.map((d) => d.pid), Array(7).fill(process.pid));
  assert.deepEqual(ds.map((d) => d.uid), Array(7).fill(process.getuid?.() ?? 0));
  assert.deepEqual(ds.map((d) => d.truncated), [false, false, true, false, false, false, false]);
  assert.equal(ds[0]?.data.toString(), 'READY=1');
  assert.equal(ds[1]?.data.toString(), 'FDSTORE=1\nFDNAME=one');
  assert.equal(ds[2]?.data.length, 4096, 'cut at NOTIFY_BUFFER_MAX');
  assert.equal(ds[3]?.data.toString(), 'STATUS=after-cut');
  assert.equal(ds[4]?.data.toString(), 'STATUS=nul\0inside', 'NUL bytes arrive as sent (the router rejects them)');
  assert.equal(ds[6]?.data.toString(), 'STATUS=last\n');
  assert.deepEqual(ds.map((d) => d.fds.length), [0, 1, 0, 0, 0, 2, 0]);
  // the received fds are new, open descriptors for the same pipes
  const fd1 = ds[1]?.fds[0] ?? -1;
  assert.ok(fd1 >= 0 && fd1 !== r1);
  assert.equal(fs.fstatSync(fd1).ino, fs.fstatSync(r1).ino);
  fs.writeSync(w1, 'hello');
  const buf = Buffer.alloc(5);
  assert.equal(fs.readSync(fd1, buf), 5);
  assert.equal(buf.toString(), 'hello');
  for (const d of ds) for (const fd of d.fds) p.close(fd);
  assert.equal(p.recvNotifyBatch(s.fd, b), 0, 'nothing left: 0, not an error');
  for (const fd of [r1, w1, r2, w2, s.fd, s.sender]) p.close(fd);
});

test('recvmmsg: a batch larger than the queue, repeated receives, and fds that do not fit are closed and flagged', () => {
  const s = notifySocket('b');
  const b = newNotifyBatch(4);
  assert.equal(b.capacity, 4);
  for (let i = 0; i < 6; i++) send(s, `STATUS=${i}`);
  assert.equal(p.recvNotifyBatch(s.fd, b), 4);
  assert.deepEqual([0, 1, 2, 3].map((i) => unpackDatagram(b, i).data.toString()), ['STATUS=0', 'STATUS=1', 'STATUS=2', 'STATUS=3']);
  assert.equal(p.recvNotifyBatch(s.fd, b), 2);
  assert.equal(unpackDatagram(b, 1).data.toString(), 'STATUS=5');
  // A caller's fd buffer with room for one fd: the second fd of a datagram is closed and the datagram cut.
  const tiny: NotifyBatch = { data: Buffer.alloc(2 * 4096), slot: 4096, meta: new Int32Array(2 * META), fds: new Int32Array(1), capacity: 2 };
  const [r, w] = p.pipe(false, false) as [number, number];
  const before = fs.readdirSync('/proc/self/fd').length;
  send(s, 'FDSTORE=1', [r, w]);
  assert.equal(p.recvNotifyBatch(s.fd, tiny), 1);
  assert.equal(tiny.meta[M_TRUNC], 1);
  assert.equal(tiny.meta[M_NFD], 1);
  assert.equal(tiny.meta[M_LEN], 'FDSTORE=1'.length);
  assert.equal(tiny.meta[M_PID], process.pid);
  p.close(tiny.fds[0] ?? -1);
  assert.equal(fs.readdirSync('/proc/self/fd').length, before, 'no fd leaked');
  // Bad buffers are a clear error, not a crash.
  assert.throws(() => n.recvmmsg(s.fd, Buffer.alloc(10), 4096, new Int32Array(8), new Int32Array(1)), /slot/);
  assert.throws(() => n.recvmmsg(s.fd, Buffer.alloc(4096), 4096, new Int32Array(1), new Int32Array(1)), /no room/);
  assert.throws(() => n.recvmmsg(s.fd, Buffer.alloc(4096), 4096, new Uint8Array(8) as unknown as Int32Array, new Int32Array(1)), /Int32Array/);
  assert.ok(n.recvmmsg(-1, b.data, b.slot, b.meta, b.fds) < 0, 'a bad fd is -errno');
  for (const fd of [r, w, s.fd, s.sender]) p.close(fd);
});

test('pidfds: open while the process lives, readable once it exited; none for a pid that does not exist', async () => {
  const c = spawn('sleep', ['30'], { stdio: 'ignore' });
  const pid = c.pid ?? 0;
  assert.ok(pid > 0);
  const fd = p.pidfdOpen(pid);
  assert.ok(fd >= 0, `pidfd_open: ${fd}`);
  const fds = new Int32Array([fd]);
  const out = new Uint8Array(1);
  assert.equal(p.pollGone(fds, 1, out), 0);
  assert.equal(out[0], 0);
  const exited = new Promise((r) => c.once('exit', r));
  process.kill(pid, 'SIGKILL');
  await exited;
  assert.equal(p.pollGone(fds, 1, out), 1);
  assert.equal(out[0], 1);
  p.close(fd);
  assert.ok(p.pidfdOpen(0x3ffffff0) < 0);
  assert.ok(p.pidfdOpen(-5) < 0);
  assert.equal(p.pollGone(new Int32Array([-1]), 1, out), 0, 'a negative fd is ignored by poll');
});
