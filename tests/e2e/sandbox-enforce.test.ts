// E2E: sandboxing directives are enforced. tsysd runs as root with every capability (PID 1 of a private PID,
// mount and network namespace; /run a mount point as on a systemd host), each unit runs tests/fixtures/
// sandbox-probe, which reports from inside the service whether each protection holds: write to /usr →
// EROFS, /home inaccessible, only lo, a denied system call → the configured errno, NoNewPrivs 1, the
// capability sets... The expected values are what systemd 252 yields for the same unit (its semantics, as
// in systemd.exec(5) and src/core/namespace.c); root-only effects (inaccessible nodes are mode 0000, which
// root's CAP_DAC_OVERRIDE ignores) are checked with User=nobody as systemd users would see them.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startDaemon, type Daemon } from '../helpers/daemon';
import { PROBE, runProbe } from '../fixtures/sandbox-probe-run';
import { hashedUid } from '../../src/exec/dynamic-user';

const probeDir = path.dirname(PROBE);

const probe = (d: Daemon, name: string, settings: string, checks: string[]): Promise<Record<string, string>> => runProbe(d, name, settings, checks);

/** A device node of the host's /dev that PrivateDevices= must hide. */
function hostOnlyDevice(): string {
  for (const n of ['loop-control', 'kvm', 'fuse', 'vda', 'sda', 'nvme0', 'mem', 'port', 'vcs', 'ttyS0', 'rtc0', 'cpu_dma_latency']) {
    if (fs.existsSync(`/dev/${n}`)) return `/dev/${n}`;
  }
  return '/dev/cpu_dma_latency';
}

describe('sandboxing is enforced (privileged manager)', { timeout: 180000 }, () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon({ units: {}, net: true, runMountPoint: true });
    // Below /run, not /tmp: with PrivateTmp= a path below /tmp does not exist in the service's namespace
    // (systemd fails such a unit with 226/NAMESPACE too).
    for (const n of ['rw', 'ro', 'hidden', 'bindsrc']) fs.mkdirSync(path.join(d.runDir, n));
    fs.writeFileSync(path.join(d.runDir, 'bindsrc', 'f'), 'x');
  });
  after(async () => { await d.stop(); });

  it('ProtectSystem=strict, ProtectHome=yes, ReadWritePaths=, ReadOnlyPaths=, InaccessiblePaths=, PrivateTmp=', async () => {
    const rw = path.join(d.runDir, 'rw'), ro = path.join(d.runDir, 'ro'), hid = path.join(d.runDir, 'hidden');
    const r = await probe(d, 'fs1', `ProtectSystem=strict\nProtectHome=yes\nPrivateTmp=yes\nReadWritePaths=${rw}\nReadOnlyPaths=${ro}\nInaccessiblePaths=${hid}\nInaccessiblePaths=-/nonexistent-tsysd`,
      ['write:/usr', 'write:/etc', 'write:/var', `write:${rw}`, `write:${ro}`, `ls:${hid}`, 'ls:/home', 'write:/tmp', 'write:/var/tmp', 'write:/dev/shm']);
    assert.equal(r['_rc'], '0', r['_stderr']);
    assert.equal(r['write:/usr'], 'EROFS');
    assert.equal(r['write:/etc'], 'EROFS');
    assert.equal(r['write:/var'], 'EROFS');
    assert.equal(r[`write:${rw}`], 'ok');
    assert.equal(r[`write:${ro}`], 'EROFS');
    assert.equal(r[`ls:${hid}`], '0', 'an inaccessible directory is an empty mode-0000 node (root still lists it)');
    assert.equal(r['ls:/home'], '0');
    assert.equal(r['write:/tmp'], 'ok');
    assert.equal(r['write:/var/tmp'], 'ok');
    assert.equal(r['write:/dev/shm'], 'ok', '/dev is left writable by ProtectSystem=strict (PrivateDevices= governs it)');
  });

  it('the same protections as User=nobody: inaccessible paths refuse access', async () => {
    const hid = path.join(d.runDir, 'hidden');
    const r = await probe(d, 'fs2', `User=nobody\nProtectSystem=full\nProtectHome=yes\nInaccessiblePaths=${hid}\nProtectKernelLogs=yes\nProtectKernelModules=yes`,
      ['write:/etc', `ls:${hid}`, 'ls:/home', 'ls:/root', 'open:/proc/kmsg', 'stat:/usr/lib/modules', 'id']);
    assert.equal(r['_rc'], '0', r['_stderr']);
    assert.ok(['EROFS', 'EACCES'].includes(r['write:/etc'] ?? ''), r['write:/etc']);
    assert.equal(r[`ls:${hid}`], 'EACCES');
    assert.equal(r['ls:/home'], 'EACCES');
    assert.equal(r['open:/proc/kmsg'], 'EACCES');
    assert.match(r['id'] ?? '', /^uid=65534 /);
  });

  it('ProtectHome=read-only and tmpfs; TemporaryFileSystem=:ro; BindPaths=/BindReadOnlyPaths= with -, :dst and options', async () => {
    const src = path.join(d.runDir, 'bindsrc');
    const r1 = await probe(d, 'fs3', `ProtectHome=read-only\nTemporaryFileSystem=/srv:ro\nBindPaths=${src}:/mnt/tsysd-bind-rw:norbind\nBindReadOnlyPaths=${src}:/mnt/tsysd-bind-ro -/nonexistent-tsysd-src:/mnt/x`,
      ['write:/home', 'ls:/srv', 'write:/srv', 'ls:/mnt/tsysd-bind-rw', 'write:/mnt/tsysd-bind-rw', 'write:/mnt/tsysd-bind-ro', 'stat:/mnt/x']);
    assert.equal(r1['_rc'], '0', r1['_stderr']);
    assert.equal(r1['write:/home'], 'EROFS');
    assert.equal(r1['ls:/srv'], '0');
    assert.equal(r1['write:/srv'], 'EROFS');
    assert.equal(r1['ls:/mnt/tsysd-bind-rw'], '1');
    assert.equal(r1['write:/mnt/tsysd-bind-rw'], 'ok');
    assert.equal(r1['write:/mnt/tsysd-bind-ro'], 'EROFS');
    assert.equal(r1['stat:/mnt/x'], 'ENOENT', 'a missing "-" source is skipped');
    assert.ok(!fs.existsSync('/mnt/tsysd-bind-rw/.keep'), 'nothing leaked to the host');
    const r2 = await probe(d, 'fs4', 'ProtectHome=tmpfs', ['ls:/home', 'write:/home', 'ls:/root']);
    assert.deepEqual([r2['ls:/home'], r2['write:/home'], r2['ls:/root']], ['0', 'EROFS', '0']);
  });

  it('NoExecPaths=/ with ExecPaths=: only the listed trees execute', async () => {
    const r = await probe(d, 'fs5', `NoExecPaths=/\nExecPaths=${probeDir} /usr/lib /lib /lib64`, ['exec:/usr/bin/true', 'exec:/bin/true']);
    assert.equal(r['_rc'], '0', r['_stderr']);
    assert.equal(r['exec:/usr/bin/true'], 'EACCES');
  });

  it('PrivateDevices=, ProtectKernelTunables=, ProtectControlGroups=, ProtectClock=, ProtectHostname=', async () => {
    const dev = hostOnlyDevice();
    const r = await probe(d, 'k1', 'PrivateDevices=yes\nProtectKernelTunables=yes\nProtectControlGroups=yes\nProtectClock=yes\nProtectHostname=yes',
      ['stat:/dev/null', 'stat:/dev/urandom', `stat:${dev}`, 'openw:/proc/sys/kernel/hostname', 'write:/sys/fs/cgroup', 'syscall:clock-settime',
        'syscall:sethostname', 'syscall:ioperm', 'uts', 'status:CapBnd']);
    assert.equal(r['_rc'], '0', r['_stderr']);
    assert.equal(r['stat:/dev/null'], 'ok');
    assert.equal(r['stat:/dev/urandom'], 'ok');
    assert.equal(r[`stat:${dev}`], 'ENOENT', `${dev} hidden by PrivateDevices=`);
    assert.equal(r['openw:/proc/sys/kernel/hostname'], 'EROFS');
    assert.equal(r['write:/sys/fs/cgroup'], 'EROFS');
    assert.equal(r['syscall:clock-settime'], 'EPERM');
    assert.equal(r['syscall:sethostname'], 'EPERM');
    assert.equal(r['syscall:ioperm'], 'EPERM', '@raw-io denied with PrivateDevices=');
    const host = `${fs.statSync('/proc/self/ns/uts').ino}`;
    assert.notEqual((r['uts'] ?? '').split('/')[0], host, 'own UTS namespace');
  });

  it('PrivateNetwork=: only lo, shared with JoinsNamespaceOf=; NetworkNamespacePath= joins', async () => {
    const a = await probe(d, 'net-a', 'PrivateNetwork=yes\nRemainAfterExit=yes', ['ifaces', 'uts']);
    assert.equal(a['_rc'], '0', a['_stderr']);
    assert.equal(a['ifaces'], 'lo');
    const b = await probe(d, 'net-b', 'PrivateNetwork=yes\n[Unit]\nJoinsNamespaceOf=net-a.service', ['ifaces', 'uts']);
    assert.equal(b['ifaces'], 'lo');
    assert.equal((b['uts'] ?? '').split('/')[1], (a['uts'] ?? '').split('/')[1], 'same network namespace');
    const c = await probe(d, 'net-c', 'PrivateNetwork=yes', ['uts']);
    assert.notEqual((c['uts'] ?? '').split('/')[1], (a['uts'] ?? '').split('/')[1], 'a unit of its own gets its own namespace');
    await d.ctl(['stop', 'net-a.service']);
  });

  it('seccomp: SystemCallFilter= with ~ and :errno, SystemCallErrorNumber=, RestrictAddressFamilies=, MemoryDenyWriteExecute=, ...', async () => {
    const r = await probe(d, 'sc1', ['SystemCallFilter=@system-service', 'SystemCallFilter=~@swap:EILSEQ @mount', 'SystemCallErrorNumber=EPERM',
      'RestrictAddressFamilies=AF_UNIX', 'MemoryDenyWriteExecute=yes', 'RestrictRealtime=yes', 'RestrictSUIDSGID=yes', 'LockPersonality=yes',
      'RestrictNamespaces=yes', 'ProtectKernelModules=yes', 'PrivateTmp=yes', 'SystemCallArchitectures=native', 'User=nobody'].join('\n'),
    ['syscall:getpid', 'syscall:swapoff', 'syscall:mount', 'syscall:socket-unix', 'syscall:socket-inet', 'syscall:socket-netlink', 'syscall:mmap-wx',
      'syscall:sched-fifo', 'rlimit:RTPRIO', 'syscall:chmod-suid', 'syscall:personality', 'syscall:unshare-user', 'syscall:init_module',
      'status:NoNewPrivs', 'status:Seccomp']);
    assert.equal(r['_rc'], '0', r['_stderr']);
    assert.equal(r['syscall:getpid'], 'ok');
    assert.equal(r['syscall:swapoff'], 'EILSEQ', 'a ~group:errno entry');
    assert.equal(r['syscall:mount'], 'EPERM', 'SystemCallErrorNumber=EPERM for the rest');
    assert.equal(r['syscall:socket-unix'], 'ok');
    assert.equal(r['syscall:socket-inet'], 'EAFNOSUPPORT');
    assert.equal(r['syscall:socket-netlink'], 'EAFNOSUPPORT');
    assert.equal(r['syscall:mmap-wx'], 'EPERM');
    assert.equal(r['syscall:sched-fifo'], 'EPERM');
    assert.equal(r['rlimit:RTPRIO'], '0');
    assert.equal(r['syscall:chmod-suid'], 'EPERM');
    assert.equal(r['syscall:personality'], 'EPERM');
    assert.equal(r['syscall:unshare-user'], 'EPERM');
    assert.equal(r['syscall:init_module'], 'EPERM');
    assert.equal(r['status:NoNewPrivs'], '1', 'implied by the seccomp settings once User= dropped CAP_SYS_ADMIN');
    assert.equal(r['status:Seccomp'], '2');
  });

  it('SystemCallFilter= deny list without an errno kills the process (SIGSYS), as systemd\'s default action', async () => {
    const r = await probe(d, 'sc2', 'SystemCallFilter=~@swap', ['syscall:getpid', 'syscall:swapoff', 'syscall:getpid']);
    assert.notEqual(r['_rc'], '0');
    assert.equal(r['syscall:getpid'], 'ok');
    assert.equal(r['syscall:swapoff'], undefined, 'killed before it could report');
    const res = await d.ctl(['show', '-p', 'Result,ExecMainCode,ExecMainStatus', 'sc2.service']);
    assert.match(res.stdout, /Result=(signal|core-dump)/);
    assert.match(res.stdout, /ExecMainStatus=31/);
  });

  it('NoNewPrivileges=, CapabilityBoundingSet=, AmbientCapabilities=, PrivateUsers=, KeyringMode=', async () => {
    const r = await probe(d, 'cap1', 'NoNewPrivileges=yes\nCapabilityBoundingSet=CAP_NET_BIND_SERVICE CAP_CHOWN\nKeyringMode=private',
      ['status:NoNewPrivs', 'status:CapBnd', 'status:CapEff', 'syscall:keyctl']);
    assert.equal(r['status:NoNewPrivs'], '1');
    assert.equal(r['status:CapBnd'], '0000000000000401');
    assert.equal(r['status:CapEff'], '0000000000000401');
    assert.equal(r['syscall:keyctl'], 'ok');
    const u = await probe(d, 'cap2', 'User=nobody\nPrivateUsers=yes', ['cat:/proc/self/uid_map', 'id']);
    assert.equal(u['_rc'], '0', u['_stderr']);
    assert.equal(u['cat:/proc/self/uid_map'], '0 0 1', 'only the original uid (root) and ...');
    assert.match(u['id'] ?? '', /^uid=65534 /);
  });

  it('DynamicUser=yes: a uid from 61184-65519 hashed from the name, never root; private/ StateDirectory=; implied sandbox', async () => {
    const name = `tsysd-dyn-${process.pid}`;
    try {
      const r = await probe(d, name, `DynamicUser=yes\nStateDirectory=${name}\nRemainAfterExit=yes`,
        ['id', `write:/var/lib/${name}`, `write:/var/lib/private/${name}`, 'write:/usr', 'write:/var/tmp', 'status:NoNewPrivs', 'ls:/var/lib/private']);
      assert.equal(r['_rc'], '0', r['_stderr']);
      const m = /^uid=(\d+) gid=(\d+) euid=\d+ groups=(\d+)$/.exec(r['id'] ?? '');
      assert.ok(m, r['id']);
      const uid = Number(m[1]);
      assert.ok(uid >= 61184 && uid <= 65519, String(uid));
      assert.equal(m[2], m[1], 'gid = uid');
      assert.equal(m[3], m[1], 'no supplementary groups but its own');
      assert.equal(uid, hashedUid(name), 'the hashed candidate (free here)');
      assert.equal(r[`write:/var/lib/${name}`], 'ok');
      assert.equal(r['write:/usr'], 'EROFS', 'ProtectSystem=strict implied');
      assert.equal(r['write:/var/tmp'], 'ok', 'PrivateTmp= implied');
      assert.equal(r['status:NoNewPrivs'], '1');
      assert.equal(r['ls:/var/lib/private'], '1', 'only its own directory is visible below private/');
      assert.equal(fs.readlinkSync(`/var/lib/${name}`), `private/${name}`);
      assert.equal(fs.statSync(`/var/lib/private/${name}`).uid, uid);
      assert.equal((fs.statSync('/var/lib/private').mode & 0o777).toString(8), '700');
      await d.ctl(['stop', `${name}.service`]);
      const again = await probe(d, name, `DynamicUser=yes\nStateDirectory=${name}`, ['id']);
      assert.equal(again['id'], r['id'], 'stable across restarts');
    } finally {
      await d.ctl(['stop', `${name}.service`]);
      fs.rmSync(`/var/lib/${name}`, { force: true });
      fs.rmSync(`/var/lib/private/${name}`, { recursive: true, force: true });
    }
  });
});

describe('RemoveIPC= (implied by DynamicUser=)', { timeout: 120000 }, () => {
  let d: Daemon;
  before(async () => { d = await startDaemon({ units: {}, ipc: true, runMountPoint: true }); });
  after(async () => { await d.stop(); });

  it('System V and POSIX IPC objects of the unit\'s user are removed when it stops', async () => {
    const name = `tsysd-ipc-${process.pid}`;
    const shmFile = `/dev/shm/${name}`;
    fs.writeFileSync(path.join(d.unitDir, `${name}.service`),
      `[Service]\nType=oneshot\nRemainAfterExit=yes\nDynamicUser=yes\nExecStart=/bin/sh -c 'ipcmk -M 4096 && touch ${shmFile} && id -u > /dev/null'\n`);
    await d.ctl(['daemon-reload']);
    const r = await d.ctl(['start', `${name}.service`]);
    assert.equal(r.code, 0, r.stderr);
    const { spawnSync } = await import('node:child_process');
    const ipcs = (): string => spawnSync('nsenter', ['-t', String(d.innerPid()), '-i', 'ipcs', '-m', '-c'], { encoding: 'utf8' }).stdout;
    const uid = String(hashedUid(name));
    assert.ok(ipcs().split('\n').some((l) => l.split(/\s+/).includes(uid)), ipcs());
    assert.equal(fs.statSync(shmFile).uid, Number(uid));
    await d.ctl(['stop', `${name}.service`]);
    assert.ok(!ipcs().split('\n').some((l) => l.split(/\s+/).includes(uid)), ipcs());
    assert.ok(!fs.existsSync(shmFile), 'POSIX shm file removed');
  });
});
