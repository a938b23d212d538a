// Condition*=/Assert*= evaluation, every kind of systemd 252 (src/shared/condition.c), against an
// injectable environment of OS primitives (files, /proc and /sys reads, ids, detection results).
// Combination rule (condition_test_list): every non-trigger entry must pass, and if there are '|' trigger
// entries at least one of them must pass; '!' negates an entry's own result; an entry that cannot be
// determined ('error': bad value, unreadable state) fails regardless of '!'. Nothing passes by default:
// a kind this evaluator does not know is an error. Where systemd passes for lack of data (PSI files
// absent, a cgroup without the controller) so does this.
// Invariant: pure; all OS knowledge comes through ConditionEnv (src/platform/conditions-real.ts).
import type { Condition } from '../directives/types';
import {
  architectureFromMachine, ARCHITECTURES, capabilityFromName, CGROUP_CONTROLLERS, CGROUP_V1_CONTROLLERS, CGROUP_V2_CONTROLLERS,
  CPU_FEATURES, fnmatch, parseBoolean, parseCompareOperator, parsePermyriad, parseSize, splitWords,
  testOrder, versionOrFnmatchCompare,
} from './condition-values';

export { fnmatch } from './condition-values';

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

type R = 'pass' | 'fail' | 'error';
const b = (x: boolean): R => (x ? 'pass' : 'fail');

function hiddenOrBackup(n: string): boolean {
  if (n.startsWith('.') || n === 'lost+found' || n === 'aquota.user' || n === 'aquota.group' || n.endsWith('~')) return true;
  const d = n.lastIndexOf('.');
  return d >= 0 && ['rpmnew', 'rpmsave', 'rpmorig', 'dpkg-old', 'dpkg-new', 'dpkg-tmp', 'dpkg-dist', 'dpkg-bak', 'dpkg-backup',
    'dpkg-remove', 'ucf-new', 'ucf-old', 'ucf-dist', 'swp', 'bak', 'old', 'new'].includes(n.slice(d + 1));
}

/** proc_cmdline(): $SYSTEMD_PROC_CMDLINE, PID 1's command line in a container, else /proc/cmdline. */
function procCmdline(env: ConditionEnv): string | null {
  const e = env.getenv('SYSTEMD_PROC_CMDLINE');
  if (e !== undefined) return e;
  if (env.container() !== null) {
    const c = env.readFile('/proc/1/cmdline');
    return c === null ? null : c.replace(/\0+$/, '').replace(/\0/g, ' ');
  }
  return env.readFile('/proc/cmdline');
}

function kernelCommandLine(v: string, env: ConditionEnv): R {
  const line = procCmdline(env);
  if (line === null) return 'error';
  const words = splitWords(line, true, true) ?? [];
  const equal = v.includes('=');
  return b(words.some((w) => (equal ? w === v : w === v || w.startsWith(v + '='))));
}

function kernelVersion(v: string, env: ConditionEnv): R {
  const words = splitWords(v, true);
  if (words === null) return 'error';
  const rel = env.kernelRelease();
  for (let i = 0; i < words.length; i++) {
    let s = words[i]!.trim();
    const p = parseCompareOperator(s, true, true);
    if (p === 'invalid') return 'error';
    const op = p ? p.op : '$=';
    s = (p ? p.rest : s).trimStart();
    if (s === '') {
      if (i !== 0 || i + 1 >= words.length) return 'error';   // only the first may have a space after the operator
      s = words[++i]!;
    }
    const r = versionOrFnmatchCompare(op, rel, s);
    if (r === null) return 'error';
    if (!r) return 'fail';
  }
  return 'pass';
}

/** parse_os_release(): /etc/os-release, else /usr/lib/os-release; env-file syntax. */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const l = raw.trim();
    if (l === '' || l.startsWith('#') || l.startsWith(';')) continue;
    const i = l.indexOf('=');
    if (i <= 0) continue;
    const k = l.slice(0, i).trim();
    const w = splitWords(l.slice(i + 1).trim(), true, true);
    out[k] = w ? w.join(' ') : '';
  }
  return out;
}

function osRelease(v: string, env: ConditionEnv): R {
  const words = splitWords(v, true);
  if (words === null) return 'error';
  const text = env.readFile('/etc/os-release') ?? env.readFile('/usr/lib/os-release');
  if (text === null) return 'error';
  const os = parseOsRelease(text);
  for (const w of words) {
    const m = /^([^<>=!$]*)(.*)$/.exec(w)!;
    const key = m[1] ?? '', rest = m[2] ?? '';
    if (rest === '' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return 'error';
    const p = parseCompareOperator(rest, true, true);
    if (!p || p === 'invalid' || p.rest === '' || /^\s/.test(p.rest)) return 'error';
    const r = versionOrFnmatchCompare(p.op, os[key] ?? '', p.rest);
    if (r === null) return 'error';
    if (!r) return 'fail';
  }
  return 'pass';
}

function readLimit(env: ConditionEnv, unified: boolean): number | null {
  const root = env.cgroupRoot();
  const f = unified ? `/sys/fs/cgroup${root === '/' ? '' : root}/memory.max` : `/sys/fs/cgroup/memory${root === '/' ? '' : root}/memory.limit_in_bytes`;
  const t = env.readFile(f)?.trim();
  if (!t || t === 'max' || !/^[0-9]+$/.test(t)) return null;
  return Number(t);
}

/** physical_memory(): RAM, lowered to the root cgroup's memory limit. */
function physicalMemory(env: ConditionEnv): number {
  const mem = env.totalMemory();
  const u = env.cgroupUnified();
  if (u === null) return mem;
  const lim = readLimit(env, u === 'all');
  if (lim === null) return mem;
  const page = 4096;
  return Math.min(mem, Math.floor(lim / page) * page);
}

function orderCheck(v: string, have: number, parse: (s: string) => number | null): R {
  const p = parseCompareOperator(v, false, false);
  if (p === 'invalid') return 'error';
  const op = p ? p.op : '>=';
  const want = parse(p ? p.rest : v);
  if (want === null) return 'error';
  const r = testOrder(have === want ? 0 : have < want ? -1 : 1, op);
  return r === null ? 'error' : b(r);
}

function user(v: string, env: ConditionEnv): R {
  const uid = env.uid(), euid = env.euid();
  if (v === 'root') return b(uid === 0 || euid === 0);
  if (v === 'nobody') return b(uid === 65534 || euid === 65534);
  if (v === '@system') return b(uid <= 999 || euid <= 999);
  if (/^[0-9]+$/.test(v)) { const id = Number(v); return b(id === uid || id === euid); }
  if (env.isPid1()) return 'fail';
  if (env.userName() === v) return 'pass';
  const id = env.lookupUser(v);
  return b(id !== null && (id === uid || id === euid));
}

function inGid(env: ConditionEnv, id: number): boolean { return id === env.gid() || id === env.egid() || env.groups().includes(id); }

function group(v: string, env: ConditionEnv): R {
  if (/^[0-9]+$/.test(v)) return b(inGid(env, Number(v)));
  if (env.isPid1()) return b(v === 'root');
  const id = env.lookupGroup(v);
  return b(id !== null && inGid(env, id));
}

function controlGroupController(v: string, env: ConditionEnv): R {
  const u = env.cgroupUnified();
  if (v === 'v2') return u === null ? 'error' : b(u === 'all');
  if (v === 'v1') return u === null ? 'error' : b(u !== 'all');
  const wanted = (splitWords(v, false) ?? []).filter((w) => CGROUP_CONTROLLERS.includes(w));
  if (wanted.length === 0) return 'pass';   // nothing parseable: systemd says yes
  if (u === null) return 'error';
  const root = env.cgroupRoot();
  const rel = root === '/' ? '' : root;
  let supported: string[];
  if (u === 'all') {
    const t = env.readFile(`/sys/fs/cgroup${rel}/cgroup.controllers`);
    if (t === null) return 'error';
    supported = (splitWords(t, false) ?? []).filter((c) => CGROUP_V2_CONTROLLERS.includes(c));
  } else {
    supported = CGROUP_V1_CONTROLLERS.filter((c) => env.access(`/sys/fs/cgroup/${c}${rel}/cgroup.procs`, 'W', false));
  }
  return b(wanted.every((w) => supported.includes(w)));
}

function virtualization(v: string, env: ConditionEnv): R {
  if (v === 'private-users') return b(env.inUserNamespace());
  const c = env.container();
  const m = c === null ? env.vm() : null;
  const bool = parseBoolean(v);
  if (bool !== null) return b(bool === (c !== null || m !== null));
  if (v === 'vm') return b(m !== null);
  if (v === 'container') return b(c !== null);
  return b((c ?? m) === v);
}

function host(v: string, env: ConditionEnv): R {
  const id = /^[0-9a-fA-F]{32}$/.test(v) ? v : /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(v) ? v.replace(/-/g, '') : null;
  if (id !== null) {
    const mid = env.readFile('/etc/machine-id')?.trim();
    if (!mid || !/^[0-9a-fA-F]{32}$/.test(mid)) return 'error';
    return b(mid.toLowerCase() === id.toLowerCase());
  }
  return b(fnmatch(v, env.hostname(), true));
}

function efiBoot(env: ConditionEnv): boolean { return env.container() === null && env.access('/sys/firmware/efi/'); }

function firmware(v: string, env: ConditionEnv): R {
  if (v === 'device-tree') return b(env.access('/sys/firmware/devicetree/'));
  if (v === 'uefi') return b(efiBoot(env));
  if (v.startsWith('device-tree-compatible(')) {
    const arg = v.slice('device-tree-compatible('.length);
    const end = arg.lastIndexOf(')');
    if (end < 0 || end !== arg.length - 1) return 'fail';
    const t = env.readFile('/proc/device-tree/compatible');
    if (!t || !t.endsWith('\0')) return 'fail';
    return b(t.slice(0, -1).split('\0').includes(arg.slice(0, end)));
  }
  if (v.startsWith('smbios-field(')) {
    const arg = v.slice('smbios-field('.length);
    const end = arg.lastIndexOf(')');
    if (end < 0 || end !== arg.length - 1) return 'error';
    const expr = arg.slice(0, end);
    const m = /^([^<>=!$]*)(.*)$/.exec(expr)!;
    const field = (m[1] ?? '').replace(/\s+$/, '');
    if (field === '' || (m[2] ?? '') === '') return 'error';
    const p = parseCompareOperator(m[2]!, true, true);
    if (!p || p === 'invalid') return 'error';
    const words = splitWords(p.rest, true);
    if (!words || words.length !== 1) return 'error';
    if (field.includes('/') || field === '.' || field === '..') return 'error';
    const actual = env.readFile(`/sys/class/dmi/id/${field}`);
    if (actual === null) return 'fail';
    const r = versionOrFnmatchCompare(p.op, actual.replace(/\s+$/, ''), words[0]!);
    return r === null ? 'error' : b(r);
  }
  return 'fail';
}

function security(v: string, env: ConditionEnv): R {
  switch (v) {
    case 'selinux': return b(env.access('/sys/fs/selinux/enforce'));
    case 'smack': return b(env.access('/sys/fs/smackfs/'));
    case 'apparmor': return b(parseBoolean((env.readFile('/sys/module/apparmor/parameters/enabled') ?? '').trim()) === true);
    case 'audit': return b(env.auditAvailable());
    case 'ima': return b(env.access('/sys/kernel/security/ima/'));
    case 'tomoyo': return b(env.access('/sys/kernel/security/tomoyo/version'));
    case 'uefi-secureboot': {
      if (!efiBoot(env)) return 'fail';
      const t = env.readFile('/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098e0c2ea');
      return b(t !== null && t.length >= 5 && t.charCodeAt(4) === 1);
    }
    case 'tpm2': {
      const sub = env.access('/sys/class/tpmrm');
      const fw = env.access('/sys/firmware/acpi/tables/TPM2') || env.access('/sys/kernel/security/tpm0/binary_bios_measurements');
      return b(sub && fw);
    }
    default: return 'fail';
  }
}

function capability(v: string, env: ConditionEnv): R {
  const n = capabilityFromName(v);
  if (n === null) return 'error';
  const st = env.readFile('/proc/self/status');
  if (st === null) return 'error';
  const hex = /^CapBnd:\s*([0-9a-fA-F]+)/m.exec(st)?.[1];
  if (hex === undefined) return 'pass';   // not listed: systemd assumes all
  return b(((BigInt('0x' + hex) >> BigInt(n)) & 1n) === 1n);
}

function needsUpdate(v: string, env: ConditionEnv): R {
  const words = splitWords(procCmdline(env) ?? '', true, true) ?? [];
  for (const w of words.reverse()) {
    if (w === 'systemd.condition-needs-update') return 'pass';
    if (w.startsWith('systemd.condition-needs-update=')) { const x = parseBoolean(w.slice(31)); if (x !== null) return b(x); }
  }
  if (!v.startsWith('/')) return 'pass';
  if (env.readOnlyFs(v) === true) return 'fail';
  const other = env.lstat(`${v}/.updated`);
  const usr = env.lstat('/usr/');
  if (!other || !usr || other.mtimeNs === undefined || usr.mtimeNs === undefined) return 'pass';
  const S = 1_000_000_000n;
  const [us, un, os, on] = [usr.mtimeNs / S, usr.mtimeNs % S, other.mtimeNs / S, other.mtimeNs % S];
  if (us !== os) return b(us > os);
  if (un === 0n || on > 0n) return b(un > on);
  const ts = /^TIMESTAMP_NSEC=([0-9]+)$/m.exec(env.readFile(`${v}/.updated`) ?? '')?.[1];
  return ts === undefined ? 'pass' : b(usr.mtimeNs > BigInt(ts));
}

function acPower(v: string, env: ConditionEnv): R {
  const want = parseBoolean(v);
  if (want === null) return 'error';
  const base = '/sys/class/power_supply';
  const dirs = env.readDir(base);
  let online = false, discharging = false;
  for (const d of Array.isArray(dirs) ? dirs : []) {
    const type = env.readFile(`${base}/${d}/type`)?.trim();
    if (type === undefined) continue;
    if (type === 'Battery') { if (env.readFile(`${base}/${d}/status`)?.trim() === 'Discharging') discharging = true; continue; }
    if (type === 'USB' && !/\[(PD|C|SDP|DCP|CDP|ACA)[^\]]*\]/.test(env.readFile(`${base}/${d}/usb_type`) ?? '[')) continue;
    const o = env.readFile(`${base}/${d}/online`)?.trim();
    if (o !== undefined && /^[0-9]+$/.test(o) && Number(o) > 0) online = true;
  }
  const ac = online || !discharging;
  return b(ac === want);
}

function cpuFeature(v: string, env: ConditionEnv): R {
  const name = CPU_FEATURES[v.toLowerCase()];
  if (!name || (env.machine() !== 'x86_64' && !/^i[3-6]86$/.test(env.machine()))) return 'fail';
  const flags = /^flags\s*:\s*(.*)$/m.exec(env.readFile('/proc/cpuinfo') ?? '')?.[1]?.split(/\s+/) ?? [];
  return b(flags.includes(name));
}

function credential(v: string, env: ConditionEnv): R {
  if (v === '' || v === '.' || v === '..' || v.includes('/') || v.length > 255) return 'fail';
  for (const n of ['CREDENTIALS_DIRECTORY', 'ENCRYPTED_CREDENTIALS_DIRECTORY']) {
    const d = env.getenv(n);
    if (d === undefined) continue;
    if (!d.startsWith('/')) return 'error';
    if (env.access(`${d.replace(/\/+$/, '')}/${v}`, 'F', false)) return 'pass';
  }
  return 'fail';
}

/** "slice-name.slice" → "a.slice/a-b.slice" (cg_slice_to_path). */
function sliceToPath(s: string): string | null {
  if (s === '-.slice') return '';
  if (!/^[A-Za-z0-9:_.\\-]+\.slice$/.test(s)) return null;
  const p = s.slice(0, -6);
  if (p.startsWith('-') || p.endsWith('-') || p.includes('--')) return null;
  const parts = p.split('-');
  const out: string[] = [];
  for (let i = 1; i <= parts.length; i++) out.push(`${parts.slice(0, i).join('-')}.slice`);
  return out.join('/');
}

function pressure(kind: string, v: string, env: ConditionEnv): R {
  for (const f of ['cpu', 'io', 'memory']) if (env.readFile(`/proc/pressure/${f}`) === null) return 'pass';
  const res = kind === 'MemoryPressure' ? 'memory' : kind === 'CPUPressure' ? 'cpu' : 'io';
  const parts = v.split(':');
  if (v === '' || parts.length > 2) return 'error';
  let file: string, value: string;
  let type: 'full' | 'some' = 'full';
  if (parts.length === 1) {
    if (res === 'cpu') type = 'some';
    file = `/proc/pressure/${res}`;
    value = parts[0]!;
  } else {
    const u = env.cgroupUnified();
    if (u === null) return 'error';
    if (u !== 'all') return 'pass';
    const root = env.cgroupRoot();
    const ctl = (splitWords(env.readFile(`/sys/fs/cgroup${root === '/' ? '' : root}/cgroup.controllers`) ?? '', false) ?? []);
    if (!ctl.includes(res)) return 'pass';
    const sp = sliceToPath(parts[0]!.trim());
    if (sp === null) return 'error';
    const top = root.replace(/\/init\.scope$/, '');
    file = `/sys/fs/cgroup${top === '/' ? '' : top}/${sp}/${res}.pressure`.replace(/\/+/g, '/');
    value = parts[1]!;
  }
  const [limitStr, span] = value.split('/');
  if (value.split('/').length > 2) return 'error';
  let field = 'avg300';
  if (span !== undefined) {
    const t = span.trimStart();
    if (t.startsWith('10sec')) field = 'avg10'; else if (t.startsWith('1min')) field = 'avg60'; else if (t.startsWith('5min')) field = 'avg300'; else return 'error';
  }
  const limit = parsePermyriad((limitStr ?? '').trim());
  if (limit === null) return 'error';
  const text = env.readFile(file);
  if (text === null) return 'pass';   // a cgroup that does not exist (any more)
  const line = (l: string): string | undefined => text.split('\n').find((x) => x.startsWith(`${l} `));
  const ln = line(type) ?? (type === 'full' ? line('some') : undefined);
  if (ln === undefined) return 'error';
  const m = new RegExp(`\\b${field}=([0-9]+)\\.([0-9]+)\\b`).exec(ln);
  if (!m) return 'error';
  const fixed = (i: number, f: number): number => i * 2048 + Math.ceil((f * 2048) / 100);
  return b(fixed(Number(m[1]), Number(m[2])) <= fixed(Math.floor(limit / 100), limit % 100));
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
