// Condition*=/Assert*= evaluation, every kind of systemd 252 (src/shared/condition.c), against an
// injectable environment of OS primitives (files, /proc and /sys reads, ids, detection results).
// Combination rule (condition_test_list): every non-trigger entry must pass, and if there are '|' trigger
// entries at least one of them must pass; '!' negates an entry's own result; an entry that cannot be
// determined ('error': bad value, unreadable state) fails regardless of '!'. Nothing passes by default:
// a kind this evaluator does not know is an error. Where systemd passes for lack of data (PSI files
// absent, a cgroup without the controller) so does this.
// Invariant: pure; all OS knowledge comes through ConditionEnv (src/platform/conditions-real.ts).
// This file owns ConditionEnv, the kind list, the per-kind dispatch (checkCondition, with the path/file
// kinds inline) and the list evaluation; the other kinds' evaluators are condition-host.ts (kernel, OS,
// firmware, security, power, credentials) and condition-resources.ts (CPUs, memory, users, cgroups, PSI).
import type { Condition } from '../directives/types';
import { architectureFromMachine, ARCHITECTURES, parseBoolean, parseSize, passIf as b } from './condition-values';
import {
  acPower, capability, cpuFeature, credential, firmware, host, kernelCommandLine, kernelVersion, needsUpdate, osRelease,
  security, virtualization,
} from './condition-host';
import { controlGroupController, group, orderCheck, physicalMemory, pressure, user } from './condition-resources';

export { fnmatch } from './condition-values';
export { parseOsRelease } from './condition-host';

export interface FileInfo { type: 'file' | 'dir' | 'symlink' | 'other'; size: number; mode: number; mtimeNs?: bigint }

export interface ConditionEnv {
  /** access(2): mode 'F' exists, 'W' writable, 'X' executable; follow = false → laccess (the link itself). */
  access(path: string, mode?: 'F' | 'W' | 'X', follow?: boolean): boolean;
  stat(path: string): FileInfo | null;          // follows symlinks
  lstat(path: string): FileInfo | null;
  /** Entry names, or the errno code name ('ENOENT', 'ENOTDIR', 'EACCES', ...). */
  readDir(path: string): string[] | { errno: string };
  /** A small file's text (/proc, /sys, /etc); null when it cannot be read. */
  readFile(path: string): string | null;
  globMatches(pattern: string): boolean;
  isMountPoint(path: string): boolean;          // follows symlinks
  /** path_is_read_only_fs(): true, false, or 'ENOENT' / 'error'. */
  readOnlyFs(path: string): boolean | 'ENOENT' | 'error';
  /** path_is_encrypted(): the file system's block device is (on) a dm-crypt device. */
  isEncrypted(path: string): boolean;
  /** detect_container() id ('docker', 'podman', 'lxc', 'systemd-nspawn', 'container-other', ...) or null. */
  container(): string | null;
  /** detect_vm() id ('kvm', 'qemu', 'xen', 'vm-other', ...) or null. */
  vm(): string | null;
  inUserNamespace(): boolean;
  hostname(): string;
  /** uname -r / uname -m. */
  kernelRelease(): string;
  machine(): string;
  /** The environment conditions see: the manager's unit environment (systemd-analyze: its own). */
  environment(): string[];
  /** The process's own variables ($CREDENTIALS_DIRECTORY, $SYSTEMD_PROC_CMDLINE). */
  getenv(name: string): string | undefined;
  uid(): number; euid(): number; gid(): number; egid(): number; groups(): number[];
  isPid1(): boolean;
  userName(): string | null;
  lookupUser(name: string): number | null;
  lookupGroup(name: string): number | null;
  /** cg_unified_cached(): 'all' (cgroup2 on /sys/fs/cgroup), 'systemd' (hybrid), 'none' (legacy), null unknown. */
  cgroupUnified(): 'all' | 'systemd' | 'none' | null;
  /** cg_get_root_path(): PID 1's cgroup without a trailing /init.scope ('/' at the top). */
  cgroupRoot(): string;
  cpusInAffinity(): number;
  /** sysconf(_SC_PHYS_PAGES) * page size. */
  totalMemory(): number;
  /** A NETLINK_AUDIT socket can be opened (use_audit()). */
  auditAvailable(): boolean;
}

export type EntryResult = 'pass' | 'fail' | 'error' | 'unsupported';

/** The kinds systemd 252 has (ConditionX= and AssertX=). */
export const SUPPORTED_KINDS = new Set([
  'PathExists', 'PathExistsGlob', 'PathIsDirectory', 'PathIsSymbolicLink', 'PathIsMountPoint', 'PathIsReadWrite', 'PathIsEncrypted',
  'DirectoryNotEmpty', 'FileNotEmpty', 'FileIsExecutable', 'KernelCommandLine', 'KernelVersion', 'Credential', 'Virtualization',
  'Security', 'Capability', 'Host', 'ACPower', 'Architecture', 'Firmware', 'NeedsUpdate', 'FirstBoot', 'User', 'Group',
  'ControlGroupController', 'CPUs', 'Memory', 'Environment', 'CPUFeature', 'OSRelease', 'MemoryPressure', 'CPUPressure', 'IOPressure',
]);

export function isSupportedCondition(kind: string): boolean { return SUPPORTED_KINDS.has(kind); }


function hiddenOrBackup(n: string): boolean {
  if (n.startsWith('.') || n === 'lost+found' || n === 'aquota.user' || n === 'aquota.group' || n.endsWith('~')) return true;
  const d = n.lastIndexOf('.');
  return d >= 0 && ['rpmnew', 'rpmsave', 'rpmorig', 'dpkg-old', 'dpkg-new', 'dpkg-tmp', 'dpkg-dist', 'dpkg-bak', 'dpkg-backup',
    'dpkg-remove', 'ucf-new', 'ucf-old', 'ucf-dist', 'swp', 'bak', 'old', 'new'].includes(n.slice(d + 1));
}

/** One entry, before '!' negation. */
export function checkCondition(kind: string, v: string, env: ConditionEnv): EntryResult {
  switch (kind) {
    case 'PathExists': return b(env.access(v));
    case 'PathExistsGlob': return b(env.globMatches(v));
    case 'PathIsDirectory': return b(env.stat(v)?.type === 'dir');
    case 'PathIsSymbolicLink': return b(env.lstat(v)?.type === 'symlink');
    case 'PathIsMountPoint': return b(env.isMountPoint(v));
    case 'PathIsReadWrite': { const r = env.readOnlyFs(v); return b(r !== true && r !== 'ENOENT'); }
    case 'PathIsEncrypted': return b(env.isEncrypted(v));
    case 'DirectoryNotEmpty': {
      const d = env.readDir(v);
      if (!Array.isArray(d)) return b(d.errno !== 'ENOENT' && d.errno !== 'ENOTDIR');
      return b(d.some((n) => !hiddenOrBackup(n)));
    }
    case 'FileNotEmpty': { const s = env.stat(v); return b(s?.type === 'file' && s.size > 0); }
    case 'FileIsExecutable': { const s = env.stat(v); return b(s?.type === 'file' && (s.mode & 0o111) !== 0); }
    case 'KernelCommandLine': return kernelCommandLine(v, env);
    case 'KernelVersion': return kernelVersion(v, env);
    case 'Credential': return credential(v, env);
    case 'Virtualization': return virtualization(v, env);
    case 'Security': return security(v, env);
    case 'Capability': return capability(v, env);
    case 'Host': return host(v, env);
    case 'ACPower': return acPower(v, env);
    case 'Architecture': {
      const a = architectureFromMachine(env.machine());
      if (a === null) return 'error';
      if (v === 'native') return 'pass';
      return b(ARCHITECTURES.has(v) && v === a);
    }
    case 'Firmware': return firmware(v, env);
    case 'NeedsUpdate': return needsUpdate(v, env);
    case 'FirstBoot': { const x = parseBoolean(v); return x === null ? 'error' : b(env.access('/run/systemd/first-boot') === x); }
    case 'User': return user(v, env);
    case 'Group': return group(v, env);
    case 'ControlGroupController': return controlGroupController(v, env);
    case 'CPUs': return orderCheck(v, env.cpusInAffinity(), (s) => (/^\s*[0-9]+\s*$/.test(s) ? Number(s) : null));
    case 'Memory': return orderCheck(v, physicalMemory(env), parseSize);
    case 'Environment': {
      const equal = v.includes('=');
      return b(env.environment().some((e) => (equal ? e === v : e === v || e.startsWith(v + '='))));
    }
    case 'CPUFeature': return cpuFeature(v, env);
    case 'OSRelease': return osRelease(v, env);
    case 'MemoryPressure': case 'CPUPressure': case 'IOPressure': return pressure(kind, v, env);
    default: return 'error';
  }
}

export { strverscmpImproved as versionCompare } from './condition-values';

export interface ListResult {
  ok: boolean;
  failed: Condition | null;
  /** Per-entry outcome after negation, in order (for status/verify). */
  entries: { condition: Condition; result: EntryResult }[];
}

/** condition_test_list() over one list (conditions or asserts, not mixed). */
export function evaluateConditionList(list: Condition[], env: ConditionEnv): ListResult {
  const entries: ListResult['entries'] = [];
  let triggered: boolean | null = null;
  let lastTrigger: Condition | null = null;
  for (const c of list) {
    const raw = checkCondition(c.kind, c.value, env);
    let pass: boolean;
    let res: EntryResult;
    if (raw === 'error' || raw === 'unsupported') { pass = false; res = 'error'; }
    else { pass = (raw === 'pass') !== c.negate; res = pass ? 'pass' : 'fail'; }
    entries.push({ condition: c, result: res });
    if (!c.trigger && !pass) return { ok: false, failed: c, entries };
    if (c.trigger) { lastTrigger = c; if (triggered !== true) triggered = pass; }
  }
  const ok = triggered !== false;
  return { ok, failed: ok ? null : lastTrigger, entries };
}
