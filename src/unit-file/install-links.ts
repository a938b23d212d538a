// The install machinery under the [Install] verbs (systemd 252 install.c): the change list and how
// systemctl prints it (install_changes_dump), creating the symlinks an InstallContext asks for (WantedBy=,
// RequiredBy=, UpheldBy=, Alias=, with systemd's equivalence and EEXIST rules), checking a unit may be
// processed, marking and removing the links that point to units (disable, mask --force), and the lookup
// whose warnings a verb's result carries. The verbs themselves are install.ts and install-extra.ts.
// Invariants: only touches the config dir given (persistent or runtime); never throws — every failure is
// a change of an errno type; finish() reports the warnings of the lookup made by the last lookupFor().
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { InstallChange, InstallOptions, InstallResult } from './install';
import {
  makeLookup, InstallContext, traverse, unitFileSearch, skipRoot, inSearchPath, isGeneratorPath, isTransientPath,
  readdirRaw, chaseAll, pathStartsWithAny, installPrintf,
  ERRMSG, hiddenOrBackup, type InstallLookup, type InstallInfo, type Errno,
} from './install-lookup';
import { parseUnitName, unitNameIsValid, instantiate, templateOf } from './names';
import { validateAlias } from './load';

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
export function createSymlink(lp: InstallLookup, oldPathRooted: string, newPath: string, force: boolean, ch: Changes): number | Errno {
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

/** The next unit of the context's work list, moved to the processed set (systemd's hashmap_steal_first +
 *  hashmap_put(have_processed)); null when the list is empty. */
function takeNext(ctx: InstallContext): InstallInfo | null {
  const first = ctx.willProcess.values().next();
  if (first.done) return null;
  const i = first.value;
  ctx.willProcess.delete(i.name);
  ctx.haveProcessed.set(i.name, i);
  return i;
}

export function contextApply(ctx: InstallContext, configPath: string, force: boolean, ignoreAux: boolean, ch: Changes): number | Errno {
  let r: number | Errno = 0;
  for (let i = takeNext(ctx); i; i = takeNext(ctx)) {
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

export function markForRemoval(ctx: InstallContext, marks: Set<string>, ch: Changes): void {
  for (let i = takeNext(ctx); i; i = takeNext(ctx)) {
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
