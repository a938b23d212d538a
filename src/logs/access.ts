// Who may read which log lines (issue 12 #10), journald's rule: root and members of the `adm` and
// `systemd-journal` groups read everything (in user mode: the manager's own uid); anyone else reads only
// the output of units that run as their own uid — a system service's `User=alice` output is in alice's
// journal file, the manager's own lines about units are in the system journal and are not. Applied to the
// `logs` method, the log lines of `status`, and `log` events of subscriptions.
// Owner: reliability. Pure: the caller's groups and the units' uids come in as functions.

export const LOG_READER_GROUPS = ['adm', 'systemd-journal'] as const;

export interface LogReader { all: boolean; uid: number }

export interface ReaderCaller { uid: number; gid: number; pid: number; privileged: boolean; groups?: number[] }

/** The caller's read access: `c.groups` (SO_PEERGROUPS) or `groupsOfPid` (null when it is gone) give the
 *  peer's groups,
 *  `gidOf` a group name's gid (null when the group does not exist here). */
export function logReader(c: ReaderCaller, groupsOfPid: (pid: number) => number[] | null, gidOf: (name: string) => number | null): LogReader {
  if (c.privileged || c.uid === 0) return { all: true, uid: c.uid };
  if (c.uid < 0) return { all: false, uid: -1 };    // unknown peer: nothing but what no uid owns (nothing)
  const readers = LOG_READER_GROUPS.map(gidOf).filter((g): g is number => g !== null);
  // The peer's groups from SO_PEERGROUPS when known, else from /proc/PID (a peer in our PID namespace).
  const groups = new Set([c.gid, ...(c.groups ?? (c.pid > 0 ? groupsOfPid(c.pid) ?? [] : []))]);
  return { all: readers.some((g) => groups.has(g)), uid: c.uid };
}

export interface ReadableLine { unit: string; stream: string }

/** May `reader` see `line`? `unitUid` answers the uid a unit's processes run as (null: unknown). */
export function mayReadLine(reader: LogReader, line: ReadableLine, unitUid: (unit: string) => number | null): boolean {
  if (reader.all) return true;
  if (reader.uid < 0 || line.stream === 'manager' || line.unit === '') return false;
  return unitUid(line.unit) === reader.uid;
}
