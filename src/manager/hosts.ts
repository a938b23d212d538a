// The manager's side of the unit-type registry: for each implemented unit type, the host object its
// machine gets (src/units/registry.ts HostOf). Most types need only the common UnitHost; a type with its
// own capabilities (sockets: listeners) has a host class of its own here. Units that did not load, or
// whose type has no machine yet, get the inert UnsupportedMachine.
// Invariant: buildRuntime() is the only place machines and hosts are made.
import type { UnitConfig } from '../directives/types';
import { createMachine, isImplementedType, type HostOf, type ImplementedType } from '../units/registry';
import type { UnitMachine } from '../units/types';
import type { Manager } from './manager';
import { SocketUnitHost } from './socket-host';
import { UnsupportedMachine } from './unsupported';
import { UnitHost } from './unit-host';
import { MountUnitHost } from './mount-host';
import { PathUnitHost, TimerUnitHost } from './trigger-host';
import { SliceUnitHost } from './slice-host';
import { ScopeUnitHost } from './scope-host';

/** The host of any unit, as the manager uses it (type-specific faces are overridable methods). */
export type ManagedHost = UnitHost;

const HOSTS: { readonly [T in ImplementedType]: (m: Manager, cfg: UnitConfig) => HostOf[T] & ManagedHost } = {
  service: (m, cfg) => new UnitHost(m, cfg),
  socket: (m, cfg) => new SocketUnitHost(m, cfg),
  target: (m, cfg) => new UnitHost(m, cfg),
  mount: (m, cfg) => new MountUnitHost(m, cfg),
  swap: (m, cfg) => new MountUnitHost(m, cfg),
  automount: (m, cfg) => new MountUnitHost(m, cfg),
  device: (m, cfg) => new MountUnitHost(m, cfg),
  timer: (m, cfg) => new TimerUnitHost(m, cfg),
  path: (m, cfg) => new PathUnitHost(m, cfg),
  slice: (m, cfg) => new SliceUnitHost(m, cfg),
  scope: (m, cfg) => new ScopeUnitHost(m, cfg),
};

function build<T extends ImplementedType>(type: T, m: Manager, cfg: UnitConfig): { host: ManagedHost; machine: UnitMachine } {
  const host = HOSTS[type](m, cfg);
  const machine = createMachine(type, cfg, host);
  host.machine = machine;
  // Mount and swap machines start from what the kernel says now (mount_setup_unit at creation).
  if (machine.onMountTable) machine.onMountTable(m.mounts.view());
  return { host, machine };
}

export function buildRuntime(m: Manager, cfg: UnitConfig): { host: ManagedHost; machine: UnitMachine } {
  if (cfg.loadState === 'loaded' && isImplementedType(cfg.type)) return build(cfg.type, m, cfg);
  const host = new UnitHost(m, cfg);
  const machine = new UnsupportedMachine(cfg, host, cfg.type);
  host.machine = machine;
  return { host, machine };
}
