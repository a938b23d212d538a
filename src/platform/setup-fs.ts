// The file system side of tsysd's tmpfiles.d and sysusers.d fallbacks (src/setup/): TmpfilesFs and the
// config-file listing over node:fs, below a root directory ('/' for the manager, a temp root in tests,
// like `systemd-tmpfiles --root=`). Users and groups resolve in the root's /etc/passwd and /etc/group.
// Invariants: paths given are absolute within the root; errors come back as -errno, never thrown.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TmpStat, TmpfilesFs } from '../setup/tmpfiles';
import { fnmatch } from '../units/condition-values';

const errno = (e: unknown): number => { const n = (e as NodeJS.ErrnoException).errno; return typeof n === 'number' ? n : -5; };

function kind(st: fs.Stats): TmpStat['type'] {
  return st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : st.isFIFO() ? 'fifo' : 'other';
}

function idOf(file: string, name: string): number | null {
  let t = '';
  try { t = fs.readFileSync(file, 'utf8'); } catch { return null; }
  for (const l of t.split('\n')) { const f = l.split(':'); if (f[0] === name && f[2] !== undefined && /^[0-9]+$/.test(f[2])) return Number(f[2]); }
  return null;
}

export function hasCapMknod(): boolean {
  try {
    const hex = /^CapEff:\s*([0-9a-f]+)/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1];
    return !!hex && ((BigInt('0x' + hex) >> 27n) & 1n) === 1n;
  } catch { return false; }
}

export function realTmpfilesFs(root = '/'): TmpfilesFs {
  const R = (p: string): string => (root === '/' ? p : path.join(root, p));
  const globIn = (pattern: string): string[] => {
    if (!/[*?[]/.test(pattern)) return [pattern];
    const parts = pattern.split('/').filter(Boolean);
    let cur = ['/'];
    for (const part of parts) {
      const next: string[] = [];
      for (const d of cur) {
        if (!/[*?[]/.test(part)) { next.push(path.posix.join(d, part)); continue; }
        let names: string[] = [];
        try { names = fs.readdirSync(R(d)); } catch { /* none */ }
        for (const n of names) if (fnmatch(part, n) && (!n.startsWith('.') || part.startsWith('.'))) next.push(path.posix.join(d, n));
      }
      cur = next;
    }
    return cur.filter((p) => { try { fs.lstatSync(R(p)); return true; } catch { return false; } }).sort();
  };
  return {
    lstat(p) { try { const s = fs.lstatSync(R(p)); return { type: kind(s), mode: s.mode & 0o7777, uid: s.uid, gid: s.gid }; } catch { return null; } },
    stat(p) { try { const s = fs.statSync(R(p)); return { type: kind(s), mode: s.mode & 0o7777, uid: s.uid, gid: s.gid }; } catch { return null; } },
    mkdir(p, mode) { try { fs.mkdirSync(R(p), { mode }); return 0; } catch (e) { return errno(e); } },
    createFile(p, mode, content) {
      try { const fd = fs.openSync(R(p), fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY | fs.constants.O_NOFOLLOW, mode); if (content) fs.writeSync(fd, content); fs.closeSync(fd); return 0; } catch (e) { return errno(e); }
    },
    writeFile(p, content, append, truncate) {
      try {
        const flags = fs.constants.O_WRONLY | fs.constants.O_NOFOLLOW | (append ? fs.constants.O_APPEND : 0) | (truncate ? fs.constants.O_TRUNC | fs.constants.O_CREAT : 0);
        const fd = fs.openSync(R(p), flags, 0o644); fs.writeSync(fd, content); fs.closeSync(fd); return 0;
      } catch (e) { return errno(e); }
    },
    mknod(p, kind, mode, dev) {
      const [maj, min] = dev.split(':');
      const r = require('node:child_process').spawnSync('mknod', ['-m', mode.toString(8), R(p), kind, maj ?? '', min ?? '']) as { status: number | null };
      return r.status === 0 ? 0 : -1;
    },
    mkfifo(p, mode) {
      // Node has no mkfifo(3): mknod(1) from coreutils does it (the manager spawns nothing here in a loop).
      const r = require('node:child_process').spawnSync('mkfifo', ['-m', mode.toString(8), R(p)]) as { status: number | null };
      return r.status === 0 ? 0 : -1;
    },
    symlink(target, p) { try { fs.symlinkSync(target, R(p)); return 0; } catch (e) { return errno(e); } },
    remove(p, recursive) { try { fs.rmSync(R(p), { recursive, force: false }); return 0; } catch (e) { try { fs.rmdirSync(R(p)); return 0; } catch { return errno(e); } } },
    emptyDir(p) { try { for (const n of fs.readdirSync(R(p))) fs.rmSync(path.join(R(p), n), { recursive: true, force: true }); return 0; } catch (e) { return errno(e); } },
    copy(from, to) { try { fs.cpSync(R(from), R(to), { recursive: true, preserveTimestamps: true, verbatimSymlinks: true }); return 0; } catch (e) { return errno(e); } },
    chmod(p, mode) { try { fs.chmodSync(R(p), mode); return 0; } catch (e) { return errno(e); } },
    chown(p, uid, gid) { try { fs.lchownSync(R(p), uid, gid); return 0; } catch (e) { return errno(e); } },
    readdir(p) { try { return fs.readdirSync(R(p)); } catch { return []; } },
    glob: globIn,
    lookupUser: (n) => idOf(R('/etc/passwd'), n),
    lookupGroup: (n) => idOf(R('/etc/group'), n),
    canMknod: hasCapMknod,
  };
}

/** conf_files_list for `*.conf` in dirs (below root): name → text, first directory wins, masks hide. */
export function readConfFiles(dirs: string[], root = '/'): { file: string; text: string }[] {
  const R = (p: string): string => (root === '/' ? p : path.join(root, p));
  const seen = new Map<string, string | null>();
  for (const d of dirs) {
    let names: string[] = [];
    try { names = fs.readdirSync(R(d)); } catch { continue; }
    for (const n of names) {
      if (!n.endsWith('.conf') || seen.has(n)) continue;
      const p = `${d}/${n}`;
      try {
        const st = fs.statSync(R(p));
        if (st.isCharacterDevice() || (st.isFile() && st.size === 0)) { seen.set(n, null); continue; }
        if (!st.isFile()) continue;
        seen.set(n, p);
      } catch { /* dangling */ }
    }
  }
  return [...seen].filter((e): e is [string, string] => e[1] !== null).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, p]) => ({ file: p, text: fs.readFileSync(R(p), 'utf8') }));
}

/** Read a file below root ('' when missing, null with `nullIfMissing`). */
export function readRootFile(root: string, p: string, nullIfMissing = false): string | null {
  try { return fs.readFileSync(root === '/' ? p : path.join(root, p), 'utf8'); } catch { return nullIfMissing ? null : ''; }
}

/** Replace a file below root atomically, keeping its mode and owner (mode `dflt` when new). */
export function writeRootFile(root: string, p: string, text: string, dflt: number, modeFrom?: string): number {
  const f = root === '/' ? p : path.join(root, p);
  let mode = dflt, uid = 0, gid = 0;
  const from = modeFrom ? (root === '/' ? modeFrom : path.join(root, modeFrom)) : f;
  try { const st = fs.statSync(from); mode = st.mode & 0o7777; uid = st.uid; gid = st.gid; } catch { /* new */ }
  const tmp = `${f}.tsysd-${process.pid}`;
  try {
    fs.mkdirSync(path.dirname(f), { recursive: true, mode: 0o755 });
    fs.writeFileSync(tmp, text, { mode });
    fs.chmodSync(tmp, mode);
    try { fs.chownSync(tmp, uid, gid); } catch { /* unprivileged */ }
    fs.renameSync(tmp, f);
    return 0;
  } catch (e) { try { fs.unlinkSync(tmp); } catch { /* none */ } return errno(e); }
}

export function rootExists(root: string, p: string): boolean { try { fs.accessSync(root === '/' ? p : path.join(root, p)); return true; } catch { return false; } }
