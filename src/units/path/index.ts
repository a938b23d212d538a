// The path unit type's registry entry (src/units/registry.ts).
import type { UnitTypeDef } from '../registry';
import { PathMachine } from './machine';

export const PATH_TYPE: UnitTypeDef<'path'> = {
  type: 'path',
  create: (cfg, host) => new PathMachine(cfg, host),
  // path.c has no status_message_formats: the generic "Started %s." / "Stopped %s." apply
  verbs: { started: () => 'Started', stopped: () => 'Stopped' },
};
