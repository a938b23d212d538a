// e2e: sockets and fds through the real addon: notify datagrams with SCM_CREDENTIALS (sender pid = the
// service's pid) and SCM_RIGHTS, readiness polling of a listening socket without accepting (the connection
// stays in the backlog for the service), SO_PEERCRED of a net.Socket's fd, signal watches on SIGRTMIN+n,
// socket options, FIFOs, and sd_listen_fds_with_names() of libsystemd seeing our fds and LISTEN_PID.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRealPlatform } from '../../src/platform/real';
import type { ListenOptions, NotifyDatagram } from '../../src/platform/types';
import { POLL_READABLE } from '../../src/platform/types';
import { fixture } from '../fixtures/build';
import { Harness, waitFor } from '../fixtures/harness';

const p = createRealPlatform();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-sock-'));
const h = new Harness(p, tmp);
test.after(() => {
  h.cleanup();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A port that is free right now (bound and released by the kernel's choice). */
function freePort(host: string): number {
  const n = (p as unknown as { native: import('../../src/platform/native').NativeAddon }).native;
  const fd = n.socket(host.includes(':') ? 'inet6' : 'inet', 'stream', true);
  n.bind(fd, { family: host.includes(':') ? 'inet6' : 'inet', host, port: 0 });
  const a = n.getsockname(fd) as { port: number };
  n.close(fd);
  return a.port;
}

function listenOpts(address: string, over: Partial<ListenOptions> = {}): ListenOptions {
  return { kind: 'stream', address, backlog: 128, bindIPv6Only: 'default', bindToDevice: '', reusePort: false, freeBind: false,
    transparent: false, keepAlive: false, keepAliveTimeUs: 0, keepAliveIntervalUs: 0, keepAliveProbes: 0, noDelay: false,
    receiveBuffer: 0, sendBuffer: 0, passCredentials: false, socketMode: 0o666, directoryMode: 0o755, socketUser: '', socketGroup: '', ...over };
}

test('notify socket: READY=1 from the service carries its pid; MAINPID from a child', async () => {
  const sockPath = path.join(tmp, 'notify');
  const ns = p.openNotifySocket(sockPath);
  assert.ok('fd' in ns);
  const got: NotifyDatagram[] = [];
  const w = p.pollFd(ns.fd, POLL_READABLE, () => { for (let d = p.recvNotify(ns.fd); d; d = p.recvNotify(ns.fd)) got.push(d); });
  const svc = h.start({ path: fixture('notify-svc'), argv: ['notify-svc', '--ready-delay-ms', '20', '--status', 'hello world', '--exit-after-ms', '100'], env: [`NOTIFY_SOCKET=${sockPath}`] });
  assert.ok(await waitFor(() => got.length >= 1));
  assert.equal(got[0]?.data.toString(), 'READY=1\nSTATUS=hello world');
  assert.equal(got[0]?.pid, svc.pid);
  assert.equal(got[0]?.uid, 0);
  const ex = await h.waitExit(svc.pid);
  assert.equal(ex.status, 0);
  // MAINPID= from a forked child.
  got.length = 0;
  const s2 = h.start({ path: fixture('notify-svc'), argv: ['notify-svc', '--mainpid-child'], env: [`NOTIFY_SOCKET=${sockPath}`] });
  await h.waitExit(s2.pid);
  assert.ok(await waitFor(() => got.length >= 2));
  const mainMsg = got.find((d) => d.data.toString().startsWith('MAINPID='));
  assert.ok(mainMsg);
  assert.equal(mainMsg.pid, s2.pid);
  const child = Number(mainMsg.data.toString().slice(8));
  const ready = got.find((d) => d.data.toString().startsWith('READY=1'));
  assert.equal(ready?.pid, child);
  p.kill(child, 15);   // the child was re-parented to init (we are not a subreaper here), just stop it
  p.unpollFd(w);
  p.close(ns.fd);
});

test('notify-svc fixture: WATCHDOG=1 pings at WATCHDOG_USEC/2, STOPPING=1 and its exit code on SIGTERM', async () => {
  const sockPath = path.join(tmp, 'notify-wd');
  const ns = p.openNotifySocket(sockPath);
  assert.ok('fd' in ns);
  const got: string[] = [];
  const w = p.pollFd(ns.fd, POLL_READABLE, () => { for (let d = p.recvNotify(ns.fd); d; d = p.recvNotify(ns.fd)) got.push(d.data.toString()); });
  try {
    const svc = h.start({ path: fixture('notify-svc'), argv: ['notify-svc', '--watchdog', '--exit-code', '3'], env: [`NOTIFY_SOCKET=${sockPath}`, 'WATCHDOG_USEC=100000'] });
    assert.ok(await waitFor(() => got.filter((m) => m === 'WATCHDOG=1').length >= 3, 5000));
    assert.equal(got[0], 'READY=1');
    p.kill(svc.pid, 15);
    const ex = await h.waitExit(svc.pid);
    assert.deepEqual(ex, { pid: svc.pid, code: 'exited', status: 3 });
    assert.ok(await waitFor(() => got.includes('STOPPING=1')));
    // exit-with: a signal death and a plain code
    const k = await h.run({ path: fixture('exit-with'), argv: ['exit-with', '0', '6'] });
    assert.ok(k.exit.code === 'killed' || k.exit.code === 'dumped');
    assert.equal(k.exit.status, 6);
    const c = await h.run({ path: fixture('exit-with'), argv: ['exit-with', '42', '0', '10'] });
    assert.deepEqual(c.exit, { pid: c.pid, code: 'exited', status: 42 });
    assert.equal(c.out, `exit-with pid=${c.pid}\n`);
  } finally {
    p.unpollFd(w);
    p.close(ns.fd);
  }
});

test('SCM_RIGHTS fds arrive with the datagram (FDSTORE)', async () => {
  const sockPath = path.join(tmp, 'notify2');
  const ns = p.openNotifySocket(sockPath);
  assert.ok('fd' in ns);
  const n = (p as unknown as { native: import('../../src/platform/native').NativeAddon }).native;
  const cli = n.socket('unix', 'dgram', false);
  const pr = p.pipe(false, false);
  assert.ok(Array.isArray(pr));
  const sent = n.sendmsg(cli, Buffer.from('FDSTORE=1\nFDNAME=mypipe'), [pr[0]], { family: 'unix', path: sockPath, abstract: false });
  assert.ok(sent > 0);
  assert.ok(await waitFor(() => true));
  const d = p.recvNotify(ns.fd);
  assert.ok(d);
  assert.equal(d.data.toString(), 'FDSTORE=1\nFDNAME=mypipe');
  assert.equal(d.pid, process.pid);
  assert.equal(d.fds.length, 1);
  // The received fd is the same pipe: write into the original write end, read through the received fd.
  fs.writeSync(pr[1], 'x');
  const buf = Buffer.alloc(1);
  assert.equal(fs.readSync(d.fds[0] as number, buf), 1);
  assert.equal(buf.toString(), 'x');
  for (const fd of [cli, pr[0], pr[1], d.fds[0] as number, ns.fd]) p.close(fd);
  assert.equal(p.recvNotify(-1), null);
});

test('poll a listening socket without accepting; the service accepts the queued connection', async () => {
  const sp = path.join(tmp, 'web.sock');
  const l = p.openListen(listenOpts(sp));
  assert.ok('fd' in l);
  assert.equal(fs.statSync(sp).mode & 0o777, 0o666);
  let fired = 0;
  const w = p.pollFd(l.fd, POLL_READABLE, () => { fired++; p.unpollFd(w); });
  const client = net.connect(sp);
  const data: Buffer[] = [];
  client.on('data', (b) => data.push(b));
  await waitFor(() => fired > 0);
  assert.equal(fired, 1);
  // Hand the still-pending connection to a libsystemd service.
  const svc = h.start({ path: fixture('sd-listen'), argv: ['sd-listen'], listenFds: [l.fd], env: ['LISTEN_FDS=1', 'LISTEN_FDNAMES=web.socket'] });
  await new Promise<void>((res) => client.on('end', () => res()));
  assert.match(Buffer.concat(data).toString(), new RegExp(`^hello ${svc.pid}\\n$`));
  const out = fs.readFileSync(svc.outFile, 'utf8');
  assert.match(out, new RegExp(`sd-listen pid=${svc.pid} fds=1 names=web.socket listen_pid_ok=1`));
  p.kill(svc.pid, 15);
  const ex = await h.waitExit(svc.pid);
  assert.deepEqual(ex, { pid: svc.pid, code: 'exited', status: 0 });
  p.close(l.fd);
});

test('accept() returns -EAGAIN on an empty backlog and a connection fd otherwise; socket names', async () => {
  const port = freePort('127.0.0.1');
  const l = p.openListen(listenOpts(`127.0.0.1:${port}`, { reusePort: true, noDelay: true, keepAlive: true }));
  assert.ok('fd' in l, JSON.stringify(l));
  assert.equal(p.accept(l.fd, true), -11);
  const c = net.connect(port, '127.0.0.1');
  await new Promise<void>((res) => c.on('connect', () => res()));
  let fd = -11;
  await waitFor(() => (fd = p.accept(l.fd, false)) >= 0);
  assert.ok(fd >= 0);
  assert.deepEqual(p.sockName(fd), { family: 'inet', host: '127.0.0.1', port });
  const peer = p.peerName(fd);
  assert.equal(peer?.family, 'inet');
  assert.equal((peer as { port: number }).port, c.localPort);
  c.destroy();
  p.close(fd);
  p.close(l.fd);
  // IPv6 dual-stack "port only" and ipv6-only.
  const port6 = freePort('::');
  const l6 = p.openListen(listenOpts(String(port6), { bindIPv6Only: 'both' }));
  assert.ok('fd' in l6);
  assert.deepEqual(p.sockName(l6.fd), { family: 'inet6', host: '::', port: port6 });
  p.close(l6.fd);
  const bad = p.openListen(listenOpts('vsock:1:2'));
  assert.ok('errno' in bad);
});

test('SO_PEERCRED of a net.Socket connection fd', async () => {
  const sp = path.join(tmp, 'ctl.sock');
  const server = net.createServer();
  const got = new Promise<{ pid: number; uid: number; gid: number } | null>((res) => {
    server.on('connection', (s) => {
      const fd = (s as unknown as { _handle: { fd: number } })._handle.fd;
      res(p.peerCred(fd));
      s.destroy();
    });
  });
  await new Promise<void>((res) => server.listen(sp, () => res()));
  const c = net.connect(sp);
  const cred = await got;
  c.destroy();
  server.close();
  assert.deepEqual(cred, { pid: process.pid, uid: process.getuid?.(), gid: process.getgid?.() });
});

test('signal watches on SIGRTMIN+n', async () => {
  const sig = p.sigrtmin() + 5;
  const seen: number[] = [];
  const id = p.watchSignal(sig, (s) => seen.push(s));
  p.kill(process.pid, sig);
  assert.ok(await waitFor(() => seen.length === 1));
  assert.deepEqual(seen, [sig]);
  p.unwatchSignal(id);
});

test('socket options are applied before bind (ReusePort, KeepAlive*, NoDelay, buffers, PassCredentials, IPV6_V6ONLY)', () => {
  const n = (p as unknown as { native: import('../../src/platform/native').NativeAddon }).native;
  const K = n.constants;
  const get = (fd: number, level: string, name: string): number => n.getsockoptInt(fd, K[level] as number, K[name] as number);
  const l = p.openListen(listenOpts(`127.0.0.1:${freePort('127.0.0.1')}`, { reusePort: true, keepAlive: true, keepAliveTimeUs: 30e6,
    keepAliveIntervalUs: 5e6, keepAliveProbes: 4, noDelay: true, receiveBuffer: 262144, sendBuffer: 131072, passCredentials: true }));
  assert.ok('fd' in l);
  assert.equal(get(l.fd, 'SOL_SOCKET', 'SO_REUSEPORT'), 1);
  assert.equal(get(l.fd, 'SOL_SOCKET', 'SO_REUSEADDR'), 1);
  assert.equal(get(l.fd, 'SOL_SOCKET', 'SO_KEEPALIVE'), 1);
  assert.equal(get(l.fd, 'IPPROTO_TCP', 'TCP_KEEPIDLE'), 30);
  assert.equal(get(l.fd, 'IPPROTO_TCP', 'TCP_KEEPINTVL'), 5);
  assert.equal(get(l.fd, 'IPPROTO_TCP', 'TCP_KEEPCNT'), 4);
  assert.equal(get(l.fd, 'IPPROTO_TCP', 'TCP_NODELAY'), 1);
  assert.equal(get(l.fd, 'SOL_SOCKET', 'SO_RCVBUF'), 262144 * 2);   // the kernel doubles the request
  assert.equal(get(l.fd, 'SOL_SOCKET', 'SO_SNDBUF'), 131072 * 2);
  p.close(l.fd);
  const u = p.openListen(listenOpts(path.join(tmp, 'cred.sock'), { passCredentials: true }));   // unix only on Linux 6.x
  assert.ok('fd' in u);
  assert.equal(get(u.fd, 'SOL_SOCKET', 'SO_PASSCRED'), 1);
  p.close(u.fd);
  for (const [mode, want] of [['ipv6-only', 1], ['both', 0]] as const) {
    const s = p.openListen(listenOpts(`[::]:${freePort('::')}`, { bindIPv6Only: mode }));   // (binding ::1 forces V6ONLY)
    assert.ok('fd' in s);
    assert.equal(get(s.fd, 'IPPROTO_IPV6', 'IPV6_V6ONLY'), want);
    p.close(s.fd);
  }
  const fb = p.openListen(listenOpts('192.0.2.77:8099', { freeBind: true }));   // non-local address: needs IP_FREEBIND
  assert.ok('fd' in fb, JSON.stringify(fb));
  assert.equal(get(fb.fd, 'IPPROTO_IP', 'IP_FREEBIND'), 1);
  p.close(fb.fd);
  const nofb = p.openListen(listenOpts('192.0.2.77:8099'));
  assert.ok('errno' in nofb);
  assert.equal(nofb.errno, 99);   // EADDRNOTAVAIL
});

test('datagram and seqpacket sockets, abstract names, FIFOs', () => {
  const d = p.openListen(listenOpts('@tsysd-test-' + process.pid, { kind: 'datagram' }));
  assert.ok('fd' in d);
  assert.deepEqual(p.sockName(d.fd), { family: 'unix', path: 'tsysd-test-' + process.pid, abstract: true });
  p.close(d.fd);
  const s = p.openListen(listenOpts(path.join(tmp, 'sub', 'seq.sock'), { kind: 'seqpacket', socketMode: 0o600 }));
  assert.ok('fd' in s);
  assert.equal(fs.statSync(path.join(tmp, 'sub', 'seq.sock')).mode & 0o777, 0o600);
  p.close(s.fd);
  // Re-binding a stale node works (systemd unlinks on EADDRINUSE).
  const s2 = p.openListen(listenOpts(path.join(tmp, 'sub', 'seq.sock'), { kind: 'seqpacket' }));
  assert.ok('fd' in s2);
  p.close(s2.fd);
  const f = p.openListen(listenOpts(path.join(tmp, 'fifo'), { kind: 'fifo', socketMode: 0o620 }));
  assert.ok('fd' in f);
  const st = fs.statSync(path.join(tmp, 'fifo'));
  assert.ok(st.isFIFO());
  assert.equal(st.mode & 0o777, 0o620);
  p.close(f.fd);
});
