// The unit-type registry: which unit types have a state machine, and how each one's machine is made.
// The manager creates machines only through createMachine() here and never asks which class a machine is;
// everything type-specific reaches a machine through the optional entry points of UnitMachine (types.ts).
//
// Adding a unit type (see README "How it is built"):
//  1. a folder src/units/<type>/ with its machine (sub-states, map onto the active states, enter*
//     functions, event handlers) and an `index.ts` exporting its UnitTypeDef;
//  2. one line in HostOf below naming the host interface its machine needs (UnitHost if nothing more,
//     else an interface that extends it in host.ts), and one line in UNIT_TYPES;
//  3. if it needs a host capability the manager does not offer yet: the manager's host factory for the
//     type (src/manager/hosts.ts, one line) implementing that interface.
// Invariant: pure (no Node imports); every UnitType listed in HostOf has exactly one definition.
import type { UnitConfig, UnitType } from '../directives/types';
import type { PathHost, ServiceHost, SocketHost, TimerHost, UnitHost } from './host';
import { SERVICE_TYPE } from './service';
import { SOCKET_TYPE } from './socket';
import { TARGET_TYPE } from './target';
import { MOUNT_TYPE } from './mount';
import { SWAP_TYPE } from './swap';
import { AUTOMOUNT_TYPE } from './automount';
import { DEVICE_TYPE } from './device';
import type { MountHost } from './mount/machine';
import type { SwapHost } from './swap/machine';
import type { AutomountHost } from './automount/machine';
import type { DeviceHost } from './device/machine';
import { TIMER_TYPE } from './timer';
import { PATH_TYPE } from './path';
import { SLICE_TYPE } from './slice';
import type { SliceHost } from './slice/machine';
import { SCOPE_TYPE } from './scope';
import type { ScopeHost } from './scope/machine';
import type { UnitMachine } from './types';

/** The host object each implemented type's machine is given (one per unit, built by the manager). */
export interface HostOf {
  service: ServiceHost;
  socket: SocketHost;
  target: UnitHost;
  mount: MountHost;
  swap: SwapHost;
  automount: AutomountHost;
  device: DeviceHost;
  timer: TimerHost;
  path: PathHost;
  slice: SliceHost;
  scope: ScopeHost;
}
export type ImplementedType = keyof HostOf;

/** systemd's per-type status messages (unit_status_string / UnitStatusMessageFormats) for the console. */
export interface StatusVerbs {
  /** `[  OK  ] <verb> <description>.` once the unit is active (Started, Reached target, Listening on ...). */
  started(cfg: UnitConfig): string;
  /** `[  OK  ] <verb> <description>.` once it is inactive again (Stopped, Closed, Removed slice ...). */
  stopped(cfg: UnitConfig): string;
}

export interface UnitTypeDef<T extends ImplementedType> {
  readonly type: T;
  create(cfg: UnitConfig, host: HostOf[T]): UnitMachine;
  readonly verbs: StatusVerbs;
}

export const UNIT_TYPES: { readonly [T in ImplementedType]: UnitTypeDef<T> } = {
  service: SERVICE_TYPE,
  socket: SOCKET_TYPE,
  target: TARGET_TYPE,
  mount: MOUNT_TYPE,
  swap: SWAP_TYPE,
  automount: AUTOMOUNT_TYPE,
  device: DEVICE_TYPE,
  timer: TIMER_TYPE,
  path: PATH_TYPE,
  slice: SLICE_TYPE,
  scope: SCOPE_TYPE,
};

export function isImplementedType(t: UnitType): t is ImplementedType {
  return Object.prototype.hasOwnProperty.call(UNIT_TYPES, t);
}

/** Build the machine of a loaded unit of an implemented type with the host made for it. */
export function createMachine<T extends ImplementedType>(type: T, cfg: UnitConfig, host: HostOf[T]): UnitMachine {
  return UNIT_TYPES[type].create(cfg, host);
}

/** The console verbs of a type; types without a machine use systemd's generic ones. */
export function statusVerbs(t: UnitType): StatusVerbs {
  return isImplementedType(t) ? UNIT_TYPES[t].verbs : GENERIC_VERBS;
}

export const GENERIC_VERBS: StatusVerbs = { started: () => 'Started', stopped: () => 'Stopped' };
