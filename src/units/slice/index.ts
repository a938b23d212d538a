// The slice unit type's registry entry (src/units/registry.ts).
import type { UnitTypeDef } from '../registry';
import { SliceMachine } from './machine';

export const SLICE_TYPE: UnitTypeDef<'slice'> = {
  type: 'slice',
  create: (cfg, host) => new SliceMachine(cfg, host),
  // slice.c's status_message_formats: "Created slice %s." / "Removed slice %s."
  verbs: { started: () => 'Created slice', stopped: () => 'Removed slice' },
};
