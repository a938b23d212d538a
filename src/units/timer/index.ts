// The timer unit type's registry entry (src/units/registry.ts).
import type { UnitTypeDef } from '../registry';
import { TimerMachine } from './machine';

export const TIMER_TYPE: UnitTypeDef<'timer'> = {
  type: 'timer',
  create: (cfg, host) => new TimerMachine(cfg, host),
  // timer.c has no status_message_formats: the generic "Started %s." / "Stopped %s." apply
  verbs: { started: () => 'Started', stopped: () => 'Stopped' },
};
