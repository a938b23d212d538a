// Condition*=/Assert*= evaluation (systemd condition.c) against an injectable environment.
// Combination rule (condition_test_list): every non-trigger entry must pass, and if there are '|'
// trigger entries at least one of them must pass; '!' negates an entry's own result; an entry that
// cannot be determined (error) fails regardless of '!'. Kinds we do not implement are 'unsupported':
// they pass (so real units still start) and are listed for `verify`.
// Invariant: pure; all OS knowledge comes through ConditionEnv (conditions-real.ts implements it).
import type { Condition } from '../directives/types';

export interface FileInfo { type: 'file' | 'dir' | 'symlink' | 'other'; size: number; mode: number }

export interface ConditionEnv {
  stat(path: string): FileInfo | null;        // follows symlinks
  lstat(path: string): FileInfo | null;
  readDir(path: string): string[] | null;
  globMatches(pattern: string): boolean;
  isMountPoint(path: string): boolean;
  isReadOnlyFs(path: string): boolean;
  /** Container id ('docker', 'podman', 'lxc', 'systemd-nspawn', 'container-other'...) or null. */
  container(): string | null;
  /** VM id ('kvm', 'qemu', 'vm-other'...) or null. */
  vm(): string | null;
  inUserNamespace(): boolean;
  hostname(): string;
  machineId(): string;
  kernelCommandLine(): string;
  environment(): Record<string, string>;
  uid(): number;
  userName(): string;
  lookupUser(name: string): number | null;
  gids(): number[];
  lookupGroup(name: string): number | null;
  architecture(): string;                    // systemd names: x86-64, arm64, ...
  firstBoot(): boolean;
  cgroupControllers(): string[] | null;      // null: no cgroup v2
  cgroupVersion(): 1 | 2;
  hasCapability(name: string): boolean;       // in the manager's bounding set
  securityEnabled(name: string): boolean;
  cpus(): number;
  memoryBytes(): number;
  kernelRelease(): string;
  osRelease(): Record<string, string>;
  kernelModuleLoaded(name: string): boolean;
  acPower(): boolean;
  /** CPU feature flags (/proc/cpuinfo "flags"); optional: absent → ConditionCPUFeature unsupported. */
  cpuFlags?(): string[];
  /** 'uefi' / 'device-tree' availability; optional. */
  firmware?(kind: string): boolean;
  /** A system credential by name is present; optional. */
  hasCredential?(name: string): boolean;
}

export type EntryResult = 'pass' | 'fail' | 'error' | 'unsupported';

export const SUPPORTED_KINDS = new Set([
  'PathExists', 'PathExistsGlob', 'PathIsDirectory', 'PathIsSymbolicLink', 'PathIsMountPoint', 'PathIsReadWrite',
  'DirectoryNotEmpty', 'FileNotEmpty', 'FileIsExecutable', 'Virtualization', 'Host', 'KernelCommandLine',
  'Environment', 'User', 'Group', 'Architecture', 'FirstBoot', 'ControlGroupController', 'CapabilityBoundingSet',
  'Security', 'CPUs', 'Memory', 'KernelVersion', 'OSRelease', 'KernelModuleLoaded', 'ACPower', 'NeedsUpdate',
  'CPUFeature', 'Firmware', 'Credential',
]);

export function isSupportedCondition(kind: string): boolean { return SUPPORTED_KINDS.has(kind); }

function parseBool(s: string): boolean | null {
  const v = s.toLowerCase();
  if (['1', 'yes', 'y', 'true', 't', 'on'].includes(v)) return true;
  if (['0', 'no', 'n', 'false', 'f', 'off'].includes(v)) return false;
  return null;
}

/** fnmatch() subset: * ? [...] (FNM_CASEFOLD optional). */
export function fnmatch(pattern: string, s: string, casefold = false): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else { let cls = pattern.slice(i + 1, end); if (cls.startsWith('!')) cls = '^' + cls.slice(1); re += `[${cls.replace(/\\/g, '\\\\')}]`; i = end; }
    } else re += c.replace(/[.+^${}()|\\\]]/g, m => '\\' + m);
  }
  return new RegExp(re + '$', casefold ? 'i' : '').test(s);
}

type Order = '<' | '<=' | '=' | '!=' | '>=' | '>' | '$=' | '!$=';
const OPS: Order[] = ['<=', '>=', '!=', '!$=', '$=', '<', '>', '='];

function splitOp(s: string): { op: Order | null; rest: string } {
  const t = s.trimStart();
  for (const op of OPS) if (t.startsWith(op)) return { op, rest: t.slice(op.length).trim() };
  return { op: null, rest: t.trim() };
}

function cmpOrder(c: number, op: Order): boolean {
  switch (op) {
    case '<': return c < 0; case '<=': return c <= 0; case '=': return c === 0;
    case '!=': return c !== 0; case '>=': return c >= 0; case '>': return c > 0;
    default: return false;
  }
}

/** strverscmp-like version comparison (numeric runs compare as numbers). */
export function versionCompare(a: string, b: string): number {
  const pa = a.match(/\d+|[^\d]+/g) ?? [], pb = b.match(/\d+|[^\d]+/g) ?? [];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i], y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d/.test(x), ny = /^\d/.test(y);
    if (nx && ny) { const d = Number(x) - Number(y); if (d !== 0) return d < 0 ? -1 : 1; }
    else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function parseSize(s: string): number | null {
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*([KMGTPE]?)(i?B?)?$/i.exec(s.trim());
  if (!m) return null;
  const mult: Record<string, number> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40, P: 2 ** 50, E: 2 ** 60 };
  return Math.floor(Number(m[1]) * (mult[(m[2] ?? '').toUpperCase()] ?? 1));
}

function hiddenOrBackup(n: string): boolean {
  return n.startsWith('.') || n.endsWith('~') || /\.(rpmnew|rpmsave|rpmorig|dpkg-old|dpkg-new|dpkg-tmp|dpkg-dist|dpkg-bak|dpkg-backup|dpkg-remove|ucf-new|ucf-old|ucf-dist|swp|bak|old|new)$/.test(n);
}

/** One entry, before '!' negation. */
export function checkCondition(kind: string, v: string, env: ConditionEnv): 'pass' | 'fail' | 'error' | 'unsupported' {
  const b = (x: boolean): 'pass' | 'fail' => (x ? 'pass' : 'fail');
  switch (kind) {
    case 'PathExists': return b(env.stat(v) !== null);   // access(F_OK): a dangling symlink does not exist
    case 'PathExistsGlob': return b(env.globMatches(v));
    case 'PathIsDirectory': return b(env.stat(v)?.type === 'dir');
    case 'PathIsSymbolicLink': return b(env.lstat(v)?.type === 'symlink');
    case 'PathIsMountPoint': return b(env.isMountPoint(v));
    case 'PathIsReadWrite': return b(env.stat(v) !== null && !env.isReadOnlyFs(v));
    case 'DirectoryNotEmpty': {
      const d = env.readDir(v);
      return b(d !== null && d.some(n => !hiddenOrBackup(n)));
    }
    case 'FileNotEmpty': { const s = env.stat(v); return b(s?.type === 'file' && s.size > 0); }
    case 'FileIsExecutable': { const s = env.stat(v); return b(s?.type === 'file' && (s.mode & 0o111) !== 0); }
    case 'Virtualization': {
      if (v === 'private-users') return b(env.inUserNamespace());
      const c = env.container(), m = env.vm();
      const bool = parseBool(v);
      if (bool !== null) return b(bool === (c !== null || m !== null));
      if (v === 'vm') return b(c === null && m !== null);
      if (v === 'container') return b(c !== null);
      return b((c ?? m) === v);
    }
    case 'Host': {
      const id = v.replace(/-/g, '').toLowerCase();
      if (/^[0-9a-f]{32}$/.test(id)) return b(env.machineId().toLowerCase() === id);
      return b(fnmatch(v, env.hostname(), true));
    }
    case 'KernelCommandLine': {
      const words = env.kernelCommandLine().trim().split(/\s+/).filter(w => w !== '');
      const eq = v.includes('=');
      return b(words.some(w => (eq ? w === v : w === v || w.startsWith(v + '='))));
    }
    case 'Environment': {
      const e = env.environment();
      const i = v.indexOf('=');
      if (i < 0) return b(Object.prototype.hasOwnProperty.call(e, v));
      return b(e[v.slice(0, i)] === v.slice(i + 1));
    }
    case 'User': {
      if (/^[0-9]+$/.test(v)) return b(Number(v) === env.uid());
      if (v === '@system') return b(env.uid() <= 999);
      if (env.userName() === v) return 'pass';
      const id = env.lookupUser(v);
      return b(id !== null && id === env.uid());
    }
    case 'Group': {
      const id = /^[0-9]+$/.test(v) ? Number(v) : env.lookupGroup(v);
      return b(id !== null && env.gids().includes(id));
    }
    case 'Architecture': return b(v === 'native' || env.architecture() === v);
    case 'FirstBoot': { const x = parseBool(v); return x === null ? 'error' : b(env.firstBoot() === x); }
    case 'ControlGroupController': {
      const ctl = env.cgroupControllers();
      let ok = true;
      for (const w of v.split(/\s+/).filter(x => x !== '')) {
        if (w === 'v1' || w === 'v2') { ok = ok && env.cgroupVersion() === (w === 'v1' ? 1 : 2); continue; }
        ok = ok && ctl !== null && ctl.includes(w);
      }
      return b(ok);
    }
    case 'CapabilityBoundingSet': return b(env.hasCapability(v.toUpperCase().startsWith('CAP_') ? v.toUpperCase() : 'CAP_' + v.toUpperCase()));
    case 'Security': return b(env.securityEnabled(v));
    case 'CPUs': case 'Memory': {
      const { op, rest } = splitOp(v);
      const want = kind === 'CPUs' ? (/^[0-9]+$/.test(rest) ? Number(rest) : null) : parseSize(rest);
      if (want === null) return 'error';
      const have = kind === 'CPUs' ? env.cpus() : env.memoryBytes();
      return b(cmpOrder(have === want ? 0 : have < want ? -1 : 1, op ?? '='));
    }
    case 'KernelVersion': {
      const rel = env.kernelRelease();
      let ok = true;
      for (const part of v.split(/\s+(?=[<>=!$])/)) {
        const { op, rest } = splitOp(part);
        if (op === null || op === '$=') ok = ok && fnmatch(rest, rel);
        else if (op === '!$=') ok = ok && !fnmatch(rest, rel);
        else ok = ok && cmpOrder(versionCompare(rel, rest), op);
      }
      return b(ok);
    }
    case 'OSRelease': {
      const os = env.osRelease();
      let ok = true;
      for (const w of v.split(/\s+/).filter(x => x !== '')) {
        const m = /^([A-Za-z0-9_]+)(!\$=|\$=|<=|>=|!=|=|<|>)(.*)$/.exec(w);
        if (!m) return 'error';
        const have = os[m[1] ?? ''] ?? '', op = m[2] as Order, want = m[3] ?? '';
        if (op === '$=') ok = ok && fnmatch(want, have);
        else if (op === '!$=') ok = ok && !fnmatch(want, have);
        else if (op === '=' || op === '!=') ok = ok && (have === want) === (op === '=');
        else ok = ok && cmpOrder(versionCompare(have, want), op);
      }
      return b(ok);
    }
    case 'KernelModuleLoaded': return b(env.kernelModuleLoaded(v));
    case 'ACPower': { const x = parseBool(v); return x === null ? 'error' : b(env.acPower() === x); }
    case 'CPUFeature': {
      if (!env.cpuFlags) return 'unsupported';
      const want = v.toLowerCase().replace(/-/g, '_');
      return b(env.cpuFlags().includes(want));
    }
    case 'Firmware': {
      if (!env.firmware) return 'unsupported';
      if (v !== 'uefi' && v !== 'device-tree') return 'unsupported';
      return b(env.firmware(v));
    }
    case 'Credential': return env.hasCredential ? b(env.hasCredential(v)) : 'unsupported';
    case 'NeedsUpdate': return 'fail';   // no /usr update tracking: systemd says false unless /usr is newer
    default: return 'unsupported';
  }
}

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
    if (raw === 'unsupported') { pass = true; res = 'unsupported'; }
    else if (raw === 'error') { pass = false; res = 'error'; }
    else { pass = (raw === 'pass') !== c.negate; res = pass ? 'pass' : 'fail'; }
    entries.push({ condition: c, result: res });
    if (!c.trigger && !pass) return { ok: false, failed: c, entries };
    if (c.trigger) { lastTrigger = c; if (triggered !== true) triggered = pass; }
  }
  const ok = triggered !== false;
  return { ok, failed: ok ? null : lastTrigger, entries };
}
