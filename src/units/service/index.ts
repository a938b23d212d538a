// The service unit type's registry entry (src/units/registry.ts).
import type { UnitTypeDef } from '../registry';
import { ServiceMachine } from './machine';

export const SERVICE_TYPE: UnitTypeDef<'service'> = {
  type: 'service',
  create: (cfg, host) => new ServiceMachine(cfg, host),
  // service.c: "Finished" for oneshot services (job_done_message of a start that ends inactive/exited).
  verbs: { started: (cfg) => (cfg.service?.type === 'oneshot' ? 'Finished' : 'Started'), stopped: () => 'Stopped' },
};
