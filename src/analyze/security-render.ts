// The text of `systemd-analyze security UNIT` for one assessment (src/directives/security-assessors.ts),
// laid out as systemd 252's format-table prints it to a pipe, without colours: columns separated by one
// space, each as wide as its widest cell, numbers right-aligned, headers upper-cased and left-aligned, the
// last column's trailing blanks dropped; rows sorted by DESCRIPTION descending, then NAME ascending, with
// glibc's merge sort and format-table's comparator (cells of different types, e.g. an empty description,
// compare by the order they were added, reversed too), so ties and odd rows land where systemd puts them.
// SYSTEMD_ANALYZE_DEBUG adds WEIGHT, BADNESS and RANGE. Glyphs follow the locale (✓/✗/→, or +/-/->) and the
// smiley needs emoji (SYSTEMD_EMOJI, else a TERM other than dumb/linux and a UTF-8 locale).
// Invariant: pure (the caller passes the environment).
import type { Assessment, SecurityLevel } from '../directives/security-assessors';
import { tenths } from '../directives/security-assessors';

export interface GlyphEnv { SYSTEMD_EMOJI?: string; LC_ALL?: string; LC_CTYPE?: string; LANG?: string; TERM?: string; SYSTEMD_ANALYZE_DEBUG?: string }

function envBool(s: string | undefined): boolean | null {
  if (s === undefined) return null;
  if (['1', 'yes', 'y', 'true', 't', 'on'].includes(s)) return true;
  if (['0', 'no', 'n', 'false', 'f', 'off'].includes(s)) return false;
  return null;
}

/** is_locale_utf8() of 252 (no $SYSTEMD_UTF8 yet): ASCII only for the C/POSIX locale named explicitly;
 *  no locale variables at all counts as UTF-8, and so does a locale that cannot be loaded, which is what a
 *  non-UTF-8 name usually is in a container (an installed non-UTF-8 locale would print ASCII in systemd). */
export function localeIsUtf8(env: GlyphEnv): boolean {
  const loc = env.LC_ALL || env.LC_CTYPE || env.LANG;
  if (!loc) return true;
  return !/^(C|POSIX)$/.test(loc);
}

export function emojiEnabled(env: GlyphEnv): boolean {
  const forced = envBool(env.SYSTEMD_EMOJI);
  if (forced !== null) return forced;
  if (!env.TERM || env.TERM === 'dumb' || env.TERM === 'linux') return false;
  return localeIsUtf8(env);
}

const SMILEYS: Record<SecurityLevel['smiley'], [string, string]> = {
  ecstatic: ['😇', ':-]'], happy: ['😀', ':-}'], 'slightly-happy': ['🙂', ':-)'], neutral: ['😐', ':-|'],
  'slightly-unhappy': ['🙁', ':-('], unhappy: ['😨', ':-{'], depressed: ['🤢', ':-['],
};

/** Display width: one cell per code point, two for emoji. */
function width(s: string): number {
  let w = 0;
  for (const ch of s) w += (ch.codePointAt(0) ?? 0) >= 0x1f000 ? 2 : 1;
  return w;
}

type Cell = { kind: 'str'; text: string } | { kind: 'empty' };

/** strcmp() on the UTF-8 bytes: code point order is the same order. */
function strcmp(a: string, b: string): number {
  const x = [...a], y = [...b];
  for (let k = 0; k < Math.min(x.length, y.length); k++) {
    const d = (x[k]?.codePointAt(0) ?? 0) - (y[k]?.codePointAt(0) ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return x.length - y.length;
}

/** format-table's cell_data_compare(): strings by strcmp, anything else by insertion order. */
function cellCompare(a: Cell, ia: number, b: Cell, ib: number): number {
  if (a.kind === 'str' && b.kind === 'str') return strcmp(a.text, b.text);
  return ia < ib ? -1 : ia > ib ? 1 : 0;
}

/** glibc's msort_with_tmp(): top-down merge sort, the left element wins ties. */
function msort<T>(a: T[], cmp: (x: T, y: T) => number): T[] {
  if (a.length <= 1) return a;
  const n1 = Math.floor(a.length / 2);
  const l = msort(a.slice(0, n1), cmp);
  const r = msort(a.slice(n1), cmp);
  const out: T[] = [];
  let i = 0, j = 0;
  while (i < l.length && j < r.length) out.push(cmp(l[i] as T, r[j] as T) <= 0 ? l[i++] as T : r[j++] as T);
  while (i < l.length) out.push(l[i++] as T);
  while (j < r.length) out.push(r[j++] as T);
  return out;
}

const UINT64_MAX = '18446744073709551615';

export function renderSecurity(a: Assessment, env: GlyphEnv): string {
  const utf8 = localeIsUtf8(env);
  const debug = envBool(env.SYSTEMD_ANALYZE_DEBUG) === true;
  interface Row { index: number; cells: string[]; desc: Cell; name: string }
  const header = [' ', 'NAME', 'DESCRIPTION', 'WEIGHT', 'BADNESS', 'RANGE', 'EXPOSURE'];
  const rightAligned = [false, false, false, true, true, true, true];
  const rows: Row[] = a.rows.map((r, k) => {
    const mark = r.badness === null ? '' : r.badness === 0 ? (utf8 ? '✓' : '+') : (utf8 ? '✗' : '-');
    return {
      index: k + 1,
      cells: [mark, r.id, r.description ?? '', String(r.weight), r.badness === null ? UINT64_MAX : String(r.badness), String(r.range), r.exposure],
      desc: r.description === null ? { kind: 'empty' } : { kind: 'str', text: r.description },
      name: r.id,
    };
  });
  const all: Row[] = [{ index: 0, cells: header, desc: { kind: 'str', text: '' }, name: '' }, ...rows];
  const sorted = msort(all, (x, y) => {
    if (x.index === 0 || y.index === 0) return x.index === y.index ? 0 : x.index === 0 ? -1 : 1;
    const d = cellCompare(x.desc, x.index, y.desc, y.index);
    if (d !== 0) return -d;
    const n = strcmp(x.name, y.name);
    if (n !== 0) return n;
    return x.index - y.index;
  });
  const shown = debug ? [0, 1, 2, 3, 4, 5, 6] : [0, 1, 2, 6];
  const widths = shown.map((c) => Math.max(...all.map((r) => width(r.cells[c] ?? ''))));
  const lines = sorted.map((r) => {
    const parts = shown.map((c, k) => {
      const text = r.cells[c] ?? '';
      const pad = ' '.repeat(Math.max(0, (widths[k] ?? 0) - width(text)));
      return r.index !== 0 && rightAligned[c] ? pad + text : text + pad;
    });
    const last = (parts.pop() ?? '').replace(/ +$/, '');
    return `${parts.join(' ')} ${last}`;
  });
  const arrow = utf8 ? '→' : '->';
  const smiley = SMILEYS[a.level.smiley][emojiEnabled(env) ? 0 : 1];
  return `${lines.join('\n')}\n\n${arrow} Overall exposure level for ${a.id}: ${tenths(a.exposure)} ${a.level.name} ${smiley}\n`;
}

export interface OverviewRow { unit: string; exposure: number; level: SecurityLevel }

/** The overview table of online `systemd-analyze security` (no UNIT, or several): UNIT, EXPOSURE
 *  (right-aligned), PREDICATE, HAPPY, in the order the units were assessed. */
export function renderSecurityOverview(rows: readonly OverviewRow[], env: GlyphEnv): string {
  const emoji = emojiEnabled(env);
  const cells = [['UNIT', 'EXPOSURE', 'PREDICATE', 'HAPPY'], ...rows.map((r) => [r.unit, tenths(r.exposure), r.level.name, SMILEYS[r.level.smiley][emoji ? 0 : 1]])];
  const widths = [0, 1, 2, 3].map((c) => Math.max(...cells.map((r) => width(r[c] ?? ''))));
  return cells.map((r, k) => r.map((t, c) => {
    const pad = ' '.repeat(Math.max(0, (widths[c] ?? 0) - width(t)));
    return k > 0 && c === 1 ? pad + t : c === 3 ? t : t + pad;
  }).join(' ')).join('\n') + '\n';
}
