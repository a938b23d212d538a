// Capability names → bit masks for CapabilityBoundingSet= / AmbientCapabilities= (capabilities(7)).
// Invariant: unknown names are reported back, never silently mapped.
export const CAP_NAMES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN',
  'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ',
  'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
] as const;

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
    const i = (CAP_NAMES as readonly string[]).indexOf(name);
    if (i < 0) { unknown.push(w); continue; }
    listed |= 1n << BigInt(i);
  }
  return { mask: invert ? ALL_CAPS & ~listed : listed, unknown };
}
