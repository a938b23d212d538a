// The device unit type's registry entry (src/units/registry.ts).
import type { UnitTypeDef } from '../registry';
import { DeviceMachine } from './machine';

export const DEVICE_TYPE: UnitTypeDef<'device'> = {
  type: 'device',
  create: (cfg, host) => new DeviceMachine(cfg, host),
  // device.c: "Found device %s." / "Unplugged device %s." (systemd prints the latter rarely)
  verbs: { started: () => 'Found device', stopped: () => 'Unplugged device' },
};
