// The SpecifierContext of the machine tsysd runs on (hostname, machine and boot id, os-release, user,
// directories), read once per call from /etc and /proc. The impure half of specifier expansion
// (specifiers.ts is the pure half).
import * as fs from 'node:fs';
import * as os from 'node:os';
import type { SpecifierContext } from './types';

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
    osRelease: readOsRelease(), realpath: (p) => { try { return fs.realpathSync(p); } catch { return p; } },
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
