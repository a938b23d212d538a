// `tsysd plan --svg`: the planned transaction drawn on the boot chart of `analyze plot` (same renderer,
// same visual language) so a unit author sees what would start in which order before shipping.
// Mapping (documented): each wave of the plan is one second of chart; a start-like job (start, restart,
// reload, verify-active, ...) is "activating" during its wave and "active" after it; a stop job is
// "deactivating" during its wave; every bar is labelled "unit (job type)"; grid labels name the waves.
// Invariants: pure; one row per job, in wave order (then name order inside a wave, as the plan lists).
import type { PlanResult } from '../engine';
import { renderPlot } from './plot';
import { emptyBootTimesRaw, type BootTimes, type UnitTimes } from './timedata';

const WAVE = 1_000_000;   // µs of chart per wave

export function renderPlanSvg(plan: PlanResult, title: string, version: string): string {
  const waves = plan.waves.length;
  const boot: BootTimes = { ...emptyBootTimesRaw(), finish: Math.max(waves, 1) * WAVE, kernelDone: 0, reverseOffset: 0 };
  const jobOf = new Map<string, string>();
  const times: UnitTimes[] = [];
  plan.waves.forEach((wave, i) => {
    for (const unit of wave) {
      const type = plan.jobs[unit] ?? 'start';
      jobOf.set(unit, type);
      const t0 = i * WAVE;
      // (+1 µs: an ActiveEnter of 0 would read as "never active" and be drawn as a failed start)
      if (type === 'stop') times.push({ name: unit, activating: t0, activated: t0 + 1, deactivating: t0 + 1, deactivated: t0 + WAVE, time: 0 });
      else times.push({ name: unit, activating: t0, activated: t0 + WAVE, deactivating: 0, deactivated: 0, time: WAVE });
    }
  });
  const n = Object.keys(plan.jobs).length;
  const pretty = plan.ok
    ? `${title}: ${n} job${n === 1 ? '' : 's'} in ${waves} wave${waves === 1 ? '' : 's'}`
    : `${title}: transaction refused: ${plan.error ?? ''}`;
  return renderPlot(boot, times, pretty, null, {
    generator: { tool: 'tsysd plan', version },
    secondLabel: (t) => (t / WAVE < waves ? `wave ${t / WAVE + 1}` : ''),
    unitLabel: (u) => ` (${jobOf.get(u.name) ?? 'start'})`,
    managerRow: 'transaction',
  });
}
