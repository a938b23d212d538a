// tsysctl list-timers and list-paths: systemctl's tables (NEXT LEFT LAST PASSED UNIT ACTIVATES; PATH
// CONDITION UNIT ACTIVATES), '-' for unset times, the "N timers listed." footer with the --all hint.
// Times are formatted on this side, in this process's time zone, exactly as systemctl does
// (format_timestamp / format_timestamp_relative over the C-library emulation); the next elapse combines
// the monotonic and realtime schedules like systemctl's calc_next_elapse(). list-paths follows systemd
// 254's systemctl (252's has no such verb).
import type { RpcClient } from '../../rpc/client';
import type { PathEntry, TimerEntry } from '../../rpc/protocol';
import { processTime } from '../../calendar/env';
import { formatTimestampRelative, formatTimestampStyle } from '../../calendar/timestamp';
import { configureTimeFromEnv } from '../zone-reader';
import type { CtlOptions } from './args';
import { columns, EXIT, hasUnitSuffix, type Out } from './common';

/** calc_next_elapse(): the earlier of the monotonic schedule (mapped to the wall clock) and the realtime one. */
export function calcNextElapse(now: { realtime: number; monotonic: number }, t: { nextRealtime: number; nextMonotonic: number }): number {
  const set = (x: number): boolean => x > 0 && Number.isFinite(x);
  if (set(t.nextMonotonic)) {
    const converted = t.nextMonotonic > now.monotonic ? now.realtime + (t.nextMonotonic - now.monotonic) : now.realtime - (now.monotonic - t.nextMonotonic);
    return set(t.nextRealtime) ? Math.min(converted, t.nextRealtime) : converted;
  }
  return set(t.nextRealtime) ? t.nextRealtime : Infinity;
}

function nowDual(): { realtime: number; monotonic: number } {
  return { realtime: Math.round((performance.timeOrigin + performance.now()) * 1000), monotonic: Number(process.hrtime.bigint() / 1000n) };
}

const ts = (us: number): string => (Number.isFinite(us) && us > 0 ? formatTimestampStyle(processTime(), BigInt(Math.floor(us))) ?? '-' : '-');
const rel = (us: number, now: number): string => (Number.isFinite(us) && us > 0 ? formatTimestampRelative(BigInt(Math.floor(us)), BigInt(now)) ?? '-' : '-');

export function renderTimers(list: TimerEntry[], o: Pick<CtlOptions, 'noLegend' | 'all'>, now = nowDual()): string[] {
  const rows = list.map((t) => ({ t, next: calcNextElapse(now, t) }))
    .sort((a, b) => (a.next < b.next ? -1 : a.next > b.next ? 1 : a.t.unit < b.t.unit ? -1 : a.t.unit > b.t.unit ? 1 : 0));
  const table: string[][] = [];
  if (!o.noLegend) table.push(['NEXT', 'LEFT', 'LAST', 'PASSED', 'UNIT', 'ACTIVATES']);
  for (const { t, next } of rows) {
    table.push([ts(next), rel(next, now.realtime), ts(t.lastTrigger), rel(t.lastTrigger, now.realtime), t.unit, t.activates.join(', ') || '-']);
  }
  const out = columns(table);
  if (!o.noLegend) legend(out, 'timer', list.length, o.all);
  return out;
}

export function renderPaths(list: PathEntry[], o: Pick<CtlOptions, 'noLegend' | 'all'>): string[] {
  const rows = [...list].sort((a, b) => a.path.localeCompare(b.path) || a.condition.localeCompare(b.condition) || a.unit.localeCompare(b.unit));
  const table: string[][] = [];
  if (!o.noLegend) table.push(['PATH', 'CONDITION', 'UNIT', 'ACTIVATES']);
  for (const p of rows) table.push([p.path, p.condition, p.unit, p.activates.join(', ') || '-']);
  const out = columns(table);
  if (!o.noLegend) legend(out, 'path', list.length, o.all);
  return out;
}

/** output_legend(). */
function legend(out: string[], type: string, n: number, all: boolean): void {
  out.push('');
  out.push(`${n} ${type}s listed.`);
  if (!all) out.push(`Pass --all to see loaded but inactive ${type}s, too.`);
}

/** unit_name_mangle_with_suffix(): globs and names with a unit suffix stay, others get the verb's suffix. */
const patterns = (o: CtlOptions, suffix: string): string[] => o.args.map((a) => (/[*?[]/.test(a) || hasUnitSuffix(a) ? a : `${a}${suffix}`));

export async function runListTimers(c: RpcClient, o: CtlOptions, out: Out): Promise<number> {
  configureTimeFromEnv();
  const pats = patterns(o, '.timer');
  const list = await c.call('list-timers', { ...(o.all ? { all: true } : {}), ...(pats.length ? { patterns: pats } : {}) });
  for (const l of renderTimers(list, o)) out.line(l);
  return EXIT.OK;
}

export async function runListPaths(c: RpcClient, o: CtlOptions, out: Out): Promise<number> {
  const pats = patterns(o, '.path');
  const list = await c.call('list-paths', { ...(o.all ? { all: true } : {}), ...(pats.length ? { patterns: pats } : {}) });
  for (const l of renderPaths(list, o)) out.line(l);
  return EXIT.OK;
}
