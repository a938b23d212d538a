// The real ConditionEnv over node:fs/node:os (the daemon uses it; tests use fakes or temp dirs).
// Invariants: never throws (unreadable → "absent"); reads /proc, /sys and /run the way systemd does.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ConditionEnv, FileInfo } from './conditions';
import { fnmatch } from './conditions';

function info(st: fs.Stats): FileInfo {
  const type = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'other';
  return { type, size: st.size, mode: st.mode & 0o7777 };
}
function read(p: string): string | null { try { return fs.readFileSync(p, 'utf8'); } catch { return null; } }

interface MountEntry { mountPoint: string; options: string[] }
function mounts(): MountEntry[] {
  const t = read('/proc/self/mountinfo') ?? '';
  const unesc = (s: string): string => s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
  return t.split('\n').filter(l => l).map(l => {
    const f = l.split(' ');
    return { mountPoint: unesc(f[4] ?? ''), options: (f[5] ?? '').split(',') };
  });
}

const CAPS = ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN',
  'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ',
  'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE'];

const ARCH: Record<string, string> = { x64: 'x86-64', ia32: 'x86', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64', s390x: 's390x', riscv64: 'riscv64', mips: 'mips', loong64: 'loongarch64' };

function globAny(pattern: string): boolean {
  const parts = pattern.split('/').filter(p => p !== '');
  const walk = (dir: string, i: number): boolean => {
    if (i === parts.length) return fs.existsSync(dir);
    const part = parts[i] ?? '';
    if (!/[*?[]/.test(part)) return walk(path.join(dir, part), i + 1);
    let names: string[];
    try { names = fs.readdirSync(dir); } catch { return false; }
    return names.some(n => fnmatch(part, n) && (!n.startsWith('.') || part.startsWith('.')) && walk(path.join(dir, n), i + 1));
  };
  return walk('/', 0);
}

export function realConditionEnv(managerEnv: Record<string, string | undefined> = process.env): ConditionEnv {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(managerEnv)) if (v !== undefined) env[k] = v;
  return {
    stat(p) { try { return info(fs.statSync(p)); } catch { return null; } },
    lstat(p) { try { return info(fs.lstatSync(p)); } catch { return null; } },
    readDir(p) { try { return fs.readdirSync(p); } catch { return null; } },
    globMatches: globAny,
    isMountPoint(p) {
      let real: string;
      try { real = fs.realpathSync(p); } catch { return false; }
      return mounts().some(m => m.mountPoint === real);
    },
    isReadOnlyFs(p) {
      let real: string;
      try { real = fs.realpathSync(p); } catch { return false; }
      let best: MountEntry | null = null;
      for (const m of mounts()) {
        if ((real === m.mountPoint || real.startsWith(m.mountPoint === '/' ? '/' : m.mountPoint + '/'))
          && (best === null || m.mountPoint.length >= best.mountPoint.length)) best = m;
      }
      return best !== null && best.options.includes('ro');
    },
    container() {
      const c = env['container'];
      if (c) return c === 'oci' ? 'docker' : c;
      const pid1 = read('/proc/1/environ');
      const m = pid1 ? /(?:^|\0)container=([^\0]*)/.exec(pid1) : null;
      if (m && m[1]) return m[1];
      const rc = read('/run/systemd/container');
      if (rc && rc.trim()) return rc.trim();
      if (fs.existsSync('/run/.containerenv')) return 'podman';
      if (fs.existsSync('/.dockerenv')) return 'docker';
      return null;
    },
    vm() {
      const cpu = read('/proc/cpuinfo') ?? '';
      if (!/^flags\s*:.*\bhypervisor\b/m.test(cpu)) return null;
      const vendor = (read('/sys/class/dmi/id/sys_vendor') ?? '') + (read('/sys/class/dmi/id/product_name') ?? '');
      if (/QEMU/i.test(vendor)) return 'qemu';
      if (/KVM/i.test(vendor)) return 'kvm';
      if (/VMware/i.test(vendor)) return 'vmware';
      if (/VirtualBox|innotek/i.test(vendor)) return 'oracle';
      if (/Microsoft/i.test(vendor)) return 'microsoft';
      if (/Amazon/i.test(vendor)) return 'amazon';
      return 'vm-other';
    },
    inUserNamespace() {
      const m = read('/proc/self/uid_map');
      return m !== null && !/^\s*0\s+0\s+4294967295\s*$/.test(m.trim());
    },
    hostname: () => os.hostname(),
    machineId: () => (read('/etc/machine-id') ?? '').trim(),
    kernelCommandLine: () => read('/proc/cmdline') ?? '',
    environment: () => env,
    uid: () => (process.getuid ? process.getuid() : 0),
    userName: () => { try { return os.userInfo().username; } catch { return ''; } },
    lookupUser(name) {
      for (const l of (read('/etc/passwd') ?? '').split('\n')) { const f = l.split(':'); if (f[0] === name && f[2]) return Number(f[2]); }
      return null;
    },
    gids() {
      const s = read('/proc/self/status') ?? '';
      const g = /^Groups:\s*(.*)$/m.exec(s)?.[1]?.trim().split(/\s+/).filter(x => x).map(Number) ?? [];
      return [process.getgid ? process.getgid() : 0, ...g];
    },
    lookupGroup(name) {
      for (const l of (read('/etc/group') ?? '').split('\n')) { const f = l.split(':'); if (f[0] === name && f[2]) return Number(f[2]); }
      return null;
    },
    architecture: () => ARCH[process.arch] ?? process.arch,
    firstBoot: () => fs.existsSync('/run/systemd/first-boot'),
    cgroupControllers() {
      const t = read('/sys/fs/cgroup/cgroup.controllers');
      return t === null ? null : t.trim().split(/\s+/).filter(x => x);
    },
    cgroupVersion: () => (fs.existsSync('/sys/fs/cgroup/cgroup.controllers') ? 2 : 1),
    hasCapability(name) {
      const i = CAPS.indexOf(name);
      if (i < 0) return false;
      const hex = /^CapBnd:\s*([0-9a-f]+)/m.exec(read('/proc/self/status') ?? '')?.[1];
      if (!hex) return false;
      return ((BigInt('0x' + hex) >> BigInt(i)) & 1n) === 1n;
    },
    securityEnabled(name) {
      switch (name) {
        case 'selinux': return fs.existsSync('/sys/fs/selinux/enforce');
        case 'apparmor': return (read('/sys/module/apparmor/parameters/enabled') ?? '').trim() === 'Y';
        case 'smack': return fs.existsSync('/sys/fs/smackfs');
        case 'ima': return fs.existsSync('/sys/kernel/security/ima');
        case 'tomoyo': return fs.existsSync('/sys/kernel/security/tomoyo');
        case 'audit': return fs.existsSync('/proc/self/loginuid');
        case 'uefi-secureboot': return false;
        case 'tpm2': return fs.existsSync('/sys/class/tpmrm') && (fs.readdirSync('/sys/class/tpmrm').length > 0);
        default: return false;
      }
    },
    cpus: () => (typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length),
    memoryBytes: () => os.totalmem(),
    kernelRelease: () => os.release(),
    osRelease() {
      const t = read('/etc/os-release') ?? read('/usr/lib/os-release') ?? '';
      const r: Record<string, string> = {};
      for (const l of t.split('\n')) {
        const m = /^([A-Z0-9_]+)=(.*)$/.exec(l.trim());
        if (m && m[1]) r[m[1]] = (m[2] ?? '').replace(/^(["'])(.*)\1$/, '$2');
      }
      return r;
    },
    cpuFlags() {
      const m = /^(?:flags|Features)\s*:\s*(.*)$/m.exec(read('/proc/cpuinfo') ?? '');
      return m?.[1]?.trim().split(/\s+/) ?? [];
    },
    firmware: kind => (kind === 'uefi' ? fs.existsSync('/sys/firmware/efi') : fs.existsSync('/proc/device-tree')),
    hasCredential(name) {
      const dirs = [env['CREDENTIALS_DIRECTORY'], '/run/credentials/@system', '/run/credstore', '/etc/credstore'].filter((d): d is string => !!d);
      return dirs.some(d => fs.existsSync(path.join(d, name)));
    },
    kernelModuleLoaded: name => fs.existsSync(`/sys/module/${name.replace(/-/g, '_')}`),
    acPower() {
      let dirs: string[];
      try { dirs = fs.readdirSync('/sys/class/power_supply'); } catch { return true; }
      let sawMains = false;
      for (const d of dirs) {
        if ((read(`/sys/class/power_supply/${d}/type`) ?? '').trim() !== 'Mains') continue;
        sawMains = true;
        if ((read(`/sys/class/power_supply/${d}/online`) ?? '').trim() === '1') return true;
      }
      return !sawMains;
    },
  };
}
