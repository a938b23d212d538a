// showProperties: the properties of `systemctl show` for a UnitConfig, in systemctl's order. Which
// interfaces a unit type prints and each one's property order come from show-layout.ts; each property's
// value comes from the directive rows that feed it (their show specs, row.ts/showRows), from the runtime
// table (show-layout.ts: at-rest values, overridden by the manager's `runtime`), or, for the few
// unit-level properties no directive feeds (Id, LoadState, CanStart ...), from UNIT_COMPUTED below.
// Invariants: pure; every property is returned (empty ones too) — the caller hides empty values unless
// --all / -p; repeated properties are one tuple per entry, as systemctl prints them.
import type { UnitConfig } from './types';
import type { ShowValue } from './row';
import { ALL_ROWS, typeSection } from './tables';
import { RUNTIME_LISTS, RUNTIME_PROPS, SHOW_LAYOUT, showSegments, type ShowSegment } from './show-layout';
import { words, yn } from './show-format';

export { formatExecCommand, LISTEN_NAMES } from './show-format';

export type Runtime = Partial<Record<string, string>>;

/** Section.Property → the value of the first row (in table order) that feeds the property. */
const FED = new Map<string, ShowValue>();
for (const r of ALL_ROWS) {
  if (r.show === undefined || r.show === 'hidden' || r.show === 'runtime') continue;
  for (const s of r.sections) for (const [prop, v] of Object.entries(r.show)) if (!FED.has(`${s}.${prop}`)) FED.set(`${s}.${prop}`, v);
}

function loadError(cfg: UnitConfig): string {
  switch (cfg.loadState) {
    case 'not-found': return `org.freedesktop.systemd1.NoSuchUnit "Unit ${cfg.id} not found."`;
    case 'masked': return `org.freedesktop.systemd1.UnitMasked "Unit ${cfg.id} is masked."`;
    case 'bad-setting': return `org.freedesktop.systemd1.BadUnitSetting "Unit ${cfg.id} has a bad unit file setting."`;
    case 'error': return `org.freedesktop.DBus.Error.InvalidArgs "${cfg.loadError || `Unit ${cfg.id} failed to load properly.`}"`;
    default: return '';
  }
}

/** Unit properties that are facts of the loaded unit, not of any one directive. */
export const UNIT_COMPUTED: Readonly<Record<string, ShowValue>> = {
  Id: (cfg) => cfg.id,
  Names: (cfg) => words(cfg.names),
  AccessSELinuxContext: () => '',
  LoadState: (cfg) => cfg.loadState,
  FragmentPath: (cfg) => (cfg.fragmentPath === '/dev/null' ? '' : cfg.fragmentPath),
  DropInPaths: (cfg) => words(cfg.dropInPaths),
  CanStart: (cfg) => yn(!cfg.unit.refuseManualStart && cfg.loadState === 'loaded' && cfg.type !== 'device'),
  CanStop: (cfg) => yn(!cfg.unit.refuseManualStop && cfg.type !== 'device'),
  CanReload: (cfg) => yn(cfg.loadState === 'loaded' && (cfg.type === 'mount' || !!(cfg.service && cfg.service.execReload.length))),
  CanIsolate: (cfg) => yn(cfg.unit.allowIsolate),
  CanClean: () => '',
  CanFreeze: () => 'no',
  LoadError: loadError,
  Transient: () => 'no',
  Perpetual: () => 'no',
};

/** Where a segment's row-fed properties are looked up: its own section, the unit's for shared ones. */
function sectionOf(seg: ShowSegment, cfg: UnitConfig): string {
  return seg === 'cgroup' || seg === 'exec' || seg === 'kill' ? typeSection(cfg.type) : seg;
}

/** The value of one layout property, or undefined if nothing feeds it (a table bug the row test catches). */
export function propertyValue(seg: ShowSegment, name: string, cfg: UnitConfig): string | readonly string[] | undefined {
  const fed = FED.get(`${sectionOf(seg, cfg)}.${name}`);
  if (fed) return fed(cfg);
  const rest = RUNTIME_PROPS[name];
  if (rest !== undefined) return rest;
  return seg === 'Unit' ? UNIT_COMPUTED[name]?.(cfg) : undefined;
}

/** All `systemctl show` properties of a unit, in systemctl's order. `runtime` overrides runtime-state values
 *  and any single-valued property the manager knows better (effective dependencies, Names ...). */
export function showProperties(cfg: UnitConfig, runtime: Runtime = {}): [string, string][] {
  const out: [string, string][] = [];
  for (const seg of showSegments(cfg.type)) {
    for (const name of SHOW_LAYOUT[seg]) {
      const v = propertyValue(seg, name, cfg);
      if (v === undefined) throw new Error(`show: nothing feeds ${seg}.${name}`);
      const o = runtime[name];
      if (typeof v === 'string') out.push([name, o ?? v]);
      else {
        // a repeated property: one tuple per entry; live entries only where the manager has them per entry
        const list = o !== undefined && RUNTIME_LISTS.has(name) ? (o === '' ? [] : o.split('\n')) : v;
        for (const e of list) out.push([name, e]);
      }
    }
  }
  return out;
}
