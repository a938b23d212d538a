// Unit file loading (systemd 252 load-fragment.c / dropin.c, semantics §2).
// Owns: fragment choice (name, else template for instances), masks (/dev/null or empty file), alias name
// sets, drop-in collection (unit, template, dash prefixes, aliases, type-wide dir; same file name: first in
// that order wins; then sorted by file name), .wants/.requires/.upholds dirs, and the load caches. The name
// index over the search path (first directory wins, alias symlinks, linked files) is name-index.ts, which
// UnitFileIndex extends.
// Invariant: never throws; every problem becomes a located Diagnostic and a loadState.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Assignment, UnitSource } from './types';
import { parseUnitBytes } from './parse';
import { parseUnitName, instantiate, templateOf, isUnitType } from './names';
import { errText, strcmp, UnitNameIndex, type Kind } from './name-index';

export { validateAlias, type UnitFileEntry } from './name-index';

/** Files larger than this are refused (systemd has no limit but would need as much memory). */
export const MAX_UNIT_FILE_SIZE = 64 << 20;

export class UnitFileIndex extends UnitNameIndex {
  private candCache: Map<string, string[]> = new Map();
  private dirLike: Set<string> | null = null;
  private listDirCache: Map<string, string[] | null> = new Map();
  private cache: Map<string, UnitSource> = new Map();

  /** keepSources=false: load() does not keep what it returned (the manager compiles each unit once per
   *  load and keeps only the compiled config; the directory index itself stays cached). */
  constructor(searchPath: string[], private readonly keepSources = true) { super(searchPath); }

  override invalidate(): void {
    super.invalidate();
    this.candCache.clear(); this.dirLike = null;
    this.listDirCache.clear(); this.cache.clear();
  }

  /** Entries of a drop-in-like directory (non-hidden names), null when not a directory. */
  private listDir(dir: string): string[] | null {
    let r = this.listDirCache.get(dir);
    if (r !== undefined) return r;
    try { r = fs.readdirSync(dir).filter((n) => !n.startsWith('.')); } catch { r = null; }
    this.listDirCache.set(dir, r);
    return r;
  }

  /** unit_file_find_dirs() candidate names for one unit name, in systemd's order: the name, its template
   *  (recursively with the template's dash prefixes), then the name's dash prefixes (`a-b-.service`, `a-.service`). */
  private candidates(name: string): string[] {
    let c = this.candCache.get(name);
    if (c) return c;
    c = [];
    const rec = (n: string): void => {
      c!.push(n);
      if (isUnitType(n)) return;
      const p = parseUnitName(n);
      if (!p) return;
      if (p.isInstance) { const t = templateOf(n); if (t) rec(t); }
      let prefix = p.prefix;
      let chopped = false;
      for (;;) {
        const dash = prefix.lastIndexOf('-');
        if (dash <= 0) return;
        if (dash + 1 < prefix.length || chopped) { prefix = prefix.slice(0, dash + 1); break; }
        prefix = prefix.slice(0, dash);
        chopped = true;
      }
      rec(`${prefix}.${p.type}`);
    };
    rec(name);
    this.candCache.set(name, c);
    return c;
  }

  /** Every directory-like entry name on the search path (to skip lookups for the common no-drop-in case). */
  private dirLikeNames(): Set<string> {
    if (this.dirLike) return this.dirLike;
    const s = new Set<string>();
    for (const d of this.searchPath) for (const [n, k] of this.readDir(d)) if (k === 'dir' || k === 'link') s.add(n);
    this.dirLike = s;
    return s;
  }

  private findDirs(searchDir: string, name: string, suffix: string, out: string[]): void {
    const all = this.dirLikeNames();
    let entries: Map<string, Kind> | null = null;
    for (const c of this.candidates(name)) {
      const cand = c + suffix;
      if (!all.has(cand)) continue;
      entries ??= this.readDir(searchDir);
      const k = entries.get(cand);
      if (k !== 'dir' && k !== 'link') continue;
      const real = this.realpath(path.join(searchDir, cand));
      if (real && this.listDir(real) !== null && !out.includes(real)) out.push(real);
    }
  }

  /** unit_file_find_dropin_paths(): entries of all matching dirs, first dir wins per file name, sorted. */
  findDropins(id: string, aliases: string[], dirSuffix: string, fileSuffix: string | null): string[] {
    this.build();
    const dirs: string[] = [];
    for (const sd of this.searchPath) this.findDirs(sd, id, dirSuffix, dirs);
    for (const a of aliases) for (const sd of this.searchPath) this.findDirs(sd, a, dirSuffix, dirs);
    const t = parseUnitName(id)?.type;
    if (t) for (const sd of this.searchPath) this.findDirs(sd, t, dirSuffix, dirs);
    const byName = new Map<string, string>();
    for (const d of dirs) {
      for (const n of this.listDir(d) ?? []) {
        if (fileSuffix !== null && !n.endsWith(fileSuffix)) continue;
        if (byName.has(n)) continue;
        const full = path.join(d, n); // systemd keeps even a directory named *.conf (it then fails to read it)
        byName.set(n, full);
      }
    }
    return [...byName.keys()].sort(strcmp).map((n) => byName.get(n)!);
  }

  /** Load one unit by name (cached until invalidate() unless keepSources is false). Never throws. */
  load(name: string): UnitSource {
    const c = this.cache.get(name);
    if (c) return c;
    let r: UnitSource;
    try { r = this.loadUncached(name); } catch (e) {
      r = emptySource(name);
      r.loadState = 'error';
      r.diagnostics.push({ file: '', line: 0, unit: name, level: 'error', fatal: true, message: `Internal loader error: ${errText(e)}` });
    }
    if (this.keepSources) this.cache.set(name, r);
    return r;
  }

  private loadUncached(name: string): UnitSource {
    this.build();
    const src = emptySource(name);
    const pn = parseUnitName(name);
    if (!pn) {
      src.loadState = 'error';
      src.diagnostics.push({ file: '', line: 0, unit: name, level: 'error', fatal: true, message: `Unit name ${name} is not valid.` });
      return src;
    }
    let fragment: string | null = null;
    const r0 = this.resolve(name);
    if (r0 && typeof r0 === 'object') return loopFail(src, name);
    fragment = r0;
    if (!fragment && pn.isInstance) {
      const tpl = templateOf(name)!;
      const rt = this.resolve(tpl);
      if (rt && typeof rt === 'object') return loopFail(src, tpl);
      fragment = rt;
    }
    // id: the fragment's name (with our instance when it is a template), else the requested name
    let id = name;
    if (fragment) {
      const base = path.basename(fragment);
      const bp = parseUnitName(base);
      if (bp?.isTemplate && pn.isInstance) id = instantiate(base, pn.instance) ?? name;
      else if (bp) id = base;
    }
    const ip = parseUnitName(id) ?? pn;
    src.id = id; src.prefix = ip.prefix; src.instance = ip.instance; src.type = ip.type;
    const names = [id];
    const addName = (n: string): void => { if (!names.includes(n)) names.push(n); };
    addName(name);
    const keys = [id];
    if (fragment && ip.isInstance) keys.push(path.basename(fragment));
    for (const key of keys) {
      for (const a of this.namesFor(key)) {
        const ap = parseUnitName(a);
        if (!ap) continue;
        if (ap.isTemplate && ip.isInstance) { const inst = instantiate(a, ip.instance); if (inst) addName(inst); }
        else if (ap.isTemplate === ip.isTemplate) addName(a);
      }
    }
    src.names = names;
    for (const d of this.indexDiagnostics) if (d.unit === name) src.diagnostics.push(d);
    if (!fragment) {
      src.loadState = 'not-found';
      return src;
    }
    src.fragmentPath = fragment;
    // open and classify
    let st: fs.Stats;
    try { st = fs.statSync(fragment); } catch (e) {
      src.loadState = 'not-found';
      src.diagnostics.push({ file: fragment, line: 0, unit: id, level: 'info', fatal: false, message: `Failed to open ${fragment}: ${errText(e)}` });
      return src;
    }
    const aliases = names.filter((n) => n !== id);
    this.addDeps(src, aliases);
    src.dropInPaths = this.findDropins(id, aliases, '.d', '.conf');
    if (st.isCharacterDevice() || st.isBlockDevice() || (st.isFile() && st.size === 0)) {
      src.loadState = 'masked';
      return src;
    }
    if (st.isDirectory()) return failFile(src, fragment, id, 'Error while reading configuration file: Is a directory');
    if (!st.isFile()) return failFile(src, fragment, id, 'Not a regular file');
    if (st.size > MAX_UNIT_FILE_SIZE) return failFile(src, fragment, id, 'File too large');
    let buf: Buffer;
    try { buf = fs.readFileSync(fragment); } catch (e) {
      src.loadState = 'not-found';
      src.diagnostics.push({ file: fragment, line: 0, unit: id, level: 'info', fatal: false, message: `Failed to open ${fragment}: ${errText(e)}` });
      return src;
    }
    src.loadState = 'loaded';
    const pr = parseUnitBytes(buf, fragment, id);
    src.assignments.push(...pr.assignments);
    src.diagnostics.push(...pr.diagnostics);
    (src.sections ??= []).push(...pr.sections);
    if (pr.fatal) { src.loadState = 'error'; return src; }
    for (const dp of src.dropInPaths) this.applyDropin(src, dp, id);
    return src;
  }

  private applyDropin(src: UnitSource, dp: string, id: string): void {
    let buf: Buffer;
    try {
      const st = fs.statSync(dp);
      if (!st.isFile() && !st.isCharacterDevice()) throw Object.assign(new Error('not a regular file'), { code: st.isDirectory() ? 'EISDIR' : 'EINVAL' });
      if (st.size > MAX_UNIT_FILE_SIZE) throw Object.assign(new Error('File too large'), { code: 'EFBIG' });
      if (!st.isFile()) return; // /dev/null: masked drop-in
      buf = fs.readFileSync(dp);
    } catch (e) {
      src.diagnostics.push({ file: dp, line: 0, unit: id, level: 'info', fatal: false, message: `Failed to open configuration file '${dp}': ${errText(e)}` });
      return;
    }
    const pr = parseUnitBytes(buf, dp, id);
    src.assignments.push(...pr.assignments);
    (src.sections ??= []).push(...pr.sections);
    // a fatal error in a drop-in stops that file only; mark it non-fatal for the unit
    for (const d of pr.diagnostics) src.diagnostics.push(d.fatal ? { ...d, fatal: false } : d);
  }

  /** process_deps() for .wants/.requires/.upholds. */
  private addDeps(src: UnitSource, aliases: string[]): void {
    const kinds: Array<['Wants' | 'Requires' | 'Upholds', string, string[]]> = [
      ['Wants', '.wants', src.wantsFromDirs],
      ['Requires', '.requires', src.requiresFromDirs],
      ['Upholds', '.upholds', src.upholdsFromDirs ?? (src.upholdsFromDirs = [])],
    ];
    for (const [dep, suffix, out] of kinds) {
      for (const p of this.findDropins(src.id, aliases, suffix, null)) {
        const entry = path.basename(p);
        let lst: fs.Stats;
        try { lst = fs.lstatSync(p); } catch (e) {
          src.diagnostics.push({ file: p, line: 0, unit: src.id, level: 'warning', fatal: false, message: `${dep} dropin ${p} unreadable, ignoring: ${errText(e)}` });
          continue;
        }
        if (this.isMasked(p)) continue;
        if (!lst.isSymbolicLink()) {
          src.diagnostics.push({ file: p, line: 0, unit: src.id, level: 'warning', fatal: false, message: `${dep} dependency dropin ${p} is not a symlink, ignoring.` });
          continue;
        }
        const ep = parseUnitName(entry);
        if (!ep) {
          src.diagnostics.push({ file: p, line: 0, unit: src.id, level: 'warning', fatal: false, message: `${dep} dependency dropin ${p} is not a valid unit name, ignoring.` });
          continue;
        }
        let target = entry;
        if (ep.isTemplate) {
          const inst = src.instance ? instantiate(entry, src.instance) : null;
          if (!inst) {
            src.diagnostics.push({ file: p, line: 0, unit: src.id, level: 'warning', fatal: false, message: `${dep} dependency dropin ${p} is a template, but ${src.id} is not an instance, ignoring.` });
            continue;
          }
          target = inst;
        }
        if (target !== src.id && !out.includes(target)) out.push(target);
      }
    }
  }
}

function emptySource(name: string): UnitSource {
  const p = parseUnitName(name);
  return {
    requested: name, id: name, names: [name], loadState: 'not-found', fragmentPath: '', dropInPaths: [],
    assignments: [] as Assignment[], wantsFromDirs: [], requiresFromDirs: [], upholdsFromDirs: [],
    prefix: p?.prefix ?? '', instance: p?.instance ?? '', type: p?.type ?? '', diagnostics: [], sections: [],
  };
}

function loopFail(src: UnitSource, name: string): UnitSource {
  src.loadState = 'not-found';
  src.diagnostics.push({ file: '', line: 0, unit: src.requested, level: 'info', fatal: false, message: `Cannot load unit ${name}: Too many levels of symbolic links` });
  return src;
}

function failFile(src: UnitSource, file: string, id: string, message: string): UnitSource {
  src.loadState = 'error';
  src.diagnostics.push({ file, line: 0, unit: id, level: 'error', fatal: true, message });
  return src;
}

const indexCache = new Map<string, UnitFileIndex>();

/** One-shot load through a shared per-search-path index (call invalidateIndexes() after changing files). */
export function loadUnitSource(name: string, searchPath: string[]): UnitSource {
  const key = searchPath.join('\0');
  let idx = indexCache.get(key);
  if (!idx) { idx = new UnitFileIndex(searchPath); indexCache.set(key, idx); }
  return idx.load(name);
}

export function invalidateIndexes(): void { indexCache.clear(); }

/**
 * Load a unit from an explicit file path (verify FILE, `tsysd verify ./foo.service`): the file's own
 * directory is put first on the search path so its drop-ins and template siblings are found.
 */
export function loadUnitFile(file: string, searchPath: string[]): UnitSource {
  const abs = path.resolve(file);
  const idx = new UnitFileIndex([path.dirname(abs), ...searchPath.filter((d) => d !== path.dirname(abs))]);
  return idx.load(path.basename(abs));
}
