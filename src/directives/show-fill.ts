// The rest of `systemctl show`: properties systemd 252 prints for every service/socket/mount/swap/slice/scope
// (its exec, cgroup and kill vtables) that the show tables in ./show.ts do not produce. The sandbox settings tsysd
// parses come from the unit; everything else tsysd does not model prints as systemd 252 prints it for a unit
// that sets nothing (taken from the real systemctl 252 reading systemd's own defaults). Inserted in
// systemd's property order, which the caller passes (the D-Bus interface order: GetAll's, so `show`'s).
//
// Pure. Invariant: a property the show tables already print is never replaced; one without a known value
// stays out (the D-Bus face then answers systemd's default for it).
import type { UnitConfig } from './types';

const yn = (b: boolean): string => (b ? 'yes' : 'no');

/** systemd 252's show strings for a service that sets nothing (sockets differ in KeyringMode only). */
const DEFAULTS_252: Record<string, string> = {
  ControlGroupId: '0', MemoryAvailable: 'infinity', IPIngressBytes: '[no data]', IPIngressPackets: '[no data]',
  IPEgressBytes: '[no data]', IPEgressPackets: '[no data]', IOReadOperations: '18446744073709551615', IOWriteOperations: '18446744073709551615',
  CPUAccounting: 'no', CPUShares: '[not set]', StartupCPUShares: '[not set]', IOAccounting: 'no', StartupIOWeight: '[not set]',
  BlockIOAccounting: 'no', BlockIOWeight: '[not set]', StartupBlockIOWeight: '[not set]', MemoryAccounting: 'yes',
  DefaultMemoryLow: '0', DefaultMemoryMin: '0', MemoryLimit: 'infinity', DevicePolicy: 'auto', TasksAccounting: 'yes', IPAccounting: 'no',
  ManagedOOMSwap: 'auto', ManagedOOMMemoryPressure: 'auto', ManagedOOMMemoryPressureLimit: '0', ManagedOOMPreference: 'none',
  CoredumpFilter: '0x33', IOSchedulingClass: '2', IOSchedulingPriority: '4', CPUSchedulingPolicy: '0', CPUSchedulingPriority: '0',
  CPUAffinityFromNUMA: 'no', NUMAPolicy: 'n/a', TimerSlackNSec: '50000', CPUSchedulingResetOnFork: 'no', NonBlocking: 'no',
  TTYReset: 'no', TTYVHangup: 'no', TTYVTDisallocate: 'no', SyslogPriority: '30', SyslogLevelPrefix: 'yes', SyslogLevel: '6',
  SyslogFacility: '3', LogLevelMax: '-1', LogRateLimitIntervalUSec: '0', LogRateLimitBurst: '0', SecureBits: '0',
  SameProcessGroup: 'no', UtmpMode: 'init', IgnoreSIGPIPE: 'yes', TimeoutCleanUSec: 'infinity',
};

/** CapabilityBoundingSet= unset: every capability the kernel knows (systemd 252 on Linux 5.9+). */
export const ALL_CAPS_252 = 'cap_chown cap_dac_override cap_dac_read_search cap_fowner cap_fsetid cap_kill cap_setgid cap_setuid cap_setpcap '
  + 'cap_linux_immutable cap_net_bind_service cap_net_broadcast cap_net_admin cap_net_raw cap_ipc_lock cap_ipc_owner cap_sys_module '
  + 'cap_sys_rawio cap_sys_chroot cap_sys_ptrace cap_sys_pacct cap_sys_admin cap_sys_boot cap_sys_nice cap_sys_resource cap_sys_time '
  + 'cap_sys_tty_config cap_mknod cap_lease cap_audit_write cap_audit_control cap_setfcap cap_mac_override cap_mac_admin cap_syslog '
  + 'cap_wake_alarm cap_block_suspend cap_audit_read cap_perfmon cap_bpf cap_checkpoint_restore';

/** The sandbox settings tsysd parses, as systemctl prints them. */
function sandboxStrings(cfg: UnitConfig): Record<string, string> {
  const s = cfg.exec.sandbox;
  return {
    RemoveIPC: yn(s.removeIPC), PrivateDevices: yn(s.privateDevices), ProtectClock: yn(s.protectClock),
    ProtectKernelTunables: yn(s.protectKernelTunables), ProtectKernelModules: yn(s.protectKernelModules), ProtectKernelLogs: yn(s.protectKernelLogs),
    ProtectControlGroups: yn(s.protectControlGroups), PrivateNetwork: yn(s.privateNetwork), PrivateUsers: yn(s.privateUsers),
    PrivateMounts: yn(s.privateMounts), PrivateIPC: yn(s.privateIPC), ProtectHome: s.protectHome, ProtectSystem: s.protectSystem,
    SystemCallErrorNumber: String(s.systemCallErrorNumber), LockPersonality: yn(s.lockPersonality), MemoryDenyWriteExecute: yn(s.memoryDenyWriteExecute),
    RestrictRealtime: yn(s.restrictRealtime), RestrictSUIDSGID: yn(s.restrictSUIDSGID),
    // systemd prints the effective value: implied by RootDirectory=/RootImage= when not set
    MountAPIVFS: yn(s.mountAPIVFS ?? (cfg.exec.rootDirectory !== '' || s.rootImage !== '')),
    KeyringMode: s.keyringMode || (cfg.type === 'service' ? 'private' : 'shared'), ProtectProc: s.protectProc, ProcSubset: s.procSubset,
    ProtectHostname: yn(s.protectHostname),
    ...(s.restrictNamespaces === null ? { RestrictNamespaces: 'no' } : {}),
  };
}

/**
 * `props` with what systemd 252 also prints for this unit, each in its place in `order` (the D-Bus property
 * order of the unit's type interface, then org.freedesktop.systemd1.Unit).
 */
export function fillShow(props: [string, string][], cfg: UnitConfig, order: readonly string[]): [string, string][] {
  const hasExec = cfg.type === 'service' || cfg.type === 'socket' || cfg.type === 'mount' || cfg.type === 'swap';
  const known: Record<string, string> = hasExec || cfg.type === 'slice' || cfg.type === 'scope' ? { ...DEFAULTS_252, ...(hasExec ? sandboxStrings(cfg) : {}) } : {};
  // mount_init() runs mount(8) in the manager's process group; services and swaps get their own
  if (cfg.type === 'mount') known.SameProcessGroup = 'yes';
  const out = props.slice();
  const present = new Set(out.map(([k]) => k));
  let pos = 0;
  for (const name of order) {
    if (present.has(name)) {
      for (let i = out.length - 1; i >= 0; i--) if (out[i]?.[0] === name) { pos = i + 1; break; }
      continue;
    }
    const v = known[name];
    if (v === undefined) continue;
    out.splice(pos, 0, [name, v]);
    present.add(name);
    pos++;
  }
  return out;
}
