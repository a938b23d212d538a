// `analyze blame` (systemd 252 analyze-blame.c): units that took time to start, longest first.
// Invariants: pure; rows with time 0 are left out; equal times keep the input (ListUnits) order, as
// systemd's table sort falls back to insertion order; the time column is right-aligned, one space before
// the name, no header, no trailing blanks. With `columns` (a tty) the line is cut to that width the way
// systemd's table ellipsizes its last column.
import { fmtMs, type UnitTimes } from './timedata';

export function renderBlame(times: readonly UnitTimes[], columns?: number): string {
  const rows = times.filter((u) => u.time > 0)
    .map((u, i) => ({ u, i }))
    .sort((a, b) => (b.u.time - a.u.time) || (a.i - b.i))
    .map(({ u }) => [fmtMs(u.time), u.name] as const);
  if (rows.length === 0) return '';
  const w0 = Math.max(...rows.map(([t]) => t.length));
  const w1 = Math.max(...rows.map(([, n]) => [...n].length));
  let nameWidth = w1;
  if (columns !== undefined && w0 + 1 + w1 > columns) nameWidth = Math.max(columns - w0 - 1, 1);
  return rows.map(([t, n]) => `${t.padStart(w0)} ${ellipsize(n, nameWidth)}`).join('\n') + '\n';
}

/** Cut `s` to `width` columns with a trailing '…' (systemd's ellipsize at 100%). */
export function ellipsize(s: string, width: number): string {
  const cps = [...s];
  if (cps.length <= width) return s;
  if (width <= 1) return '…'.slice(0, width);
  return cps.slice(0, width - 1).join('') + '…';
}
