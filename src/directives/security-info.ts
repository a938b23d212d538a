// SecurityInfo (./security-assessors.ts) of a loaded unit, as systemd 252's get_security_info() fills it for
// `systemd-analyze security --offline=yes`: from the unit (DefaultDependencies=, NotifyAccess=), its exec
// context (services, sockets, mounts, swaps; with unit_patch_contexts()'s implications already applied by
// ./patch-contexts.ts) and its cgroup context (those plus slices and scopes), including the load-time
// implications systemd adds to the cgroup context: PrivateDevices= turns DevicePolicy=auto into closed,
// ProtectClock= prepends "char-rtc r" to DeviceAllow= (a list systemd builds by prepending).
// `enforcedOnly` reads the unit as tsysd will run it: directives tsysd parses but does not enforce
// (cfg.notEnforced: IPAddressDeny=, DevicePolicy=, … ) count as unset.
// Invariant: pure.
import type { UnitConfig } from './types';
import { newSecurityInfo, type SecurityInfo } from './security-assessors';
import { NATIVE_SYSCALLS_X86_64 } from './syscalls-x86-64';
import { ALL_CAPS, capsToMask } from '../exec/caps';

const AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10, AF_NETLINK = 16, AF_PACKET = 17;
const EXEC_TYPES = ['service', 'socket', 'mount', 'swap'];
const CGROUP_TYPES = [...EXEC_TYPES, 'slice', 'scope'];

interface Prefix { v6: boolean; bytes: number[]; len: number }

function parseV4(s: string): number[] | null {
  const p = s.split('.');
  if (p.length !== 4 || !p.every((x) => /^[0-9]{1,3}$/.test(x) && Number(x) <= 255)) return null;
  return p.map(Number);
}

function parseV6(s: string): number[] | null {
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const part = (h: string): number[] | null => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      const n = parseInt(g, 16);
      out.push(n >> 8, n & 0xff);
    }
    return out;
  };
  const a = part(halves[0] ?? '');
  const b = halves.length === 2 ? part(halves[1] ?? '') : [];
  if (!a || !b) return null;
  if (halves.length === 1) return a.length === 16 ? a : null;
  if (a.length + b.length > 14) return null;
  return [...a, ...new Array<number>(16 - a.length - b.length).fill(0), ...b];
}

/** config_parse_in_addr_prefixes(): the special words and ADDR[/LEN]. */
function prefixesOf(word: string): Prefix[] {
  switch (word) {
    case 'any': return [{ v6: false, bytes: [0, 0, 0, 0], len: 0 }, { v6: true, bytes: new Array<number>(16).fill(0), len: 0 }];
    case 'localhost': return [{ v6: false, bytes: [127, 0, 0, 0], len: 8 }, { v6: true, bytes: [...new Array<number>(15).fill(0), 1], len: 128 }];
    case 'link-local': return [{ v6: false, bytes: [169, 254, 0, 0], len: 16 }, { v6: true, bytes: [0xfe, 0x80, ...new Array<number>(14).fill(0)], len: 64 }];
    case 'multicast': return [{ v6: false, bytes: [224, 0, 0, 0], len: 4 }, { v6: true, bytes: [0xff, ...new Array<number>(15).fill(0)], len: 8 }];
    default: break;
  }
  const [addr = '', lenText] = word.split('/');
  const v4 = parseV4(addr);
  const bytes = v4 ?? parseV6(addr);
  if (!bytes) return [];
  const max = v4 ? 32 : 128;
  const len = lenText === undefined ? max : Number(lenText);
  if (!Number.isInteger(len) || len < 0 || len > max) return [];
  // in_addr_prefix_add() stores the masked address.
  const masked = bytes.map((b, i) => { const keep = Math.max(0, Math.min(8, len - i * 8)); return b & (0xff << (8 - keep)) & 0xff; });
  return [{ v6: !v4, bytes: masked, len }];
}

const isLocalhost = (p: Prefix): boolean => p.v6 ? p.bytes.every((b, i) => b === (i === 15 ? 1 : 0)) : p.bytes[0] === 127;

/** A list directive's words as the unit leaves them: assignments in order, an empty one resets. */
function rawWords(cfg: UnitConfig, key: string, skip: Set<string>): string[] {
  if (skip.has(key)) return [];
  let out: string[] = [];
  for (const val of cfg.raw?.[key] ?? []) {
    if (val.trim() === '') { out = []; continue; }
    out.push(...val.split(/\s+/).filter((w) => w !== ''));
  }
  return out;
}

function lastRaw(cfg: UnitConfig, key: string, skip: Set<string>): string | null {
  if (skip.has(key)) return null;
  const l = cfg.raw?.[key];
  return l && l.length ? (l[l.length - 1] ?? null) : null;
}

/** cgroup_device_permissions_to_string(): the r/w/m flags present, in that order; none given = all. */
function deviceRights(r: string | undefined): string {
  if (!r) return 'rwm';
  return ['r', 'w', 'm'].filter((c) => r.includes(c)).join('');
}

export function securityInfoOf(cfg: UnitConfig, opts: { userMode: boolean; enforcedOnly?: boolean }): SecurityInfo {
  const i = newSecurityInfo(cfg.id);
  const section = cfg.type.charAt(0).toUpperCase() + cfg.type.slice(1);
  const skip = new Set(opts.enforcedOnly ? (cfg.notEnforced ?? []).map((n) => n.key) : []);
  i.fragmentPath = cfg.fragmentPath;
  i.defaultDependencies = cfg.unit.defaultDependencies;
  if (cfg.service) i.notifyAccess = cfg.service.notifyAccess;
  const hasExec = EXEC_TYPES.includes(cfg.type);
  if (hasExec) {
    const ex = cfg.exec;
    const sb = ex.sandbox;
    i.ambientCapabilities = capsToMask(ex.ambientCapabilities).mask;
    i.capabilityBoundingSet = ex.capabilityBoundingSet === null ? ALL_CAPS : capsToMask(ex.capabilityBoundingSet).mask;
    i.user = ex.user === '' ? null : ex.user;
    i.supplementaryGroups = [...ex.supplementaryGroups];
    i.dynamicUser = ex.dynamicUser;
    // exec_context_init() leaves KeyringMode=inherit; service_init() makes it private for system services.
    i.keyringMode = sb.keyringMode || (cfg.type === 'service' && !opts.userMode ? 'private' : 'inherit');
    i.protectProc = sb.protectProc;
    i.procSubset = sb.procSubset;
    i.lockPersonality = sb.lockPersonality;
    i.memoryDenyWriteExecute = sb.memoryDenyWriteExecute;
    i.noNewPrivileges = ex.noNewPrivileges;
    i.protectHostname = sb.protectHostname;
    i.privateDevices = sb.privateDevices;
    i.privateMounts = sb.privateMounts;
    i.privateNetwork = sb.privateNetwork;
    i.privateTmp = ex.privateTmp;
    i.privateUsers = sb.privateUsers;
    i.protectControlGroups = sb.protectControlGroups;
    i.protectKernelModules = sb.protectKernelModules;
    i.protectKernelTunables = sb.protectKernelTunables;
    i.protectKernelLogs = sb.protectKernelLogs;
    i.protectClock = sb.protectClock;
    i.protectHome = sb.protectHome;
    i.protectSystem = sb.protectSystem;
    i.removeIPC = sb.removeIPC;
    const raf = sb.restrictAddressFamilies;
    const allow = raf?.allowList ?? false;
    i.afInet = i.afUnix = i.afNetlink = i.afPacket = i.afOther = allow;
    for (const f of raf?.families ?? []) {
      if (f === 0) continue;
      if (f === AF_INET || f === AF_INET6) i.afInet = !allow;
      else if (f === AF_UNIX) i.afUnix = !allow;
      else if (f === AF_NETLINK) i.afNetlink = !allow;
      else if (f === AF_PACKET) i.afPacket = !allow;
      else i.afOther = !allow;
    }
    if (sb.restrictNamespaces !== null) i.restrictNamespaces = sb.restrictNamespaces;
    i.restrictRealtime = sb.restrictRealtime;
    i.restrictSUIDSGID = sb.restrictSUIDSGID;
    i.rootDirectory = ex.rootDirectory;
    i.rootImage = sb.rootImage;
    i.umask = ex.umask;
    i.systemCallArchitectures = [...new Set(sb.systemCallArchitectures)];
    const f = sb.systemCallFilter;
    i.systemCallFilterAllowList = f?.allowList ?? false;
    for (const [name, errno] of f?.calls ?? []) {
      if (i.systemCallFilterAllowList && errno >= 0) continue;   // "~name:errno" entries of an allow list deny
      if (NATIVE_SYSCALLS_X86_64.has(name)) i.systemCallFilter.add(name);
    }
  }
  if (CGROUP_TYPES.includes(cfg.type)) {
    i.delegate = !skip.has(`${section}.Delegate`) && (cfg.resource?.delegate ?? false);
    let policy = lastRaw(cfg, `${section}.DevicePolicy`, skip) ?? 'auto';
    if (hasExec && cfg.exec.sandbox.privateDevices && policy === 'auto' && !opts.enforcedOnly) policy = 'closed';
    i.devicePolicy = policy;
    const allow: string[] = [];
    for (const val of skip.has(`${section}.DeviceAllow`) ? [] : cfg.raw?.[`${section}.DeviceAllow`] ?? []) {
      if (val.trim() === '') { allow.length = 0; continue; }
      const [path = '', rights] = val.trim().split(/\s+/);
      allow.unshift(`${path}:${deviceRights(rights)}`);
    }
    if (hasExec && cfg.exec.sandbox.protectClock && !opts.enforcedOnly) allow.unshift('char-rtc:r');
    i.deviceAllow = allow;
    const deny = rawWords(cfg, `${section}.IPAddressDeny`, skip).flatMap(prefixesOf);
    i.ipAddressDenyAll = deny.some((p) => !p.v6 && p.len === 0) && deny.some((p) => p.v6 && p.len === 0);
    for (const p of rawWords(cfg, `${section}.IPAddressAllow`, skip).flatMap(prefixesOf)) {
      if (isLocalhost(p)) i.ipAddressAllowLocalhost = true; else i.ipAddressAllowOther = true;
    }
    i.ipFiltersCustom = rawWords(cfg, `${section}.IPIngressFilterPath`, skip).length > 0 || rawWords(cfg, `${section}.IPEgressFilterPath`, skip).length > 0;
  }
  return i;
}
