// tmpfiles.d applied by tsysd itself when the image has no systemd-tmpfiles (systemd 252's
// `systemd-tmpfiles --create --remove --boot` as systemd-tmpfiles-setup.service runs it). Configuration:
// *.conf of /etc/tmpfiles.d, /run/tmpfiles.d, /usr/local/lib/tmpfiles.d, /usr/lib/tmpfiles.d (one per
// name, the first directory wins, an empty file or /dev/null link masks). Line types: f f+ w w+ d D e v q
// Q p p+ L L+ C C+ r R z Z x X (ignored for creation) and the modifiers ! - = ; c b need CAP_MKNOD and are
// skipped without it, as systemd-tmpfiles does in a container; t T h H a A (xattrs, attributes, ACLs)
// and age-based cleaning are not applied (logged). Specifiers %m %b %H %l %v %U %u %G %g %h %t %S %C %L
// %T %V %%; user and group names resolve in the root's /etc/passwd and /etc/group.
// Invariant: pure planning (parseTmpfiles, orderItems); all file access through TmpfilesFs.
export interface TmpfilesItem {
  type: string;          // one letter
  plus: boolean;         // '+' modifier (f+ w+ L+ C+ p+)
  boot: boolean;         // '!'
  allowFailure: boolean; // '-'
  force: boolean;        // '='
  path: string;
  mode: number | null;   // null: default, not enforced on existing paths
  maskPerms: boolean;    // '~'
  modeOnlyCreate: boolean; // ':'
  user: string | null;
  userOnlyCreate: boolean;
  group: string | null;
  groupOnlyCreate: boolean;
  argument: string | null;
  file: string;
  line: number;
}

export interface TmpfilesDiag { file: string; line: number; level: 'error' | 'warning' | 'debug'; message: string }

const KNOWN = new Set('fFwdDevqQpLcbCxXrRzZtThHaA'.split(''));
const IGNORED_FOR_CREATE = new Set(['x', 'X', 't', 'T', 'h', 'H', 'a', 'A']);

export interface SpecifierValues { machineId: string; bootId: string; hostname: string; kernelRelease: string; userName: string; uid: number; groupName: string; gid: number; home: string }

function expand(s: string, v: SpecifierValues): string | null {
  let bad = false;
  const out = s.replace(/%(.)/g, (_m, c: string) => {
    switch (c) {
      case '%': return '%';
      case 'm': return v.machineId; case 'b': return v.bootId; case 'H': return v.hostname;
      case 'l': return v.hostname.split('.')[0] ?? ''; case 'v': return v.kernelRelease;
      case 'U': return String(v.uid); case 'u': return v.userName; case 'G': return String(v.gid); case 'g': return v.groupName;
      case 'h': return v.home; case 't': return '/run'; case 'S': return '/var/lib'; case 'C': return '/var/cache';
      case 'L': return '/var/log'; case 'T': return '/tmp'; case 'V': return '/var/tmp';
      default: bad = true; return '';
    }
  });
  return bad ? null : out;
}

/** extract_first_word with quotes for the first six fields; the argument is the rest (C-unescaped). */
function fields(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (out.length < 6 && i < line.length) {
    while (i < line.length && /\s/.test(line[i]!)) i++;
    if (i >= line.length) break;
    let w = '', q = '';
    for (; i < line.length; i++) {
      const c = line[i]!;
      if (q) { if (c === q) q = ''; else w += c; continue; }
      if (/\s/.test(c)) break;
      if (c === '"' || c === "'") { q = c; continue; }
      if (c === '\\' && i + 1 < line.length) { w += line[++i]; continue; }
      w += c;
    }
    out.push(w);
  }
  while (i < line.length && /\s/.test(line[i]!)) i++;
  if (i < line.length) out.push(line.slice(i));
  return out;
}

function cunescape(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{3}|.)/g, (_m, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]{3}$/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return ({ n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', '"': '"', "'": "'", s: ' ' } as Record<string, string>)[e] ?? e;
  });
}

const dash = (s: string | undefined): boolean => s === undefined || s === '' || s === '-';

export function parseTmpfiles(text: string, file: string, spec: SpecifierValues, diags: TmpfilesDiag[]): TmpfilesItem[] {
  const items: TmpfilesItem[] = [];
  text.split('\n').forEach((raw, idx) => {
    const line = idx + 1;
    const l = raw.trim();
    if (l === '' || l.startsWith('#')) return;
    const f = fields(l);
    const [action = '', p = '', mode, user, group, , arg] = f;
    const t = action[0] ?? '';
    if (!KNOWN.has(t)) { diags.push({ file, line, level: 'error', message: `Unknown command type '${t}'.` }); return; }
    let plus = false, boot = false, allowFailure = false, force = false;
    for (const m of action.slice(1)) {
      if (m === '+') plus = true; else if (m === '!') boot = true; else if (m === '-') allowFailure = true; else if (m === '=') force = true;
      else if (m === '^' || m === '~') { diags.push({ file, line, level: 'warning', message: `Modifier '${m}' is not supported by tsysd, line ignored.` }); return; }
      else { diags.push({ file, line, level: 'error', message: `Unknown modifiers in command '${action}'.` }); return; }
    }
    const path = expand(p, spec);
    if (path === null || !path.startsWith('/')) { diags.push({ file, line, level: 'error', message: `Path '${p}' not absolute or bad specifier.` }); return; }
    const it: TmpfilesItem = { type: t, plus, boot, allowFailure, force, path: path.replace(/\/+/g, '/').replace(/(.)\/$/, '$1'), mode: null,
      maskPerms: false, modeOnlyCreate: false, user: null, userOnlyCreate: false, group: null, groupOnlyCreate: false, argument: null, file, line };
    if (!dash(mode)) {
      let m = mode!;
      for (;;) { if (m.startsWith('~')) { it.maskPerms = true; m = m.slice(1); } else if (m.startsWith(':')) { it.modeOnlyCreate = true; m = m.slice(1); } else break; }
      if (!/^[0-7]{1,4}$/.test(m)) { diags.push({ file, line, level: 'error', message: `Invalid mode '${mode}'.` }); return; }
      it.mode = parseInt(m, 8);
    }
    if (!dash(user)) { let u = user!; if (u.startsWith(':')) { it.userOnlyCreate = true; u = u.slice(1); } it.user = expand(u, spec); }
    if (!dash(group)) { let g = group!; if (g.startsWith(':')) { it.groupOnlyCreate = true; g = g.slice(1); } it.group = expand(g, spec); }
    if (arg !== undefined) {
      const a = ['f', 'w'].includes(t) ? cunescape(arg) : arg;
      it.argument = ['L', 'C', 'f', 'w'].includes(t) ? expand(a, spec) : a;
    }
    if ((t === 'L' || t === 'C') && it.argument === null) it.argument = `/usr/share/factory${it.path}`;
    if (t === 'w' && it.argument === null) { diags.push({ file, line, level: 'error', message: 'Write file requires argument.' }); return; }
    items.push(it);
  });
  return items;
}

/** What systemd-tmpfiles does with duplicate paths: the first line for a path wins (a conflicting later one
 *  is reported as a duplicate), except that lines of types that do not take ownership (z, Z, t, ...) add
 *  to it. Items per path run creation types first; paths are processed parents first. */
export function orderItems(items: TmpfilesItem[], diags: TmpfilesDiag[]): TmpfilesItem[] {
  const owner = new Set(['f', 'F', 'w', 'd', 'D', 'v', 'q', 'Q', 'p', 'L', 'c', 'b', 'C', 'e']);
  const byPath = new Map<string, TmpfilesItem[]>();
  for (const it of items) {
    const l = byPath.get(it.path) ?? [];
    const clash = l.find((o) => owner.has(o.type) === owner.has(it.type) && owner.has(it.type));
    if (clash) { diags.push({ file: it.file, line: it.line, level: 'warning', message: `Duplicate line for path "${it.path}", ignoring.` }); continue; }
    l.push(it);
    byPath.set(it.path, l);
  }
  const out: TmpfilesItem[] = [];
  for (const p of [...byPath.keys()].sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : a > b ? 1 : 0))) {
    const l = byPath.get(p)!;
    l.sort((a, b) => Number(owner.has(b.type)) - Number(owner.has(a.type)));
    out.push(...l);
  }
  return out;
}

// ---------- applying ----------

export interface TmpStat { type: 'file' | 'dir' | 'symlink' | 'fifo' | 'other'; mode: number; uid: number; gid: number }

/** File operations below a root (tsysd: '/'; tests: a temp root). Errors are -errno. */
export interface TmpfilesFs {
  lstat(p: string): TmpStat | null;
  stat(p: string): TmpStat | null;
  mkdir(p: string, mode: number): number;
  createFile(p: string, mode: number, content: string | null): number;   // O_CREAT|O_EXCL
  writeFile(p: string, content: string, append: boolean, truncate: boolean): number;
  mkfifo(p: string, mode: number): number;
  /** mknod: kind 'c' or 'b', dev 'major:minor'. */
  mknod(p: string, kind: 'c' | 'b', mode: number, dev: string): number;
  symlink(target: string, p: string): number;
  remove(p: string, recursive: boolean): number;
  emptyDir(p: string): number;
  copy(from: string, to: string): number;
  chmod(p: string, mode: number): number;
  chown(p: string, uid: number, gid: number): number;
  readdir(p: string): string[];
  glob(pattern: string): string[];
  lookupUser(name: string): number | null;
  lookupGroup(name: string): number | null;
  canMknod(): boolean;
}

export interface ApplyOptions { boot: boolean; remove: boolean; log(level: 'error' | 'warning' | 'info' | 'debug', message: string): void }

function parentDirs(p: string): string[] {
  const parts = p.split('/').filter(Boolean);
  const out: string[] = [];
  for (let i = 1; i < parts.length; i++) out.push('/' + parts.slice(0, i).join('/'));
  return out;
}

function setPerms(fs: TmpfilesFs, it: TmpfilesItem, p: string, created: boolean, o: ApplyOptions): number {
  if (it.mode === null && it.user === null && it.group === null) return 0;
  const st = fs.lstat(p);
  if (!st) return -2;
  let uid = st.uid, gid = st.gid;
  if (it.user !== null && (created || !it.userOnlyCreate)) { const u = /^[0-9]+$/.test(it.user) ? Number(it.user) : fs.lookupUser(it.user); if (u === null) { o.log('error', `Failed to resolve user '${it.user}'.`); return -22; } uid = u; }
  if (it.group !== null && (created || !it.groupOnlyCreate)) { const g = /^[0-9]+$/.test(it.group) ? Number(it.group) : fs.lookupGroup(it.group); if (g === null) { o.log('error', `Failed to resolve group '${it.group}'.`); return -22; } gid = g; }
  if (uid !== st.uid || gid !== st.gid) { const r = fs.chown(p, uid, gid); if (r < 0) return r; }
  if (st.type === 'symlink') return 0;
  if (it.mode !== null && (created || !it.modeOnlyCreate)) {
    let m = it.mode;
    if (it.maskPerms) { m = it.mode & st.mode & 0o7777; if (st.type === 'dir') m |= ((it.mode & st.mode) & 0o444) >> 2 & 0o111; }
    if ((m & 0o7777) !== (st.mode & 0o7777)) return fs.chmod(p, m);
  }
  return 0;
}

function createOne(fs: TmpfilesFs, it: TmpfilesItem, p: string, o: ApplyOptions): number {
  const defMode = it.mode ?? (['d', 'D', 'v', 'q', 'Q'].includes(it.type) ? 0o755 : 0o644);
  for (const d of parentDirs(p)) if (!fs.stat(d)) { const r = fs.mkdir(d, 0o755); if (r < 0 && r !== -17) return r; }
  let created = false;
  const st = fs.lstat(p);
  switch (it.type) {
    case 'f': {
      if (it.plus) { const r = st ? fs.writeFile(p, it.argument ?? '', false, true) : fs.createFile(p, defMode, it.argument); if (r < 0) return r; created = !st; break; }
      if (!st) { const r = fs.createFile(p, defMode, it.argument); if (r < 0) return r; created = true; }
      else if (st.type !== 'file') { o.log('error', `${p} exists and is not a regular file.`); return -17; }
      break;
    }
    case 'w': {
      for (const m of fs.glob(p)) { const r = fs.writeFile(m, it.argument ?? '', it.plus, false); if (r < 0 && r !== -2) return r; }
      return 0;
    }
    case 'd': case 'D': case 'v': case 'q': case 'Q': {
      if (!st) { const r = fs.mkdir(p, defMode); if (r < 0) return r; created = true; }
      else if (st.type !== 'dir') {
        if (it.force) { fs.remove(p, true); const r = fs.mkdir(p, defMode); if (r < 0) return r; created = true; }
        else { o.log('error', `"${p}" already exists and is not a directory.`); return -17; }
      }
      break;
    }
    case 'e': {
      for (const m of fs.glob(p)) { const s = fs.stat(m); if (s && s.type === 'dir') setPerms(fs, it, m, false, o); }
      return 0;
    }
    case 'p': {
      if (st && (it.plus || it.force) && st.type !== 'fifo') fs.remove(p, false);
      if (!fs.lstat(p)) { const r = fs.mkfifo(p, defMode); if (r < 0) return r; created = true; }
      break;
    }
    case 'L': {
      if (st && (it.plus || it.force)) fs.remove(p, st.type === 'dir');
      if (!fs.lstat(p)) { const r = fs.symlink(it.argument ?? '', p); if (r < 0) return r; created = true; }
      break;
    }
    case 'C': {
      if (st && !(st.type === 'dir' && fs.readdir(p).length === 0)) break;
      if (!fs.lstat(it.argument ?? '')) { o.log('debug', `Copy source ${it.argument ?? ''} does not exist, skipping.`); return 0; }
      if (st) fs.remove(p, true);
      const r = fs.copy(it.argument ?? '', p); if (r < 0) return r; created = true;
      break;
    }
    case 'c': case 'b':
      if (!fs.canMknod()) { o.log('debug', `We lack CAP_MKNOD, skipping creation of device node ${p}.`); return 0; }
      if (!/^[0-9]+:[0-9]+$/.test(it.argument ?? '')) { o.log('error', `Can't parse device file major/minor '${it.argument ?? ''}'.`); return -22; }
      if (st && (it.plus || it.force)) fs.remove(p, false);
      if (!fs.lstat(p)) { const r = fs.mknod(p, it.type as 'c' | 'b', defMode, it.argument ?? ''); if (r < 0) return r; created = true; }
      break;
    case 'z': case 'Z': {
      for (const m of fs.glob(p)) {
        setPerms(fs, it, m, false, o);
        if (it.type === 'Z' && fs.stat(m)?.type === 'dir') {
          const walk = (d: string): void => { for (const n of fs.readdir(d)) { const q = `${d}/${n}`; setPerms(fs, it, q, false, o); if (fs.lstat(q)?.type === 'dir') walk(q); } };
          walk(m);
        }
      }
      return 0;
    }
    default:
      if (IGNORED_FOR_CREATE.has(it.type) && !['x', 'X'].includes(it.type)) o.log('debug', `${it.file}:${it.line}: line type '${it.type}' is not applied by tsysd.`);
      return 0;
  }
  return setPerms(fs, it, p, created, o);
}

function removeOne(fs: TmpfilesFs, it: TmpfilesItem, p: string): number {
  if (it.type === 'r') { for (const m of fs.glob(p)) { const s = fs.lstat(m); if (s) fs.remove(m, false); } return 0; }
  if (it.type === 'R') { for (const m of fs.glob(p)) fs.remove(m, true); return 0; }
  if (it.type === 'D') { for (const m of fs.glob(p)) if (fs.lstat(m)?.type === 'dir') fs.emptyDir(m); return 0; }
  return 0;
}

/** --create --remove [--boot]: remove (r R, D contents) then create, per item in order. Returns the failures. */
export function applyTmpfiles(fs: TmpfilesFs, items: TmpfilesItem[], o: ApplyOptions): number {
  let failures = 0;
  for (const it of items) {
    if (it.boot && !o.boot) continue;
    const p = it.path;
    if (o.remove) removeOne(fs, it, p);
    if (it.type === 'r' || it.type === 'R') continue;
    const r = createOne(fs, it, p, o);
    if (r < 0 && !it.allowFailure) { failures++; o.log('error', `${it.file}:${it.line}: ${it.type} ${p}: errno ${-r}`); }
  }
  return failures;
}
