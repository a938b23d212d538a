// `tsysd analyze plot > boot.svg`: the boot chart of the running manager in systemd-analyze 252's visual
// language (src/analyze/plot.ts). Host line: /etc/os-release PRETTY_NAME, hostname, uname and the
// manager's Virtualization/Architecture (systemd asks hostnamed for the first ones).
import * as fs from 'node:fs';
import * as os from 'node:os';
import { acquireTimeData, UNIT_TIME_PROPERTIES } from '../../analyze/timedata';
import { renderPlot, type HostInfo } from '../../analyze/plot';
import { fetchManagerBoot, fetchUnitProps, parseOrExit, runWithManager, unitTimesRaw } from './common';
import { bootTimesOrExit, prettyTimes } from './time';

export function localHostInfo(virtualization: string, architecture: string): HostInfo {
  let pretty = '';
  try {
    const m = /^PRETTY_NAME=(.*)$/m.exec(fs.readFileSync('/etc/os-release', 'utf8'));
    if (m) pretty = (m[1] ?? '').replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
  } catch { /* none */ }
  return { hostname: os.hostname(), kernelName: os.type(), kernelRelease: os.release(), kernelVersion: os.version(), osPrettyName: pretty, virtualization, architecture };
}

export const VERSION = (): string => (require('../../../../package.json') as { version: string }).version;

export async function run(argv: string[]): Promise<number> {
  const o = parseOrExit(argv);
  if (typeof o === 'number') return o;
  return runWithManager(o, async (c) => {
    const m = await fetchManagerBoot(c);
    const boot = bootTimesOrExit(m);
    const pretty = await prettyTimes(c, m, boot);
    const units = await fetchUnitProps(c, [...UNIT_TIME_PROPERTIES]);
    const times = acquireTimeData(boot, units.map(unitTimesRaw));
    const host = localHostInfo(m.props.get('Virtualization') ?? '', m.props.get('Architecture') ?? '');
    process.stdout.write(renderPlot(boot, times, pretty, host, { generator: { tool: 'tsysd analyze', version: VERSION() }, managerRow: 'tsysd' }));
    return 0;
  });
}
