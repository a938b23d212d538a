// unit_patch_contexts() of systemd 252 (src/core/unit.c), the load-time implications of sandboxing settings,
// applied once a unit's assignments are compiled so `show`, `verify`, the planner and the exec helper all
// see the same, effective configuration:
//  - PrivateDevices= drops CAP_MKNOD and CAP_SYS_RAWIO from the bounding set, ProtectKernelModules=
//    CAP_SYS_MODULE, ProtectKernelLogs= CAP_SYSLOG, ProtectClock= CAP_SYS_TIME and CAP_WAKE_ALARM;
//  - DynamicUser=yes: User= defaults to the unit prefix (or "_du" + a SipHash of it when that is not a
//    valid user name), Group= to User=, and it forces PrivateTmp=, RemoveIPC=, ProtectSystem=strict,
//    ProtectHome=read-only (unless set), NoNewPrivileges= and RestrictSUIDSGID=.
// Invariant: only ever narrows privilege.
import type { UnitConfig } from './types';
import { ALL_CAPS, CAP_NAMES, capsToMask } from '../exec/caps';
import { siphash24, utf8 } from '../exec/siphash';

const USER_NAME_KEY = new Uint8Array([0x58, 0x1a, 0xaf, 0xe6, 0x28, 0x58, 0x4e, 0x96, 0xb4, 0x4e, 0xf5, 0x3b, 0x8c, 0x92, 0x07, 0xec]);

/** valid_user_group_name(u, 0): the strict rules. */
export function strictUserName(u: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(u) && u.length <= 31 && !/^[0-9]+$/.test(u);
}

/** user_from_unit_name(): the DynamicUser= user name of a unit without User=. */
export function dynamicUserName(unitId: string): string {
  const at = unitId.indexOf('@');
  const prefix = at >= 0 ? unitId.slice(0, at) : unitId.slice(0, unitId.lastIndexOf('.'));
  if (strictUserName(prefix)) return prefix;
  return `_du${siphash24(utf8(prefix), USER_NAME_KEY).toString(16).padStart(16, '0')}`;
}

function dropCaps(cfg: UnitConfig, names: string[]): void {
  const cur = cfg.exec.capabilityBoundingSet === null ? ALL_CAPS : capsToMask(cfg.exec.capabilityBoundingSet).mask;
  const next = cur & ~capsToMask(names).mask;
  if (next === cur) return;
  cfg.exec.capabilityBoundingSet = CAP_NAMES.filter((_, i) => (next >> BigInt(i)) & 1n);
}

export function patchContexts(cfg: UnitConfig): void {
  if (!cfg.service && !cfg.socket) return;
  const ex = cfg.exec;
  const s = ex.sandbox;
  if (s.privateDevices) dropCaps(cfg, ['CAP_MKNOD', 'CAP_SYS_RAWIO']);
  if (s.protectKernelModules) dropCaps(cfg, ['CAP_SYS_MODULE']);
  if (s.protectKernelLogs) dropCaps(cfg, ['CAP_SYSLOG']);
  if (s.protectClock) dropCaps(cfg, ['CAP_SYS_TIME', 'CAP_WAKE_ALARM']);
  if (ex.dynamicUser) {
    if (!ex.user) ex.user = dynamicUserName(cfg.id);
    if (!ex.group) ex.group = ex.user;
    ex.privateTmp = true;
    s.removeIPC = true;
    s.protectSystem = 'strict';
    if (s.protectHome === 'no') s.protectHome = 'read-only';
    ex.noNewPrivileges = true;
    s.restrictSUIDSGID = true;
  }
}
