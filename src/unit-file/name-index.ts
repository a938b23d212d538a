// The unit-file name index over a search path (systemd 252 unit-file.c unit_file_build_name_map): each
// directory read once, the first directory holding a name wins; alias symlinks inside the search path map
// to the target NAME (validated as systemd's unit_validate_alias_symlink_or_warn), symlinks leaving it are
// "linked" files keeping the link path; the reverse map from a fragment to the names resolving to it
// (masked destinations excluded); list-unit-files' and locate()'s view of the directories.
// Invariants: never throws (unreadable directories are empty, bad links become indexDiagnostics); the
// index is built lazily once and dropped only by invalidate(). Loading units (fragments, drop-ins,
// .wants/.requires dirs) is load.ts, which extends this class.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from '../diag';
import { parseUnitName, unitNameIsValid, instantiate, type UnitTypeName } from './names';

const FOLLOW_MAX = 64;

export type Kind = 'file' | 'dir' | 'link' | 'other';

export function errText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOENT': return 'No such file or directory';
    case 'EACCES': return 'Permission denied';
    case 'ELOOP': return 'Too many levels of symbolic links';
    case 'EISDIR': return 'Is a directory';
    case 'ENOTDIR': return 'Not a directory';
    case 'EFBIG': return 'File too large';
    default: return (e as Error | null)?.message ?? String(e);
  }
}

/** May units of this type be aliased / templated (unit_type_may_alias / unit_type_may_template). */
function mayAlias(t: UnitTypeName): boolean { return !['device', 'mount', 'swap', 'scope'].includes(t); }
function mayTemplate(t: UnitTypeName): boolean { return ['service', 'socket', 'target', 'timer', 'path'].includes(t); }

/** unit_validate_alias_symlink_or_warn(): null when OK, else the reason. */
export function validateAlias(src: string, dst: string): string | null {
  const s = parseUnitName(src);
  if (!s) return `not a valid unit name "${src}"`;
  if (!mayAlias(s.type)) return 'symlinks are not allowed for units of this type, rejecting.';
  if (!(!s.isInstance && !s.isTemplate) && !mayTemplate(s.type)) return `templates not allowed for ${s.type} units, rejecting.`;
  const d = parseUnitName(dst);
  if (!d) return `points to "${dst}" which is not a valid unit name`;
  const kind = (p: typeof s): number => (p.isTemplate ? 2 : p.isInstance ? 1 : 0);
  if (!(kind(d) === kind(s) || (kind(s) === 1 && kind(d) === 2))) return `symlink target name type "${dst}" does not match source, rejecting.`;
  if (d.isInstance && d.instance !== s.instance) return `unit symlink target "${dst}" instance name doesn't match, rejecting.`;
  if (d.type !== s.type) return `symlink target "${dst}" has incompatible suffix, rejecting.`;
  return null;
}

export interface UnitFileEntry { name: string; path: string; dir: string }

export class UnitNameIndex {
  private built = false;
  private dirs: Map<string, Map<string, Kind>> = new Map();
  /** name → absolute fragment path, or another name (alias). */
  private ids: Map<string, string> = new Map();
  /** final fragment basename → names resolving to it. */
  private aliasNames: Map<string, { src: string; dst: string }[]> = new Map();
  private maskedCache: Map<string, boolean> = new Map();
  private realCache: Map<string, string | null> = new Map();
  readonly indexDiagnostics: Diagnostic[] = [];

  constructor(readonly searchPath: string[]) {}

  invalidate(): void {
    this.built = false;
    this.dirs.clear(); this.ids.clear(); this.aliasNames.clear(); this.maskedCache.clear();
    this.realCache.clear();
    this.indexDiagnostics.length = 0;
  }

  protected readDir(dir: string): Map<string, Kind> {
    let m = this.dirs.get(dir);
    if (m) return m;
    m = new Map();
    try {
      for (const de of fs.readdirSync(dir, { withFileTypes: true })) {
        m.set(de.name, de.isFile() ? 'file' : de.isDirectory() ? 'dir' : de.isSymbolicLink() ? 'link' : 'other');
      }
    } catch { /* missing or unreadable directory: empty */ }
    this.dirs.set(dir, m);
    return m;
  }
  protected realpath(p: string): string | null {
    let r = this.realCache.get(p);
    if (r !== undefined) return r;
    try { r = fs.realpathSync(p); } catch { r = null; }
    this.realCache.set(p, r);
    return r;
  }
  /** Which search dir (as given) contains p; '' when none. Checks the path as written and canonical. */
  private searchDirOf(p: string): string {
    for (const cand of [p, this.canonicalDirJoin(p)]) {
      if (!cand) continue;
      for (const d of this.searchPath) if (cand.startsWith(d.endsWith('/') ? d : d + '/')) return d;
    }
    return '';
  }
  private canonicalDirJoin(p: string): string | null {
    const rd = this.realpath(path.dirname(p));
    return rd ? path.join(rd, path.basename(p)) : null;
  }
  protected build(): void {
    if (this.built) return;
    this.built = true;
    for (const dir of this.searchPath) {
      const entries = this.readDir(dir);
      for (const [name, kind] of entries) {
        if (kind !== 'file' && kind !== 'link') {
          // systemd only considers regular files and symlinks; say why such a name is not a unit file
          if (!this.ids.has(name) && !name.endsWith('.d') && unitNameIsValid(name)) {
            this.indexDiagnostics.push({ file: path.join(dir, name), line: 0, unit: name, level: 'info', fatal: false,
              message: `${path.join(dir, name)} is ${kind === 'dir' ? 'a directory' : 'not a regular file'}, ignoring.` });
          }
          continue;
        }
        if (!unitNameIsValid(name)) continue;
        if (this.ids.has(name)) continue;
        const full = path.join(dir, name);
        if (kind === 'file') { this.ids.set(name, full); continue; }
        let target: string;
        try { target = fs.readlinkSync(full); } catch (e) {
          this.indexDiagnostics.push({ file: full, line: 0, unit: name, level: 'warning', fatal: false, message: `Failed to read symlink ${full}: ${errText(e)}` });
          continue;
        }
        const abs = path.normalize(target.startsWith('/') ? target : path.join(dir, target));
        const sd = this.searchDirOf(abs);
        if (!sd) { this.ids.set(name, full); continue; } // linked unit file or mask: keep the link path
        const targetName = path.basename(abs);
        const bad = validateAlias(name, targetName);
        if (bad) {
          this.indexDiagnostics.push({ file: full, line: 0, unit: name, level: 'info', fatal: false, message: `${full}: ${bad}` });
          continue;
        }
        // A same-named link inside the search path is the file itself.
        this.ids.set(name, targetName === name ? abs : targetName);
      }
    }
    // Reverse map: final fragment basename → names (masked destinations are filtered when looked up).
    for (const src of this.ids.keys()) {
      const dst = this.resolve(src);
      if (typeof dst !== 'string') continue;
      let key = path.basename(dst);
      if (key.includes('@')) {
        const kp = parseUnitName(key);
        if (kp?.isTemplate) {
          const sp = parseUnitName(src);
          if (sp?.isInstance) {
            const inst = instantiate(key, sp.instance);
            if (!inst) continue;
            key = inst;
          }
        }
      }
      const l = this.aliasNames.get(key);
      if (l) l.push({ src, dst }); else this.aliasNames.set(key, [{ src, dst }]);
    }
  }
  /** Names resolving to the fragment named `key` (systemd's unit_name_map), masked destinations excluded. */
  protected namesFor(key: string): string[] {
    const l = this.aliasNames.get(key);
    if (!l) return [];
    if (l.length === 1 && l[0]!.src === key) return [key];
    const out: string[] = [];
    for (const { src, dst } of l) {
      let m = this.maskedCache.get(dst);
      if (m === undefined) { m = this.isMasked(dst); this.maskedCache.set(dst, m); }
      if (!m) out.push(src);
    }
    return out;
  }
  /** Follow alias names to a fragment path; null when absent, 'loop' on an alias loop. */
  protected resolve(name: string): string | null | { loop: true } {
    let id = name;
    for (let i = 0; i < FOLLOW_MAX; i++) {
      const t = this.ids.get(id);
      if (t === undefined) return null;
      if (t.startsWith('/')) return t;
      id = t;
    }
    return { loop: true };
  }
  protected isMasked(p: string): boolean {
    try { const st = fs.statSync(p); return st.isCharacterDevice() || st.isBlockDevice() || (st.isFile() && st.size === 0); } catch { return false; }
  }
  /** All unit files visible on the search path (first directory wins), as list-unit-files sees them. */
  listUnitFiles(): UnitFileEntry[] {
    this.build();
    const out: UnitFileEntry[] = [];
    const seen = new Set<string>();
    for (const dir of this.searchPath) {
      for (const [name, kind] of this.readDir(dir)) {
        if ((kind !== 'file' && kind !== 'link') || seen.has(name) || !unitNameIsValid(name)) continue;
        if (!this.ids.has(name)) continue;
        seen.add(name);
        out.push({ name, path: path.join(dir, name), dir });
      }
    }
    return out.sort((a, b) => strcmp(a.name, b.name));
  }
  /** The search dir a name's file lives in, and its path ('' when none). */
  locate(name: string): UnitFileEntry | null {
    this.build();
    for (const dir of this.searchPath) {
      const k = this.readDir(dir).get(name);
      if (k === 'file' || k === 'link') return { name, path: path.join(dir, name), dir };
    }
    return null;
  }
}

export function strcmp(a: string, b: string): number { return a < b ? -1 : a > b ? 1 : 0; }
