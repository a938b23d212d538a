// cgroup v2 support for process tracking: detection of a writable unified hierarchy below the manager's
// own cgroup, per-unit cgroup creation, listing, killing and removal.
// Invariants: tsysd only creates cgroups below `base` (a directory it created inside its own cgroup),
// never moves a process itself (the exec helper moves ITSELF into the unit cgroup before exec), and
// only removes cgroups it created. When anything is not writable, `available` is false and the caller
// falls back to sessions + main pid (see src/exec/kill.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CgroupSupport } from './types';

function readText(p: string): string | null {
  try { return fs.readFileSync(p, 'utf8'); } catch { return null; }
}

const buf = Buffer.alloc(4096);
/** open/read/close into a shared buffer: cgroup files are small and this is on the stop path of every
 *  unit (readFileSync also fstat()s and allocates per call). */
function readSmall(p: string): string | null {
  let fd: number;
  try { fd = fs.openSync(p, 'r'); } catch { return null; }
  try {
    let n = fs.readSync(fd, buf, 0, buf.length, null);
    if (n < buf.length) return buf.toString('latin1', 0, n);
    const parts = [Buffer.from(buf.subarray(0, n))];
    while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) parts.push(Buffer.from(buf.subarray(0, n)));
    return Buffer.concat(parts).toString('latin1');
  } catch { return null; } finally { fs.closeSync(fd); }
}

/** The manager's own cgroup v2 path (from /proc/self/cgroup line "0::/path"), or null. */
export function ownCgroupPath(): string | null {
  const t = readText('/proc/self/cgroup');
  if (t === null) return null;
  for (const line of t.split('\n')) if (line.startsWith('0::')) return line.slice(3) || '/';
  return null;
}

/** Mount point and mount root of the cgroup2 filesystem, from /proc/self/mountinfo. */
export function cgroup2Mount(): { mount: string; root: string; readOnly: boolean } | null {
  const t = readText('/proc/self/mountinfo');
  if (t === null) return null;
  for (const line of t.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const after = line.slice(sep + 3).split(' ');
    if (after[0] !== 'cgroup2') continue;
    const f = line.slice(0, sep).split(' ');
    const root = f[3], mount = f[4], opts = f[5] ?? '';
    if (root === undefined || mount === undefined) continue;
    return { mount: mount.replace(/\\040/g, ' '), root, readOnly: opts.split(',').includes('ro') };
  }
  return null;
}

/** The manager's own cgroup directory on the cgroup2 mount (nothing is created), or why there is none. */
export function ownCgroupDir(): { dir: string; mount: string } | { reason: string; mount: string } {
  const m = cgroup2Mount();
  if (!m) return { reason: 'no cgroup2 filesystem mounted', mount: '' };
  if (m.readOnly) return { reason: 'cgroup2 is mounted read-only', mount: m.mount };
  const own = ownCgroupPath();
  if (own === null) return { reason: 'no cgroup v2 entry in /proc/self/cgroup', mount: m.mount };
  let rel = own;
  if (m.root !== '/') {
    if (!own.startsWith(m.root)) return { reason: `own cgroup ${own} is outside the mounted subtree ${m.root}`, mount: m.mount };
    rel = own.slice(m.root.length) || '/';
  }
  return { dir: path.join(m.mount, rel), mount: m.mount };
}

/** A valid name for a cgroup directory tsysd creates (base name or unit name). */
export function validCgroupName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !name.includes('/') && !name.startsWith('cgroup.') && !name.startsWith('.');
}

export function detectCgroups(baseName: string): CgroupSupport {
  const no = (reason: string, mount = ''): CgroupSupport => ({ available: false, mount, base: '', reason });
  if (process.env['TSYSD_NO_CGROUPS']) return no('disabled by TSYSD_NO_CGROUPS');
  if (!validCgroupName(baseName)) return no(`invalid cgroup name '${baseName}'`);
  const o = ownCgroupDir();
  if ('reason' in o) return no(o.reason, o.mount);
  const ownDir = o.dir;
  if (!fs.existsSync(path.join(ownDir, 'cgroup.procs'))) return no(`own cgroup ${ownDir} is not visible`, o.mount);
  const base = path.join(ownDir, baseName);
  try {
    fs.mkdirSync(base, { recursive: true });
    const probe = path.join(base, `probe-${process.pid}`);
    fs.mkdirSync(probe);
    const procsWritable = (() => { try { fs.accessSync(path.join(probe, 'cgroup.procs'), fs.constants.W_OK); return true; } catch { return false; } })();
    fs.rmdirSync(probe);
    if (!procsWritable) { cgroupPrune(base); return no(`cgroup.procs below ${base} is not writable`, o.mount); }
  } catch (e) {
    cgroupPrune(base);
    return no(`cannot create cgroups below ${ownDir}: ${(e as Error).message}`, o.mount);
  }
  return { available: true, mount: o.mount, base, reason: '' };
}

/** rmdir every EMPTY cgroup directory of the tree at `dir`, bottom-up; populated ones (and their parents)
 *  stay. Never touches a process. Returns true when `dir` is gone (or was never there). */
export function cgroupPrune(dir: string): boolean {
  let ents: fs.Dirent[];
  try { ents = fs.readdirSync(dir, { withFileTypes: true }); } catch (e) { return (e as NodeJS.ErrnoException).code === 'ENOENT'; }
  for (const e of ents) if (e.isDirectory()) cgroupPrune(path.join(dir, e.name));
  try { fs.rmdirSync(dir); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'ENOENT'; }
}

/** Pids in the cgroup and every cgroup below it. A cgroup whose cgroup.stat says nr_descendants 0 (cgroup v2,
 *  the common case of a service's leaf cgroup) is not listed: a readdir of a cgroup returns ~40 entries. */
export function cgroupPids(dir: string): number[] {
  const out: number[] = [];
  const walk = (d: string): void => {
    const t = readSmall(path.join(d, 'cgroup.procs'));
    if (t) for (const l of t.split('\n')) if (l) out.push(Number(l));
    const st = readSmall(path.join(d, 'cgroup.stat'));
    if (st !== null && /^nr_descendants 0$/m.test(st)) return;
    let ents: fs.Dirent[] = [];
    try { ents = fs.readdirSync(d, { withFileTypes: true }); } catch { return; }
    for (const e of ents) if (e.isDirectory()) walk(path.join(d, e.name));
  };
  walk(dir);
  return out;
}

/** No live process in the cgroup or below it (cgroup.events "populated 0"; zombies do not count). */
export function cgroupIsEmpty(dir: string): boolean {
  const t = readSmall(path.join(dir, 'cgroup.events'));
  if (t === null) return !fs.existsSync(dir) || cgroupPids(dir).length === 0;
  return /^populated 0$/m.test(t);
}

/** cgroup.kill (Linux 5.14) is a property of the kernel: probed once. */
let cgroupKillFile: boolean | null = null;

/** Signal every process of the cgroup; repeats until no new pid shows up (like systemd's cg_kill). */
export function cgroupKill(dir: string, signal: number, kill: (pid: number, sig: number) => number, exclude: readonly number[] = []): number[] {
  const done = new Set<number>(exclude);
  if (signal === 9) {
    if (cgroupKillFile === null) cgroupKillFile = fs.existsSync(path.join(dir, 'cgroup.kill'));
    if (cgroupKillFile) {
      const pids = cgroupPids(dir);
      if (pids.length === 0) return pids;
      try { fs.writeFileSync(path.join(dir, 'cgroup.kill'), '1'); return pids; } catch { /* fall through */ }
    }
  }
  for (let round = 0; round < 16; round++) {
    let fresh = 0;
    for (const pid of cgroupPids(dir)) {
      if (done.has(pid)) continue;
      done.add(pid);
      fresh++;
      kill(pid, signal);
    }
    if (fresh === 0) break;
  }
  for (const x of exclude) done.delete(x);
  return [...done];
}

/** rmdir the cgroup and the cgroups below it; fails (EBUSY) while any of them is populated. 0 or -errno. */
export function cgroupRemove(dir: string): number {
  // One rmdir in the common case (no child cgroup); EBUSY means populated OR child cgroups: then recurse.
  try { fs.rmdirSync(dir); return 0; } catch (e) {
    const c = (e as NodeJS.ErrnoException).code;
    if (c === 'ENOENT') return 0;
    if (c !== 'EBUSY' && c !== 'ENOTEMPTY') return (e as NodeJS.ErrnoException).errno ?? -5;
  }
  try {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) cgroupRemove(path.join(dir, e.name));
    fs.rmdirSync(dir);
    return 0;
  } catch (e) {
    const c = (e as NodeJS.ErrnoException).code;
    return c === 'ENOENT' ? 0 : (e as NodeJS.ErrnoException).errno ?? -5;
  }
}

// ---- legacy (v1) hierarchies and resource limits (hybrid mode, as systemd 252 uses them) ----

/** Mount point of each v1 controller hierarchy and the manager's own path in it. */
export function legacyHierarchies(): Map<string, { mount: string; own: string }> {
  const out = new Map<string, { mount: string; own: string }>();
  const mi = readText('/proc/self/mountinfo');
  const pc = readText('/proc/self/cgroup');
  if (mi === null || pc === null) return out;
  const own = new Map<string, string>();
  for (const line of pc.split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    if (m && m[1]) for (const c of (m[1] as string).split(',')) own.set(c, m[2] as string);
  }
  for (const line of mi.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const after = line.slice(sep + 3).split(' ');
    if (after[0] !== 'cgroup') continue;
    const f = line.slice(0, sep).split(' ');
    const root = f[3] ?? '/', mount = (f[4] ?? '').replace(/\\040/g, ' ');
    if ((f[5] ?? '').split(',').includes('ro')) continue;
    for (const c of (after[2] ?? '').split(',')) {
      if (!['memory', 'cpu', 'cpuacct', 'pids', 'blkio', 'cpuset'].includes(c)) continue;
      let p = own.get(c) ?? '/';
      if (root !== '/' && p.startsWith(root)) p = p.slice(root.length) || '/';
      out.set(c, { mount, own: path.join(mount, p) });
    }
  }
  return out;
}

/** Create `<own>/<baseName>` in each v1 hierarchy the manager may write; returns controller → base dir.
 *  cpuset groups must be given cpus/mems before use (copied from the parent, as the kernel's clone_children). */
export function detectLegacy(baseName: string): Map<string, string> {
  const out = new Map<string, string>();
  if (process.env['TSYSD_NO_CGROUPS'] || !validCgroupName(baseName)) return out;
  for (const [c, h] of legacyHierarchies()) {
    const base = path.join(h.own, baseName);
    try {
      fs.mkdirSync(base, { recursive: true });
      fs.accessSync(path.join(base, 'cgroup.procs'), fs.constants.W_OK);
      if (c === 'cpuset') copyCpuset(base);
      out.set(c, base);
    } catch { cgroupPrune(base); }
  }
  return out;
}

function copyCpuset(dir: string): void {
  for (const f of ['cpuset.cpus', 'cpuset.mems']) {
    const p = readText(path.join(path.dirname(dir), f));
    if (p !== null && (readText(path.join(dir, f)) ?? '').trim() === '') { try { fs.writeFileSync(path.join(dir, f), p.trim()); } catch { /* kernel default */ } }
  }
}

/** Controllers usable below `base` on the unified tree: listed in base's cgroup.controllers after trying to
 *  enable them in the manager's own cgroup and in base (fails while the manager's cgroup holds processes). */
export function enableUnified(ownDir: string, base: string): Set<string> {
  const avail = (readText(path.join(ownDir, 'cgroup.controllers')) ?? '').trim().split(/\s+/).filter((x) => x);
  const got = new Set<string>();
  for (const c of avail) {
    if (!['memory', 'cpu', 'pids', 'io', 'cpuset'].includes(c)) continue;
    try { fs.writeFileSync(path.join(ownDir, 'cgroup.subtree_control'), `+${c}`); } catch { /* no-internal-process rule */ }
    try { fs.writeFileSync(path.join(base, 'cgroup.subtree_control'), `+${c}`); got.add(c); } catch { /* not delegated */ }
  }
  return got;
}

/** mkdir -p `rel` below base, enabling the controllers `ctl` in every intermediate cgroup.subtree_control. */
export function mkUnified(base: string, rel: string, ctl: ReadonlySet<string>): string {
  let dir = base;
  const parts = rel.split('/').filter((x) => x);
  parts.forEach((p, i) => {
    dir = path.join(dir, p);
    try { fs.mkdirSync(dir); } catch { /* exists */ }
    if (i < parts.length - 1) for (const c of ctl) { try { fs.writeFileSync(path.join(dir, 'cgroup.subtree_control'), `+${c}`); } catch { /* best effort */ } }
  });
  return dir;
}

/** mkdir -p `rel` below a v1 base (cpuset groups get their parent's cpus/mems). */
export function mkLegacy(controller: string, base: string, rel: string): string {
  let dir = base;
  for (const p of rel.split('/').filter((x) => x)) {
    dir = path.join(dir, p);
    try { fs.mkdirSync(dir); } catch { /* exists */ }
    if (controller === 'cpuset') copyCpuset(dir);
  }
  return dir;
}

/** Write one cgroup attribute; 0 or -errno. */
export function cgroupWrite(dir: string, file: string, value: string): number {
  try { fs.writeFileSync(path.join(dir, file), value); return 0; } catch (e) { return (e as NodeJS.ErrnoException).errno ?? -5; }
}

/** A numeric line "key N" of a flat-keyed cgroup file (memory.events, memory.oom_control, cpu.stat...). */
export function cgroupKeyed(file: string, key: string): number | null {
  const t = readSmall(file);
  if (t === null) return null;
  const m = new RegExp(`^${key} (\\d+)$`, 'm').exec(t);
  return m ? Number(m[1]) : null;
}

export function cgroupNumber(file: string): number | null {
  const t = readSmall(file);
  if (t === null) return null;
  const n = Number(t.trim());
  return Number.isFinite(n) ? n : null;
}

/** Bytes read/written from an io.stat (v2) or blkio.throttle.io_service_bytes (v1) file, summed. */
export function ioBytes(file: string, v2: boolean): { read: number; write: number } | null {
  const t = readSmall(file);
  if (t === null) return null;
  let read = 0, write = 0;
  for (const line of t.split('\n')) {
    if (v2) {
      const r = /rbytes=(\d+)/.exec(line), w = /wbytes=(\d+)/.exec(line);
      if (r) read += Number(r[1]);
      if (w) write += Number(w[1]);
    } else {
      const m = /^\S+ (Read|Write) (\d+)$/.exec(line);
      if (m) { if (m[1] === 'Read') read += Number(m[2]); else write += Number(m[2]); }
    }
  }
  return { read, write };
}
