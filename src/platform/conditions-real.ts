// The real ConditionEnv (src/units/conditions.ts) over node:fs/node:os and the native addon: the OS
// primitives systemd 252's condition checks read — access(2) modes, stat with nanosecond mtimes, /proc and
// /sys files, mountinfo (mount points, read-only file systems), dm-crypt below a path's block device,
// detect_container()/detect_vm(), user namespace, ids, cgroup layout, CPU affinity, memory, audit.
// Invariants: never throws (unreadable → absent/false); the environment ConditionEnvironment= sees is
// supplied by the caller (the manager's unit environment), defaulting to this process's.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ConditionEnv, FileInfo } from '../units/conditions';
import { fnmatch } from '../units/condition-values';

function info(st: fs.BigIntStats): FileInfo {
  const type = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'other';
  return { type, size: Number(st.size), mode: Number(st.mode & 0o7777n), mtimeNs: st.mtimeNs };
}
function read(p: string): string | null { try { return fs.readFileSync(p, 'latin1'); } catch { return null; } }
function readUtf8(p: string): string | null { try { return fs.readFileSync(p, 'utf8'); } catch { return null; } }

interface MountEntry { mountPoint: string; options: string[]; superOptions: string[] }
export function mountinfo(text: string | null = read('/proc/self/mountinfo')): MountEntry[] {
  const unesc = (s: string): string => s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
  return (text ?? '').split('\n').filter((l) => l).map((l) => {
    const f = l.split(' ');
    const sep = f.indexOf('-');
    return { mountPoint: unesc(f[4] ?? ''), options: (f[5] ?? '').split(','), superOptions: sep > 0 ? (f[sep + 3] ?? '').split(',') : [] };
  });
}

function containing(real: string, ms: MountEntry[]): MountEntry | null {
  let best: MountEntry | null = null;
  for (const m of ms) {
    if ((real === m.mountPoint || real.startsWith(m.mountPoint === '/' ? '/' : m.mountPoint + '/'))
      && (best === null || m.mountPoint.length >= best.mountPoint.length)) best = m;
  }
  return best;
}

function globAny(pattern: string): boolean {
  const parts = pattern.split('/').filter((p) => p !== '');
  const walk = (dir: string, i: number): boolean => {
    if (i === parts.length) { try { fs.accessSync(dir); return true; } catch { return false; } }
    const part = parts[i] ?? '';
    if (!/[*?[]/.test(part)) return walk(path.join(dir, part), i + 1);
    let names: string[];
    try { names = fs.readdirSync(dir); } catch { return false; }
    return names.some((n) => fnmatch(part, n) && (!n.startsWith('.') || part.startsWith('.')) && walk(path.join(dir, n), i + 1));
  };
  return walk('/', 0);
}

const CONTAINERS = new Set(['systemd-nspawn', 'lxc-libvirt', 'lxc', 'openvz', 'docker', 'podman', 'rkt', 'wsl', 'proot', 'pouch', 'container-other']);

/** detect_container() (systemd 252 virt.c), minus the cgroup-namespace heuristic. */
export function detectContainer(env: Record<string, string | undefined> = process.env, isPid1 = process.pid === 1): string | null {
  if (fs.existsSync('/proc/vz') && !fs.existsSync('/proc/bc')) return 'openvz';
  const rel = read('/proc/sys/kernel/osrelease') ?? '';
  if (rel.includes('Microsoft') || rel.includes('WSL')) return 'wsl';
  const tracer = /^TracerPid:\s*(\d+)/m.exec(read('/proc/self/status') ?? '')?.[1];
  if (tracer && tracer !== '0' && (read(`/proc/${tracer}/comm`) ?? '').startsWith('proot')) return 'proot';
  const files = (): string | null => (fs.existsSync('/run/.containerenv') ? 'podman' : fs.existsSync('/.dockerenv') ? 'docker' : null);
  const translate = (e: string): string => (e === 'oci' ? files() ?? 'container-other' : CONTAINERS.has(e) ? e : 'container-other');
  const hostMgr = read('/run/host/container-manager')?.split('\n')[0]?.trim();
  if (hostMgr) return translate(hostMgr);
  if (isPid1) {
    const e = env['container'];
    if (e === undefined) return files();
    return e === '' ? null : translate(e);
  }
  const run = read('/run/systemd/container')?.split('\n')[0]?.trim();
  if (run) return translate(run);
  const pid1 = read('/proc/1/environ');
  const m = pid1 ? /(?:^|\0)container=([^\0]*)/.exec(pid1) : null;
  if (m && m[1]) return translate(m[1]);
  return files();
}

/** detect_vm() without CPUID (not reachable from Node): DMI vendor strings, Xen, the hypervisor CPU flag
 *  with KVM's clock source, else vm-other. */
export function detectVm(): string | null {
  const dmi = ['product_name', 'sys_vendor', 'board_vendor', 'bios_vendor', 'product_version'].map((f) => read(`/sys/class/dmi/id/${f}`) ?? '').join('\n');
  const table: [RegExp, string][] = [[/^KVM/m, 'kvm'], [/^OpenStack/m, 'kvm'], [/^KubeVirt/m, 'kvm'], [/^Amazon EC2/m, 'amazon'],
    [/^QEMU/m, 'qemu'], [/^VMware/m, 'vmware'], [/^VMW/m, 'vmware'], [/^innotek GmbH/m, 'oracle'], [/^VirtualBox/m, 'oracle'],
    [/^Xen/m, 'xen'], [/^Bochs/m, 'bochs'], [/^Parallels/m, 'parallels'], [/^BHYVE/m, 'bhyve'], [/^Hyper-V/m, 'microsoft'], [/^Apple Virtualization/m, 'apple']];
  for (const [re, id] of table) if (re.test(dmi)) return id;
  const hv = (read('/sys/hypervisor/type') ?? '').trim();
  if (hv === 'xen') return 'xen';
  const cpu = read('/proc/cpuinfo') ?? '';
  if (/^vendor_id\s*:\s*User Mode Linux/m.test(cpu)) return 'uml';
  if (!/^flags\s*:.*\bhypervisor\b/m.test(cpu)) return null;
  if ((read('/sys/devices/system/clocksource/clocksource0/available_clocksource') ?? '').includes('kvm-clock')) return 'kvm';
  return 'vm-other';
}

function userns(): boolean {
  for (const f of ['/proc/self/uid_map', '/proc/self/gid_map']) {
    const t = read(f);
    if (t === null) continue;
    if (t.trim() === '') return true;
    if (!/^\s*0\s+0\s+4294967295\s*$/.test(t.split('\n')[0] ?? '')) return true;
  }
  return (read('/proc/self/setgroups') ?? '').trim() === 'deny';
}

const CGROUP2_SUPER_MAGIC = 0x63677270;
const TMPFS_MAGIC = 0x01021994;
function fsType(p: string): number | null { try { return Number(fs.statfsSync(p).type); } catch { return null; } }

export function cgroupUnified(): 'all' | 'systemd' | 'none' | null {
  const t = fsType('/sys/fs/cgroup/');
  if (t === CGROUP2_SUPER_MAGIC) return 'all';
  if (t !== TMPFS_MAGIC) return null;
  if (fsType('/sys/fs/cgroup/unified/') === CGROUP2_SUPER_MAGIC) return 'systemd';
  const s = fsType('/sys/fs/cgroup/systemd/');
  if (s === null) return null;
  return s === CGROUP2_SUPER_MAGIC ? 'systemd' : 'none';
}

function cgroupRoot(): string {
  const u = cgroupUnified();
  const t = read('/proc/1/cgroup') ?? '';
  const line = t.split('\n').find((l) => (u === 'none' ? /^\d+:name=systemd:/.test(l) : l.startsWith('0::')));
  let p = line ? line.slice(line.indexOf(':', line.indexOf(':') + 1) + 1) : '/';
  for (const s of ['/init.scope', '/system.slice', '/system']) if (p.endsWith(s)) { p = p.slice(0, -s.length); break; }
  return p === '' ? '/' : p;
}

/** dev_t → "major:minor" (glibc encoding), or null for non-block file systems (major 0). */
function majorMinor(dev: bigint): string | null {
  const major = Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
  const minor = Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));
  return major === 0 ? null : `${major}:${minor}`;
}

function blockdevIsEncrypted(sys: string, depth: number): boolean {
  if (depth > 20) return false;
  if ((read(`${sys}/dm/uuid`) ?? '').startsWith('CRYPT-')) return true;
  let slaves: string[];
  try { slaves = fs.readdirSync(`${sys}/slaves`); } catch { return false; }
  return slaves.some((s) => blockdevIsEncrypted(fs.realpathSync(`${sys}/slaves/${s}`), depth + 1));
}

export interface RealConditionOptions {
  /** The environment ConditionEnvironment= tests (KEY=VALUE list); default: this process's. */
  environment?: () => string[];
  /** This process's variables ($CREDENTIALS_DIRECTORY...). */
  processEnv?: Record<string, string | undefined>;
}

export function realConditionEnv(opts: RealConditionOptions = {}): ConditionEnv {
  const penv = opts.processEnv ?? process.env;
  const envList = opts.environment ?? ((): string[] => Object.entries(penv).filter((e): e is [string, string] => e[1] !== undefined).map(([k, v]) => `${k}=${v}`));
  let container: string | null | undefined;
  let vm: string | null | undefined;
  let audit: boolean | undefined;
  return {
    access(p, mode = 'F', follow = true) {
      try {
        if (!follow && mode === 'F') { fs.lstatSync(p); return true; }
        fs.accessSync(p, mode === 'W' ? fs.constants.W_OK : mode === 'X' ? fs.constants.X_OK : fs.constants.F_OK);
        return true;
      } catch { return false; }
    },
    stat(p) { try { return info(fs.statSync(p, { bigint: true })); } catch { return null; } },
    lstat(p) { try { return info(fs.lstatSync(p, { bigint: true })); } catch { return null; } },
    readDir(p) { try { return fs.readdirSync(p); } catch (e) { return { errno: (e as NodeJS.ErrnoException).code ?? 'EIO' }; } },
    readFile: (p) => (p.startsWith('/etc/') || p.startsWith('/usr/') ? readUtf8(p) : read(p)),
    globMatches: globAny,
    isMountPoint(p) {
      let real: string;
      try { real = fs.realpathSync(p); } catch { return false; }
      return mountinfo().some((m) => m.mountPoint === real);
    },
    readOnlyFs(p) {
      let real: string;
      try { real = fs.realpathSync(p); } catch (e) { return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'ENOENT' : 'error'; }
      const m = containing(real, mountinfo());
      if (m && (m.options.includes('ro') || m.superOptions.includes('ro'))) return true;
      try { fs.accessSync(real, fs.constants.W_OK); } catch (e) { if ((e as NodeJS.ErrnoException).code === 'EROFS') return true; }
      return false;
    },
    isEncrypted(p) {
      try {
        const mm = majorMinor(fs.statSync(p, { bigint: true }).dev);
        return mm !== null && blockdevIsEncrypted(fs.realpathSync(`/sys/dev/block/${mm}`), 0);
      } catch { return false; }
    },
    container() { if (container === undefined) container = detectContainer(penv); return container; },
    vm() { if (vm === undefined) vm = detectVm(); return vm; },
    inUserNamespace: userns,
    hostname: () => os.hostname(),
    kernelRelease: () => os.release(),
    machine: () => os.machine(),
    environment: envList,
    getenv: (n) => penv[n],
    uid: () => process.getuid?.() ?? 0,
    euid: () => process.geteuid?.() ?? 0,
    gid: () => process.getgid?.() ?? 0,
    egid: () => process.getegid?.() ?? 0,
    groups: () => process.getgroups?.() ?? [],
    isPid1: () => process.pid === 1,
    userName: () => { try { return os.userInfo().username; } catch { return null; } },
    lookupUser(name) {
      for (const l of (readUtf8('/etc/passwd') ?? '').split('\n')) { const f = l.split(':'); if (f[0] === name && f[2]) return Number(f[2]); }
      return null;
    },
    lookupGroup(name) {
      for (const l of (readUtf8('/etc/group') ?? '').split('\n')) { const f = l.split(':'); if (f[0] === name && f[2]) return Number(f[2]); }
      return null;
    },
    cgroupUnified,
    cgroupRoot,
    cpusInAffinity: () => (typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length),
    totalMemory: () => os.totalmem(),
    auditAvailable() {
      if (audit !== undefined) return audit;
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { loadNative } = require('./native') as typeof import('./native');
        const n = loadNative().addon;
        const fd = n.netlinkSocket(9 /* NETLINK_AUDIT */, 0);
        if (fd >= 0) { n.close(fd); audit = !userns(); }
        else audit = ![97, 93, 1].includes(-fd);   // EAFNOSUPPORT, EPROTONOSUPPORT, EPERM
      } catch { audit = false; }
      return audit;
    },
  };
}

/** device_supported(): device units exist only where /sys is writable (not in a container's read-only /sys). */
export function devicesSupported(): boolean {
  const env = realConditionEnv();
  return env.readOnlyFs('/sys/') !== true;
}
