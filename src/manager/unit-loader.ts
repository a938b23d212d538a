// Unit loading for the manager: the search path, the unit-file index (src/unit-file/load.ts), compiling a
// file into a UnitConfig with its diagnostics logged once per file, the time of the last daemon-reload and
// whether a unit's file changed since its configuration was loaded (NeedDaemonReload=). The engine asks
// the manager for configs; the manager asks this.
// Invariant: configs are replaced, never edited, once loaded (their empty lists are one shared frozen array).
import type { UnitConfig } from '../directives/types';
import { compileUnit, synthesizeUnit } from '../directives/compile';
import { cutUtf8, LINE_MAX, RepeatFilter } from '../logs/limits';
import type { Platform } from '../platform/types';
import { UnitFileIndex } from '../unit-file/load';
import type { SpecifierContext } from '../unit-file/types';
import type { LogLevel } from '../units/host';

export class UnitLoader {
  index: UnitFileIndex;
  /** Realtime µs of the last (re)load of every unit file. */
  loadedAtUs: number;
  private readonly diagFilter = new RepeatFilter(4096);

  constructor(private readonly platform: Platform, readonly searchPath: string[], readonly specCtx: SpecifierContext,
    /** A config for a unit no file defines (mount/swap units from the kernel's tables), or null. */
    private readonly fallback: (name: string) => UnitConfig | null,
    private readonly log: (unit: string, level: LogLevel, text: string) => void) {
    this.index = new UnitFileIndex(searchPath, false);
    this.loadedAtUs = platform.realtimeUs();
  }

  load(name: string): UnitConfig {
    try {
      const src = this.index.load(name);
      if (src.loadState === 'not-found') { const k = this.fallback(name); if (k) return k; }
      const cfg = compileUnit(src, this.specCtx);
      const diags = cfg.diagnostics.filter((d) => d.level !== 'info')
        .map((d) => ({ level: d.level, text: cutUtf8(`${d.file && d.line > 0 ? `${d.file}:${d.line}: ` : ''}${d.message}`, LINE_MAX) }));
      // Logged once per unit file (+ drop-ins) until the next daemon-reload: queries reload units collected
      // after the previous query, and every instance of a broken template shares its file.
      if (diags.length && this.diagFilter.firstTime(cfg.fragmentPath ? [cfg.fragmentPath, ...cfg.dropInPaths].join('\0') : `\0${cfg.id}`)) {
        for (const d of diags) this.log(cfg.id, d.level === 'error' ? 'error' : 'warning', d.text);
      }
      return shareEmptyArrays(cfg);
    } catch (e) {
      return synthesizeUnit(name, 'error', (e as Error).message);
    }
  }

  /** daemon-reload: forget the directory listings and the diagnostics already logged. */
  rescan(): void {
    this.diagFilter.clear();
    this.index = new UnitFileIndex(this.searchPath, false);
    this.loadedAtUs = this.platform.realtimeUs();
  }

  /** The file of `cfg` (a fragment or drop-in, or a drop-in directory's contents) changed or went away
   *  since `runtimeLoadedAt` or the last reload, whichever is later. A stat per path, no directory scan. */
  changedSince(cfg: UnitConfig, runtimeLoadedAt: number): boolean {
    if (!cfg.fragmentPath || cfg.fragmentPath === '/dev/null') return false;
    const cfgAt = Math.max(runtimeLoadedAt, this.loadedAtUs);
    const paths = [cfg.fragmentPath, ...cfg.dropInPaths, ...cfg.dropInPaths.map((p) => p.slice(0, p.lastIndexOf('/')))];
    for (const f of new Set(paths)) {
      const t = this.platform.mtimeUs(f);
      if (t === null || t > cfgAt) return true;
    }
    return false;
  }
}

/** One frozen empty array for every empty list of a loaded config: a unit's config holds ~85 list-valued
 *  settings, nearly all empty, and each `[]` costs a heap object (bench/boot, 1,000 units: ~2.7 MiB).
 *  Configs are replaced, never edited, after loading (a write would throw, not corrupt another unit). */
const EMPTY: readonly never[] = Object.freeze([]);
function shareEmptyArrays<T>(o: T, depth = 0): T {
  if (depth > 6 || o === null || typeof o !== 'object') return o;
  const rec = o as Record<string, unknown>;
  for (const k of Object.keys(rec)) {
    const v = rec[k];
    if (Array.isArray(v)) {
      if (v.length === 0) { if ((v as unknown) !== EMPTY) rec[k] = EMPTY; } else if (typeof v[0] === 'object') for (const x of v) shareEmptyArrays(x, depth + 1);
    } else if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) shareEmptyArrays(v, depth + 1);
  }
  return o;
}
