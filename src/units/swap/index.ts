// The swap unit type's registry entry (src/units/registry.ts).
import type { UnitTypeDef } from '../registry';
import { SwapMachine } from './machine';

export const SWAP_TYPE: UnitTypeDef<'swap'> = {
  type: 'swap',
  create: (cfg, host) => new SwapMachine(cfg, host),
  // swap.c: "Activated swap %s." / "Deactivated swap %s."
  verbs: { started: () => 'Activated swap', stopped: () => 'Deactivated swap' },
};
