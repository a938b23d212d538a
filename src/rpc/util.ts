// Helpers for the manager's implementation of list methods, so filters mean the same thing in the
// manager and in tsysctl: fnmatch-style globs, and systemctl's list-units / list-unit-files filters.
// Owner: H6. Pure functions, no imports beyond protocol types and ./fnmatch.
import { fnmatch } from './fnmatch';
import type { ListUnitFilesParams, ListUnitsParams, UnitFileEntry, UnitListEntry } from './protocol';

/** fnmatch(3) without flags: `*`, `?`, `[...]`/`[!...]`, `\\` escapes; linear-time, never throws (./fnmatch). */
export function globMatch(pattern: string, s: string): boolean { return fnmatch(pattern, s); }

const typeOf = (u: string): string => u.slice(u.lastIndexOf('.') + 1);

/** systemctl's list-units rule (output_show_unit + ListUnitsFiltered): patterns, types, states (load,
 *  active or sub state), and without `all` only units that are not inactive or have a job. */
export function matchesListUnits(u: UnitListEntry, p: ListUnitsParams): boolean {
  if (p.patterns?.length && !p.patterns.some((g) => globMatch(g, u.unit))) return false;
  if (p.types?.length && !p.types.includes(typeOf(u.unit))) return false;
  if (p.states?.length && !p.states.some((s) => s === u.loadState || s === u.activeState || s === u.subState)) return false;
  if (p.all) return true;
  if (u.following) return false;
  if (p.states?.length) return true;
  return u.job !== null || u.activeState !== 'inactive';
}

export function matchesListUnitFiles(f: UnitFileEntry, p: ListUnitFilesParams): boolean {
  if (p.patterns?.length && !p.patterns.some((g) => globMatch(g, f.unit))) return false;
  if (p.types?.length && !p.types.includes(typeOf(f.unit))) return false;
  if (p.states?.length && !p.states.includes(f.state)) return false;
  return true;
}
