// The assessor table of `systemd-analyze security` as systemd 252 has it (src/analyze/analyze-security.c:
// security_assessor_table[] with each row's weight, range and descriptions, in table order, which decides
// ties when the renderer sorts), the SecurityInfo each row reads, and the exposure arithmetic: per row
// DIV_ROUND_UP(badness × weight, range) summed, divided by the summed weights of the rows that apply,
// rounded up, in tenths (0..100), then the level table (DANGEROUS ≥ 100 … PERFECT = 0).
// Invariants: pure; no I/O; badness null means "does not apply" (systemd's UINT64_MAX) and leaves the row
// out of both sums. Rendering is src/analyze/security-render.ts; filling SecurityInfo from a unit is
// ./security-info.ts.
import { syscallGroup } from './syscall-filter';
import { NATIVE_SYSCALLS_X86_64 } from './syscalls-x86-64';
import { CAP_NAMES } from '../exec/caps';

/** What systemd-analyze reads of a unit (its SecurityInfo). Capability sets are bit masks by CAP_NAMES index. */
export interface SecurityInfo {
  id: string;
  fragmentPath: string;
  defaultDependencies: boolean;
  ambientCapabilities: bigint;
  capabilityBoundingSet: bigint;
  user: string | null;
  supplementaryGroups: string[];
  dynamicUser: boolean;
  ipAddressDenyAll: boolean;
  ipAddressAllowLocalhost: boolean;
  ipAddressAllowOther: boolean;
  ipFiltersCustom: boolean;
  keyringMode: string | null;
  protectProc: string | null;
  procSubset: string | null;
  lockPersonality: boolean;
  memoryDenyWriteExecute: boolean;
  noNewPrivileges: boolean;
  notifyAccess: string | null;
  protectHostname: boolean;
  privateDevices: boolean;
  privateMounts: boolean;
  privateNetwork: boolean;
  privateTmp: boolean;
  privateUsers: boolean;
  protectControlGroups: boolean;
  protectKernelModules: boolean;
  protectKernelTunables: boolean;
  protectKernelLogs: boolean;
  protectClock: boolean;
  protectHome: string | null;
  protectSystem: string | null;
  removeIPC: boolean;
  /** RestrictAddressFamilies= per class: true = that class of sockets is denied. */
  afInet: boolean; afUnix: boolean; afNetlink: boolean; afPacket: boolean; afOther: boolean;
  /** RestrictNamespaces=: the CLONE_NEW* flags still allowed (all bits when unset). */
  restrictNamespaces: number;
  restrictRealtime: boolean;
  restrictSUIDSGID: boolean;
  rootDirectory: string;
  rootImage: string;
  delegate: boolean;
  devicePolicy: string | null;
  deviceAllow: string[];
  systemCallArchitectures: string[];
  systemCallFilterAllowList: boolean;
  systemCallFilter: Set<string>;
  umask: number;
}

/** security_info_new(): the defaults before a unit's settings are read. */
export function newSecurityInfo(id: string): SecurityInfo {
  return {
    id, fragmentPath: '', defaultDependencies: true, ambientCapabilities: 0n, capabilityBoundingSet: (1n << 64n) - 1n,
    user: null, supplementaryGroups: [], dynamicUser: false, ipAddressDenyAll: false, ipAddressAllowLocalhost: false,
    ipAddressAllowOther: false, ipFiltersCustom: false, keyringMode: null, protectProc: null, procSubset: null,
    lockPersonality: false, memoryDenyWriteExecute: false, noNewPrivileges: false, notifyAccess: null, protectHostname: false,
    privateDevices: false, privateMounts: false, privateNetwork: false, privateTmp: false, privateUsers: false,
    protectControlGroups: false, protectKernelModules: false, protectKernelTunables: false, protectKernelLogs: false,
    protectClock: false, protectHome: null, protectSystem: null, removeIPC: false,
    afInet: false, afUnix: false, afNetlink: false, afPacket: false, afOther: false,
    restrictNamespaces: 0x7fffffff, restrictRealtime: false, restrictSUIDSGID: false, rootDirectory: '', rootImage: '',
    delegate: false, devicePolicy: null, deviceAllow: [], systemCallArchitectures: [], systemCallFilterAllowList: false,
    systemCallFilter: new Set(), umask: 0o002,
  };
}

interface Verdict { badness: number | null; description: string | null }

export interface Assessor {
  id: string;
  good?: string;
  bad?: string;
  na?: string;
  weight: number;
  range: number;
  defaultDependenciesOnly?: boolean;
  assess(i: SecurityInfo): Verdict;
}

const v = (badness: number | null, description: string | null = null): Verdict => ({ badness, description });
const capBit = (n: string): bigint => 1n << BigInt((CAP_NAMES as readonly string[]).indexOf(n));
const caps = (...names: string[]): bigint => names.reduce((m, n) => m | capBit(`CAP_${n}`), 0n);

function runsPrivileged(i: SecurityInfo): boolean {
  if (i.user === '0' || i.user === 'root') return true;
  if (i.dynamicUser) return false;
  return !i.user;
}

function parseBool(s: string | null): boolean | null {
  if (s === null) return null;
  if (['1', 'yes', 'y', 'true', 't', 'on'].includes(s)) return true;
  if (['0', 'no', 'n', 'false', 'f', 'off'].includes(s)) return false;
  return null;
}

/** assess_bool(): true is good, unless `invert` (the table's parameter=true, Delegate=). */
function bool(id: string, weight: number, good: string, bad: string, get: (i: SecurityInfo) => boolean, extra: { defaultDependenciesOnly?: boolean; invert?: boolean } = {}): Assessor {
  const invert = extra.invert === true;
  return { id, weight, range: 1, good, bad, defaultDependenciesOnly: extra.defaultDependenciesOnly, assess: (i) => v(get(i) !== invert ? 0 : 1) };
}

function cap(id: string, weight: number, good: string, bad: string, mask: bigint): Assessor {
  return { id, weight, range: 1, good, bad, assess: (i) => v((i.capabilityBoundingSet & mask) !== 0n ? 1 : 0) };
}

function ns(name: string, flag: number, weight: number, what: string): Assessor {
  return {
    id: `RestrictNamespaces=~${name}`, weight, range: 1, good: `Service cannot create ${what} namespaces`, bad: `Service may create ${what} namespaces`,
    assess: (i) => v((i.restrictNamespaces & flag) !== 0 ? 1 : 0),
  };
}

/** syscall_names_in_filter(): the first member of the group (nested groups first-come) that exists on this
 *  platform and is allowed by the filter; null when none is. */
function offendingSyscall(i: SecurityInfo, group: string, seen: Set<string> = new Set()): string | null {
  if (seen.has(group)) return null;
  seen.add(group);
  for (const m of syscallGroup(group) ?? []) {
    if (m.startsWith('@')) {
      const o = offendingSyscall(i, m, seen);
      if (o !== null) return o;
      continue;
    }
    if (!NATIVE_SYSCALLS_X86_64.has(m)) continue;
    if (i.systemCallFilter.has(m) === i.systemCallFilterAllowList) return m;
  }
  return null;
}

function syscallFilter(group: string, weight: number): Assessor {
  return {
    id: `SystemCallFilter=~${group}`, weight, range: 10,
    assess: (i) => {
      if (!i.systemCallFilterAllowList && i.systemCallFilter.size === 0) return v(10, 'Service does not filter system calls');
      const o = offendingSyscall(i, group);
      if (i.systemCallFilterAllowList) {
        return o !== null ? v(9, `System call allow list defined for service, and ${group} is included (e.g. ${o} is allowed)`)
          : v(0, `System call allow list defined for service, and ${group} is not included`);
      }
      return o !== null ? v(10, `System call deny list defined for service, and ${group} is not included (e.g. ${o} is allowed)`)
        : v(0, `System call deny list defined for service, and ${group} is included`);
    },
  };
}

export const SECURITY_ASSESSORS: readonly Assessor[] = [
  {
    id: 'User=/DynamicUser=', weight: 2000, range: 10, bad: 'Service runs as root user',
    assess: (i) => {
      if (i.user === 'nobody') return v(9, "Service runs under as 'nobody' user, which should not be used for services");
      if (i.dynamicUser && i.user !== '0' && i.user !== 'root') return v(0, 'Service runs under a transient non-root user identity');
      if (i.user && i.user !== '0' && i.user !== 'root') return v(0, 'Service runs under a static non-root user identity');
      return v(10);
    },
  },
  {
    id: 'SupplementaryGroups=', weight: 200, range: 1, good: 'Service has no supplementary groups', bad: 'Service runs with supplementary groups',
    na: 'Service runs as root, option does not matter', assess: (i) => v(runsPrivileged(i) ? null : (i.supplementaryGroups.length ? 1 : 0)),
  },
  bool('PrivateDevices=', 1000, 'Service has no access to hardware devices', 'Service potentially has access to hardware devices', (i) => i.privateDevices),
  bool('PrivateMounts=', 1000, 'Service cannot install system mounts', 'Service may install system mounts', (i) => i.privateMounts),
  bool('PrivateNetwork=', 2500, "Service has no access to the host's network", "Service has access to the host's network", (i) => i.privateNetwork),
  bool('PrivateTmp=', 1000, "Service has no access to other software's temporary files", "Service has access to other software's temporary files",
    (i) => i.privateTmp, { defaultDependenciesOnly: true }),
  bool('PrivateUsers=', 1000, 'Service does not have access to other users', 'Service has access to other users', (i) => i.privateUsers),
  bool('ProtectControlGroups=', 1000, 'Service cannot modify the control group file system', 'Service may modify the control group file system', (i) => i.protectControlGroups),
  bool('ProtectKernelModules=', 1000, 'Service cannot load or read kernel modules', 'Service may load or read kernel modules', (i) => i.protectKernelModules),
  bool('ProtectKernelTunables=', 1000, 'Service cannot alter kernel tunables (/proc/sys, …)', 'Service may alter kernel tunables', (i) => i.protectKernelTunables),
  bool('ProtectKernelLogs=', 1000, 'Service cannot read from or write to the kernel log ring buffer', 'Service may read from or write to the kernel log ring buffer', (i) => i.protectKernelLogs),
  bool('ProtectClock=', 1000, 'Service cannot write to the hardware clock or system clock', 'Service may write to the hardware clock or system clock', (i) => i.protectClock),
  {
    id: 'ProtectHome=', weight: 1000, range: 10, defaultDependenciesOnly: true,
    assess: (i) => {
      const b = parseBool(i.protectHome);
      if (b === true) return v(0, 'Service has no access to home directories');
      if (b === null && i.protectHome === 'read-only') return v(5, 'Service has read-only access to home directories');
      if (b === null && i.protectHome === 'tmpfs') return v(1, 'Service has access to fake empty home directories');
      return v(10, 'Service has full access to home directories');
    },
  },
  bool('ProtectHostname=', 50, 'Service cannot change system host/domainname', 'Service may change system host/domainname', (i) => i.protectHostname),
  {
    id: 'ProtectSystem=', weight: 1000, range: 10, defaultDependenciesOnly: true,
    assess: (i) => {
      const b = parseBool(i.protectSystem);
      if (b === true) return v(5, 'Service has limited write access to the OS file hierarchy');
      if (b === null && i.protectSystem === 'full') return v(3, 'Service has very limited write access to the OS file hierarchy');
      if (b === null && i.protectSystem === 'strict') return v(0, 'Service has strict read-only access to the OS file hierarchy');
      return v(10, 'Service has full access to the OS file hierarchy');
    },
  },
  {
    id: 'RootDirectory=/RootImage=', weight: 200, range: 1, defaultDependenciesOnly: true,
    good: 'Service has its own root directory/image', bad: "Service runs within the host's root directory",
    assess: (i) => v(['', '/'].includes(i.rootDirectory) && ['', '/'].includes(i.rootImage) ? 1 : 0),
  },
  bool('LockPersonality=', 100, 'Service cannot change ABI personality', 'Service may change ABI personality', (i) => i.lockPersonality),
  bool('MemoryDenyWriteExecute=', 100, 'Service cannot create writable executable memory mappings', 'Service may create writable executable memory mappings', (i) => i.memoryDenyWriteExecute),
  bool('NoNewPrivileges=', 1000, 'Service processes cannot acquire new privileges', 'Service processes may acquire new privileges', (i) => i.noNewPrivileges),
  cap('CapabilityBoundingSet=~CAP_SYS_ADMIN', 1500, 'Service has no administrator privileges', 'Service has administrator privileges', caps('SYS_ADMIN')),
  cap('CapabilityBoundingSet=~CAP_SET(UID|GID|PCAP)', 1500, 'Service cannot change UID/GID identities/capabilities', 'Service may change UID/GID identities/capabilities', caps('SETUID', 'SETGID', 'SETPCAP')),
  cap('CapabilityBoundingSet=~CAP_SYS_PTRACE', 1500, 'Service has no ptrace() debugging abilities', 'Service has ptrace() debugging abilities', caps('SYS_PTRACE')),
  cap('CapabilityBoundingSet=~CAP_SYS_TIME', 1000, 'Service processes cannot change the system clock', 'Service processes may change the system clock', caps('SYS_TIME')),
  cap('CapabilityBoundingSet=~CAP_NET_ADMIN', 1000, 'Service has no network configuration privileges', 'Service has network configuration privileges', caps('NET_ADMIN')),
  cap('CapabilityBoundingSet=~CAP_SYS_RAWIO', 1000, 'Service has no raw I/O access', 'Service has raw I/O access', caps('SYS_RAWIO')),
  cap('CapabilityBoundingSet=~CAP_SYS_MODULE', 1000, 'Service cannot load kernel modules', 'Service may load kernel modules', caps('SYS_MODULE')),
  cap('CapabilityBoundingSet=~CAP_AUDIT_*', 500, 'Service has no audit subsystem access', 'Service has audit subsystem access', caps('AUDIT_CONTROL', 'AUDIT_READ', 'AUDIT_WRITE')),
  cap('CapabilityBoundingSet=~CAP_SYSLOG', 500, 'Service has no access to kernel logging', 'Service has access to kernel logging', caps('SYSLOG')),
  cap('CapabilityBoundingSet=~CAP_SYS_(NICE|RESOURCE)', 500, 'Service has no privileges to change resource use parameters', 'Service has privileges to change resource use parameters', caps('SYS_NICE', 'SYS_RESOURCE')),
  cap('CapabilityBoundingSet=~CAP_MKNOD', 500, 'Service cannot create device nodes', 'Service may create device nodes', caps('MKNOD')),
  cap('CapabilityBoundingSet=~CAP_(CHOWN|FSETID|SETFCAP)', 1000, 'Service cannot change file ownership/access mode/capabilities',
    'Service may change file ownership/access mode/capabilities unrestricted', caps('CHOWN', 'FSETID', 'SETFCAP')),
  cap('CapabilityBoundingSet=~CAP_(DAC_*|FOWNER|IPC_OWNER)', 1000, 'Service cannot override UNIX file/IPC permission checks', 'Service may override UNIX file/IPC permission checks',
    caps('DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'IPC_OWNER')),
  cap('CapabilityBoundingSet=~CAP_KILL', 500, 'Service cannot send UNIX signals to arbitrary processes', 'Service may send UNIX signals to arbitrary processes', caps('KILL')),
  cap('CapabilityBoundingSet=~CAP_NET_(BIND_SERVICE|BROADCAST|RAW)', 500, 'Service has no elevated networking privileges', 'Service has elevated networking privileges',
    caps('NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_RAW')),
  cap('CapabilityBoundingSet=~CAP_SYS_BOOT', 100, 'Service cannot issue reboot()', 'Service may issue reboot()', caps('SYS_BOOT')),
  cap('CapabilityBoundingSet=~CAP_MAC_*', 100, 'Service cannot adjust SMACK MAC', 'Service may adjust SMACK MAC', caps('MAC_ADMIN', 'MAC_OVERRIDE')),
  cap('CapabilityBoundingSet=~CAP_LINUX_IMMUTABLE', 75, 'Service cannot mark files immutable', 'Service may mark files immutable', caps('LINUX_IMMUTABLE')),
  cap('CapabilityBoundingSet=~CAP_IPC_LOCK', 50, 'Service cannot lock memory into RAM', 'Service may lock memory into RAM', caps('IPC_LOCK')),
  cap('CapabilityBoundingSet=~CAP_SYS_CHROOT', 50, 'Service cannot issue chroot()', 'Service may issue chroot()', caps('SYS_CHROOT')),
  cap('CapabilityBoundingSet=~CAP_BLOCK_SUSPEND', 25, 'Service cannot establish wake locks', 'Service may establish wake locks', caps('BLOCK_SUSPEND')),
  cap('CapabilityBoundingSet=~CAP_WAKE_ALARM', 25, 'Service cannot program timers that wake up the system', 'Service may program timers that wake up the system', caps('WAKE_ALARM')),
  cap('CapabilityBoundingSet=~CAP_LEASE', 25, 'Service cannot create file leases', 'Service may create file leases', caps('LEASE')),
  cap('CapabilityBoundingSet=~CAP_SYS_TTY_CONFIG', 25, 'Service cannot issue vhangup()', 'Service may issue vhangup()', caps('SYS_TTY_CONFIG')),
  cap('CapabilityBoundingSet=~CAP_SYS_PACCT', 25, 'Service cannot use acct()', 'Service may use acct()', caps('SYS_PACCT')),
  cap('CapabilityBoundingSet=~CAP_BPF', 25, 'Service may not load BPF programs', 'Service may load BPF programs', caps('BPF')),
  {
    id: 'UMask=', weight: 100, range: 10,
    assess: (i) => {
      const m = i.umask;
      if (!(m & 0o002)) return v(10, 'Files created by service are world-writable by default');
      if (!(m & 0o004)) return v(5, 'Files created by service are world-readable by default');
      if (!(m & 0o020)) return v(2, 'Files created by service are group-writable by default');
      if (!(m & 0o040)) return v(1, 'Files created by service are group-readable by default');
      return v(0, "Files created by service are accessible only by service's own user by default");
    },
  },
  {
    id: 'KeyringMode=', weight: 1000, range: 1, good: "Service doesn't share key material with other services", bad: 'Service shares key material with other service',
    assess: (i) => v(i.keyringMode === 'private' ? 0 : 1),
  },
  {
    id: 'ProtectProc=', weight: 1000, range: 3, good: 'Service has restricted access to process tree (/proc hidepid=)', bad: 'Service has full access to process tree (/proc hidepid=)',
    assess: (i) => v(i.protectProc === 'noaccess' ? 1 : i.protectProc === 'invisible' || i.protectProc === 'ptraceable' ? 0 : 3),
  },
  {
    id: 'ProcSubset=', weight: 10, range: 1, good: 'Service has no access to non-process /proc files (/proc subset=)', bad: 'Service has full access to non-process /proc files (/proc subset=)',
    assess: (i) => v(i.procSubset === 'pid' ? 0 : 1),
  },
  {
    id: 'NotifyAccess=', weight: 1000, range: 1, good: 'Service child processes cannot alter service state', bad: 'Service child processes may alter service state',
    assess: (i) => v(i.notifyAccess === 'all' ? 1 : 0),
  },
  {
    id: 'RemoveIPC=', weight: 100, range: 1, good: 'Service user cannot leave SysV IPC objects around', bad: 'Service user may leave SysV IPC objects around',
    na: 'Service runs as root, option does not apply', assess: (i) => v(runsPrivileged(i) ? null : (i.removeIPC ? 0 : 1)),
  },
  bool('Delegate=', 100, 'Service does not maintain its own delegated control group subtree', 'Service maintains its own delegated control group subtree',
    (i) => i.delegate, { invert: true }),
  bool('RestrictRealtime=', 500, 'Service realtime scheduling access is restricted', 'Service may acquire realtime scheduling', (i) => i.restrictRealtime),
  bool('RestrictSUIDSGID=', 1000, 'SUID/SGID file creation by service is restricted', 'Service may create SUID/SGID files', (i) => i.restrictSUIDSGID),
  ns('user', 0x10000000, 1500, 'user'),
  ns('mnt', 0x00020000, 500, 'file system'),
  ns('ipc', 0x08000000, 500, 'IPC'),
  ns('pid', 0x20000000, 500, 'process'),
  ns('cgroup', 0x02000000, 500, 'cgroup'),
  ns('net', 0x40000000, 500, 'network'),
  ns('uts', 0x04000000, 100, 'hostname'),
  bool('RestrictAddressFamilies=~AF_(INET|INET6)', 1500, 'Service cannot allocate Internet sockets', 'Service may allocate Internet sockets', (i) => i.afInet),
  bool('RestrictAddressFamilies=~AF_UNIX', 25, 'Service cannot allocate local sockets', 'Service may allocate local sockets', (i) => i.afUnix),
  bool('RestrictAddressFamilies=~AF_NETLINK', 200, 'Service cannot allocate netlink sockets', 'Service may allocate netlink sockets', (i) => i.afNetlink),
  bool('RestrictAddressFamilies=~AF_PACKET', 1000, 'Service cannot allocate packet sockets', 'Service may allocate packet sockets', (i) => i.afPacket),
  bool('RestrictAddressFamilies=~…', 1250, 'Service cannot allocate exotic sockets', 'Service may allocate exotic sockets', (i) => i.afOther),
  {
    id: 'SystemCallArchitectures=', weight: 1000, range: 10,
    assess: (i) => {
      const a = new Set(i.systemCallArchitectures);
      if (a.size === 0) return v(10, 'Service may execute system calls with all ABIs');
      if (a.has('native') && a.size === 1) return v(0, 'Service may execute system calls only with native ABI');
      return v(8, 'Service may execute system calls with multiple ABIs');
    },
  },
  syscallFilter('@swap', 1000),
  syscallFilter('@obsolete', 250),
  syscallFilter('@clock', 1000),
  syscallFilter('@cpu-emulation', 250),
  syscallFilter('@debug', 1000),
  syscallFilter('@mount', 1000),
  syscallFilter('@module', 1000),
  syscallFilter('@raw-io', 1000),
  syscallFilter('@reboot', 1000),
  syscallFilter('@privileged', 700),
  syscallFilter('@resources', 700),
  {
    id: 'IPAddressDeny=', weight: 1000, range: 10,
    assess: (i) => {
      if (i.ipFiltersCustom) return v(0, 'Service defines custom ingress/egress IP filters with BPF programs');
      if (!i.ipAddressDenyAll) return v(10, 'Service does not define an IP address allow list');
      if (i.ipAddressAllowOther) return v(5, 'Service defines IP address allow list with non-localhost entries');
      if (i.ipAddressAllowLocalhost) return v(2, 'Service defines IP address allow list with only localhost entries');
      return v(0, 'Service blocks all IP address ranges');
    },
  },
  {
    id: 'DeviceAllow=', weight: 1000, range: 10,
    assess: (i) => {
      if (i.devicePolicy !== 'strict' && i.devicePolicy !== 'closed') return v(10, 'Service has no device ACL');
      if (i.deviceAllow.length) return v(5, `Service has a device ACL with some special devices: ${i.deviceAllow.join(' ')}`);
      return v(0, 'Service has a minimal device ACL');
    },
  },
  {
    id: 'AmbientCapabilities=', weight: 500, range: 1, good: 'Service process does not receive ambient capabilities', bad: 'Service process receives ambient capabilities',
    assess: (i) => v(i.ambientCapabilities !== 0n ? 1 : 0),
  },
];

/** One assessed row, in table order. badness null: the row does not apply. */
export interface AssessedRow {
  id: string;
  description: string | null;
  weight: number;
  badness: number | null;
  range: number;
  /** The EXPOSURE cell ("0.2"), '' for rows that add nothing. */
  exposure: string;
}

export interface SecurityLevel { min: number; name: string; smiley: 'depressed' | 'unhappy' | 'slightly-unhappy' | 'neutral' | 'slightly-happy' | 'happy' | 'ecstatic' }

export const SECURITY_LEVELS: readonly SecurityLevel[] = [
  { min: 100, name: 'DANGEROUS', smiley: 'depressed' },
  { min: 90, name: 'UNSAFE', smiley: 'unhappy' },
  { min: 75, name: 'EXPOSED', smiley: 'slightly-unhappy' },
  { min: 50, name: 'MEDIUM', smiley: 'neutral' },
  { min: 10, name: 'OK', smiley: 'slightly-happy' },
  { min: 1, name: 'SAFE', smiley: 'happy' },
  { min: 0, name: 'PERFECT', smiley: 'ecstatic' },
];

export interface Assessment { id: string; rows: AssessedRow[]; exposure: number; level: SecurityLevel }

const ceilDiv = (a: number, b: number): number => Math.floor((a + b - 1) / b);
export const tenths = (x: number): string => `${Math.floor(x / 10)}.${x % 10}`;

/** assess(): every row, the per-row exposure cells and the overall exposure (tenths) and level. */
export function assessSecurity(info: SecurityInfo): Assessment {
  let badnessSum = 0;
  let weightSum = 0;
  const rows: AssessedRow[] = [];
  for (const a of SECURITY_ASSESSORS) {
    const r = a.defaultDependenciesOnly && !info.defaultDependencies
      ? v(null, 'Service runs in special boot phase, option is not appropriate') : a.assess(info);
    if (r.badness !== null) {
      badnessSum += ceilDiv(r.badness * a.weight, a.range);
      weightSum += a.weight;
    }
    let description = r.badness === null ? (a.na ?? null) : r.badness === a.range ? (a.bad ?? null) : r.badness === 0 ? (a.good ?? null) : null;
    if (r.description !== null) description = r.description;
    rows.push({ id: a.id, description, weight: a.weight, badness: r.badness, range: a.range, exposure: '' });
  }
  for (const row of rows) {
    if (row.badness === null || row.badness === 0) continue;
    row.exposure = tenths(ceilDiv(ceilDiv(row.badness * row.weight * 100, row.range), weightSum));
  }
  const exposure = ceilDiv(badnessSum * 100, weightSum);
  const level = SECURITY_LEVELS.find((l) => exposure >= l.min) ?? SECURITY_LEVELS[SECURITY_LEVELS.length - 1]!;
  return { id: info.id, rows, exposure, level };
}
