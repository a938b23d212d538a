// E2E (H9, issue #7): socket units on the real tsysd (PID 1 of a private PID namespace) with real clients:
// every listener family activates its service on first traffic and the service gets the very socket;
// a service with two socket units gets all fds in Listen order per socket with the right LISTEN_FDNAMES
// and LISTEN_PID (own C fixture + libsystemd's sd_listen_fds_with_names), identical to what
// systemd-socket-activate hands over; a socket whose address cannot be bound fails alone with a readable
// status; `tsysctl list-sockets`.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Daemon, startDaemon, waitFor } from '../helpers/daemon';
import { fixture } from '../fixtures/build';
import { abstractRequest, freePort, readText, seqpacketRequest, showProps, streamRequest, udpRequest, unixDgramRequest } from '../fixtures/sock-helpers';

const SERVE = fixture('sock-serve');
const SDL = fixture('sd-listen');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'h9-listen-'));
const f = (n: string): string => path.join(tmp, n);
const ABS = `h9-abs-${process.pid}-${Date.now()}`;
const ST = ['ActiveState', 'SubState', 'Result', 'MainPID'];

function svc(log: string, extra = ''): string {
  return `[Service]\nExecStart=${SERVE}\nEnvironment=SOCK_SERVE_LOG=${f(log)}\n${extra}`;
}

function isLink(p: string): boolean {
  try { return fs.lstatSync(p).isSymbolicLink(); } catch { return false; }
}

/** Lines of a sock-serve log describing fds, with pids stripped. */
function fdLines(log: string): string[] {
  return log.split('\n').filter((l) => l.startsWith('fd='));
}

describe('socket listeners', { concurrency: false }, () => {
  let d: Daemon;
  let P: Record<string, number> = {};
  let blocker: net.Server;
  const units: Record<string, string> = {};

  before(async () => {
    P = { tcp: await freePort(), udp: await freePort(), dual: await freePort(), m1: await freePort(), ok: await freePort() };
    // The port in use is held by this process from the moment it is chosen.
    blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const ba = blocker.address();
    P.busy = typeof ba === 'object' && ba ? ba.port : 0;
    Object.assign(units, {
      'tcp.socket': `[Socket]\nListenStream=127.0.0.1:${P.tcp}\n`, 'tcp.service': svc('tcp.log'),
      'udp.socket': `[Socket]\nListenDatagram=127.0.0.1:${P.udp}\n`, 'udp.service': svc('udp.log'),
      'dual.socket': `[Socket]\nListenStream=${P.dual}\n`, 'dual.service': svc('dual.log'),
      'ustream.socket': `[Socket]\nListenStream=${f('s/ustream.sock')}\nSocketMode=0600\n`, 'ustream.service': svc('ustream.log'),
      'udgram.socket': `[Socket]\nListenDatagram=${f('s/udgram.sock')}\n`, 'udgram.service': svc('udgram.log'),
      'useq.socket': `[Socket]\nListenSequentialPacket=${f('s/useq.sock')}\n`, 'useq.service': svc('useq.log'),
      'abstract.socket': `[Socket]\nListenStream=@${ABS}\n`, 'abstract.service': svc('abstract.log'),
      'fifo.socket': `[Socket]\nListenFIFO=${f('s/fifo')}\n`, 'fifo.service': svc('fifo.log'),
      // Two socket units for one service: m1 (3 listeners, FileDescriptorName=web) and m2 (default name).
      'm1.socket': `[Socket]\nListenStream=127.0.0.1:${P.m1}\nListenDatagram=127.0.0.1:${P.m1}\nListenStream=${f('s/m1.sock')}\nFileDescriptorName=web\nService=multi.service\n`,
      'm2.socket': `[Socket]\nListenSequentialPacket=${f('s/m2.sock')}\nListenFIFO=${f('s/m2.fifo')}\nService=multi.service\n`,
      'multi.service': svc('multi.log', 'Sockets=m1.socket m2.socket\n'),
      // The same two sockets for the libsystemd fixture (started explicitly).
      'sdl.service': `[Service]\nType=notify\nExecStart=${SDL}\nSockets=m1.socket m2.socket\n`,
      // Bind failures next to healthy units.
      'busy.socket': `[Socket]\nListenStream=127.0.0.1:${P.busy}\n`, 'busy.service': svc('busy.log'),
      'badpath.socket': `[Socket]\nListenStream=/proc/h9-no-such-dir/x.sock\n`, 'badpath.service': svc('badpath.log'),
      'notdir.socket': `[Socket]\nListenStream=/etc/hostname/x.sock\n`, 'notdir.service': svc('notdir.log'),
      'okay.socket': `[Socket]\nListenStream=127.0.0.1:${P.ok}\n`, 'okay.service': svc('okay.log'),
      // Node options: owner, modes, parents, symlink, backlog, RemoveOnStop.
      'opts.socket': `[Socket]\nListenStream=${f('o/deep/dir/opts.sock')}\nSocketUser=nobody\nSocketGroup=nogroup\nSocketMode=0660\nDirectoryMode=0750\n`
        + `Symlinks=${f('o/link.sock')}\nBacklog=7\nRemoveOnStop=yes\n`,
      'opts.service': svc('opts.log'),
      'keep.socket': `[Socket]\nListenStream=${f('o/keep.sock')}\n`, 'keep.service': svc('keep.log'),
      // Control commands around the listeners.
      'hooks.socket': `[Socket]\nListenStream=${f('s/hooks.sock')}\nExecStartPre=/bin/sh -c 'echo pre-$(test -S ${f('s/hooks.sock')} && echo sock || echo nosock) >> ${f('hooks.txt')}'\n`
        + `ExecStartPost=/bin/sh -c 'echo post-$(test -S ${f('s/hooks.sock')} && echo sock || echo nosock) >> ${f('hooks.txt')}'\nExecStopPost=/bin/sh -c 'echo stoppost >> ${f('hooks.txt')}'\n`,
      'hooks.service': svc('hooks.log'),
      // Enabled at boot through sockets.target.
      'boot.socket': `[Socket]\nListenStream=${f('s/boot.sock')}\n[Install]\nWantedBy=sockets.target\n`, 'boot.service': svc('boot.log'),
      'bystander.service': '[Service]\nExecStart=/bin/sleep 1000\n',
    });
    d = await startDaemon({ units, symlinks: { 'sockets.target.wants/boot.socket': '../boot.socket' } });
  });
  after(async () => {
    if (d) await d.stop();
    await new Promise<void>((r) => blocker.close(() => r()));
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('an enabled socket listens after boot (sockets.target) without starting its service; implicit dependencies', async () => {
    const p = await showProps(d, 'boot.socket', ['ActiveState', 'SubState', 'Before', 'Triggers', 'Requires', 'After']);
    assert.deepEqual([p['ActiveState'], p['SubState']], ['active', 'listening']);
    assert.equal((await showProps(d, 'boot.service', ['ActiveState']))['ActiveState'], 'inactive');
    assert.ok(fs.statSync(f('s/boot.sock')).isSocket());
    assert.ok(p['Before']!.split(' ').includes('sockets.target') && p['Before']!.split(' ').includes('boot.service'), JSON.stringify(p));
    assert.equal(p['Triggers'], 'boot.service');
    assert.ok(p['Requires']!.split(' ').includes('sysinit.target') && p['After']!.split(' ').includes('sysinit.target'), JSON.stringify(p));
    const sv = await showProps(d, 'boot.service', ['TriggeredBy', 'After']);
    assert.equal(sv['TriggeredBy'], 'boot.socket');
    assert.ok(sv['After']!.split(' ').includes('boot.socket'), JSON.stringify(sv));
    assert.match(await streamRequest({ path: f('s/boot.sock') }, 'boot-hi'), /got=boot-hi/);
  });

  it('every listener family: bound at socket start, service started only by traffic, gets the socket (real clients)', async () => {
    const socks = ['tcp', 'udp', 'dual', 'ustream', 'udgram', 'useq', 'abstract', 'fifo'];
    const r = await d.ctl(['start', ...socks.map((s) => `${s}.socket`)]);
    assert.equal(r.code, 0, r.stderr);
    for (const s of socks) {
      const p = await showProps(d, `${s}.socket`, ST);
      assert.deepEqual([p['ActiveState'], p['SubState']], ['active', 'listening'], `${s}.socket ${JSON.stringify(p)}`);
      assert.equal(await showProps(d, `${s}.service`, ST).then((q) => q['ActiveState']), 'inactive', `${s}.service started without traffic`);
    }
    assert.equal(fs.statSync(f('s/ustream.sock')).mode & 0o777, 0o600, 'SocketMode=0600');
    assert.ok(fs.statSync(f('s/fifo')).isFIFO());

    const pidOf = (ans: string): number => Number(/pid=(\d+)/.exec(ans)?.[1] ?? 0);
    const lab = async (name: string, p: () => Promise<string>): Promise<string> => {
      try { return await p(); } catch (e) {
        throw new Error(`${name}: ${(e as Error).message}\n${(await d.ctl(['status', '-n', '5', `${name.replace(/\d$/, '')}.socket`, `${name.replace(/\d$/, '')}.service`])).stdout}`);
      }
    };
    const answers: Record<string, string> = {
      tcp: await lab('tcp', () => streamRequest({ host: '127.0.0.1', port: P.tcp! }, 'tcp-hi', 20000)),
      udp: await lab('udp', () => udpRequest('127.0.0.1', P.udp!, 'udp-hi', 20000)),
      dual4: await lab('dual4', () => streamRequest({ host: '127.0.0.1', port: P.dual! }, 'dual-v4', 20000)),
      ustream: await lab('ustream', () => streamRequest({ path: f('s/ustream.sock') }, 'ustream-hi', 20000)),
      udgram: await lab('udgram', () => unixDgramRequest(f('s/udgram.sock'), f('client.dgram'), 'udgram-hi', 20000)),
      useq: await lab('useq', () => seqpacketRequest(f('s/useq.sock'), 'useq-hi', 20000)),
      abstract: await lab('abstract', () => abstractRequest(ABS, 'abstract-hi', 20000)),
    };
    if (fs.existsSync('/proc/net/if_inet6')) answers.dual6 = await lab('dual6', () => streamRequest({ host: '::1', port: P.dual! }, 'dual-v6', 20000));
    assert.match(answers.tcp!, /^pid=\d+ fd=3 got=tcp-hi\n$/);
    assert.match(answers.udp!, /^pid=\d+ fd=3 got=udp-hi\n$/);
    assert.match(answers.dual4!, /^pid=\d+ fd=3 got=dual-v4\n$/);
    if (answers.dual6 !== undefined) assert.match(answers.dual6, /^pid=\d+ fd=3 got=dual-v6\n$/, 'bare port is dual-stack [::]');
    assert.match(answers.ustream!, /^pid=\d+ fd=3 got=ustream-hi\n$/);
    assert.match(answers.udgram!, /^pid=\d+ fd=3 got=udgram-hi\n$/);
    assert.match(answers.useq!, /^pid=\d+ fd=3 got=useq-hi\n$/);
    assert.match(answers.abstract!, /^pid=\d+ fd=3 got=abstract-hi\n$/);
    // FIFO: a writer's line reaches the service, which logs it.
    const w = fs.openSync(f('s/fifo'), fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
    fs.writeSync(w, 'fifo-hi\n');
    fs.closeSync(w);
    assert.ok(await waitFor(() => /fifo fd=3 got=fifo-hi/.test(readText(f('fifo.log'))), 20000), readText(f('fifo.log')));

    const expect: Record<string, RegExp> = {
      tcp: new RegExp(`^fd=3 name=tcp\\.socket type=stream family=inet addr=127\\.0\\.0\\.1:${P.tcp} listening=1$`),
      udp: new RegExp(`^fd=3 name=udp\\.socket type=dgram family=inet addr=127\\.0\\.0\\.1:${P.udp} listening=0$`),
      dual: fs.existsSync('/proc/net/if_inet6') ? new RegExp(`^fd=3 name=dual\\.socket type=stream family=inet6 addr=\\[::\\]:${P.dual} listening=1$`)
        : new RegExp(`^fd=3 name=dual\\.socket type=stream family=inet addr=0\\.0\\.0\\.0:${P.dual} listening=1$`),
      ustream: new RegExp(`^fd=3 name=ustream\\.socket type=stream family=unix addr=${f('s/ustream.sock')} listening=1$`),
      udgram: new RegExp(`^fd=3 name=udgram\\.socket type=dgram family=unix addr=${f('s/udgram.sock')} listening=0$`),
      useq: new RegExp(`^fd=3 name=useq\\.socket type=seqpacket family=unix addr=${f('s/useq.sock')} listening=1$`),
      abstract: new RegExp(`^fd=3 name=abstract\\.socket type=stream family=unix addr=@${ABS} listening=1$`),
      fifo: /^fd=3 name=fifo\.socket type=fifo family=- addr=- listening=0$/,
    };
    for (const s of socks) {
      const log = readText(f(`${s}.log`));
      assert.match(log, /^start pid=\d+ fds=1 names=\S+ listen_pid_ok=1$/m, `${s}: ${log}`);
      assert.deepEqual(fdLines(log).length, 1, `${s}: ${log}`);
      assert.match(fdLines(log)[0]!, expect[s]!, `${s}: ${log}`);
      assert.match(log, /^openfds=0,1,2,3$/m, `${s}: no fd beyond stdio + LISTEN_FDS leaks into the service: ${log}`);
      const p = await showProps(d, `${s}.service`, ST);
      assert.equal(p['ActiveState'], 'active', `${s}.service ${JSON.stringify(p)}`);
      const q = await showProps(d, `${s}.socket`, ST);
      assert.deepEqual([q['ActiveState'], q['SubState']], ['active', 'running'], `${s}.socket ${JSON.stringify(q)}`);
      if (s !== 'fifo') {
        const key = s === 'dual' ? 'dual4' : s;
        assert.equal(pidOf(answers[key]!), Number(p['MainPID']), `${s}: answered by the service's main process`);
      }
    }
  });

  it('two socket units → one service: fds from 3 in Listen order per socket, LISTEN_FDNAMES, LISTEN_PID (and libsystemd agrees)', async () => {
    const r = await d.ctl(['start', 'm1.socket', 'm2.socket']);
    assert.equal(r.code, 0, r.stderr);
    // First traffic on m2's seqpacket listener activates multi.service (Service=) with all 5 fds.
    const ans = await seqpacketRequest(f('s/m2.sock'), 'multi-hi');
    const log = readText(f('multi.log'));
    const lines = fdLines(log);
    assert.match(log, /^start pid=(\d+) fds=5 names=\S+ listen_pid_ok=1$/m, log);
    const m1 = [
      `name=web type=stream family=inet addr=127.0.0.1:${P.m1} listening=1`,
      `name=web type=dgram family=inet addr=127.0.0.1:${P.m1} listening=0`,
      `name=web type=stream family=unix addr=${f('s/m1.sock')} listening=1`,
    ];
    const m2 = [
      `name=m2.socket type=seqpacket family=unix addr=${f('s/m2.sock')} listening=1`,
      'name=m2.socket type=fifo family=- addr=- listening=0',
    ];
    // systemd: order within a socket = Listen order; across sockets unspecified (each socket contiguous).
    const body = lines.map((l) => l.replace(/^fd=\d+ /, ''));
    assert.deepEqual(lines.map((l) => l.split(' ')[0]), ['fd=3', 'fd=4', 'fd=5', 'fd=6', 'fd=7']);
    const ok = JSON.stringify(body) === JSON.stringify([...m1, ...m2]) || JSON.stringify(body) === JSON.stringify([...m2, ...m1]);
    assert.ok(ok, `fd list:\n${lines.join('\n')}`);
    assert.match(log, /^openfds=0,1,2,3,4,5,6,7$/m, log);
    const names = /names=(\S+)/.exec(log)?.[1];
    assert.ok(names === 'web:web:web:m2.socket:m2.socket' || names === 'm2.socket:m2.socket:web:web:web', String(names));
    const fdOfSeq = lines.find((l) => l.includes('type=seqpacket'))!.split(' ')[0]!.slice(3);
    assert.match(ans, new RegExp(`^pid=\\d+ fd=${fdOfSeq} got=multi-hi\\n$`));

    // The libsystemd fixture (sd_listen_fds_with_names + sd_notify) sees the same 5 fds, names and its own pid.
    const s = await d.ctl(['start', 'sdl.service']);
    assert.equal(s.code, 0, s.stderr);
    const j = await d.ctl(['status', '-n', '20', 'sdl.service']);
    assert.match(j.stdout, new RegExp(`sd-listen pid=\\d+ fds=5 names=${names!.replace(/\./g, '\\.')} listen_pid_ok=1`), j.stdout);
    assert.equal(await showProps(d, 'sdl.service', ['StatusText']).then((p) => p['StatusText']), 'fds=5');
    await d.ctl(['stop', 'sdl.service']);
  });

  it('systemd-socket-activate hands over the same fds, names and LISTEN_PID as tsysd', async () => {
    // Stream-only scenario (systemd-socket-activate has one socket type per run): web = TCP + unix, m2 = abstract.
    const port1 = await freePort(), port2 = await freePort();
    const abs1 = `${ABS}-t`, abs2 = `${ABS}-s`;
    const run = async (mode: 'tsysd' | 'ssa', port: number, sockPath: string, abs: string, log: string): Promise<string> => {
      if (mode === 'tsysd') {
        fs.writeFileSync(path.join(d.unitDir, 'c1.socket'), `[Socket]\nListenStream=127.0.0.1:${port}\nListenStream=${sockPath}\nFileDescriptorName=web\nService=cmp.service\n`);
        fs.writeFileSync(path.join(d.unitDir, 'c2.socket'), `[Socket]\nListenStream=@${abs}\nService=cmp.service\n`);
        fs.writeFileSync(path.join(d.unitDir, 'cmp.service'), `[Service]\nExecStart=${SERVE}\nEnvironment=SOCK_SERVE_LOG=${log}\nSockets=c1.socket c2.socket\n`);
        assert.equal((await d.ctl(['daemon-reload'])).code, 0);
        assert.equal((await d.ctl(['start', 'c1.socket', 'c2.socket'])).code, 0);
        const a = await streamRequest({ host: '127.0.0.1', port }, 'cmp');
        assert.match(a, /got=cmp/);
        const out = readText(log);
        await d.ctl(['stop', 'cmp.service', 'c1.socket', 'c2.socket']);
        return out;
      }
      const names = readText(f('tsysd-cmp.log')).match(/names=(\S+)/)?.[1] ?? 'web:web:c2.socket';
      // Listen order for systemd-socket-activate = tsysd's fd order, names as tsysd gave them.
      const order = names.startsWith('web') ? [`127.0.0.1:${port}`, sockPath, `@${abs}`] : [`@${abs}`, `127.0.0.1:${port}`, sockPath];
      const child = spawn('systemd-socket-activate', [...order.flatMap((a) => ['-l', a]), `--fdname=${names}`, '-E', `SOCK_SERVE_LOG=${log}`, SERVE], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (b: Buffer) => { err += b.toString(); });
      try {
        assert.ok(await waitFor(() => /Listening on 127\.0\.0\.1/.test(err), 5000), err);
        await waitFor(() => err.split('Listening on').length > 3, 2000);
        const a = await streamRequest({ host: '127.0.0.1', port }, 'cmp');
        assert.match(a, /got=cmp/);
        return readText(log);
      } finally {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
    };
    const norm = (log: string, port: number, sockPath: string, abs: string): string[] => log.split('\n')
      .filter((l) => l.startsWith('start') || l.startsWith('fd='))
      .map((l) => l.replace(/pid=\d+/, 'pid=P').replace(`:${port} `, ':PORT ').replace(sockPath, 'SOCKPATH').replace(`@${abs} `, '@ABS ')
        .replace(/c2\.socket/g, 'SECOND'));
    const t = norm(await run('tsysd', port1, f('s/c1-t.sock'), abs1, f('tsysd-cmp.log')), port1, f('s/c1-t.sock'), abs1);
    const s = norm(await run('ssa', port2, f('s/c1-s.sock'), abs2, f('ssa-cmp.log')), port2, f('s/c1-s.sock'), abs2);
    assert.equal(t.length, 4, t.join('\n'));
    assert.match(t[0]!, /^start pid=P fds=3 names=(web:web:SECOND|SECOND:web:web) listen_pid_ok=1$/);
    assert.deepEqual(t, s);
  });

  it('a socket whose address cannot be bound fails alone, with a status naming the address and errno', async () => {
    assert.equal((await d.ctl(['start', 'bystander.service', 'okay.socket'])).code, 0);
    const r = await d.ctl(['start', 'busy.socket']);
    assert.notEqual(r.code, 0, 'start of a socket on a port in use must fail');
    assert.match(r.stderr, /Job for busy\.socket failed/);
    const b = await showProps(d, 'busy.socket', ST);
    assert.deepEqual([b['ActiveState'], b['SubState'], b['Result']], ['failed', 'failed', 'resources']);
    const st = await d.ctl(['status', '-n', '20', 'busy.socket']);
    assert.equal(st.code, 3);
    // systemd's three journal lines for this failure.
    assert.match(st.stdout, new RegExp(`: Failed to create listening socket \\(127\\.0\\.0\\.1:${P.busy}\\): Address already in use\\n.*: Failed to listen on sockets: Address already in use\\n.*: Failed with result 'resources'\\.`), st.stdout);
    for (const [u, errno] of [['badpath.socket', /No such file or directory/], ['notdir.socket', /Not a directory|File exists/]] as const) {
      const x = await d.ctl(['start', u]);
      assert.notEqual(x.code, 0, `${u}: ${x.stdout}${x.stderr}`);
      const p = await showProps(d, u, ST);
      assert.deepEqual([p['ActiveState'], p['Result']], ['failed', 'resources'], `${u} ${JSON.stringify(p)}`);
      const s = await d.ctl(['status', '-n', '20', u]);
      assert.match(s.stdout, errno, `${u}:\n${s.stdout}`);
      assert.match(s.stdout, u === 'badpath.socket' ? /\/proc\/h9-no-such-dir\/x\.sock/ : /\/etc\/hostname\/x\.sock/, s.stdout);
    }
    // Everything else keeps running, and the healthy socket still activates its service.
    assert.equal((await d.ctl(['is-active', 'bystander.service', 'okay.socket'])).stdout, 'active\nactive\n');
    assert.match(await streamRequest({ host: '127.0.0.1', port: P.ok! }, 'still-ok'), /got=still-ok/);
    assert.equal((await d.ctl(['is-system-running'])).stdout.trim() !== '', true);
    // The failing socket is retried once the port is free (reset-failed + start).
    await new Promise<void>((res) => blocker.close(() => res()));
    blocker = net.createServer();
    await d.ctl(['reset-failed', 'busy.socket']);
    assert.equal((await d.ctl(['start', 'busy.socket'])).code, 0);
    assert.match(await streamRequest({ host: '127.0.0.1', port: P.busy! }, 'now-free'), /got=now-free/);
  });

  it('node options: SocketUser/Group, SocketMode, DirectoryMode, Symlinks, Backlog; RemoveOnStop=yes unlinks, default keeps', async () => {
    assert.equal((await d.ctl(['start', 'opts.socket', 'keep.socket'])).code, 0);
    const sp = f('o/deep/dir/opts.sock');
    const st = fs.statSync(sp);
    const nobody = /^nobody:[^:]*:(\d+):/m.exec(fs.readFileSync('/etc/passwd', 'utf8'))?.[1];
    const nogroup = /^nogroup:[^:]*:(\d+):/m.exec(fs.readFileSync('/etc/group', 'utf8'))?.[1];
    assert.ok(st.isSocket());
    assert.deepEqual([st.mode & 0o777, String(st.uid), String(st.gid)], [0o660, nobody, nogroup]);
    assert.equal(fs.statSync(f('o/deep/dir')).mode & 0o777, 0o750, 'DirectoryMode= for created parents');
    assert.equal(fs.readlinkSync(f('o/link.sock')), sp);
    const ss = spawnSync('ss', ['-xlnH'], { encoding: 'utf8' }).stdout.split('\n').find((l) => l.includes(sp)) ?? '';
    assert.match(ss, /^u_str\s+LISTEN\s+0\s+7\s/, `Backlog=7 (ss Send-Q): ${ss}`);
    assert.match(await streamRequest({ path: f('o/link.sock') }, 'via-link'), /got=via-link/);
    assert.equal((await d.ctl(['stop', 'opts.socket', 'opts.service', 'keep.socket'])).code, 0);
    assert.equal(fs.existsSync(sp), false, 'RemoveOnStop=yes removes the node');
    assert.equal(fs.existsSync(f('o/link.sock')) || isLink(f('o/link.sock')), false, 'RemoveOnStop=yes removes Symlinks=');
    assert.ok(fs.statSync(f('o/keep.sock')).isSocket(), 'RemoveOnStop=no keeps the node');
  });

  it('ExecStartPre before bind, ExecStartPost after; daemon-reload keeps the bound socket; ExecStopPost on stop', async () => {
    assert.equal((await d.ctl(['start', 'hooks.socket'])).code, 0);
    assert.equal(readText(f('hooks.txt')), 'pre-nosock\npost-sock\n');
    const ino = fs.statSync(f('s/hooks.sock')).ino;
    assert.equal((await d.ctl(['daemon-reload'])).code, 0);
    const p = await showProps(d, 'hooks.socket', ST);
    assert.deepEqual([p['ActiveState'], p['SubState']], ['active', 'listening']);
    assert.equal(fs.statSync(f('s/hooks.sock')).ino, ino, 'the listener is not re-bound by daemon-reload');
    assert.match(await streamRequest({ path: f('s/hooks.sock') }, 'after-reload'), /^pid=\d+ fd=3 got=after-reload\n$/);
    assert.equal((await d.ctl(['stop', 'hooks.socket', 'hooks.service'])).code, 0);
    assert.equal(readText(f('hooks.txt')), 'pre-nosock\npost-sock\nstoppost\n');
  });

  it('tsysctl list-sockets prints LISTEN / UNIT / ACTIVATES like systemctl (sorted by address)', async () => {
    const r = await d.ctl(['list-sockets', 'tcp.socket', 'ustream.socket', 'dual.socket', 'abstract.socket']);
    assert.equal(r.code, 0, r.stderr);
    const rows: [string, string, string][] = ([
      [`127.0.0.1:${P.tcp}`, 'tcp.socket', 'tcp.service'],
      [`@${ABS}`, 'abstract.socket', 'abstract.service'],
      [`[::]:${P.dual}`, 'dual.socket', 'dual.service'],
      [f('s/ustream.sock'), 'ustream.socket', 'ustream.service'],
    ] as [string, string, string][]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const w0 = Math.max(6, ...rows.map((x) => x[0].length)), w1 = Math.max(4, ...rows.map((x) => x[1].length));
    const line = (a: string, b: string, c: string): string => `${a.padEnd(w0)} ${b.padEnd(w1)} ${c}`;
    const expected = [line('LISTEN', 'UNIT', 'ACTIVATES'), ...rows.map((x) => line(...x)), '', '4 sockets listed.',
      'Pass --all to see loaded but inactive sockets, too.', ''].join('\n');
    assert.equal(r.stdout, expected);
    const t = await d.ctl(['list-sockets', '--show-types', 'udp.socket', 'useq.socket', 'fifo.socket']);
    assert.match(t.stdout, /^LISTEN +TYPE +UNIT +ACTIVATES$/m);
    assert.match(t.stdout, new RegExp(`^127\\.0\\.0\\.1:${P.udp} +Datagram +udp\\.socket +udp\\.service$`, 'm'));
    assert.match(t.stdout, /SequentialPacket +useq\.socket +useq\.service$/m);
    assert.match(t.stdout, /FIFO +fifo\.socket +fifo\.service$/m);
  });
});
