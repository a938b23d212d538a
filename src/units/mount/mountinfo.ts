// /proc/self/mountinfo as systemd 252 turns it into mount units (mount_load_proc_self_mountinfo /
// mount_setup_unit): one unit per mount point, except API file systems (mount_point_is_api), the ones
// container managers bind in (mount_point_ignore), autofs and non-paths. A later line for the same mount
// point (an over-mount) gives What=/Type=/Options=. Also the parse of /proc/swaps.
// Invariant: pure functions of the file text.
import { unitNameFromPath } from '../../unit-file/names';

export interface MountEntry { id: number; parent: number; where: string; what: string; fstype: string; options: string }

const API = ['/proc', '/sys', '/dev', '/sys/kernel/security', '/sys/fs/smackfs', '/dev/shm', '/dev/pts', '/run', '/sys/fs/cgroup',
  '/sys/fs/cgroup/unified', '/sys/fs/cgroup/systemd', '/sys/fs/pstore', '/sys/firmware/efi/efivars', '/sys/fs/bpf'];
const IGNORE = ['/sys/fs/selinux', '/dev/console', '/proc/kmsg', '/proc/sys', '/proc/sys/kernel/random/boot_id'];

const unesc = (s: string): string => s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));

export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const l of text.split('\n')) {
    if (!l) continue;
    const f = l.split(' ');
    const sep = f.indexOf('-');
    if (sep < 6 || f.length < sep + 3) continue;
    const opts = [...(f[5] ?? '').split(','), ...(f[sep + 3] ?? '').split(',')].filter((o, i, a) => o && a.indexOf(o) === i);
    out.push({ id: Number(f[0]), parent: Number(f[1]), where: unesc(f[4] ?? ''), what: unesc(f[sep + 2] ?? ''), fstype: f[sep + 1] ?? '', options: opts.join(',') });
  }
  return out;
}

export function mountPointIsApi(where: string): boolean { return API.includes(where) || where.startsWith('/sys/fs/cgroup/'); }
export function mountPointIgnore(where: string): boolean { return IGNORE.includes(where) || where === '/run/host' || where.startsWith('/run/host/'); }

/** Mount units systemd would create for these entries: unit name → the last entry of that mount point. */
export function mountUnitsFromMountinfo(entries: MountEntry[]): Map<string, MountEntry> {
  const out = new Map<string, MountEntry>();
  for (const e of entries) {
    if (mountPointIsApi(e.where) || mountPointIgnore(e.where) || e.fstype === 'autofs' || !e.where.startsWith('/')) continue;
    const name = unitNameFromPath(e.where, '.mount');
    if (name) out.set(name, e);
  }
  return out;
}

/** Every mount point listed (API ones included): what isMounted() answers. */
export function mountPoints(entries: MountEntry[]): Set<string> { return new Set(entries.map((e) => e.where)); }

/** /proc/swaps: the active swap devices/files. */
export function parseProcSwaps(text: string): string[] {
  return text.split('\n').slice(1).map((l) => unesc(l.split(/\s+/)[0] ?? '')).filter((x) => x.startsWith('/'));
}
