// The target unit type's registry entry (src/units/registry.ts).
import type { UnitTypeDef } from '../registry';
import { TargetMachine } from './machine';

export const TARGET_TYPE: UnitTypeDef<'target'> = {
  type: 'target',
  create: (cfg, host) => new TargetMachine(cfg, host),
  // target.c's status_message_formats: "Reached target %s." / "Stopped target %s."
  verbs: { started: () => 'Reached target', stopped: () => 'Stopped target' },
};
