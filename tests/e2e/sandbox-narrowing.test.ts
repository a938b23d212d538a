// E2E: no service runs with a uid, capability set or file system access wider than its unit grants. The
// test ENUMERATES the directive table: every [Service] directive tsysd accepts must be classified here, and
// a new row fails the test until it is. Each directive that narrows privilege and that tsysd enforces runs
// tests/fixtures/sandbox-probe under it (one unit per directive, tsysd as a privileged PID 1 of private
// namespaces) and the probe must see the narrowing (uid, capability sets, umask, every rlimit, read-only,
// inaccessible and non-executable paths, private namespaces, seccomp-backed restrictions...). A few are
// proved by other tests, named in COVERED. Directives that narrow privilege but that tsysd does NOT enforce
// (IP firewalling, device ACLs, MAC labels, ...) must at least be reported: `tsysd verify` says "not enforced"
// for each (README lists them).
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startDaemon, type Daemon } from '../helpers/daemon';
import { runProbe } from '../fixtures/sandbox-probe-run';
import { ALL_ROWS } from '../../src/directives/tables';
import { collectVerify } from '../../src/cli/verify';


const probe = (d: Daemon, name: string, settings: string, checks: string[]): Promise<Record<string, string>> => runProbe(d, name, settings, checks, d.runDir);

function hostOnlyDevice(): string {
  for (const n of ['loop-control', 'kvm', 'fuse', 'vda', 'sda', 'nvme0', 'mem', 'port', 'vcs', 'ttyS0', 'rtc0', 'cpu_dma_latency']) {
    if (fs.existsSync(`/dev/${n}`)) return `/dev/${n}`;
  }
  return '/dev/cpu_dma_latency';
}

const LIMITS: Record<string, string> = {
  CPU: '1000', FSIZE: '100000000', DATA: '4294967296', STACK: '4194304', CORE: '12345', RSS: '1073741824', NOFILE: '100',
  AS: '8589934592', NPROC: '5000', MEMLOCK: '65536', LOCKS: '100', SIGPENDING: '100', MSGQUEUE: '8192', NICE: '5', RTPRIO: '1', RTTIME: '100000',
};

/** The hard limits this test (and so the daemon) runs with, from /proc/self/limits; without
 *  CAP_SYS_RESOURCE the helper, like systemd's setrlimit_closest(), cannot raise them, so a Limit*= above
 *  one lands on it (still no wider than the unit grants). */
function hardLimits(): Record<string, number> {
  const names: Record<string, string> = {
    'Max cpu time': 'CPU', 'Max file size': 'FSIZE', 'Max data size': 'DATA', 'Max stack size': 'STACK', 'Max core file size': 'CORE',
    'Max resident set': 'RSS', 'Max processes': 'NPROC', 'Max open files': 'NOFILE', 'Max locked memory': 'MEMLOCK', 'Max address space': 'AS',
    'Max file locks': 'LOCKS', 'Max pending signals': 'SIGPENDING', 'Max msgqueue size': 'MSGQUEUE', 'Max nice priority': 'NICE',
    'Max realtime priority': 'RTPRIO', 'Max realtime timeout': 'RTTIME',
  };
  const out: Record<string, number> = {};
  for (const l of fs.readFileSync('/proc/self/limits', 'utf8').split('\n')) {
    const label = Object.keys(names).find((n) => l.startsWith(n));
    if (!label) continue;
    const hard = l.slice(26).trim().split(/\s+/)[1] ?? 'unlimited';
    out[names[label] as string] = hard === 'unlimited' ? Infinity : Number(hard);
  }
  return out;
}

function canRaiseLimits(): boolean {
  const eff = /^CapEff:\s*([0-9a-f]+)/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0';
  return ((BigInt(`0x${eff}`) >> 24n) & 1n) === 1n;
}

/** A directive's probe run: unit settings, probe checks, and what each check must report. `{base: X}`
 *  means "differs from what a unit without the setting reports for X". */
interface Case { directive: string; settings: string; checks: string[]; expect: Record<string, string | RegExp | { differs: true }> }

function cases(d: Daemon): Case[] {
  const ro = path.join(d.runDir, 'ro'), hid = path.join(d.runDir, 'hidden'), tfs = path.join(d.runDir, 'tfs'), bsrc = path.join(d.runDir, 'bsrc'), bdst = path.join(d.runDir, 'bdst');
  const rootEntry = fs.readdirSync('/root')[0];
  const hard = hardLimits();
  const raise = canRaiseLimits();
  const limitWant = (k: string, val: string): string => String(raise ? Number(val) : Math.min(Number(val), hard[k] ?? Infinity));
  const c: Case[] = [
    { directive: 'User', settings: 'User=nobody', checks: ['id'], expect: { id: /^uid=65534 gid=65534 euid=65534 / } },
    { directive: 'Group', settings: 'Group=nogroup', checks: ['id'], expect: { id: /^uid=0 gid=65534 / } },
    { directive: 'DynamicUser', settings: 'DynamicUser=yes', checks: ['id'], expect: { id: /^uid=(6[1-5][0-9]{3}) gid=\1 / } },
    { directive: 'UMask', settings: 'UMask=0077', checks: ['status:Umask'], expect: { 'status:Umask': '0077' } },
    { directive: 'NoNewPrivileges', settings: 'NoNewPrivileges=yes', checks: ['status:NoNewPrivs'], expect: { 'status:NoNewPrivs': '1' } },
    // noroot (1) | no-setuid-fixup (4) | noroot-locked (2): prctl(PR_GET_SECUREBITS) inside the service
    { directive: 'SecureBits', settings: 'SecureBits=noroot no-setuid-fixup noroot-locked', checks: ['securebits'], expect: { securebits: '7' } },
    { directive: 'CapabilityBoundingSet', settings: 'CapabilityBoundingSet=CAP_KILL', checks: ['status:CapBnd', 'status:CapEff'],
      expect: { 'status:CapBnd': '0000000000000020', 'status:CapEff': '0000000000000020' } },
    ...Object.entries(LIMITS).map(([k, val]): Case => ({ directive: `Limit${k}`, settings: `Limit${k}=${val}`, checks: [`rlimit:${k}`], expect: { [`rlimit:${k}`]: limitWant(k, val) } })),
    { directive: 'PrivateTmp', settings: 'PrivateTmp=yes', checks: [`stat:${d.dir}`], expect: { [`stat:${d.dir}`]: 'ENOENT' } },
    { directive: 'ProtectSystem', settings: 'ProtectSystem=yes', checks: ['write:/usr', 'write:/boot'], expect: { 'write:/usr': 'EROFS' } },
    { directive: 'ProtectSystem', settings: 'ProtectSystem=full', checks: ['write:/etc'], expect: { 'write:/etc': 'EROFS' } },
    { directive: 'ProtectSystem', settings: 'ProtectSystem=strict', checks: ['write:/var'], expect: { 'write:/var': 'EROFS' } },
    { directive: 'ProtectHome', settings: 'ProtectHome=read-only', checks: ['write:/root'], expect: { 'write:/root': 'EROFS' } },
    { directive: 'ProtectHome', settings: 'ProtectHome=yes', checks: ['ls:/root', ...(rootEntry ? [`stat:/root/${rootEntry}`] : [])],
      expect: { 'ls:/root': '0', ...(rootEntry ? { [`stat:/root/${rootEntry}`]: 'ENOENT' } : {}) } },
    { directive: 'ProtectHome', settings: 'ProtectHome=tmpfs', checks: ['ls:/root'], expect: { 'ls:/root': '0' } },
    { directive: 'ReadOnlyPaths', settings: `ReadOnlyPaths=${ro}`, checks: [`write:${ro}`], expect: { [`write:${ro}`]: 'EROFS' } },
    { directive: 'ReadOnlyDirectories', settings: `ReadOnlyDirectories=${ro}`, checks: [`write:${ro}`], expect: { [`write:${ro}`]: 'EROFS' } },
    { directive: 'InaccessiblePaths', settings: `InaccessiblePaths=${hid}`, checks: [`ls:${hid}`, `write:${hid}`], expect: { [`ls:${hid}`]: '0', [`write:${hid}`]: 'EROFS' } },
    { directive: 'InaccessibleDirectories', settings: `InaccessibleDirectories=${hid}`, checks: [`ls:${hid}`], expect: { [`ls:${hid}`]: '0' } },
    { directive: 'NoExecPaths', settings: 'NoExecPaths=/usr/bin', checks: ['exec:/usr/bin/true'], expect: { 'exec:/usr/bin/true': 'EACCES' } },
    { directive: 'TemporaryFileSystem', settings: `TemporaryFileSystem=${tfs}:ro`, checks: [`ls:${tfs}`, `write:${tfs}`], expect: { [`ls:${tfs}`]: '0', [`write:${tfs}`]: 'EROFS' } },
    { directive: 'BindReadOnlyPaths', settings: `BindReadOnlyPaths=${bsrc}:${bdst}`, checks: [`ls:${bdst}`, `write:${bdst}`], expect: { [`ls:${bdst}`]: '1', [`write:${bdst}`]: 'EROFS' } },
    { directive: 'PrivateDevices', settings: 'PrivateDevices=yes', checks: [`stat:${hostOnlyDevice()}`, 'status:CapBnd'], expect: { [`stat:${hostOnlyDevice()}`]: 'ENOENT' } },
    { directive: 'PrivateNetwork', settings: 'PrivateNetwork=yes', checks: ['ifaces', 'ns:net'], expect: { ifaces: 'lo', 'ns:net': { differs: true } } },
    { directive: 'PrivateIPC', settings: 'PrivateIPC=yes', checks: ['ns:ipc'], expect: { 'ns:ipc': { differs: true } } },
    { directive: 'PrivateUsers', settings: 'PrivateUsers=yes', checks: ['cat:/proc/self/uid_map'], expect: { 'cat:/proc/self/uid_map': '0 0 1' } },
    { directive: 'PrivateMounts', settings: 'PrivateMounts=yes', checks: ['ns:mnt'], expect: { 'ns:mnt': { differs: true } } },
    { directive: 'ProtectKernelTunables', settings: 'ProtectKernelTunables=yes', checks: ['openw:/proc/sys/kernel/hostname'], expect: { 'openw:/proc/sys/kernel/hostname': 'EROFS' } },
    { directive: 'ProtectKernelModules', settings: 'ProtectKernelModules=yes', checks: ['syscall:init_module', 'status:CapBnd'], expect: { 'syscall:init_module': 'EPERM' } },
    { directive: 'ProtectKernelLogs', settings: 'ProtectKernelLogs=yes', checks: ['syscall:syslog', 'open:/proc/kmsg'], expect: { 'syscall:syslog': 'EPERM' } },
    { directive: 'ProtectClock', settings: 'ProtectClock=yes', checks: ['syscall:clock-settime'], expect: { 'syscall:clock-settime': 'EPERM' } },
    { directive: 'ProtectControlGroups', settings: 'ProtectControlGroups=yes', checks: ['write:/sys/fs/cgroup'], expect: { 'write:/sys/fs/cgroup': 'EROFS' } },
    { directive: 'ProtectHostname', settings: 'ProtectHostname=yes', checks: ['syscall:sethostname', 'ns:uts'], expect: { 'syscall:sethostname': 'EPERM', 'ns:uts': { differs: true } } },
    { directive: 'ProtectProc', settings: 'User=nobody\nProtectProc=invisible', checks: ['stat:/proc/1'], expect: { 'stat:/proc/1': 'ENOENT' } },
    { directive: 'ProcSubset', settings: 'ProcSubset=pid', checks: ['stat:/proc/sys'], expect: { 'stat:/proc/sys': 'ENOENT' } },
    { directive: 'KeyringMode', settings: 'KeyringMode=private', checks: ['keyring'], expect: { keyring: { differs: true } } },
    { directive: 'SystemCallFilter', settings: 'SystemCallFilter=~@swap\nSystemCallErrorNumber=EPERM', checks: ['syscall:swapoff', 'syscall:getpid'], expect: { 'syscall:swapoff': 'EPERM', 'syscall:getpid': 'ok' } },
    { directive: 'SystemCallArchitectures', settings: 'SystemCallArchitectures=native', checks: ['status:Seccomp'], expect: { 'status:Seccomp': '2' } },
    { directive: 'RestrictNamespaces', settings: 'RestrictNamespaces=yes', checks: ['syscall:unshare-user', 'syscall:unshare-net'], expect: { 'syscall:unshare-user': 'EPERM', 'syscall:unshare-net': 'EPERM' } },
    { directive: 'RestrictAddressFamilies', settings: 'RestrictAddressFamilies=AF_UNIX', checks: ['syscall:socket-inet', 'syscall:socket-packet', 'syscall:socket-unix'],
      expect: { 'syscall:socket-inet': 'EAFNOSUPPORT', 'syscall:socket-packet': 'EAFNOSUPPORT', 'syscall:socket-unix': 'ok' } },
    { directive: 'RestrictRealtime', settings: 'RestrictRealtime=yes', checks: ['syscall:sched-fifo'], expect: { 'syscall:sched-fifo': 'EPERM' } },
    { directive: 'RestrictSUIDSGID', settings: `RestrictSUIDSGID=yes\nWorkingDirectory=${d.runDir}`, checks: ['syscall:chmod-suid'], expect: { 'syscall:chmod-suid': 'EPERM' } },
    { directive: 'LockPersonality', settings: 'LockPersonality=yes', checks: ['syscall:personality'], expect: { 'syscall:personality': 'EPERM' } },
    { directive: 'MemoryDenyWriteExecute', settings: 'MemoryDenyWriteExecute=yes', checks: ['syscall:mmap-wx'], expect: { 'syscall:mmap-wx': 'EPERM' } },
  ];
  return c;
}

/** Narrowing directives another test proves, with that test. */
const COVERED: Record<string, string> = {
  RootDirectory: 'tests/e2e/exec-prepare.test.ts "AmbientCapabilities= with User=nobody; RootDirectory= chroots before exec"',
  RemoveIPC: 'tests/e2e/sandbox-enforce.test.ts "System V and POSIX IPC objects of the unit\'s user are removed when it stops"',
  NetworkNamespacePath: 'tests/e2e/sandbox-enforce.test.ts "PrivateNetwork=: only lo, shared with JoinsNamespaceOf=; NetworkNamespacePath= joins"',
  ...Object.fromEntries(['MemoryMax', 'MemoryLimit', 'TasksMax', 'CPUQuota'].map((k) => [k, 'tests/e2e/resources.test.ts (cgroup files hold the limits; OOM kill; fork bomb)'])),
  ...Object.fromEntries(['MemoryHigh', 'MemorySwapMax', 'MemoryMin', 'MemoryLow', 'CPUQuotaPeriodSec', 'AllowedCPUs', 'AllowedMemoryNodes', 'Slice']
    .map((k) => [k, 'tests/unit/resources.test.ts (the cgroup writes, unified and v1, checked against systemd 252)'])),
};

/** Narrowing directives tsysd refuses instead of running without them. */
const REFUSED = ['RootImage'];

/** Enforced directives that do not narrow privilege (lifecycle, I/O, environment, priorities) or widen it
 *  on purpose (the unit grants more: SupplementaryGroups=, AmbientCapabilities=, ReadWritePaths=, ...). */
const NOT_NARROWING = new Set((
  'PIDFile ExecCondition ExecStartPre ExecStart ExecStartPost ExecReload ExecStop ExecStopPost RestartSec TimeoutSec TimeoutStartSec ' +
  'TimeoutStopSec TimeoutAbortSec TimeoutStartFailureMode TimeoutStopFailureMode RuntimeMaxSec WatchdogSec Type ExitType Restart ' +
  'RemainAfterExit GuessMainPID RestartPreventExitStatus RestartForceExitStatus SuccessExitStatus BusName FileDescriptorStoreMax ' +
  'NotifyAccess Sockets StartLimitInterval StartLimitBurst StartLimitAction FailureAction WorkingDirectory Nice OOMScoreAdjust ' +
  'Environment EnvironmentFile PassEnvironment UnsetEnvironment StandardInput StandardOutput StandardError StandardInputText ' +
  'StandardInputData TTYPath SyslogIdentifier RuntimeDirectory RuntimeDirectoryMode StateDirectory StateDirectoryMode CacheDirectory ' +
  'CacheDirectoryMode LogsDirectory LogsDirectoryMode ConfigurationDirectory ConfigurationDirectoryMode RuntimeDirectoryPreserve ' +
  'SendSIGKILL SendSIGHUP KillMode KillSignal RestartKillSignal FinalKillSignal WatchdogSignal ' +
  'SupplementaryGroups AmbientCapabilities ReadWriteDirectories ReadWritePaths ExecPaths BindPaths ' +
  'SystemCallLog SystemCallErrorNumber MountAPIVFS MountFlags IPCNamespacePath CPUWeight StartupCPUWeight IOWeight'
).split(' '));

/** Directives that would narrow privilege but that tsysd parses without enforcing; verify must say so. */
const NARROWING_UNENFORCED: Record<string, string> = {
  IPAddressDeny: 'any', IPAddressAllow: 'localhost', IPIngressFilterPath: '/sys/fs/bpf/x', IPEgressFilterPath: '/sys/fs/bpf/x',
  BPFProgram: 'egress:/sys/fs/bpf/x', SocketBindAllow: 'tcp:80', SocketBindDeny: 'any', RestrictNetworkInterfaces: 'lo',
  DeviceAllow: '/dev/null rw', DevicePolicy: 'closed', RestrictFileSystems: 'ext4', SELinuxContext: 'x',
  AppArmorProfile: 'x', SmackProcessLabel: 'x', PAMName: 'login', CPUAffinity: '0', NUMAPolicy: 'bind', NUMAMask: '0',
  IOReadBandwidthMax: '/dev/sda 1M', IOWriteBandwidthMax: '/dev/sda 1M', IOReadIOPSMax: '/dev/sda 10', IOWriteIOPSMax: '/dev/sda 10',
  StartupAllowedCPUs: '0', StartupAllowedMemoryNodes: '0', CPUSchedulingResetOnFork: 'yes', MountImages: '/x.raw:/mnt',
  ExtensionImages: '/x.raw', ExtensionDirectories: '/x', RootHash: '/x.roothash', RootHashSignature: '/x.sig', RootVerity: '/x.verity',
  RootImageOptions: 'root:ro',
};

describe('no service runs wider than its unit grants: every narrowing directive, enumerated', { timeout: 300000 }, () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon({ units: {}, net: true, runMountPoint: true });
    for (const n of ['ro', 'hidden', 'tfs', 'bsrc', 'bdst']) fs.mkdirSync(path.join(d.runDir, n));
    for (const n of ['hidden', 'tfs', 'bsrc']) fs.writeFileSync(path.join(d.runDir, n, 'f'), 'x');
  });
  after(async () => { await d.stop(); });

  it('the classification covers every [Service] directive of the tables', () => {
    const probed = new Set(cases(d).map((c) => c.directive));
    const known = new Set([...probed, ...Object.keys(COVERED), ...REFUSED, ...NOT_NARROWING, ...Object.keys(NARROWING_UNENFORCED)]);
    const service = ALL_ROWS.filter((r) => r.sections.includes('Service'));
    const missing = service.filter((r) => r.enforced && !known.has(r.key)).map((r) => r.key);
    assert.deepEqual(missing, [], 'enforced directives nobody classified: add a probe case, or say why they do not narrow');
    for (const k of [...probed, ...Object.keys(COVERED), ...REFUSED]) {
      assert.ok(service.some((r) => r.key === k && r.enforced), `${k} is classified as enforced but the table says otherwise`);
    }
    for (const k of Object.keys(NARROWING_UNENFORCED)) assert.ok(service.some((r) => r.key === k && !r.enforced), `${k}: enforced now? move it to a probe case`);
  });

  it('each enforced narrowing directive holds inside the service', async () => {
    const all = cases(d);
    const baseChecks = [...new Set(all.flatMap((c) => Object.entries(c.expect).filter(([, e]) => typeof e === 'object' && !(e instanceof RegExp)).map(([k]) => k)))];
    const base = await probe(d, 'base', '', baseChecks);
    assert.equal(base['_rc'], '0', JSON.stringify(base));
    const failures: string[] = [];
    for (const [n, c] of all.entries()) {
      const r = await probe(d, `n${n}`, c.settings, c.checks);
      if (r['_rc'] !== '0') { failures.push(`${c.directive} (${c.settings.replace(/\n/g, ' ')}): did not run: ${JSON.stringify(r)}`); continue; }
      for (const [k, e] of Object.entries(c.expect)) {
        const got = r[k] ?? '(missing)';
        const ok = typeof e === 'string' ? got === e : e instanceof RegExp ? e.test(got) : got !== base[k] && got !== '(missing)';
        if (!ok) failures.push(`${c.directive} (${c.settings.replace(/\n/g, ' ')}): ${k}=${got}, want ${typeof e === 'string' || e instanceof RegExp ? String(e) : `≠ ${base[k]}`}`);
      }
    }
    assert.deepEqual(failures, []);
  });

  it('a directive tsysd cannot apply refuses the unit instead of running it unconfined', async () => {
    for (const k of REFUSED) {
      const r = await probe(d, `refused-${k}`, `${k}=/nonexistent-tsysd.raw`, ['id']);
      assert.notEqual(r['_rc'], '0', `${k}: started`);
      assert.equal(r['id'], undefined, `${k}: the service ran (${r['id']})`);
    }
  });

  it('narrowing directives tsysd does not enforce are reported by verify as not enforced', () => {
    const f = path.join(d.dir, 'unenforced.service');
    fs.writeFileSync(f, `[Service]\nExecStart=/bin/true\n${Object.entries(NARROWING_UNENFORCED).map(([k, val]) => `${k}=${val}`).join('\n')}\n`);
    const res = collectVerify([f], { unitPaths: [], userMode: false });
    const cfg = res.units[0];
    assert.ok(cfg, 'loaded');
    const reported = new Set((cfg.notEnforced ?? []).map((n) => n.key.replace(/^Service\./, '')));
    const text = res.messages.map((m) => m.message).join('\n');
    for (const k of Object.keys(NARROWING_UNENFORCED)) {
      assert.ok(reported.has(k), `${k} not recorded as not enforced`);
      assert.match(text, new RegExp(`\\b${k}=`), `verify does not mention ${k}=`);
    }
  });
});
