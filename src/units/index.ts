// Public surface of src/units/: the unit-type registry, the machine contract and the helpers the manager
// needs. Invariant: the only file other modules import from units/ (besides the types/host contracts).
export { createMachine, isImplementedType, statusVerbs, UNIT_TYPES, type HostOf, type ImplementedType, type UnitTypeDef } from './registry';
export { evaluateConditionList, isSupportedCondition, SUPPORTED_KINDS } from './conditions';
export { startJobOutcome, stopJobOutcome, reloadJobOutcome } from './jobs';
export { instanceFromPeer, instanceUnitName } from './socket/naming';
export * from './types';
export type * from './host';
