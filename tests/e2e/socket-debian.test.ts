// E2E (H9, issue #7): unaltered Debian socket units on the real tsysd. uucp.socket + uucp@.service (uucp
// package: bare port 540, Accept=true, StandardInput=socket, User=uucp) inside a private network namespace
// answer real TCP clients with in.uucpd's login prompt, one instance per connection; dbus.socket +
// dbus.service (Type=notify, the bus gets /run/dbus/system_bus_socket through LISTEN_FDS on the first
// connection) answer `dbus-send --system ... ListNames`. The dbus daemon runs in a private mount
// namespace with a tmpfs on /run/dbus, so the host's system bus path is never touched.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { canConnect, Daemon, sleep, startDaemon, testCgroupName, TSYSD, waitFor, writeUnits } from '../helpers/daemon';
import { procsOf, showProps } from '../fixtures/sock-helpers';

const LIB = '/lib/systemd/system';
const unit = (n: string): string => fs.readFileSync(path.join(LIB, n), 'utf8');
const have = (p: string): boolean => fs.existsSync(p);

/** Run a command inside the daemon's namespaces (`-n` net, `-m` mount), collecting its output. */
function inNs(d: Daemon, ns: string[], cmd: string[], timeoutMs = 15000): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile('nsenter', ['-t', String(d.innerPid()), ...ns, ...cmd], { timeout: timeoutMs }, (e, out, err) => {
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, out: String(out), err: String(err) });
    });
  });
}

// A TCP client (python3, inside the namespace): connects, prints its local port, reads up to "login:",
// prints what it read, holds the connection until stdin closes, then fails a login (in.uucpd answers
// "Login incorrect." and exits; a client that just hangs up leaves in.uucpd spinning on EPIPE, under
// systemd too, since IgnoreSIGPIPE=yes is the default) and prints the answer.
const UUCP_CLIENT = [
  'import socket,sys',
  's=socket.create_connection(("127.0.0.1",540),10)',
  'print("local",s.getsockname()[1],flush=True)',
  's.settimeout(10)',
  'b=b""',
  'while b"login:" not in b:',
  '  x=s.recv(100)',
  '  if not x: break',
  '  b+=x',
  'print("read",repr(b.decode()),flush=True)',
  'sys.stdin.read()',
  'def upto(w):',
  '  b=b""',
  '  while w not in b:',
  '    x=s.recv(100)',
  '    if not x: break',
  '    b+=x',
  '  return b',
  's.sendall(b"h9-nobody\\n")',
  'upto(b"Password:")',
  's.sendall(b"wrong\\n")',
  'print("bye",repr(upto(b"incorrect.").decode().strip()),flush=True)',
  's.close()',
].join('\n');

function uucpClient(d: Daemon): { ready: Promise<{ port: number; read: string }>; close: () => Promise<string> } {
  const c = spawn('nsenter', ['-t', String(d.innerPid()), '-n', 'python3', '-c', UUCP_CLIENT], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const exited = new Promise<void>((r) => c.on('exit', () => r()));
  const ready = new Promise<{ port: number; read: string }>((resolve, reject) => {
    c.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /local (\d+)\nread '([^']*)'\n/.exec(out);
      if (m) resolve({ port: Number(m[1]), read: m[2]! });
    });
    c.stderr.on('data', (b: Buffer) => { err += b.toString(); });
    void exited.then(() => reject(new Error(`client exited: ${out} ${err}`)));
  });
  return { ready, close: async () => { c.stdin.end(); await exited; return out; } };
}

describe('Debian uucp.socket + uucp@.service (Accept=true, User=uucp), private network namespace', () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon({ net: true, units: { 'uucp.socket': unit('uucp.socket'), 'uucp@.service': unit('uucp@.service') } });
  });
  after(async () => { if (d) await d.stop(); });

  it('answers each TCP client with the login prompt from its own in.uucpd instance, running as uucp', { skip: !have('/usr/sbin/in.uucpd') && 'uucp not installed' }, async () => {
    const r = await d.ctl(['start', 'uucp.socket']);
    assert.equal(r.code, 0, r.stderr);
    assert.match((await d.ctl(['status', 'uucp.socket'])).stdout, /Listen: \[::\]:540 \(Stream\)/);
    const c1 = uucpClient(d);
    const c2 = uucpClient(d);
    try {
      const [a1, a2] = await Promise.all([c1.ready, c2.ready]);
      assert.equal(a1.read, 'login: ');
      assert.equal(a2.read, 'login: ');
      const names = [`uucp@0-127.0.0.1:540-127.0.0.1:${a1.port}.service`, `uucp@1-127.0.0.1:540-127.0.0.1:${a2.port}.service`,
        `uucp@1-127.0.0.1:540-127.0.0.1:${a1.port}.service`, `uucp@0-127.0.0.1:540-127.0.0.1:${a2.port}.service`];
      const lu = (await d.ctl(['list-units', '--no-legend', '--plain', 'uucp@*'])).stdout;
      const listed = lu.split('\n').filter(Boolean).map((l) => l.split(/\s+/)[0]!).sort();
      assert.equal(listed.length, 2, lu);
      for (const n of listed) assert.ok(names.includes(n), `${n} not named like systemd's instance (${names.join(', ')})`);
      const ports = listed.map((n) => Number(/-127\.0\.0\.1:(\d+)\.service$/.exec(n)?.[1])).sort((a, b) => a - b);
      assert.deepEqual(ports, [a1.port, a2.port].sort((x, y) => x - y));
      // One in.uucpd per connection, each the MainPID of its instance, running as user uucp.
      const uid = Number(/^uucp:[^:]*:(\d+):/m.exec(fs.readFileSync('/etc/passwd', 'utf8'))?.[1]);
      const mainPids: number[] = [];
      for (const n of listed) {
        const p = await showProps(d, n, ['ActiveState', 'SubState', 'MainPID', 'Description']);
        assert.deepEqual([p['ActiveState'], p['SubState'], p['Description']], ['active', 'running', 'UUCP server'], n);
        mainPids.push(Number(p['MainPID']));
      }
      const procs = procsOf(d, /in\.uucpd/);
      assert.equal(procs.length, 2, `in.uucpd processes: ${procs.join(',')}`);
      const innerPids: number[] = [];
      for (const pid of procs) {
        const st = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
        assert.match(st, new RegExp(`^Uid:\\s+${uid}\\s+${uid}\\s+${uid}\\s+${uid}$`, 'm'), st);
        innerPids.push(Number(/^NSpid:.*\s(\d+)$/m.exec(st)?.[1]));
      }
      assert.deepEqual(innerPids.sort((a, b) => a - b), mainPids.sort((a, b) => a - b), 'each in.uucpd is the MainPID of its instance');
      const sk = await showProps(d, 'uucp.socket', ['NAccepted', 'NConnections']);
      assert.deepEqual([sk['NAccepted'], sk['NConnections']], ['2', '2']);
    } finally {
      const o1 = await c1.close();
      const o2 = await c2.close();
      assert.match(o1, /^bye 'Login incorrect\.'$/m, o1);
      assert.match(o2, /^bye 'Login incorrect\.'$/m, o2);
    }
    // Client gone → in.uucpd reads EOF and exits → the instance stops.
    assert.ok(await waitFor(async () => !(await d.ctl(['list-units', '--no-legend', '--plain'])).stdout.includes('uucp@'), 15000),
      (await d.ctl(['list-units', 'uucp@*'])).stdout);
    assert.equal((await showProps(d, 'uucp.socket', ['NConnections']))['NConnections'], '0');
  });
});

/** startDaemon with a private tmpfs on /run/dbus inside the daemon's mount namespace. */
async function startDaemonPrivateRunDbus(units: Record<string, string>, opts: { chmodNotify?: boolean } = {}): Promise<Daemon> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-e2e-dbus-'));
  // dbus-daemon sends READY=1 after switching to messagebus: the notify socket under <dir>/run must be
  // reachable for that user, as /run/systemd/notify is under systemd (mkdtemp makes the dir 0700).
  fs.chmodSync(dir, 0o755);
  const unitDir = path.join(dir, 'units');
  fs.mkdirSync(unitDir);
  writeUnits(unitDir, units);
  const sock = path.join(dir, 'control.sock');
  const cgroupName = testCgroupName();
  const inner = [process.execPath, TSYSD, '--system', '--unit-path', unitDir, '--control-socket', sock, '--runtime-dir', path.join(dir, 'run'), '--cgroup-name', cgroupName];
  const proc = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child=SIGKILL', 'sh', '-c',
    'mount -t tmpfs -o mode=0755 tmpfs /run/dbus && exec "$@"', 'sh', ...inner], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DEBUG: '' } });
  const d = new Daemon(dir, unitDir, sock, proc);
  d.cgroupName = cgroupName;
  const deadline = Date.now() + 15000;
  while (Date.now() < deadline && !(await canConnect(sock))) {
    if (d.exitCode !== null) throw new Error(`tsysd exited early:\n${d.output}`);
    await sleep(30);
  }
  await d.ctl(['is-system-running', '--wait'], { timeoutMs: 30000 });
  if (opts.chmodNotify) fs.chmodSync(path.join(dir, 'run', 'notify'), 0o777);
  return d;
}

const hostBus = '/run/dbus/system_bus_socket';

/** Boots tsysd with the dbus units, starts dbus.socket, asks the bus for ListNames and GetId. */
async function dbusScenario(units: Record<string, string>, opts: { chmodNotify?: boolean } = {}): Promise<void> {
  const d = await startDaemonPrivateRunDbus(units, opts);
  try {
    const hostHadBus = have(hostBus);
    const r = await d.ctl(['start', 'dbus.socket']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await showProps(d, 'dbus.service', ['ActiveState']))['ActiveState'], 'inactive');
    assert.equal(have(hostBus), hostHadBus, 'the host /run/dbus is untouched (private tmpfs in the daemon namespace)');
    const q = await inNs(d, ['-m'], ['dbus-send', '--system', '--print-reply', '--dest=org.freedesktop.DBus', '/', 'org.freedesktop.DBus.ListNames'], 20000);
    assert.equal(q.code, 0, `${q.out}\n${q.err}\n${(await d.ctl(['status', '-n', '8', 'dbus.service'])).stdout}`);
    assert.match(q.out, /method return time=[\d.]+ sender=org\.freedesktop\.DBus -> destination=:1\.\d+ serial=\d+ reply_serial=\d+/);
    assert.match(q.out, /string "org\.freedesktop\.DBus"/);
    const s = await showProps(d, 'dbus.service', ['ActiveState', 'SubState']);
    assert.deepEqual([s['ActiveState'], s['SubState']], ['active', 'running'], JSON.stringify(s));
    const sk = await showProps(d, 'dbus.socket', ['ActiveState', 'SubState']);
    assert.deepEqual([sk['ActiveState'], sk['SubState']], ['active', 'running']);
    // The bus got the socket through LISTEN_FDS: its fd 3 is the listening socket tsysd bound.
    const bus = procsOf(d, /dbus-daemon --system/);
    assert.equal(bus.length, 1);
    assert.match(fs.readlinkSync(`/proc/${bus[0]}/fd/3`), /^socket:\[\d+\]$/);
    // A second client is served by the same bus.
    const q2 = await inNs(d, ['-m'], ['dbus-send', '--system', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.GetId'], 20000);
    assert.equal(q2.code, 0, q2.err);
    assert.match(q2.out, /string "[0-9a-f]{32}"/);
    assert.equal(procsOf(d, /dbus-daemon --system/).length, 1);
    assert.equal(have(hostBus), hostHadBus);
  } finally {
    await d.stop();
  }
}

describe('Debian dbus.socket + dbus.service (system bus on first connection)', { skip: !have('/usr/bin/dbus-daemon') && 'dbus not installed' }, () => {
  it('unaltered units: dbus-send --system ListNames is answered by the socket-activated dbus-daemon', {
  }, async () => {
    await dbusScenario({ 'dbus.socket': unit('dbus.socket'), 'dbus.service': unit('dbus.service') });
  });

  it('same units + drop-in OOMScoreAdjust=0, notify socket chmod 0777 (the two bugs above worked around): ListNames and GetId through LISTEN_FDS', async () => {
    await dbusScenario({ 'dbus.socket': unit('dbus.socket'), 'dbus.service': unit('dbus.service'), 'dbus.service.d/h9-oom.conf': '[Service]\nOOMScoreAdjust=0\n' }, { chmodNotify: true });
  });
});
