// [Install] verbs as `systemctl [--root=DIR]` performs them offline (systemd 252 install.c semantics,
// reimplemented): enable, disable, reenable, link, mask, unmask, is-enabled, preset, preset-all,
// list-unit-files, get-default, set-default (read-only queries live in install-state.ts and are re-exported
// here). Each verb returns the change list plus the exact lines
// systemctl prints (stdout / stderr) and its exit code, so tsysctl can print them verbatim.
// add-wants/add-requires and revert live in install-extra.ts (on the helpers exported here).
// Invariants: only touches the config dir (and its runtime twin); never throws.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  makeLookup, InstallContext, traverse, unitFileSearch, skipRoot, inSearchPath, isGeneratorPath, isTransientPath,
  resolveLinkTarget, readdirRaw, chaseAll, pathStartsWithAny, installPrintf, nullOrEmpty,
  ERRMSG, hiddenOrBackup, type InstallLookup, type InstallLookupOptions, type InstallInfo, type Errno,
} from './install-lookup';
export * from './install-state';
import { parseUnitName, unitNameIsValid, instantiate, templateOf } from './names';
import { readPresets, queryPreset, globMatch, type PresetRule } from './preset';
import { validateAlias } from './load';

export type { InstallLookupOptions } from './install-lookup';

export interface InstallChange { type: 'symlink' | 'unlink' | 'masked' | 'dangling' | 'destination-not-present' | 'auxiliary-failed' | Errno; path: string; source: string }
export interface InstallResult { changes: InstallChange[]; stdout: string[]; stderr: string[]; exitCode: number; carriesInstallInfo?: number }
export interface InstallOptions extends InstallLookupOptions { runtime?: boolean; force?: boolean; presetMode?: 'full' | 'enable-only' | 'disable-only'; quiet?: boolean }


import { NO_INSTALL_INFO } from './install-text';

export class Changes {
  list: InstallChange[] = [];
  add(type: InstallChange['type'], p: string, source = ''): InstallChange['type'] { this.list.push({ type, path: p, source }); return type; }
  hasModification(): boolean { return this.list.some((c) => c.type === 'symlink' || c.type === 'unlink'); }
}


/** install_changes_dump(): the messages systemctl prints for a change list. */
export function dumpChanges(verb: string, changes: InstallChange[], quiet = false): { stderr: string[]; failed: boolean } {
  const out: string[] = [];
  let failed = false;
  for (const c of changes) {
    switch (c.type) {
      case 'symlink': if (!quiet) out.push(`Created symlink ${c.path} \u2192 ${c.source}.`); break;
      case 'unlink': if (!quiet) out.push(`Removed "${c.path}".`); break;
      case 'masked': if (!quiet) out.push(`Unit ${c.path} is masked, ignoring.`); break;
      case 'dangling': if (!quiet) out.push(`Unit ${c.path} is an alias to a unit that is not present, ignoring.`); break;
      case 'destination-not-present': if (!quiet) out.push(`Unit ${c.source} is added as a dependency to a non-existent unit ${c.path}.`); break;
      case 'auxiliary-failed': if (!quiet) out.push(`Failed to enable auxiliary unit ${c.path}, ignoring.`); break;
      default: {
        failed = true;
        switch (c.type) {
          case 'EEXIST': out.push(c.source ? `Failed to ${verb} unit, file "${c.path}" already exists and is a symlink to "${c.source}".` : `Failed to ${verb} unit, file "${c.path}" already exists.`); break;
          case 'ERFKILL': out.push(`Failed to ${verb} unit, unit ${c.path} is masked.`); break;
          case 'EADDRNOTAVAIL': out.push(`Failed to ${verb} unit, unit ${c.path} is transient or generated.`); break;
          case 'ETXTBSY': out.push(`Failed to ${verb} unit, file ${c.path} is under the systemd unit hierarchy already.`); break;
          case 'EBADSLT': out.push(`Failed to ${verb} unit, invalid specifier in "${c.path}".`); break;
          case 'EIDRM': out.push(`Failed to ${verb} ${c.source}, destination unit ${c.path} is a non-template unit.`); break;
          case 'EUCLEAN': out.push(`Failed to ${verb} unit, "${c.path}" is not a valid unit name.`); break;
          case 'ELOOP': out.push(`Failed to ${verb} unit, refusing to operate on linked unit file ${c.path}.`); break;
          case 'EXDEV': out.push(c.source ? `Failed to ${verb} unit, cannot alias ${c.source} as ${c.path}.` : `Failed to ${verb} unit, invalid unit reference "${c.path}".`); break;
          case 'ENOENT': out.push(`Failed to ${verb} unit, unit ${c.path} does not exist.`); break;
          default: out.push(`Failed to ${verb} unit, file "${c.path}": ${ERRMSG[c.type as Errno] ?? c.type}`);
        }
      }
    }
  }
  return { stderr: out, failed };
}

function mkdirParents(p: string): void { try { fs.mkdirSync(path.dirname(p), { recursive: true }); } catch { /* reported by symlink */ } }

/** create_symlink(): oldPath is root-prefixed (printed without the root). Returns 1, or an errno. */
function createSymlink(lp: InstallLookup, oldPathRooted: string, newPath: string, force: boolean, ch: Changes): number | Errno {
  const oldPath = oldPathRooted === '/dev/null' ? oldPathRooted : skipRoot(lp, oldPathRooted);
  mkdirParents(newPath);
  try { fs.symlinkSync(oldPath, newPath); ch.add('symlink', newPath, oldPath); return 1; } catch (e) {
    const c = (e as NodeJS.ErrnoException).code;
    if (c !== 'EEXIST') return ch.add((c as Errno) ?? 'EIO', newPath) as Errno;
  }
  let dest: string;
  try { dest = fs.readlinkSync(newPath); } catch { return ch.add('EEXIST', newPath) as Errno; }
  if (symlinksEquivalent(lp, newPath, dest, oldPath)) return 1;
  if (!force) return ch.add('EEXIST', newPath, dest) as Errno;
  try { fs.unlinkSync(newPath); fs.symlinkSync(oldPath, newPath); } catch (e) { return ch.add(((e as NodeJS.ErrnoException).code as Errno) ?? 'EIO', newPath) as Errno; }
  ch.add('unlink', newPath);
  ch.add('symlink', newPath, oldPath);
  return 1;
}

function symlinksEquivalent(lp: InstallLookup, src: string, a: string, b: string): boolean {
  const abs = (t: string): string => (t.startsWith('/') ? (lp.root || '') + t : path.join(path.dirname(src), t));
  const A = path.normalize(abs(a)), B = path.normalize(abs(b));
  if (A === B) return true;
  try { const sa = fs.statSync(A), sb = fs.statSync(B); if (sa.ino === sb.ino && sa.dev === sb.dev) return true; } catch { /* not same */ }
  return path.basename(A) === path.basename(B) && pathStartsWithAny(A, lp.searchPath) !== null && pathStartsWithAny(B, lp.searchPath) !== null;
}

function unitFileExists(lp: InstallLookup, name: string): boolean {
  if (!unitNameIsValid(name)) return false;
  const ctx = new InstallContext(lp);
  const i = ctx.add(name, '', false);
  if (typeof i === 'string') return false;
  const r = traverse(ctx, i, { load: false, followConfigSymlinks: false });
  return r !== 'ENOENT';
}

function symlinkWants(lp: InstallLookup, info: InstallInfo, configPath: string, list: string[], suffix: string, ch: Changes, ignoreAux: boolean): number | Errno {
  if (!list.length) return 0;
  const p = parseUnitName(info.name);
  let n = info.name;
  let validInstanceOnly = false;
  if (p && !p.isTemplate) n = info.name;
  else if (info.defaultInstance) {
    n = instantiate(info.name, info.defaultInstance) ?? info.name;
    const c2 = new InstallContext(lp);
    const ii = c2.add(n, '', false);
    if (typeof ii !== 'string') {
      const r = unitFileSearch(c2, ii, { load: false, followConfigSymlinks: true });
      if (typeof r === 'string') return r;
      if (ii.mode === 'masked') return ch.add('ERFKILL', ii.path) as Errno;
    }
  } else validInstanceOnly = true;
  let r: number | Errno = 0;
  for (const s of list) {
    const dst = installPrintf(lp, info, s);
    if (dst === null) { if (typeof r === 'number') r = 'EBADSLT'; ch.add('EBADSLT', s); continue; }
    const dp = parseUnitName(dst);
    const ok = validInstanceOnly ? !!dp && (dp.isInstance || dp.isTemplate) : !!dp;
    if (!ok) {
      if (ignoreAux) continue;
      const e = dp ? ch.add('EIDRM', dst, n) : ch.add('EUCLEAN', dst);
      if (typeof r === 'number') r = e as Errno; // ignored by applyInfo when an Alias= link was made (252)
      continue;
    }
    const q = createSymlink(lp, info.path, path.join(configPath, `${dst}${suffix}`, n), true, ch);
    if ((typeof q === 'string' && typeof r === 'number') || r === 0) r = q;
    if (!unitFileExists(lp, dst)) ch.add('destination-not-present', dst, info.path);
  }
  return r;
}

function symlinkAliases(lp: InstallLookup, info: InstallInfo, configPath: string, force: boolean, ch: Changes): number | Errno {
  let r: number | Errno = 0;
  for (const s of info.aliases) {
    const dst = installPrintf(lp, info, s);
    if (dst === null) { ch.add('EBADSLT', s); if (typeof r === 'number') r = 'EBADSLT'; continue; }
    let dstName = dst;
    if (dst.includes('/')) {
      // legacy Alias= creating .wants/.requires links
      const dir = path.dirname(dst);
      if (!/\.(wants|requires)$/.test(dir)) { ch.add('EXDEV', dst); if (typeof r === 'number') r = 'EXDEV'; continue; }
    } else {
      const dp = parseUnitName(dst);
      const ip = parseUnitName(info.name);
      if (dp?.isTemplate && ip?.isInstance) dstName = instantiate(dst, ip.instance) ?? dst;
      if (dstName === info.name) continue; // self-alias: quietly ignored
      if (validateAlias(dstName, info.name)) { ch.add('EXDEV', dstName, info.name); if (typeof r === 'number') r = 'EXDEV'; continue; }
    }
    const aliasPath = path.join(configPath, dstName);
    const q = createSymlink(lp, info.path, aliasPath, force, ch); // 252: no "broken link" auto-force (v253+)
    if (typeof r === 'number') r = q;
  }
  return r;
}

function applyInfo(lp: InstallLookup, info: InstallInfo, configPath: string, force: boolean, ignoreAux: boolean, ch: Changes): number | Errno {
  if (info.mode !== 'regular') return 0;
  if (!inSearchPath(lp, info.path)) {
    const q = createSymlink(lp, info.path, path.join(configPath, info.name), force, ch);
    if (typeof q === 'string') return q;
  }
  let r = symlinkAliases(lp, info, configPath, force, ch);
  for (const [list, suffix] of [[info.wantedBy, '.wants'], [info.requiredBy, '.requires'], [info.upheldBy, '.upholds']] as const) {
    const q = symlinkWants(lp, info, configPath, list, suffix, ch, ignoreAux);
    if (r === 0) r = q;
  }
  return r;
}

export function contextApply(ctx: InstallContext, configPath: string, force: boolean, ignoreAux: boolean, ch: Changes): number | Errno {
  let r: number | Errno = 0;
  for (;;) {
    const first = ctx.willProcess.values().next();
    if (first.done) break;
    const i = first.value;
    ctx.willProcess.delete(i.name);
    ctx.haveProcessed.set(i.name, i);
    const t = traverse(ctx, i, { load: true, followConfigSymlinks: false });
    if (typeof t === 'string') {
      if (i.auxiliary) { ch.add('auxiliary-failed', i.name); continue; }
      return ch.add(t, i.name) as Errno;
    }
    if (i.mode === 'masked') { ch.add('masked', i.path); if (typeof r === 'number') r += 1; continue; }
    if (i.mode !== 'regular') continue;
    const q = applyInfo(ctx.lp, i, configPath, force, ignoreAux, ch);
    if (typeof r === 'number') r = typeof q === 'string' ? q : r + q;
  }
  return r;
}

function mayProcess(lp: InstallLookup, i: InstallInfo, ch: Changes): Errno | null {
  if (i.mode === 'masked') return ch.add('ERFKILL', i.path) as Errno;
  if (isGeneratorPath(lp, i.path) || isTransientPath(lp, i.path)) return ch.add('EADDRNOTAVAIL', i.path) as Errno;
  return null;
}

export function discoverAndCheck(ctx: InstallContext, nameOrPath: string, ch: Changes, load = true): InstallInfo | Errno {
  const a = ctx.addAuto(nameOrPath);
  const t = typeof a === 'string' ? a : traverse(ctx, a, { load, followConfigSymlinks: true });
  if (typeof t === 'string') return ch.add(t, nameOrPath) as Errno;
  return mayProcess(ctx.lp, t, ch) ?? t;
}

function markForRemoval(ctx: InstallContext, marks: Set<string>, ch: Changes): void {
  for (;;) {
    const first = ctx.willProcess.values().next();
    if (first.done) break;
    const i = first.value;
    ctx.willProcess.delete(i.name);
    ctx.haveProcessed.set(i.name, i);
    const t = traverse(ctx, i, { load: true, followConfigSymlinks: true });
    if (t === 'ENOLINK') ch.add('dangling', i.path || i.name);
    else if (t === 'ENOENT') { if (!i.auxiliary) ch.add('ENOENT', i.path || i.name); }
    else if (typeof t === 'string') ch.add(t, i.path || i.name);
    else if (i.mode === 'masked') { ch.add('masked', i.path || i.name); continue; }
    else if (i.mode !== 'regular') continue;
    marks.add(i.name);
  }
}


function removeMarkedFd(lp: InstallLookup, marks: Set<string>, dir: string, configPath: string, ch: Changes): boolean {
  let restart = false;
  let ents: fs.Dirent[];
  try { ents = readdirRaw(dir); } catch { return false; }
  for (const de of ents) {
    if (hiddenOrBackup(de.name)) continue;
    const p = path.join(dir, de.name);
    if (de.isDirectory()) { if (removeMarkedFd(lp, marks, p, configPath, ch)) restart = true; continue; }
    if (!de.isSymbolicLink() || !unitNameIsValid(de.name)) continue;
    let found = marks.has(de.name);
    if (!found) { const t = templateOf(de.name); if (t) found = marks.has(t); }
    if (!found) {
      const dest = chaseAll(lp, p);
      if (dest === 'ENOENT') continue;
      if (typeof dest === 'string' && dest.startsWith('/')) found = marks.has(skipRoot(lp, dest)) || marks.has(path.basename(dest));
    }
    if (!found) continue;
    try { fs.unlinkSync(p); } catch (e) { ch.add(((e as NodeJS.ErrnoException).code as Errno) ?? 'EIO', p); continue; }
    for (let d = path.dirname(p); d !== configPath && d.startsWith(configPath + '/'); d = path.dirname(d)) {
      try { fs.rmdirSync(d); } catch { break; }
    }
    ch.add('unlink', p);
    const rp = skipRoot(lp, p);
    if (!marks.has(rp)) { marks.add(rp); restart = true; }
  }
  return restart;
}

export function removeMarked(lp: InstallLookup, marks: Set<string>, configPath: string, ch: Changes): void {
  if (!marks.size) return;
  for (let n = 0; n < 64 && removeMarkedFd(lp, marks, configPath, configPath, ch); n++) { /* restart */ }
}

let currentLookup: InstallLookup | null = null;
export function lookupFor(o: InstallOptions): InstallLookup { currentLookup = makeLookup(o); return currentLookup; }

export function finish(verb: string, ch: Changes, stdout: string[] = [], extra: string[] = [], quiet = false, rcOverride?: number): InstallResult {
  const d = dumpChanges(verb, ch.list, quiet);
  const warnings = currentLookup?.warnings ?? [];
  return { changes: ch.list, stdout, stderr: [...extra, ...warnings, ...d.stderr], exitCode: rcOverride ?? (d.failed ? 1 : 0) };
}

export function configPathOf(lp: InstallLookup, o: InstallOptions): string { return o.runtime ? lp.runtimeConfig : lp.persistentConfig; }

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
