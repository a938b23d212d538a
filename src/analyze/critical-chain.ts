// `analyze critical-chain [UNIT...]` (systemd 252 analyze-critical-chain.c): from the unit, follow the
// After= dependency that became active last (and any within --fuzz of it), recursively, printing
// `@` (when it became active or started, relative to userspace) and `+` (how long it took to start).
// Invariants: pure (After= lists and times come in through the arguments); the walk, the sort (active
// time, latest first, stable on the After= list order), the fuzz rule, the "..." for a unit already
// printed and the tree glyphs are systemd's; red/bold only when `color` is set (a tty).
import { fmtMs, type BootTimes, type UnitTimes } from './timedata';

export const CRITICAL_CHAIN_HEADER =
  'The time when unit became active or started is printed after the "@" character.\n' +
  'The time the unit took to start is printed after the "+" character.\n';

const RED = '\x1b[0;1;31m';
const NORMAL = '\x1b[0m';

export interface Glyphs { vertical: string; space: string; right: string; branch: string }
export const UTF8_GLYPHS: Glyphs = { vertical: '│ ', space: '  ', right: '└─', branch: '├─' };
export const ASCII_GLYPHS: Glyphs = { vertical: '| ', space: '  ', right: '`-', branch: '|-' };

export interface ChainOptions {
  /** --fuzz in µs. */
  fuzz?: number;
  color?: boolean;
  glyphs?: Glyphs;
}

export interface ChainInput {
  boot: BootTimes;
  /** Unit name → its times (only units acquire_time_data() kept). */
  times: ReadonlyMap<string, UnitTimes>;
  /** The unit's After= list, in the manager's order. */
  after(name: string): readonly string[];
}

/** One `list_dependencies()` call: the root line (when the unit has times), then its chain. `id` is the
 *  unit's canonical Id, `name` the name as given (systemd recurses with the given name). */
export function renderCriticalChain(input: ChainInput, name: string, id: string, o: ChainOptions = {}): string {
  const fuzz = o.fuzz ?? 0;
  const red = o.color ? RED : '';
  const normal = o.color ? NORMAL : '';
  const g = o.glyphs ?? UTF8_GLYPHS;
  const { boot, times } = input;
  const out: string[] = [];

  const rootTimes = times.get(id);
  if (rootTimes) {
    if (rootTimes.time) out.push(`${red}${id} +${fmtMs(rootTimes.time)}${normal}`);
    else if (rootTimes.activated > boot.userspace) out.push(`${id} @${fmtMs(rootTimes.activated - boot.userspace)}`);
    else out.push(id);
  }

  const print = (n: string, level: number, branches: number, last: boolean, t: UnitTimes | undefined): void => {
    let s = '';
    for (let i = level; i !== 0; i--) s += (branches & (2 ** (i - 1))) ? g.vertical : g.space;
    s += last ? g.right : g.branch;
    if (t) {
      if (t.time > 0) s += `${red}${n} @${fmtMs(t.activating - boot.userspace)} +${fmtMs(t.time)}${normal}`;
      else if (t.activated > boot.userspace) s += `${n} @${fmtMs(t.activated - boot.userspace)}`;
      else s += n;
    } else s += n;
    out.push(s);
  };

  const inRange = (t: UnitTimes | undefined): t is UnitTimes => !!t && t.activated > 0 && t.activated <= boot.finish;
  const units: string[] = [];

  const one = (n: string, level: number, branches: number): void => {
    units.push(n);
    const deps = input.after(n).map((d, i) => ({ d, i, a: times.get(d)?.activated ?? 0 }))
      .sort((x, y) => (y.a - x.a) || (x.i - y.i))
      .map((x) => x.d);
    let longest = 0;
    for (const c of deps) {
      const t = times.get(c);
      if (inRange(t) && t.activated >= longest) longest = t.activated;
    }
    if (longest === 0) return;
    let toPrint = 0;
    for (const c of deps) {
      const t = times.get(c);
      if (inRange(t) && longest - t.activated <= fuzz) toPrint++;
    }
    if (!toPrint) return;
    for (const c of deps) {
      const t = times.get(c);
      if (!inRange(t) || longest - t.activated > fuzz) continue;
      toPrint--;
      print(c, level, branches, toPrint === 0, t);
      const nextBranches = branches * 2 + (toPrint ? 1 : 0);
      if (units.includes(c)) {
        print('...', level + 1, nextBranches, true, undefined);
        continue;
      }
      one(c, level + 1, nextBranches);
      if (toPrint === 0) break;
    }
  };
  one(name, 0, 0);
  return out.length ? out.join('\n') + '\n' : '';
}
