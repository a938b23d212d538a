// The rarer [Install]-level unit-file verbs, as `systemctl [--root=DIR]` (systemd 252 install.c) performs
// them: add-wants / add-requires (unit_file_add_dependency) and revert (unit_file_revert). Built on the
// change list and helpers of install.ts so messages and exit codes are the same as enable/disable's.
// Invariants: only touches the config, runtime and control dirs of the lookup; never throws.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Changes, configPathOf, contextApply, discoverAndCheck, finish, lookupFor, removeMarked, type InstallOptions, type InstallResult } from './install';
import { InstallContext, hiddenOrBackup, readdirRaw, skipRoot, isGeneratorPath, type Errno, type InstallLookup } from './install-lookup';
import { unitNameIsValid } from './names';

/** add-wants / add-requires: link each unit into TARGET.wants/ (or .requires/), like an [Install] WantedBy=TARGET. */
export function addDependency(target: string, units: string[], dep: 'wants' | 'requires', o: InstallOptions = {}): InstallResult {
  const lp = lookupFor(o);
  const ch = new Changes();
  const verb = 'add dependency on';
  if (!unitNameIsValid(target)) { ch.add('EUCLEAN', target); return finish(verb, ch, [], [], o.quiet, 1); }
  // install_info_discover_and_check() without SEARCH_LOAD: the unit files' own [Install] is not read
  const ctx = new InstallContext(lp);
  const t = discoverAndCheck(ctx, target, ch, false);
  if (typeof t === 'string') return finish(verb, ch, [], [], o.quiet, 1);
  for (const u of units) {
    const i = discoverAndCheck(ctx, u, ch, false);
    if (typeof i === 'string') return finish(verb, ch, [], [], o.quiet, 1);
    if (dep === 'wants') i.wantedBy = [t.name]; else i.requiredBy = [t.name];
  }
  const r = contextApply(ctx, configPathOf(lp, o), !!o.force, false, ch);
  return finish(verb, ch, [], [], o.quiet, typeof r === 'string' ? 1 : 0);
}

function lstatOrNull(p: string): fs.Stats | null { try { return fs.lstatSync(p); } catch { return null; } }

/** path_is_vendor_or_generator(): below /usr, the distribution's unit dir, or a generator dir. */
function isVendorOrGenerator(lp: InstallLookup, p: string): boolean {
  // explicit unit paths (tsysd --unit-path): the first is the config dir, every other one is "vendor"
  if (!lp.root && lp.persistentConfig === lp.runtimeConfig && lp.searchPath[0] === lp.persistentConfig) return path.dirname(p) !== lp.persistentConfig;
  const rp = skipRoot(lp, p);
  return rp.startsWith('/usr/') || path.dirname(rp) === '/lib/systemd/system' || path.dirname(rp) === '/lib/systemd/user' || isGeneratorPath(lp, p);
}

/** revert: drop-in dirs of the units in the config, runtime and control dirs go; so do /etc and /run unit
 *  files (and masks) that override a vendor unit file; then links to what was removed. */
export function revertUnits(names: string[], o: InstallOptions = {}): InstallResult {
  const lp = lookupFor(o);
  const ch = new Changes();
  const control = lp.searchPath.filter((d) => d.endsWith('.control'));
  const configDirs = [lp.persistentConfig, lp.runtimeConfig];
  const todo: string[] = [];
  const push = (p: string): void => { if (!todo.includes(p)) todo.push(p); };
  for (const n of names) {
    if (!unitNameIsValid(n)) { ch.add('EINVAL', n); return finish('revert', ch, [], [], o.quiet, 1); }
    let hasVendor = false;
    for (const d of lp.searchPath) {
      const p = path.join(d, n);
      const st = lstatOrNull(p);
      if (st?.isFile() && isVendorOrGenerator(lp, p)) hasVendor = true;
      const dropin = `${p}.d`;
      if (lstatOrNull(dropin)?.isDirectory() && (configDirs.includes(d) || control.includes(d))) push(dropin);
    }
    if (!hasVendor) continue;
    for (const d of configDirs) {
      const p = path.join(d, n);
      const st = lstatOrNull(p);
      if (st && (st.isFile() || st.isSymbolicLink())) push(p);
    }
  }
  const marks = new Set<string>();
  let failed: Errno | null = null;
  for (const p of todo) {
    const files = lstatOrNull(p)?.isDirectory()
      ? readdirRaw(p).filter((e) => !hiddenOrBackup(e.name) && (e.isFile() || e.isSymbolicLink())).map((e) => path.join(p, e.name)) : [];
    try { fs.rmSync(p, { recursive: true, force: true }); } catch (e) {
      failed ??= ((e as NodeJS.ErrnoException).code as Errno) ?? 'EIO';
      continue;
    }
    for (const f of files) ch.add('unlink', f);
    ch.add('unlink', p);
    marks.add(skipRoot(lp, p));
  }
  removeMarked(lp, marks, lp.runtimeConfig, ch);
  removeMarked(lp, marks, lp.persistentConfig, ch);
  if (failed) return finish('revert', ch, [], [`Failed to revert: ${failed}`], o.quiet, 1);
  return finish('revert', ch, [], [], o.quiet);
}
