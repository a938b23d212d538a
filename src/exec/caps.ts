// Capability names (the one table of them) → bit masks for CapabilityBoundingSet= / AmbientCapabilities=
// (capabilities(7)). Pure: no Node imports (the directive tables and ConditionCapability= read it).
// Invariant: unknown names are reported back, never silently mapped.
/** systemd 252's capability names (cap-list), index = capability number: the one table of them (the
 *  directive tables, the exec layer and ConditionCapability= all read this). */
export const CAPABILITY_NAMES: readonly string[] = ['cap_chown', 'cap_dac_override', 'cap_dac_read_search', 'cap_fowner', 'cap_fsetid', 'cap_kill',
  'cap_setgid', 'cap_setuid', 'cap_setpcap', 'cap_linux_immutable', 'cap_net_bind_service', 'cap_net_broadcast', 'cap_net_admin',
  'cap_net_raw', 'cap_ipc_lock', 'cap_ipc_owner', 'cap_sys_module', 'cap_sys_rawio', 'cap_sys_chroot', 'cap_sys_ptrace',
  'cap_sys_pacct', 'cap_sys_admin', 'cap_sys_boot', 'cap_sys_nice', 'cap_sys_resource', 'cap_sys_time', 'cap_sys_tty_config',
  'cap_mknod', 'cap_lease', 'cap_audit_write', 'cap_audit_control', 'cap_setfcap', 'cap_mac_override', 'cap_mac_admin',
  'cap_syslog', 'cap_wake_alarm', 'cap_block_suspend', 'cap_audit_read', 'cap_perfmon', 'cap_bpf', 'cap_checkpoint_restore'];

/** The same names as unit files and `systemctl show` spell them (CAP_CHOWN ...). */
export const CAP_NAMES: readonly string[] = CAPABILITY_NAMES.map((n) => n.toUpperCase());

export const ALL_CAPS = (1n << BigInt(CAP_NAMES.length)) - 1n;

/** Words as collected by the directive table (a leading '~' inverts). Returns the mask and unknown names. */
export function capsToMask(words: readonly string[]): { mask: bigint; unknown: string[] } {
  let listed = 0n;
  let invert = false;
  const unknown: string[] = [];
  for (let w of words) {
    if (w.startsWith('~')) { invert = true; w = w.slice(1); }
    if (!w) continue;
    const name = w.toUpperCase().startsWith('CAP_') ? w.toUpperCase() : `CAP_${w.toUpperCase()}`;
    const i = CAP_NAMES.indexOf(name);
    if (i < 0) { unknown.push(w); continue; }
    listed |= 1n << BigInt(i);
  }
  return { mask: invert ? ALL_CAPS & ~listed : listed, unknown };
}
