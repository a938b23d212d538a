// Public surface of src/units/: machine constructors by unit type, plus re-exports the manager needs.
// Invariant: the only file other modules need to import from units/ (besides types/host contracts).
import type { UnitConfig } from '../directives/types';
import type { ServiceHost, SocketHost, UnitHost } from './host';
import { ServiceMachine } from './service/machine';
import { SocketMachine } from './socket/machine';
import { TargetMachine } from './target/machine';
import type { UnitMachine } from './types';

export { ServiceMachine } from './service/machine';
export { SocketMachine } from './socket/machine';
export { TargetMachine } from './target/machine';
export { evaluateConditionList, isSupportedCondition, SUPPORTED_KINDS } from './conditions';
export { startJobOutcome, stopJobOutcome, reloadJobOutcome } from './jobs';
export { instanceFromPeer, instanceUnitName } from './socket/naming';
export * from './types';
export type * from './host';

/**
 * Build the machine for a loaded unit; null for types without a machine yet (mount, timer, ...).
 * One per-unit host object may implement both interfaces (their shared methods have the same meaning).
 */
export function createMachine(cfg: UnitConfig, host: ServiceHost & SocketHost): UnitMachine | null {
  switch (cfg.type) {
    case 'service': return new ServiceMachine(cfg, host);
    case 'socket': return new SocketMachine(cfg, host);
    case 'target': return new TargetMachine(cfg, host as UnitHost);
    default: return null;
  }
}
