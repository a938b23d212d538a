// `systemctl show` properties of the cgroup interfaces (systemd 252 bus_unit_cgroup_vtable + bus_cgroup_vtable,
// the subset tsysd knows): where the unit's cgroup is, its accounting (runtime values from the manager,
// "[not set]" when unavailable) and its resource settings, formatted as systemctl prints them.
// Invariant: pure; a percentage limit prints as the percentage (systemd resolves it to bytes at load).
import type { ResourceLimit, UnitConfig } from './types';
import { formatTimespan } from './values';
import type { Runtime } from './show';

const lim = (l: ResourceLimit | null, dflt: string): string =>
  l === null ? dflt : 'percent' in l ? `${l.percent}%` : l.value === Infinity ? 'infinity' : String(l.value);

export function cgroupProps(cfg: UnitConfig, r: Runtime): [string, string][] {
  const c = cfg.resource;
  const rt = (k: string, d: string): [string, string] => [k, r[k] ?? d];
  const quota = c?.cpuQuotaPercent ?? null;
  return [
    rt('Slice', ''), rt('ControlGroup', ''), rt('MemoryCurrent', '[not set]'), rt('CPUUsageNSec', '[not set]'),
    rt('TasksCurrent', '[not set]'), rt('IOReadBytes', '18446744073709551615'), rt('IOWriteBytes', '18446744073709551615'),
    ['Delegate', c?.delegate ? 'yes' : 'no'],
    ['CPUWeight', c?.cpuWeight === null || c?.cpuWeight === undefined ? '[not set]' : String(c.cpuWeight)],
    ['StartupCPUWeight', c?.startupCPUWeight === null || c?.startupCPUWeight === undefined ? '[not set]' : String(c.startupCPUWeight)],
    ['CPUQuotaPerSecUSec', quota === null ? 'infinity' : formatTimespan(Math.round(quota * 10_000))],
    ['CPUQuotaPeriodUSec', c?.cpuQuotaPeriodUs == null ? 'infinity' : formatTimespan(c.cpuQuotaPeriodUs)],
    ['AllowedCPUs', c?.allowedCPUs ?? ''], ['AllowedMemoryNodes', c?.allowedMemoryNodes ?? ''],
    ['IOWeight', c?.ioWeight == null ? '[not set]' : String(c.ioWeight)],
    ['MemoryMin', lim(c?.memoryMin ?? null, '0')], ['MemoryLow', lim(c?.memoryLow ?? null, '0')],
    ['MemoryHigh', lim(c?.memoryHigh ?? null, 'infinity')], ['MemoryMax', lim(c?.memoryMax ?? null, 'infinity')],
    ['MemorySwapMax', lim(c?.memorySwapMax ?? null, 'infinity')],
    rt('TasksMax', lim(c?.tasksMax ?? null, 'infinity')),
  ];
}
