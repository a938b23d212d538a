// The mount unit type's registry entry (src/units/registry.ts).
import type { UnitTypeDef } from '../registry';
import { MountMachine } from './machine';


export const MOUNT_TYPE: UnitTypeDef<'mount'> = {
  type: 'mount',
  create: (cfg, host) => new MountMachine(cfg, host),
  // mount.c's status_message_formats: "Mounted %s." / "Unmounted %s."
  verbs: { started: () => 'Mounted', stopped: () => 'Unmounted' },
};
