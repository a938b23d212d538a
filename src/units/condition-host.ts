// Condition*= evaluators about the host's identity and state (systemd 252 condition.c): kernel command
// line and version, os-release, virtualization, hostname/machine id, firmware (UEFI, device tree, SMBIOS),
// security frameworks, capabilities, NeedsUpdate=, AC power, CPU features and credentials.
// Invariants: pure — all OS knowledge comes through ConditionEnv; each evaluator returns the entry's raw
// result before '!' negation, and 'error' (never a guess) when the value or the state cannot be read,
// except where systemd itself passes for lack of data.
import type { ConditionEnv } from './conditions';
import {
  capabilityFromName, CPU_FEATURES, fnmatch, parseBoolean, parseCompareOperator, splitWords, versionOrFnmatchCompare,
  type CheckResult as R, passIf as b,
} from './condition-values';

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

export function kernelCommandLine(v: string, env: ConditionEnv): R {
  const line = procCmdline(env);
  if (line === null) return 'error';
  const words = splitWords(line, true, true) ?? [];
  const equal = v.includes('=');
  return b(words.some((w) => (equal ? w === v : w === v || w.startsWith(v + '='))));
}

export function kernelVersion(v: string, env: ConditionEnv): R {
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

export function osRelease(v: string, env: ConditionEnv): R {
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

export function virtualization(v: string, env: ConditionEnv): R {
  if (v === 'private-users') return b(env.inUserNamespace());
  const c = env.container();
  const m = c === null ? env.vm() : null;
  const bool = parseBoolean(v);
  if (bool !== null) return b(bool === (c !== null || m !== null));
  if (v === 'vm') return b(m !== null);
  if (v === 'container') return b(c !== null);
  return b((c ?? m) === v);
}

export function host(v: string, env: ConditionEnv): R {
  const id = /^[0-9a-fA-F]{32}$/.test(v) ? v : /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(v) ? v.replace(/-/g, '') : null;
  if (id !== null) {
    const mid = env.readFile('/etc/machine-id')?.trim();
    if (!mid || !/^[0-9a-fA-F]{32}$/.test(mid)) return 'error';
    return b(mid.toLowerCase() === id.toLowerCase());
  }
  return b(fnmatch(v, env.hostname(), true));
}

function efiBoot(env: ConditionEnv): boolean { return env.container() === null && env.access('/sys/firmware/efi/'); }

export function firmware(v: string, env: ConditionEnv): R {
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

export function security(v: string, env: ConditionEnv): R {
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

export function capability(v: string, env: ConditionEnv): R {
  const n = capabilityFromName(v);
  if (n === null) return 'error';
  const st = env.readFile('/proc/self/status');
  if (st === null) return 'error';
  const hex = /^CapBnd:\s*([0-9a-fA-F]+)/m.exec(st)?.[1];
  if (hex === undefined) return 'pass';   // not listed: systemd assumes all
  return b(((BigInt('0x' + hex) >> BigInt(n)) & 1n) === 1n);
}

export function needsUpdate(v: string, env: ConditionEnv): R {
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

export function acPower(v: string, env: ConditionEnv): R {
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

export function cpuFeature(v: string, env: ConditionEnv): R {
  const name = CPU_FEATURES[v.toLowerCase()];
  if (!name || (env.machine() !== 'x86_64' && !/^i[3-6]86$/.test(env.machine()))) return 'fail';
  const flags = /^flags\s*:\s*(.*)$/m.exec(env.readFile('/proc/cpuinfo') ?? '')?.[1]?.split(/\s+/) ?? [];
  return b(flags.includes(name));
}

export function credential(v: string, env: ConditionEnv): R {
  if (v === '' || v === '.' || v === '..' || v.includes('/') || v.length > 255) return 'fail';
  for (const n of ['CREDENTIALS_DIRECTORY', 'ENCRYPTED_CREDENTIALS_DIRECTORY']) {
    const d = env.getenv(n);
    if (d === undefined) continue;
    if (!d.startsWith('/')) return 'error';
    if (env.access(`${d.replace(/\/+$/, '')}/${v}`, 'F', false)) return 'pass';
  }
  return 'fail';
}
