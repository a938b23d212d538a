// Specifier expansion (systemd 252 unit-printf.c + specifier.c, semantics §1 "Specifiers").
// Owns: the %x table for unit files, systemd's rules for unknown specifiers (an alphanumeric one is an
// error "Invalid slot", any other character after '%' is kept literally, as is a trailing '%'), and
// building a SpecifierContext from the real machine. Pure except hostSpecifierContext().
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SpecifierContext } from './types';
import { unitNameUnescape, unitNamePathUnescape } from './names';

export interface SpecifierUnit {
  id: string;            // full unit name
  prefix: string;
  instance: string;      // '' when none
  type: string;
  fragmentPath: string;  // '' when none
}

export type ExpandResult = { ok: true; value: string } | { ok: false; error: string };

function isAlnum(c: string): boolean { return /^[A-Za-z0-9]$/.test(c); }

/** `/etc/os-release` fields for %o %w %W %B %M %A (cached). */
let osRelease: Record<string, string> | null = null;
export function readOsRelease(): Record<string, string> {
  if (osRelease) return osRelease;
  const r: Record<string, string> = {};
  for (const f of ['/etc/os-release', '/usr/lib/os-release']) {
    let text: string;
    try { text = fs.readFileSync(f, 'utf8'); } catch { continue; }
    for (const line of text.split('\n')) {
      const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
      if (!m) continue;
      let v = m[2]!;
      if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
      r[m[1]!] = v.replace(/\\(.)/g, '$1');
    }
    break;
  }
  osRelease = r;
  return r;
}

/** Resolve one specifier; undefined = unknown, {error} = lookup failure. */
function lookup(c: string, unit: SpecifierUnit, ctx: SpecifierContext): string | { error: string } | undefined {
  const unesc = (s: string): string | { error: string } => unitNameUnescape(s) ?? { error: 'Invalid argument' };
  const lastComponent = (): string => { const d = unit.prefix.lastIndexOf('-'); return d >= 0 ? unit.prefix.slice(d + 1) : unit.prefix; };
  switch (c) {
    case 'n': return unit.id;
    case 'N': { const e = unit.id.lastIndexOf('.'); return e < 0 ? unit.id : unit.id.slice(0, e); }
    case 'p': return unit.prefix;
    case 'P': return unesc(unit.prefix);
    case 'i': return unit.instance;
    case 'I': return unesc(unit.instance);
    case 'j': return lastComponent();
    case 'J': return unesc(lastComponent());
    case 'f': {
      const r = unit.instance ? unitNamePathUnescape(unit.instance) : unitNamePathUnescape(unit.prefix);
      return r ?? { error: 'Invalid argument' };
    }
    case 'y': {
      if (!unit.fragmentPath) return { error: 'No such file or directory' };
      try { return fs.realpathSync(unit.fragmentPath); } catch { return unit.fragmentPath; }
    }
    case 'Y': {
      const y = lookup('y', unit, ctx);
      return typeof y === 'string' ? path.dirname(y) : y;
    }
    case 't': return ctx.runtimeDir;
    case 'S': return ctx.stateDir;
    case 'C': return ctx.cacheDir;
    case 'L': return ctx.logsDir;
    case 'E': return ctx.configDir;
    case 'T': return ctx.tmpDir;
    case 'V': return ctx.varTmpDir;
    case 'd': return `${ctx.runtimeDir}/credentials/${unit.id}`;
    case 'h': return ctx.home;
    case 's': return ctx.shell;
    case 'u': return ctx.userName;
    case 'U': return String(ctx.uid);
    case 'g': return ctx.groupName;
    case 'G': return String(ctx.gid);
    case 'H': return ctx.hostname;
    case 'l': { const d = ctx.hostname.indexOf('.'); return d >= 0 ? ctx.hostname.slice(0, d) : ctx.hostname; }
    case 'q': return ctx.hostname;
    case 'm': return ctx.machineId;
    case 'b': return ctx.bootId;
    case 'v': return ctx.kernelRelease;
    case 'a': return ctx.architecture;
    case 'o': return readOsRelease()['ID'] ?? '';
    case 'w': return readOsRelease()['VERSION_ID'] ?? '';
    case 'W': return readOsRelease()['VARIANT_ID'] ?? '';
    case 'B': return readOsRelease()['BUILD_ID'] ?? '';
    case 'M': return readOsRelease()['IMAGE_ID'] ?? '';
    case 'A': return readOsRelease()['IMAGE_VERSION'] ?? '';
    case 'R': return '/';
    case 'r': return ctx.userMode ? '/user.slice' : (unit.instance ? `/system.slice/system-${unit.prefix}.slice` : '/system.slice');
    case 'c': {
      const r = lookup('r', unit, ctx) as string;
      return `${r}/${unit.id}`;
    }
    default: return undefined;
  }
}

/**
 * specifier_printf() over the unit-file table. Unknown alphanumeric specifier → {ok:false, error:'Invalid slot'}
 * (systemd's EBADSLT; callers print `Failed to resolve unit specifiers in <text>: Invalid slot`).
 */
export function expandSpecifiers(text: string, unit: SpecifierUnit, ctx: SpecifierContext): ExpandResult {
  if (!text.includes('%')) return { ok: true, value: text };
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch !== '%') { out += ch; continue; }
    if (i + 1 >= text.length) { out += '%'; break; }
    const c = text[++i]!;
    if (c === '%') { out += '%'; continue; }
    const v = lookup(c, unit, ctx);
    if (v === undefined) {
      if (isAlnum(c)) return { ok: false, error: 'Invalid slot' };
      out += '%' + c;
      continue;
    }
    if (typeof v !== 'string') return { ok: false, error: v.error };
    out += v;
  }
  return { ok: true, value: out };
}

/** The specifier letters systemd 252 knows for unit files (for docs/tests). */
export const UNIT_SPECIFIERS = 'nNpPiIjJfyYtSCLETVdhsuUgGHlqmbvaowWBMARrc';

function readTrim(f: string): string { try { return fs.readFileSync(f, 'utf8').trim(); } catch { return ''; } }

/** systemd's architecture names (architecture_to_string) from Node's. */
export function systemdArchitecture(arch: string = process.arch): string {
  const map: Record<string, string> = {
    x64: 'x86-64', ia32: 'x86', arm64: 'arm64', arm: 'arm', ppc64: os.endianness() === 'LE' ? 'ppc64-le' : 'ppc64',
    ppc: 'ppc', s390x: 's390x', s390: 's390', riscv64: 'riscv64', loong64: 'loongarch64', mips: 'mips', mipsel: 'mips-le',
  };
  return map[arch] ?? arch;
}

/** Context for the manager running as the current user (userMode) or as the system manager. */
export function hostSpecifierContext(userMode: boolean, env: Record<string, string | undefined> = process.env): SpecifierContext {
  const uid = userMode && typeof process.getuid === 'function' ? process.getuid() : 0;
  const gid = userMode && typeof process.getgid === 'function' ? process.getgid() : 0;
  let userName = uid === 0 ? 'root' : String(uid);
  let groupName = gid === 0 ? 'root' : String(gid);
  let pwHome = uid === 0 ? '/root' : '';
  let pwShell = uid === 0 ? '/bin/sh' : '';
  for (const line of readTrim('/etc/passwd').split('\n')) {
    const f = line.split(':');
    if (f.length >= 7 && Number(f[2]) === uid) {
      userName = f[0]!; if (uid !== 0) { pwHome = f[5]!; pwShell = f[6]!; }
      break;
    }
  }
  for (const line of readTrim('/etc/group').split('\n')) {
    const f = line.split(':');
    if (f.length >= 3 && Number(f[2]) === gid) { groupName = f[0]!; break; }
  }
  const absEnv = (k: string): string | undefined => { const v = env[k]; return v && v.startsWith('/') ? v : undefined; };
  const home = userMode ? (absEnv('HOME') ?? pwHome) : '/root';
  const shell = userMode ? (absEnv('SHELL') ?? pwShell) : '/bin/sh';
  const tmp = userMode ? (absEnv('TMPDIR') ?? '/tmp') : '/tmp';
  const bootId = readTrim('/proc/sys/kernel/random/boot_id').replace(/-/g, '');
  const ctx: SpecifierContext = {
    userMode, hostname: os.hostname(), machineId: readTrim('/etc/machine-id'), bootId,
    kernelRelease: os.release(), architecture: systemdArchitecture(), userName, uid, groupName, gid, home, shell,
    runtimeDir: '/run', stateDir: '/var/lib', cacheDir: '/var/cache', logsDir: '/var/log', configDir: '/etc',
    tmpDir: tmp, varTmpDir: userMode ? (absEnv('TMPDIR') ?? '/var/tmp') : '/var/tmp',
  };
  if (userMode) {
    ctx.runtimeDir = absEnv('XDG_RUNTIME_DIR') ?? `/run/user/${uid}`;
    ctx.stateDir = absEnv('XDG_STATE_HOME') ?? `${home}/.local/state`;
    ctx.cacheDir = absEnv('XDG_CACHE_HOME') ?? `${home}/.cache`;
    ctx.logsDir = `${ctx.stateDir}/log`;
    ctx.configDir = absEnv('XDG_CONFIG_HOME') ?? `${home}/.config`;
  }
  return ctx;
}
