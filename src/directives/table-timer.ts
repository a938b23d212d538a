// [Timer] and [Path] directive tables (systemd.timer(5), systemd.path(5), systemd 252's load-fragment.c:
// config_parse_timer, config_parse_path_spec, config_parse_trigger_unit). Invariants: values and path specs
// are kept in systemd's list order (each assignment is prepended); an empty On*= (any of them) clears every
// timer value, an empty Path*= clears every path spec; OnCalendar= is validated with the process's time
// zone state (src/calendar/env.ts) and stored as written (after specifiers): the machine parses it again.
import type { PathKind, TimerBase, UnitConfig } from './types';
import { custom, pBool, pMode, pSec, pUnsigned, scalar, showRows, type Row, type SectionName, type ApplyCtx } from './row';
import { unitNameIsValid } from './table-unit';
import { parseSecNumber } from '../calendar/timespan';
import { octal, usec, yn } from './show-format';
import { calendarSpecToString, parseCalendarSpec } from '../calendar/spec';
import { processTime } from '../calendar/env';

const T: SectionName[] = ['Timer'];
const P: SectionName[] = ['Path'];

function timer(c: UnitConfig): NonNullable<UnitConfig['timer']> {
  if (!c.timer) throw new Error('timer section on a non-timer unit');
  return c.timer;
}
function path(c: UnitConfig): NonNullable<UnitConfig['path']> {
  if (!c.path) throw new Error('path section on a non-path unit');
  return c.path;
}

function timerRow(base: TimerBase): Row {
  return custom(base, T, true, (v, ctx) => {
    const e = ctx.expand(v);
    if (!e.ok) { ctx.warn(`Failed to resolve unit specifiers in '${v}', ignoring: ${e.error}`); return; }
    const k = e.value;
    if (base === 'OnCalendar') {
      const spec = parseCalendarSpec(k, processTime());
      if ('errno' in spec) { ctx.warn(`Failed to parse calendar specification, ignoring: ${k}`); return; }
      timer(ctx.cfg).values.unshift({ base, valueUs: 0, calendar: k, file: ctx.file, line: ctx.line });
      return;
    }
    const us = parseSecNumber(k);
    if (us === null) { ctx.warn(`Failed to parse timer value, ignoring: ${k}`); return; }
    timer(ctx.cfg).values.unshift({ base, valueUs: us, calendar: '', file: ctx.file, line: ctx.line });
  }, (c) => { timer(c).values = []; });
}

/** config_parse_trigger_unit (Unit= of timers and paths). */
function triggerUnitRow(sections: SectionName[], get: (c: UnitConfig) => { unit: string }): Row {
  return custom('Unit', sections, false, (v, ctx: ApplyCtx) => {
    const holder = get(ctx.cfg);
    if (holder.unit) { ctx.warn(`Multiple units to trigger specified, ignoring: ${v}`); return; }
    const e = ctx.expand(v);
    if (!e.ok) { ctx.warn(`Failed to resolve unit specifiers in ${v}, ignoring: ${e.error}`); return; }
    const p = e.value;
    if (!unitNameIsValid(p, true)) { ctx.warn(`Unit type not valid, ignoring: ${v}`); return; }
    if (ctx.cfg.names.includes(p) || ctx.cfg.id === p) { ctx.warn(`Units cannot trigger themselves, ignoring: ${v}`); return; }
    holder.unit = p;
  }, () => undefined, { empty: 'parse' });
}

export const TIMER_ROWS: Row[] = [
  timerRow('OnCalendar'),
  timerRow('OnActiveSec'),
  timerRow('OnBootSec'),
  timerRow('OnStartupSec'),
  timerRow('OnUnitActiveSec'),
  timerRow('OnUnitInactiveSec'),
  scalar('OnClockChange', T, pBool, (c, v) => { timer(c).onClockChange = v; }),
  scalar('OnTimezoneChange', T, pBool, (c, v) => { timer(c).onTimezoneChange = v; }),
  scalar('Persistent', T, pBool, (c, v) => { timer(c).persistent = v; }),
  scalar('WakeSystem', T, pBool, (c, v) => { timer(c).wakeSystem = v; }),
  scalar('RemainAfterElapse', T, pBool, (c, v) => { timer(c).remainAfterElapse = v; }),
  scalar('FixedRandomDelay', T, pBool, (c, v) => { timer(c).fixedRandomDelay = v; }),
  scalar('AccuracySec', T, pSec, (c, v) => { timer(c).accuracyUs = v; }),
  scalar('RandomizedDelaySec', T, pSec, (c, v) => { timer(c).randomizedDelayUs = v; }),
  triggerUnitRow(T, timer),
];

/** path_simplify_and_warn(PATH_CHECK_ABSOLUTE): the simplified path, or the warning. */
export function simplifyAbsolutePath(p: string, key: string): { ok: true; path: string } | { ok: false; message: string } {
  if (!p.startsWith('/')) return { ok: false, message: `${key}= path is not absolute, ignoring: ${p}` };
  // path_simplify(): collapse "//", drop "/./" and a trailing "/" (".." is kept, and then not normalized)
  const parts = p.split('/').filter((x) => x !== '' && x !== '.');
  const simple = '/' + parts.join('/');
  if (simple.length >= 4096) return { ok: false, message: `${key}= path has invalid length (${simple.length} bytes), ignoring.` };
  if (parts.includes('..')) return { ok: false, message: `${key}= path is not normalized, ignoring: ${simple}` };
  return { ok: true, path: simple };
}

function pathRow(kind: PathKind): Row {
  return custom(kind, P, true, (v, ctx) => {
    const e = ctx.expand(v);
    if (!e.ok) { ctx.warn(`Failed to resolve unit specifiers in ${v}, ignoring: ${e.error}`); return; }
    const s = simplifyAbsolutePath(e.value, kind);
    if (!s.ok) { ctx.warn(s.message); return; }
    path(ctx.cfg).specs.unshift({ kind, path: s.path, file: ctx.file, line: ctx.line });
  }, (c) => { path(c).specs = []; });
}

export const PATH_ROWS: Row[] = [
  pathRow('PathExists'),
  pathRow('PathExistsGlob'),
  pathRow('PathChanged'),
  pathRow('PathModified'),
  pathRow('DirectoryNotEmpty'),
  triggerUnitRow(P, path),
  scalar('MakeDirectory', P, pBool, (c, v) => { path(c).makeDirectory = v; }),
  scalar('DirectoryMode', P, pMode, (c, v) => { path(c).directoryMode = v; }),
  scalar('TriggerLimitIntervalSec', P, pSec, (c, v) => { path(c).triggerLimitIntervalUs = v; }),
  scalar('TriggerLimitBurst', P, pUnsigned, (c, v) => { path(c).triggerLimitBurst = v; }),
];

/** The triggered unit as configured (Unit=, else the same-name service). */
function triggerUnitOf(cfg: UnitConfig, unit: string): string {
  if (unit) return unit;
  return `${cfg.id.slice(0, cfg.id.lastIndexOf('.'))}.service`;
}
function normalizedCalendar(expr: string): string {
  const spec = parseCalendarSpec(expr, processTime());
  return 'errno' in spec ? expr : calendarSpecToString(spec, processTime());
}
/** TimersMonotonic=/TimersCalendar=: every On*= row feeds one of them, one entry per value. */
const MONOTONIC = { TimersMonotonic: (c: UnitConfig): string[] => timer(c).values.filter((v) => v.base !== 'OnCalendar')
  .map((v) => `{ ${v.base.replace(/Sec$/, 'USec')}=${usec(v.valueUs)} ; next_elapse=0 }`) };
const CALENDAR = { TimersCalendar: (c: UnitConfig): string[] => timer(c).values.filter((v) => v.base === 'OnCalendar')
  .map((v) => `{ OnCalendar=${normalizedCalendar(v.calendar)} ; next_elapse=(null) }`) };
/** Paths=: every Path*= row feeds it, `PATH (Kind)` per watch. */
const PATHS = { Paths: (c: UnitConfig): string[] => path(c).specs.map((s) => `${s.path} (${s.kind})`) };

// How `systemctl show` prints these rows (org.freedesktop.systemd1.Timer; order in show-layout.ts).
showRows(TIMER_ROWS, {
  OnCalendar: CALENDAR,
  OnActiveSec: MONOTONIC,
  OnBootSec: MONOTONIC,
  OnStartupSec: MONOTONIC,
  OnUnitActiveSec: MONOTONIC,
  OnUnitInactiveSec: MONOTONIC,
  OnClockChange: { OnClockChange: (c) => yn(timer(c).onClockChange) },
  OnTimezoneChange: { OnTimezoneChange: (c) => yn(timer(c).onTimezoneChange) },
  Persistent: { Persistent: (c) => yn(timer(c).persistent) },
  WakeSystem: { WakeSystem: (c) => yn(timer(c).wakeSystem) },
  RemainAfterElapse: { RemainAfterElapse: (c) => yn(timer(c).remainAfterElapse) },
  FixedRandomDelay: { FixedRandomDelay: (c) => yn(timer(c).fixedRandomDelay) },
  AccuracySec: { AccuracyUSec: (c) => usec(timer(c).accuracyUs) },
  RandomizedDelaySec: { RandomizedDelayUSec: (c) => usec(timer(c).randomizedDelayUs) },
  Unit: { Unit: (c) => triggerUnitOf(c, timer(c).unit) },
});

// How `systemctl show` prints these rows (org.freedesktop.systemd1.Path).
showRows(PATH_ROWS, {
  PathExists: PATHS,
  PathExistsGlob: PATHS,
  PathChanged: PATHS,
  PathModified: PATHS,
  DirectoryNotEmpty: PATHS,
  Unit: { Unit: (c) => triggerUnitOf(c, path(c).unit) },
  MakeDirectory: { MakeDirectory: (c) => yn(path(c).makeDirectory) },
  DirectoryMode: { DirectoryMode: (c) => octal(path(c).directoryMode) },
  TriggerLimitIntervalSec: { TriggerLimitIntervalUSec: (c) => usec(path(c).triggerLimitIntervalUs) },
  TriggerLimitBurst: { TriggerLimitBurst: (c) => String(path(c).triggerLimitBurst) },
});
