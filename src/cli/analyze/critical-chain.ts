// `tsysd analyze critical-chain [--fuzz=SPAN] [UNIT...]`: the chain of After= dependencies that held up
// each unit (systemd 252 analyze-critical-chain.c), red/bold on a tty. Without UNIT: the boot target
// (default.target unless tsysd booted another, see time.ts).
import { acquireTimeData, UNIT_TIME_PROPERTIES, type UnitTimes } from '../../analyze/timedata';
import { CRITICAL_CHAIN_HEADER, renderCriticalChain } from '../../analyze/critical-chain';
import { colorsEnabled, depList, fail, fetchManagerBoot, fetchUnitProps, parseOrExit, runWithManager, unitTimesRaw, type UnitProps } from './common';
import { bootTimesOrExit } from './time';

export async function run(argv: string[]): Promise<number> {
  const o = parseOrExit(argv);
  if (typeof o === 'number') return o;
  return runWithManager(o, async (c) => {
    const m = await fetchManagerBoot(c);
    const boot = bootTimesOrExit(m);
    const units = await fetchUnitProps(c, [...UNIT_TIME_PROPERTIES, 'After']);
    const byName = new Map<string, UnitProps>(units.map((u) => [u.name, u]));
    const times = new Map<string, UnitTimes>(acquireTimeData(boot, units.map(unitTimesRaw)).map((t) => [t.name, t]));
    // After= of units not in the list (an alias, a unit loaded by this query) is fetched on demand.
    const extra = new Map<string, string[]>();
    const roots = o.args.length ? o.args : [m.bootTarget];
    const ids = new Map<string, string>();
    for (const r of roots) {
      try {
        const s = await c.call('show', { unit: r, properties: ['Id', 'After'], all: true });
        const p = new Map(s.properties);
        ids.set(r, p.get('Id') ?? s.unit);
        extra.set(r, (p.get('After') ?? '').split(' ').filter(Boolean));
      } catch (e) {
        fail(`Failed to get ID: ${(e as Error).message}`);
      }
    }
    const after = (n: string): string[] => (byName.has(n) ? depList(byName.get(n), 'After') : extra.get(n) ?? []);
    let out = `${CRITICAL_CHAIN_HEADER}\n`;
    for (const r of roots) out += renderCriticalChain({ boot, times, after }, r, ids.get(r) ?? r, { fuzz: o.fuzz, color: colorsEnabled() });
    process.stdout.write(out);
    return 0;
  });
}
