// The scope unit type's registry entry (src/units/registry.ts).
import type { UnitTypeDef } from '../registry';
import { ScopeMachine } from './machine';

export const SCOPE_TYPE: UnitTypeDef<'scope'> = {
  type: 'scope',
  create: (cfg, host) => new ScopeMachine(cfg, host),
  // scope.c's status_message_formats: "Started %s." / "Stopped %s." (the generic ones)
  verbs: { started: () => 'Started', stopped: () => 'Stopped' },
};
