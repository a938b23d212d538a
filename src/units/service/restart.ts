// Restart= decision table (service_shall_restart) and the RestartSec=/RestartSteps=/RestartMaxDelaySec=
// delay (service_restart_usec_next). Pure functions.
import type { ServiceSection } from '../../directives/types';
import { exitStatusSetMatches } from '../exit-status';
import type { CldCode } from '../types';
import type { ServiceResult } from './states';

export interface RestartInput {
  forbidRestart: boolean;        // explicit stop (manual, dependency, conflict)
  result: ServiceResult;
  mainCode: CldCode;             // last main process exit (0 when none)
  mainStatus: number;
}

export function shallRestart(svc: ServiceSection, i: RestartInput): { restart: boolean; reason: string } {
  if (i.forbidRestart) return { restart: false, reason: 'manual stop' };
  if (exitStatusSetMatches(svc.restartPreventExitStatus, i.mainCode, i.mainStatus)) return { restart: false, reason: 'prevented by exit status' };
  if (exitStatusSetMatches(svc.restartForceExitStatus, i.mainCode, i.mainStatus)) return { restart: true, reason: 'forced by exit status' };
  const r = i.result;
  let ok: boolean;
  switch (svc.restart) {
    case 'no': ok = false; break;
    case 'always': ok = r !== 'exec-condition'; break;
    case 'on-success': ok = r === 'success'; break;
    case 'on-failure': ok = r !== 'success' && r !== 'exec-condition'; break;
    case 'on-abnormal': ok = r !== 'success' && r !== 'exit-code' && r !== 'exec-condition'; break;
    case 'on-watchdog': ok = r === 'watchdog'; break;
    case 'on-abort': ok = r === 'signal' || r === 'core-dump'; break;
  }
  return { restart: ok, reason: 'restart setting' };
}

/** Delay before restart number `nRestartsNext` (1 = the first restart). */
export function restartDelayUs(svc: ServiceSection, nRestartsNext: number): number {
  const base = svc.restartUs, max = svc.restartMaxDelayUs, steps = svc.restartSteps;
  if (nRestartsNext <= 1 || steps === 0 || base === 0 || max === Infinity || base >= max) return base;
  if (nRestartsNext > steps) return max;
  return Math.round(base * Math.pow(max / base, (nRestartsNext - 1) / steps));
}
