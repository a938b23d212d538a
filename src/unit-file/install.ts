// [Install] verbs as `systemctl [--root=DIR]` performs them offline (systemd 252 install.c semantics,
// reimplemented): enable, disable, reenable, link, mask, unmask, is-enabled, preset, preset-all,
// list-unit-files, get-default, set-default (read-only queries live in install-state.ts and are re-exported
// here). Each verb returns the change list plus the exact lines
// systemctl prints (stdout / stderr) and its exit code, so tsysctl can print them verbatim.
// add-wants/add-requires and revert live in install-extra.ts (on the helpers exported here); the change
// list, symlink creation/removal and result assembly are install-links.ts (re-exported here).
// Invariants: only touches the config dir (and its runtime twin); never throws.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  InstallContext, traverse, skipRoot, inSearchPath, resolveLinkTarget, readdirRaw, pathStartsWithAny, nullOrEmpty,
  type InstallLookup, type InstallLookupOptions, type Errno,
} from './install-lookup';
export * from './install-state';
import { parseUnitName, unitNameIsValid } from './names';
import { readPresets, queryPreset, globMatch, type PresetRule } from './preset';
import { NO_INSTALL_INFO } from './install-text';
import {
  Changes, configPathOf, contextApply, createSymlink, discoverAndCheck, finish, lookupFor, markForRemoval, removeMarked,
} from './install-links';

export type { InstallLookupOptions } from './install-lookup';
export { Changes, configPathOf, contextApply, discoverAndCheck, dumpChanges, finish, lookupFor, removeMarked } from './install-links';

export interface InstallChange { type: 'symlink' | 'unlink' | 'masked' | 'dangling' | 'destination-not-present' | 'auxiliary-failed' | Errno; path: string; source: string }
export interface InstallResult { changes: InstallChange[]; stdout: string[]; stderr: string[]; exitCode: number; carriesInstallInfo?: number }
export interface InstallOptions extends InstallLookupOptions { runtime?: boolean; force?: boolean; presetMode?: 'full' | 'enable-only' | 'disable-only'; quiet?: boolean }

function doEnable(lp: InstallLookup, names: string[], configPath: string, o: InstallOptions, ch: Changes): number | Errno {
  const ctx = new InstallContext(lp);
  for (const n of names) {
    const r = discoverAndCheck(ctx, n, ch);
    if (typeof r === 'string') return r;
  }
  return contextApply(ctx, configPath, !!o.force, false, ch);
}

export function enableUnits(names: string[], o: InstallOptions = {}): InstallResult {
  const lp = lookupFor(o);
  const ch = new Changes();
  const r = doEnable(lp, names, configPathOf(lp, o), o, ch);
  const res = finish('enable', ch, [], [], o.quiet, typeof r === 'string' ? 1 : 0);
  if (typeof r === 'number' && r === 0 && !o.quiet) res.stderr.push(NO_INSTALL_INFO);
  res.carriesInstallInfo = typeof r === 'number' ? r : 0;
  return res;
}

function doDisable(lp: InstallLookup, names: string[], configPath: string, ch: Changes): { r: number | Errno } {
  // 252: every name is queued first; lookup failures are reported per unit while marking, and do not stop
  // the others (a missing unit still has its name's links removed).
  const ctx = new InstallContext(lp);
  for (const n of names) {
    if (!unitNameIsValid(n)) return { r: ch.add('EUCLEAN', n) as Errno };
    ctx.add(n, '', false);
  }
  const marks = new Set<string>();
  markForRemoval(ctx, marks, ch);
  removeMarked(lp, marks, configPath, ch);
  return { r: 0 };
}

export function disableUnits(names: string[], o: InstallOptions = {}): InstallResult {
  const lp = lookupFor(o);
  const ch = new Changes();
  const { r } = doDisable(lp, names, configPathOf(lp, o), ch);
  const res = finish('disable', ch, [], [], o.quiet, typeof r === 'string' ? 1 : 0);
  return res;
}

export function reenableUnits(names: string[], o: InstallOptions = {}): InstallResult {
  const lp = lookupFor(o);
  const ch = new Changes();
  const cp = configPathOf(lp, o);
  // normalize_linked_files(): disable by name, enable by the file's path (so linked units stay linked)
  const base = names.map((n) => path.basename(n));
  const files = names.map((a) => {
    const n = path.basename(a);
    if (a.includes('/')) return a; // 252 also turns instances into their template file's path
    const ctx = new InstallContext(lp);
    const i = ctx.add(n, '', false);
    const t = typeof i === 'string' ? i : traverse(ctx, i, { load: true, followConfigSymlinks: true });
    return typeof t !== 'string' && t.path ? skipRoot(lp, t.path) : a;
  });
  const d = doDisable(lp, base, cp, ch);
  if (typeof d.r === 'string') return finish('reenable', ch, [], [], o.quiet, 1);
  const r = doEnable(lp, files, cp, o, ch);
  const res = finish('reenable', ch, [], [], o.quiet, typeof r === 'string' ? 1 : 0);
  if (r === 0 && !o.quiet) res.stderr.push(NO_INSTALL_INFO);
  return res;
}

export function linkUnits(files: string[], o: InstallOptions = {}): InstallResult {
  const lp = lookupFor(o);
  const ch = new Changes();
  const cp = configPathOf(lp, o);
  for (const f of files) {
    if (!f.startsWith('/')) { ch.add('EINVAL', f); return finish('link', ch); }
    if (!unitNameIsValid(path.basename(f))) { ch.add('EUCLEAN', f); return finish('link', ch); }
    const full = lp.root + f;
    let st: fs.Stats;
    try { st = fs.lstatSync(full); } catch (e) { ch.add(((e as NodeJS.ErrnoException).code as Errno) ?? 'EIO', f); return finish('link', ch); }
    if (!st.isFile()) { ch.add('EINVAL', f); return finish('link', ch); }
    if (inSearchPath(lp, full)) continue;
    if (pathStartsWithAny(full, lp.searchPath)) { ch.add('ETXTBSY', f); return finish('link', ch); }
    createSymlink(lp, full, path.join(cp, path.basename(f)), !!o.force, ch);
  }
  return finish('link', ch);
}

export function maskUnits(names: string[], o: InstallOptions = {}): InstallResult {
  const lp = lookupFor(o);
  const ch = new Changes();
  const cp = configPathOf(lp, o);
  let bad = false;
  for (const n of names) {
    if (!unitNameIsValid(n)) { bad = true; continue; }
    createSymlink(lp, '/dev/null', path.join(cp, n), !!o.force, ch);
  }
  const res = finish('mask', ch, [], [], o.quiet);
  if (bad) res.exitCode = 1;
  return res;
}

export function unmaskUnits(names: string[], o: InstallOptions = {}): InstallResult {
  const lp = lookupFor(o);
  const ch = new Changes();
  const cp = configPathOf(lp, o);
  const todo: string[] = [];
  for (const n of names) {
    if (!unitNameIsValid(n)) return finish('unmask', ch, [], [`Failed to unmask: Invalid argument.`], o.quiet, 1);
    const p = path.join(cp, n);
    let st: fs.Stats;
    try { st = fs.statSync(p); } catch { continue; }
    if (nullOrEmpty(st) && !todo.includes(n)) todo.push(n);
  }
  const marks = new Set<string>();
  for (const n of todo) {
    const p = path.join(cp, n);
    try { fs.unlinkSync(p); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'ENOENT') ch.add(((e as NodeJS.ErrnoException).code as Errno) ?? 'EIO', p); continue; }
    ch.add('unlink', p);
    marks.add(skipRoot(lp, p));
  }
  removeMarked(lp, marks, cp, ch);
  return finish('unmask', ch, [], [], o.quiet);
}

// ---- presets ----

function presetPrepareOne(lp: InstallLookup, plus: InstallContext, minus: InstallContext, name: string, rules: PresetRule[], ch: Changes): number | Errno {
  if (plus.find(name) || minus.find(name)) return 0;
  const tmp = new InstallContext(lp);
  const a = tmp.add(name, '', false);
  const info = typeof a === 'string' ? a : traverse(tmp, a, { load: false, followConfigSymlinks: true });
  if (typeof info === 'string') return ch.add(info, name) as Errno;
  if (name !== info.name) return 0;
  const q = queryPreset(name, rules);
  if (q.action === 'enable') {
    for (const n of q.instances ?? [name]) {
      const r = discoverAndCheck(plus, n, ch);
      if (typeof r === 'string') return r;
    }
  } else if (q.action === 'disable') {
    const d = minus.add(name, '', false);
    if (typeof d !== 'string') {
      const t = traverse(minus, d, { load: false, followConfigSymlinks: true });
      if (typeof t === 'string') return ch.add(t, name) as Errno;
    }
  }
  return 0;
}

function executePreset(lp: InstallLookup, plus: InstallContext, minus: InstallContext, cp: string, mode: InstallOptions['presetMode'], ch: Changes): number | Errno {
  if (mode !== 'enable-only') {
    const marks = new Set<string>();
    markForRemoval(minus, marks, ch);
    removeMarked(lp, marks, cp, ch);
  }
  return mode !== 'disable-only' ? contextApply(plus, cp, false, true, ch) : 0;
}

export function presetUnits(names: string[], o: InstallOptions = {}): InstallResult {
  const lp = lookupFor(o);
  const ch = new Changes();
  const rules = readPresets(lp.presetDirs);
  const plus = new InstallContext(lp), minus = new InstallContext(lp);
  for (const n of names) {
    const r = presetPrepareOne(lp, plus, minus, n, rules.rules, ch);
    if (typeof r === 'string') return finish('preset', ch, [], rules.warnings, o.quiet, 1);
  }
  const r = executePreset(lp, plus, minus, configPathOf(lp, o), o.presetMode ?? 'full', ch);
  return finish('preset', ch, [], rules.warnings, o.quiet, typeof r === 'string' ? 1 : 0);
}

const PRESET_ALL_IGNORED = new Set(['EEXIST', 'ERFKILL', 'EADDRNOTAVAIL', 'EBADSLT', 'EIDRM', 'EUCLEAN', 'ELOOP', 'ENOENT', 'EUNATCH', 'EXDEV', 'EINVAL', 'ENOLINK']);

export function presetAllUnits(o: InstallOptions = {}): InstallResult {
  const lp = lookupFor(o);
  const ch = new Changes();
  const rules = readPresets(lp.presetDirs);
  const plus = new InstallContext(lp), minus = new InstallContext(lp);
  for (const d of lp.searchPath) {
    let ents: fs.Dirent[];
    try { ents = readdirRaw(d); } catch { continue; }
    for (const de of ents) {
      if (!unitNameIsValid(de.name) || !(de.isSymbolicLink() || de.isFile())) continue;
      // errors of the ignorable kinds are reported but do not stop preset-all (like systemd)
      const r = presetPrepareOne(lp, plus, minus, de.name, rules.rules, ch);
      if (typeof r === 'string' && !PRESET_ALL_IGNORED.has(r)) return finish('preset', ch, [], rules.warnings, o.quiet, 1);
    }
  }
  // per-unit lookup errors are reported but do not fail preset-all; errors while applying do
  const r = executePreset(lp, plus, minus, configPathOf(lp, o), o.presetMode ?? 'full', ch);
  return finish('preset', ch, [], rules.warnings, o.quiet, typeof r === 'string' ? 1 : 0);
}

export function setDefault(name: string, o: InstallOptions = {}): InstallResult {
  const lp = lookupFor(o);
  const ch = new Changes();
  const p = parseUnitName(name);
  if (!p || p.type !== 'target' || name === 'default.target') return { changes: [], stdout: [], stderr: ['Failed to set default: Invalid argument.'], exitCode: 1 };
  const ctx = new InstallContext(lp);
  const info = discoverAndCheck(ctx, name, ch, false);
  if (typeof info !== 'string') createSymlink(lp, info.path, path.join(lp.persistentConfig, 'default.target'), true, ch);
  return finish('set default', ch, [], [], o.quiet);
}

export { resolveLinkTarget, globMatch };
