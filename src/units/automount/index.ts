// The automount unit type's registry entry (src/units/registry.ts).
import type { UnitTypeDef } from '../registry';
import { AutomountMachine } from './machine';

export const AUTOMOUNT_TYPE: UnitTypeDef<'automount'> = {
  type: 'automount',
  create: (cfg, host) => new AutomountMachine(cfg, host),
  // automount.c: "Set up automount %s." / "Unset automount %s."
  verbs: { started: () => 'Set up automount', stopped: () => 'Unset automount' },
};
