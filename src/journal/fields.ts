// The fields the journal server adds to every entry (journald-server.c dispatch_message_real): the sender's
// trusted fields from its credentials and /proc (_PID _UID _GID _COMM _EXE _CMDLINE _SYSTEMD_CGROUP
// _SYSTEMD_UNIT _SYSTEMD_SLICE _SYSTEMD_INVOCATION_ID), _SOURCE_REALTIME_TIMESTAMP when the transport
// carried a time, then _BOOT_ID _MACHINE_ID _HOSTNAME _RUNTIME_SCOPE (Debian's 252 adds the last one).
// Also the manager's own messages (_TRANSPORT=driver for the journal server's, as journald writes them).
// Pure: no Node imports.

export interface ClientContext {
  pid: number;
  uid: number;
  gid: number;
  comm: string | null;
  exe: string | null;
  cmdline: string | null;
  cgroup: string | null;
  unit: string | null;
  slice: string | null;
  invocationId: string | null;
  /** LogRateLimitIntervalSec= / LogRateLimitBurst= of the unit (µs / count); undefined = server default. */
  rateLimitIntervalUs?: number;
  rateLimitBurst?: number;
  /** LogLevelMax= of the unit (0..7); undefined = no limit. */
  logLevelMax?: number;
  /** LogExtraFields= of the unit, NAME=value. */
  extraFields?: string[];
}

export interface ServerIds {
  bootId: string;      // 32 hex digits
  machineId: string;   // 32 hex digits, '' when unknown
  hostname: string;
}

const b = (s: string): Buffer => Buffer.from(s, 'utf8');

export function trustedFields(c: ClientContext | null, ids: ServerIds, sourceRealtimeUs?: number): Buffer[] {
  const out: Buffer[] = [];
  if (c) {
    if (c.pid > 0) out.push(b(`_PID=${c.pid}`));
    if (c.uid >= 0) out.push(b(`_UID=${c.uid}`));
    if (c.gid >= 0) out.push(b(`_GID=${c.gid}`));
    if (c.comm) out.push(b(`_COMM=${c.comm}`));
    if (c.exe) out.push(b(`_EXE=${c.exe}`));
    if (c.cmdline) out.push(b(`_CMDLINE=${c.cmdline}`));
    if (c.cgroup) out.push(b(`_SYSTEMD_CGROUP=${c.cgroup}`));
    if (c.unit) out.push(b(`_SYSTEMD_UNIT=${c.unit}`));
    if (c.slice) out.push(b(`_SYSTEMD_SLICE=${c.slice}`));
    if (c.invocationId) out.push(b(`_SYSTEMD_INVOCATION_ID=${c.invocationId}`));
    for (const f of c.extraFields ?? []) out.push(b(f));
  }
  if (sourceRealtimeUs !== undefined && sourceRealtimeUs > 0) out.push(b(`_SOURCE_REALTIME_TIMESTAMP=${sourceRealtimeUs}`));
  if (ids.bootId) out.push(b(`_BOOT_ID=${ids.bootId}`));
  if (ids.machineId) out.push(b(`_MACHINE_ID=${ids.machineId}`));
  if (ids.hostname) out.push(b(`_HOSTNAME=${ids.hostname}`));
  out.push(b('_RUNTIME_SCOPE=system'));
  return out;
}

/** /proc/PID/cmdline (NUL-separated) as journald stores it: arguments joined by spaces, shell-quoted when needed. */
export function cmdlineFromProc(raw: Buffer): string | null {
  const args = raw.toString('utf8').split('\0');
  if (args.length && args[args.length - 1] === '') args.pop();
  if (args.length === 0) return null;
  return args.map((a) => (a === '' || /[\s"'\\]/.test(a) ? `"${a.replace(/(["\\])/g, '\\$1')}"` : a)).join(' ');
}
