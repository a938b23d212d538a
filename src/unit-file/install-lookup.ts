// [Install] lookup layer (systemd 252 src/shared/install.c semantics, reimplemented): lookup paths under a
// root prefix, unit file discovery for install operations (regular / masked / alias / linked, following
// symlinks), [Install] parsing (Alias, WantedBy, RequiredBy, UpheldBy, Also, DefaultInstance, plus drop-ins
// of the unit and its template), and the [Install] specifier table.
// Invariants: every path held here includes the root prefix; `skipRoot()` gives what systemctl prints as a
// link target. Errors are errno-like codes (strings), never exceptions.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseUnitBytes } from './parse';
import { parseUnitName, unitNameIsValid, instantiate, templateOf, pathSimplify } from './names';
import { validateAlias } from './load';
import { hostSpecifierContext } from './specifiers-host';
import { expandSpecifiers, INSTALL_SPECIFIERS } from './specifiers';
import type { SpecifierContext } from './types';

export type Errno = 'ENOENT' | 'ELOOP' | 'EXDEV' | 'EEXIST' | 'ERFKILL' | 'EADDRNOTAVAIL' | 'EUCLEAN' | 'EIDRM' | 'EBADSLT'
  | 'ENOLINK' | 'EISDIR' | 'EINVAL' | 'ETXTBSY' | 'EACCES' | 'ENOTDIR' | 'EIO';

export interface InstallLookup {
  root: string;              // '' when none
  searchPath: string[];      // root-prefixed
  persistentConfig: string;  // root-prefixed
  runtimeConfig: string;     // root-prefixed
  generator: string[];       // root-prefixed generator dirs
  transient: string;         // root-prefixed
  presetDirs: string[];      // root-prefixed, highest priority first
  userMode: boolean;
  specifiers: SpecifierContext;
  warnings: string[];        // parse warnings, in the order systemctl would log them
}

export interface InstallLookupOptions {
  root?: string;
  userMode?: boolean;
  unitPaths?: string[];   // explicit dirs: replace the defaults; the first is the config dir; presets from DIR-preset
  configDir?: string;     // override of the persistent config dir (root-prefixed automatically)
  global?: boolean;       // systemctl --global: the user units' system-wide config (/etc/systemd/user)
  env?: Record<string, string | undefined>;
}

export function makeLookup(opts: InstallLookupOptions = {}): InstallLookup {
  const root = opts.root ? pathSimplify(path.resolve(opts.root)).replace(/\/$/, '') : '';
  const R = (p: string): string => (root ? root + p : p);
  const userMode = !!opts.userMode;
  const env = opts.env ?? process.env;
  const specifiers = hostSpecifierContext(userMode, env);
  if (opts.unitPaths && opts.unitPaths.length) {
    const dirs = opts.unitPaths.map((d) => pathSimplify(path.resolve(d)));
    const first = dirs[0]!;
    return {
      root: '', searchPath: dirs, persistentConfig: opts.configDir ?? first, runtimeConfig: opts.configDir ?? first,
      generator: [], transient: '', presetDirs: dirs.map((d) => `${d}-preset`), userMode, specifiers, warnings: [],
    };
  }
  if (opts.global) {
    return {
      root, searchPath: ['/etc/systemd/user', '/run/systemd/user', '/usr/local/share/systemd/user', '/usr/share/systemd/user',
        '/usr/local/lib/systemd/user', '/usr/lib/systemd/user'].map(R),
      persistentConfig: R(opts.configDir ?? '/etc/systemd/user'), runtimeConfig: R('/run/systemd/user'), generator: [], transient: '',
      presetDirs: ['/etc/systemd/user-preset', '/run/systemd/user-preset', '/usr/local/lib/systemd/user-preset', '/usr/lib/systemd/user-preset'].map(R),
      userMode: true, specifiers, warnings: [],
    };
  }
  if (userMode) {
    const home = env['HOME'] || '/root';
    const cfg = env['XDG_CONFIG_HOME'] || `${home}/.config`;
    const rt = env['XDG_RUNTIME_DIR'] || `/run/user/${specifiers.uid}`;
    const sp = [`${cfg}/systemd/user.control`, `${rt}/systemd/user.control`, `${rt}/systemd/transient`, `${rt}/systemd/generator.early`,
      `${cfg}/systemd/user`, '/etc/xdg/systemd/user', '/etc/systemd/user', `${rt}/systemd/user`, '/run/systemd/user',
      `${rt}/systemd/generator`, `${env['XDG_DATA_HOME'] || `${home}/.local/share`}/systemd/user`, '/usr/local/share/systemd/user',
      '/usr/share/systemd/user', '/usr/local/lib/systemd/user', '/usr/lib/systemd/user', `${rt}/systemd/generator.late`].map(R);
    return {
      root, searchPath: sp, persistentConfig: R(opts.configDir ?? `${cfg}/systemd/user`), runtimeConfig: R(`${rt}/systemd/user`),
      generator: [R(`${rt}/systemd/generator`), R(`${rt}/systemd/generator.early`), R(`${rt}/systemd/generator.late`)],
      transient: R(`${rt}/systemd/transient`),
      presetDirs: ['/etc/systemd/user-preset', '/run/systemd/user-preset', '/usr/local/lib/systemd/user-preset', '/usr/lib/systemd/user-preset'].map(R),
      userMode, specifiers, warnings: [],
    };
  }
  const sp = ['/etc/systemd/system.control', '/run/systemd/system.control', '/run/systemd/transient', '/run/systemd/generator.early',
    '/etc/systemd/system', '/etc/systemd/system.attached', '/run/systemd/system', '/run/systemd/system.attached', '/run/systemd/generator',
    '/usr/local/lib/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system', '/run/systemd/generator.late'].map(R);
  return {
    root, searchPath: sp, persistentConfig: R(opts.configDir ?? '/etc/systemd/system'), runtimeConfig: R('/run/systemd/system'),
    generator: ['/run/systemd/generator', '/run/systemd/generator.early', '/run/systemd/generator.late'].map(R),
    transient: R('/run/systemd/transient'),
    presetDirs: ['/etc/systemd/system-preset', '/run/systemd/system-preset', '/usr/local/lib/systemd/system-preset',
      '/usr/lib/systemd/system-preset', '/lib/systemd/system-preset'].map(R),
    userMode, specifiers, warnings: [],
  };
}

/** Path as systemctl prints a link target: without the root prefix. */
export function skipRoot(lp: InstallLookup, p: string): string {
  if (!lp.root) return p;
  if (p === lp.root) return '/';
  return p.startsWith(lp.root + '/') ? p.slice(lp.root.length) : p;
}

export function pathStartsWithAny(p: string, dirs: string[]): string | null {
  for (const d of dirs) if (p === d || p.startsWith(d + '/')) return d;
  return null;
}

export function inSearchPath(lp: InstallLookup, p: string): boolean { return lp.searchPath.includes(path.dirname(p)); }
export function isGeneratorPath(lp: InstallLookup, p: string): boolean { return lp.generator.includes(path.dirname(p)); }
export function isTransientPath(lp: InstallLookup, p: string): boolean { return !!lp.transient && path.dirname(p) === lp.transient; }
export function isConfigPath(lp: InstallLookup, p: string, checkParent: boolean): boolean {
  const d = checkParent ? path.dirname(p) : p;
  return d === lp.persistentConfig || d === lp.runtimeConfig;
}
export function isRuntimePath(lp: InstallLookup, p: string, checkParent: boolean): boolean {
  const rp = skipRoot(lp, p);
  if (rp === '/run' || rp.startsWith('/run/')) return true;
  const d = checkParent ? path.dirname(p) : p;
  // With explicit unit paths (--unit-path) the first one is both config dirs: it is persistent, as
  // /etc/systemd/system is (a unit masked there is "masked", not "masked-runtime").
  return (d === lp.runtimeConfig && lp.runtimeConfig !== lp.persistentConfig) || lp.generator.includes(d) || d === lp.transient;
}

export type InstallMode = 'regular' | 'masked' | 'alias' | 'linked' | null;

export interface InstallInfo {
  name: string;
  path: string;              // root-prefixed, '' until found
  mode: InstallMode;
  symlinkTarget: string;
  aliases: string[];
  wantedBy: string[];
  requiredBy: string[];
  upheldBy: string[];
  also: string[];
  defaultInstance: string;
  auxiliary: boolean;
  warnings: string[];        // parse diagnostics as `file:line: message`
}

export class InstallContext {
  willProcess: Map<string, InstallInfo> = new Map();
  haveProcessed: Map<string, InstallInfo> = new Map();
  constructor(readonly lp: InstallLookup) {}

  find(name: string): InstallInfo | undefined { return this.haveProcessed.get(name) ?? this.willProcess.get(name); }

  /** install_info_add(): name or path; returns the (possibly existing) info or an errno. */
  add(name: string, p: string, auxiliary: boolean): InstallInfo | Errno {
    const n = name || path.basename(p);
    if (!unitNameIsValid(n)) return 'EINVAL';
    const ex = this.find(n);
    if (ex) { ex.auxiliary = ex.auxiliary && auxiliary; return ex; }
    const info: InstallInfo = { name: n, path: p, mode: null, symlinkTarget: '', aliases: [], wantedBy: [], requiredBy: [], upheldBy: [],
      also: [], defaultInstance: '', auxiliary, warnings: [] };
    this.willProcess.set(n, info);
    return info;
  }

  /** install_info_add_auto(): absolute path (root-prefixed here) or name. */
  addAuto(nameOrPath: string): InstallInfo | Errno {
    if (nameOrPath.startsWith('/')) return this.add('', this.lp.root + nameOrPath, false);
    return this.add(nameOrPath, '', false);
  }
}

export const ERRMSG: Partial<Record<Errno, string>> = { ENOENT: 'No such file or directory', EINVAL: 'Invalid argument', ELOOP: 'Too many levels of symbolic links', EISDIR: 'Is a directory', EACCES: 'Permission denied' };

/** systemd's hidden_or_backup_file(): entries FOREACH_DIRENT skips. */
export function hiddenOrBackup(n: string): boolean {
  return n.startsWith('.') || /~$|\.(rpmnew|rpmsave|rpmorig|dpkg-old|dpkg-new|dpkg-tmp|dpkg-dist|dpkg-bak|dpkg-backup|dpkg-remove|ucf-new|ucf-old|ucf-dist|swp|bak|old|new)$/.test(n);
}

function lstatOrNull(p: string): fs.Stats | null { try { return fs.lstatSync(p); } catch { return null; } }
function statOrNull(p: string): fs.Stats | null { try { return fs.statSync(p); } catch { return null; } }
/** null_or_empty_path_with_root(): under a root, a (dangling) link to ROOT/dev/null counts as /dev/null. */
export function isNullOrEmptyPath(lp: InstallLookup, p: string): boolean {
  if (skipRoot(lp, p) === '/dev/null') return true;
  const st = statOrNull(p);
  return !!st && nullOrEmpty(st);
}

/** Directory entries in the kernel's readdir order (Node's readdirSync sorts; systemd does not). */
export function readdirRaw(dir: string): fs.Dirent[] {
  const out: fs.Dirent[] = [];
  let d: fs.Dir | null = null;
  try {
    d = fs.opendirSync(dir, { bufferSize: 1024 });   // entries per getdents batch (Node's default: 32)
    for (let e = d.readSync(); e; e = d.readSync()) out.push(e);
  } catch { /* missing or unreadable: what we have */ } finally { try { d?.closeSync(); } catch { /* closed */ } }
  return out;
}

export function nullOrEmpty(st: fs.Stats): boolean { return st.isCharacterDevice() || st.isBlockDevice() || (st.isFile() && st.size === 0); }
function code(e: unknown): Errno { const c = (e as NodeJS.ErrnoException | null)?.code; return (c as Errno) ?? 'EIO'; }

/** Resolve a symlink target to a root-prefixed absolute path (chase without following the last component). */
export function resolveLinkTarget(lp: InstallLookup, linkPath: string, target: string): string {
  const abs = target.startsWith('/') ? lp.root + target : path.join(path.dirname(linkPath), target);
  return path.normalize(abs);
}

/** Follow all symlinks (like chase(CHASE_NONEXISTENT)); returns the final root-prefixed path. */
export function chaseAll(lp: InstallLookup, p: string): string | Errno {
  let cur = p;
  for (let i = 0; i < 64; i++) {
    const st = lstatOrNull(cur);
    if (!st || !st.isSymbolicLink()) return cur;
    let t: string;
    try { t = fs.readlinkSync(cur); } catch (e) { return code(e); }
    cur = resolveLinkTarget(lp, cur, t);
  }
  return 'ELOOP';
}

// ---- [Install] parsing ----

function words(v: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(v))) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}

/** install_name_printf(): %i %j %n %N %p plus system/credential specifiers; null on an unknown specifier. */
export function installPrintf(lp: InstallLookup, info: InstallInfo, text: string): string | null {
  if (!text.includes('%')) return text;
  const p = parseUnitName(info.name);
  const name = p?.isTemplate && info.defaultInstance ? instantiate(info.name, info.defaultInstance) ?? info.name : info.name;
  const unit = { id: name, prefix: p?.prefix ?? '', instance: (p?.instance || info.defaultInstance) ?? '', type: p?.type ?? '', fragmentPath: '' };
  const r = expandSpecifiers(text, unit, lp.specifiers, INSTALL_SPECIFIERS);
  return r.ok ? r.value : null;
}

const KNOWN_SECTIONS = new Set(['Install', 'Unit', 'Automount', 'Device', 'Mount', 'Path', 'Scope', 'Service', 'Slice', 'Socket', 'Swap', 'Target', 'Timer']);
const MAY_ALIAS = (t: string): boolean => !['device', 'mount', 'swap', 'scope'].includes(t);

/** Apply the [Install] assignments of one file to info; returns false when the file failed to parse. */
function parseInstallFile(ctx: InstallContext, info: InstallInfo, file: string, buf: Buffer): boolean {
  const pr = parseUnitBytes(buf, file, info.name);
  const warn = (m: string): void => { info.warnings.push(m); ctx.lp.warnings.push(m); };
  // Only [Install] is parsed: lines inside other (ignored) sections produce no warnings at all.
  const sectionAt = (line: number): string | null => {
    let cur: string | null = null;
    for (const h of pr.sections) { if (h.line > line) break; cur = h.name; }
    return cur;
  };
  for (const d of pr.diagnostics) {
    const sec = sectionAt(d.line);
    if (d.fatal || sec === null || sec === 'Install') warn(d.line ? `${d.file}:${d.line}: ${d.message}` : d.message);
  }
  if (pr.fatal) return false;
  const p = parseUnitName(info.name);
  for (const sec of pr.sections) {
    if (!KNOWN_SECTIONS.has(sec.name) && !sec.name.startsWith('X-')) warn(`${sec.file}:${sec.line}: Unknown section '${sec.name}'. Ignoring.`);
  }
  for (const a of pr.assignments) {
    if (a.section !== 'Install') continue;
    const list = (l: string[]): void => { if (a.value === '') l.length = 0; else l.push(...words(a.value)); };
    switch (a.key) {
      case 'Alias':
        if (p && !MAY_ALIAS(p.type)) { warn(`${file}:${a.line}: Alias= is not allowed for ${p.type} units, ignoring.`); break; }
        list(info.aliases); break;
      case 'WantedBy': list(info.wantedBy); break;
      case 'RequiredBy': list(info.requiredBy); break;
      case 'Also':
        for (const w of words(a.value)) {
          const printed = installPrintf(ctx.lp, info, w);
          if (printed === null) { warn(`${file}:${a.line}: Failed to resolve unit name in Also="${w}": Invalid slot`); continue; }
          ctx.add(printed, '', true);
          info.also.push(printed);
        }
        break;
      case 'DefaultInstance': {
        if (p?.isInstance) break;
        if (!p?.isTemplate) { warn(`${file}:${a.line}: DefaultInstance= only makes sense for template units, ignoring.`); break; }
        const printed = installPrintf(ctx.lp, info, a.value);
        if (printed === null) break;
        if (printed && !unitNameIsValid(`x@${printed}.service`, { instance: true })) {
          warn(`${file}:${a.line}: Invalid DefaultInstance= value "${printed}".`);
          break;
        }
        info.defaultInstance = printed;
        break;
      }
      default: warn(`${file}:${a.line}: Unknown key '${a.key}' in section [Install], ignoring.`);
    }
  }
  return true;
}

export interface SearchFlags { load: boolean; followConfigSymlinks: boolean; dropin?: boolean }

/** unit_file_load_or_readlink(): classify path and (when flags.load) parse it. Returns rule count or errno. */
export function loadOrReadlink(ctx: InstallContext, info: InstallInfo, p: string, flags: SearchFlags): number | Errno {
  const lp = ctx.lp;
  const st = lstatOrNull(p);
  if (!st) {
    try { fs.lstatSync(p); } catch (e) { return code(e); }
    return 'ENOENT';
  }
  if (flags.dropin) {
    const t = statOrNull(p);
    if (!t || nullOrEmpty(t) || !t.isFile()) return 0;
    let buf: Buffer;
    try { buf = fs.readFileSync(p); } catch (e) { return code(e); }
    parseInstallFile(ctx, info, p, buf);
    return 0;
  }
  const pn = parseUnitName(info.name);
  if (!pn) return 'EINVAL';
  if ((pn.isInstance || pn.isTemplate) && !['service', 'socket', 'target', 'timer', 'path'].includes(pn.type)) return 'EINVAL';
  if (st.isSymbolicLink()) {
    let target: string;
    try { target = fs.readlinkSync(p); } catch (e) { return code(e); }
    const simplified = resolveLinkTarget(lp, p, target);
    const inSp = pathStartsWithAny(simplified, lp.searchPath) !== null;
    if (inSp) {
      const bad = validateAlias(path.basename(p), path.basename(simplified));
      if (bad) return 'EXDEV';
    }
    info.symlinkTarget = simplified;
    if (isNullOrEmptyPath(lp, simplified)) info.mode = 'masked';
    else info.mode = inSp ? 'alias' : 'linked';
    return 0;
  }
  if (nullOrEmpty(st)) { info.mode = 'masked'; return 0; }
  if (st.isDirectory()) return 'EISDIR';
  if (!st.isFile()) return 'EINVAL';
  if (!flags.load) { info.mode = 'regular'; return 0; }
  let buf: Buffer;
  try { buf = fs.readFileSync(p); } catch (e) { return code(e); }
  if (!parseInstallFile(ctx, info, p, buf)) return 'EINVAL';
  info.mode = 'regular';
  return info.aliases.length + info.wantedBy.length + info.requiredBy.length + info.upheldBy.length;
}

/** unit_file_search(): find the file for info.name (or its template) on the search path, then drop-ins. */
export function unitFileSearch(ctx: InstallContext, info: InstallInfo, flags: SearchFlags): number | Errno {
  if (info.mode !== null) return 0;
  if (info.path) return loadOrReadlink(ctx, info, info.path, flags);
  const tpl = templateOf(info.name);
  let result: number | Errno = 'ENOENT';
  let found = false;
  for (const names of [[info.name], tpl ? [tpl] : []]) {
    for (const n of names) {
      for (const d of ctx.lp.searchPath) {
        const p = path.join(d, n);
        const r = loadOrReadlink(ctx, info, p, flags);
        if (typeof r === 'number') { info.path = p; result = r; found = true; break; }
        if (!['ENOENT', 'ENOTDIR', 'EACCES'].includes(r)) return r;
      }
      if (found) break;
    }
    if (found) break;
  }
  if (!found) return 'ENOENT';
  if (info.mode === 'masked') return result;
  if (flags.load) {
    const dirs = ctx.lp.searchPath.map((d) => path.join(d, `${info.name}.d`));
    if (tpl) dirs.push(...ctx.lp.searchPath.map((d) => path.join(d, `${tpl}.d`)));
    const byName = new Map<string, string>();
    for (const d of dirs) {
      let ents: string[];
      try { ents = fs.readdirSync(d); } catch { continue; }
      for (const e of ents) if (e.endsWith('.conf') && !e.startsWith('.') && !byName.has(e)) byName.set(e, path.join(d, e));
    }
    for (const k of [...byName.keys()].sort()) loadOrReadlink(ctx, info, byName.get(k)!, { ...flags, dropin: true });
  }
  return result;
}

/** install_info_traverse(): follow alias/linked symlinks to the regular file; returns the final info. */
export function traverse(ctx: InstallContext, start: InstallInfo, flags: SearchFlags): InstallInfo | Errno {
  const r = unitFileSearch(ctx, start, flags);
  if (typeof r === 'string') return r;
  let i = start;
  let k = 0;
  while (i.mode === 'alias' || i.mode === 'linked') {
    if (++k > 64) return 'ELOOP';
    if (!flags.followConfigSymlinks && isConfigPath(ctx.lp, i.path, true)) return 'ELOOP';
    const ignoreDifferentName = i.mode === 'linked';
    if (!ignoreDifferentName && path.basename(i.symlinkTarget) !== i.name) {
      let bn = path.basename(i.symlinkTarget);
      const ip = parseUnitName(i.name);
      const bp = parseUnitName(bn);
      if (ip?.isInstance && bp?.isTemplate) {
        const buf = instantiate(bn, ip.instance);
        if (buf === i.name) { const f = follow(ctx, i, flags); if (typeof f === 'string') return f; continue; }
        if (buf) bn = buf;
      }
      const ni = ctx.add(bn, '', false);
      if (typeof ni === 'string') return ni;
      i = ni;
      const s = unitFileSearch(ctx, i, flags);
      if (s === 'ENOENT') return 'ENOLINK';
      if (typeof s === 'string') return s;
      continue;
    }
    const f = follow(ctx, i, flags);
    if (typeof f === 'string') return f;
  }
  return i;
}

function follow(ctx: InstallContext, i: InstallInfo, flags: SearchFlags): number | Errno {
  i.path = i.symlinkTarget;
  i.mode = null;
  return loadOrReadlink(ctx, i, i.path, flags);
}

export function hasRules(i: InstallInfo): boolean { return i.aliases.length + i.wantedBy.length + i.requiredBy.length + i.upheldBy.length > 0; }
