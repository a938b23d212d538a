// `tsysd analyze blame`: units by the time they took to start, longest first (systemd 252 analyze-blame.c),
// from the live manager's InactiveExit/ActiveEnter/ActiveExit/InactiveEnter monotonic timestamps.
import { acquireTimeData, UNIT_TIME_PROPERTIES } from '../../analyze/timedata';
import { renderBlame } from '../../analyze/blame';
import { fetchManagerBoot, fetchUnitProps, parseOrExit, runWithManager, unitTimesRaw } from './common';
import { bootTimesOrExit } from './time';

export async function run(argv: string[]): Promise<number> {
  const o = parseOrExit(argv);
  if (typeof o === 'number') return o;
  return runWithManager(o, async (c) => {
    const m = await fetchManagerBoot(c);
    const boot = bootTimesOrExit(m);
    const units = await fetchUnitProps(c, [...UNIT_TIME_PROPERTIES]);
    const times = acquireTimeData(boot, units.map(unitTimesRaw));
    const cols = process.stdout.isTTY ? (Number(process.env.COLUMNS) || process.stdout.columns || 80) : undefined;
    process.stdout.write(renderBlame(times, cols));
    return 0;
  });
}
