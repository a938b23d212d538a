// [Install] state queries, as `systemctl [--root=DIR]` answers them offline (systemd 252 install.c semantics,
// reimplemented): is-enabled states (find_symlinks_in_scope), list-unit-files with the preset column, and
// get-default. Read-only: never changes the file system, never throws.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  makeLookup, InstallContext, traverse, isGeneratorPath, isTransientPath, isRuntimePath, readdirRaw, hasRules, ERRMSG, hiddenOrBackup,
  type InstallLookup, type InstallInfo, type Errno,
} from './install-lookup';
import { parseUnitName, unitNameIsValid, instantiate, templateOf } from './names';
import { readPresets, queryPreset, globMatch } from './preset';
import type { InstallOptions, InstallResult } from './install';

export type UnitFileState = 'enabled' | 'enabled-runtime' | 'linked' | 'linked-runtime' | 'alias' | 'masked' | 'masked-runtime'
  | 'static' | 'disabled' | 'indirect' | 'generated' | 'transient' | 'bad';

// ---- state ----

function isSymlinkWithKnownName(i: InstallInfo, name: string): boolean {
  if (name === i.name || i.aliases.includes(name)) return true;
  if (i.defaultInstance && parseUnitName(i.name)?.isTemplate) return instantiate(i.name, i.defaultInstance) === name;
  return false;
}

/** What the state scans need of one directory, read once per lookup: its symlinks (name; the target as read,
 *  fetched when first needed, null when unreadable) and its .wants/.requires/.upholds subdirectories, hidden
 *  and backup names left out.
 *  A search directory can hold thousands of unit files and no symlinks: each state query then walks the few
 *  links, not the whole directory (list-unit-files asks once per unit file, show and status once per unit). */
interface DirScan { links: { name: string; dest?: string | null }[]; depDirs: string[] }
const scans = new WeakMap<InstallLookup, Map<string, DirScan>>();

/** The scan of `dir` (empty when missing or unreadable), cached for the lifetime of `lp`: one query or one
 *  listing, since lookups are made per request. */
function scanDir(lp: InstallLookup, dir: string): DirScan {
  let m = scans.get(lp);
  if (!m) { m = new Map(); scans.set(lp, m); }
  let scan = m.get(dir);
  if (scan) return scan;
  scan = { links: [], depDirs: [] };
  for (const de of readdirRaw(dir)) {
    if (hiddenOrBackup(de.name)) continue;
    if (de.isSymbolicLink()) scan.links.push({ name: de.name });
    else if (de.isDirectory() && /\.(wants|requires|upholds)$/.test(de.name)) scan.depDirs.push(de.name);
  }
  m.set(dir, scan);
  return scan;
}

function findSymlinksInDir(lp: InstallLookup, dir: string, info: InstallInfo, ignoreDest: boolean, matchName: boolean, ignoreSameName: boolean,
  configPath: string, sameName: { v: boolean }): boolean {
  for (const de of scanDir(lp, dir).links) {
    let foundPath = false, foundDest = false, b = false;
    if (!ignoreDest) {
      if (de.dest === undefined) { try { de.dest = fs.readlinkSync(path.join(dir, de.name)); } catch { de.dest = null; } }
      if (de.dest === null) continue;
      const dest = de.dest.startsWith('/') ? de.dest : path.join(dir, de.dest);
      foundDest = path.basename(dest) === info.name;
    }
    if (ignoreDest || !ignoreSameName) foundPath = de.name === info.name;
    if (!foundPath && ignoreDest) { const t = templateOf(de.name); if (t) foundDest = t === info.name; }
    if (foundPath && foundDest) b = path.join(dir, de.name) === path.join(configPath, info.name);
    if (b) sameName.v = true;
    else if (foundPath || foundDest) {
      if (!matchName) return true;
      if (isSymlinkWithKnownName(info, de.name)) return true;
    }
  }
  return false;
}

function findSymlinks(lp: InstallLookup, info: InstallInfo, matchName: boolean, ignoreSameName: boolean, configPath: string, sameName: { v: boolean }): boolean {
  for (const d of scanDir(lp, configPath).depDirs) {
    if (findSymlinksInDir(lp, path.join(configPath, d), info, true, matchName, ignoreSameName, configPath, sameName)) return true;
  }
  return findSymlinksInDir(lp, configPath, info, false, matchName, ignoreSameName, configPath, sameName);
}

function findSymlinksInScope(lp: InstallLookup, info: InstallInfo, matchName: boolean): UnitFileState | null {
  let sameConfig = false, sameRuntime = false, enabledRuntime = false, enabledAtAll = false, ignoreSame = false;
  for (const p of lp.searchPath) {
    const sn = { v: false };
    if (findSymlinks(lp, info, matchName, ignoreSame, p, sn)) {
      if (p === lp.persistentConfig) return 'enabled';
      if (isRuntimePath(lp, p, false)) enabledRuntime = true; else enabledAtAll = true;
    } else if (sn.v) {
      if (p === lp.persistentConfig) sameConfig = true;
      else if (isRuntimePath(lp, p, false)) sameRuntime = true;
    }
    if (!ignoreSame && (info.path === p || info.path.startsWith(p + '/'))) ignoreSame = true;
  }
  if (enabledRuntime) return 'enabled-runtime';
  if (enabledAtAll && parseUnitName(info.name)?.isInstance) return 'static';
  if (sameConfig) return 'linked';
  if (sameRuntime) return 'linked-runtime';
  return null;
}

/** unit_file_lookup_state(); null + errno when the unit file does not exist. */
export function unitFileState(name: string, lpOrOpts: InstallLookup | InstallOptions = {}): { state: UnitFileState } | { error: Errno; warnings: string[] } {
  const lp = 'searchPath' in lpOrOpts ? lpOrOpts : makeLookup(lpOrOpts);
  if (!unitNameIsValid(name)) return { error: 'EINVAL', warnings: [] };
  const ctx = new InstallContext(lp);
  const a = ctx.add(name, '', false);
  const info = typeof a === 'string' ? a : traverse(ctx, a, { load: true, followConfigSymlinks: true });
  if (typeof info === 'string') return { error: info, warnings: [] };
  if (info.mode === 'masked') return { state: isRuntimePath(lp, info.path, true) ? 'masked-runtime' : 'masked' };
  if (name !== path.basename(info.path) && !parseUnitName(info.name)?.isInstance) return { state: 'alias' };
  if (isGeneratorPath(lp, info.path)) return { state: 'generated' };
  if (isTransientPath(lp, info.path)) return { state: 'transient' };
  const s = findSymlinksInScope(lp, info, true);
  if (s) return { state: s };
  if (findSymlinksInScope(lp, info, false)) return { state: 'indirect' };
  if (hasRules(info)) return { state: 'disabled' };
  if (info.also.length) return { state: 'indirect' };
  return { state: 'static' };
}

const ENABLED_LIKE = new Set<UnitFileState>(['enabled', 'enabled-runtime', 'static', 'alias', 'indirect', 'generated', 'transient']);

export function isEnabled(names: string[], o: InstallOptions = {}): InstallResult {
  const lp = makeLookup(o);
  const stdout: string[] = [];
  let enabled = false;
  for (const n of names) {
    const r = unitFileState(n, lp);
    if ('error' in r) {
      return { changes: [], stdout, stderr: [...lp.warnings, `Failed to get unit file state for ${n}: ${ERRMSG[r.error] ?? r.error}`], exitCode: 1 };
    }
    if (ENABLED_LIKE.has(r.state)) enabled = true;
    if (!o.quiet) stdout.push(r.state);
  }
  return { changes: [], stdout, stderr: [...lp.warnings], exitCode: enabled ? 0 : 1 };
}

// ---- listing and default target ----

export interface UnitFileListEntry { name: string; path: string; state: UnitFileState; preset: 'enabled' | 'disabled' | null }

export function listUnitFiles(o: InstallOptions & { patterns?: string[]; states?: string[] } = {}, warnings: string[] = []): UnitFileListEntry[] {
  const lp = makeLookup(o);
  let presets: ReturnType<typeof readPresets> | null = null;
  const rulesNow = (): ReturnType<typeof readPresets> => (presets ??= readPresets(lp.presetDirs));
  const seen = new Map<string, UnitFileListEntry>();
  for (const d of lp.searchPath) {
    let ents: fs.Dirent[];
    try { ents = readdirRaw(d); } catch { continue; }
    for (const de of ents) {
      if (!unitNameIsValid(de.name) || seen.has(de.name)) continue;
      if (o.patterns?.length && !o.patterns.some((p) => globMatch(p, de.name))) continue;
      if (!(de.isSymbolicLink() || de.isFile())) continue;
      const st = unitFileState(de.name, lp);
      const state: UnitFileState = 'state' in st ? st.state : 'bad';
      if (o.states?.length && !o.states.includes(state)) continue;
      const showPreset = !['alias', 'static', 'generated', 'transient'].includes(state);
      seen.set(de.name, { name: de.name, path: path.join(d, de.name), state, preset: showPreset ? 'enabled' : null });
    }
  }
  warnings.push(...lp.warnings);
  for (const e of seen.values()) {
    if (e.preset === null) continue;
    e.preset = queryPreset(e.name, rulesNow().rules, false).action === 'enable' ? 'enabled' : 'disabled';
  }
  if (presets) warnings.push(...(presets as ReturnType<typeof readPresets>).warnings);
  const suffix = (n: string): string => n.slice(n.lastIndexOf('.')).toLowerCase();
  return [...seen.values()].sort((a, b) => {
    const s = suffix(a.name).localeCompare(suffix(b.name));
    if (s) return s;
    const x = a.name.toLowerCase(), y = b.name.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** `systemctl list-unit-files [PATTERN...]` as a command result (table on stdout, warnings on stderr). */
export function listUnitFilesCommand(o: InstallOptions & { patterns?: string[]; states?: string[] } = {}, legend = true): InstallResult {
  const warnings: string[] = [];
  const list = listUnitFiles(o, warnings);
  return { changes: [], stdout: [renderUnitFileList(list, legend).replace(/\n$/, '')], stderr: warnings, exitCode: 0 };
}

/** The table `systemctl list-unit-files --no-pager` prints (no colors). */
export function renderUnitFileList(list: UnitFileListEntry[], legend = true): string {
  const w1 = Math.max(9, ...list.map((e) => e.name.length));
  const w2 = Math.max(5, ...list.map((e) => e.state.length));
  const lines = [`${'UNIT FILE'.padEnd(w1)} ${'STATE'.padEnd(w2)} PRESET`];
  for (const e of list) lines.push(`${e.name.padEnd(w1)} ${e.state.padEnd(w2)} ${e.preset ?? '-'}`);
  if (legend) lines.push('', `${list.length} unit files listed.`);
  return lines.join('\n') + '\n';
}

export function getDefault(o: InstallOptions = {}): InstallResult {
  const lp = makeLookup(o);
  const ctx = new InstallContext(lp);
  const a = ctx.add('default.target', '', false);
  const t = typeof a === 'string' ? a : traverse(ctx, a, { load: false, followConfigSymlinks: true });
  if (typeof t === 'string') return { changes: [], stdout: [], stderr: [`Failed to get default target: ${ERRMSG[t] ?? t}`], exitCode: 1 };
  return { changes: [], stdout: [t.name], stderr: [], exitCode: 0 };
}
