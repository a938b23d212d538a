// How `systemctl show` prints values (systemd 252's bus_print_property): booleans, modes, timespans,
// exec command tuples, listen kinds, exit-status sets, resource limits. Used by the show specs of the
// directive tables (showRows) and by show.ts. Invariant: pure.
import type { ExecCommand, ExitStatusSet, ListenKind, ResourceLimit } from './types';
import { formatTimespan } from './values';

export const yn = (b: boolean): string => (b ? 'yes' : 'no');
export const octal = (n: number): string => n.toString(8).padStart(4, '0');
export const usec = (n: number): string => formatTimespan(n);
export const words = (l: readonly string[]): string => l.join(' ');

/** `{ path=... ; argv[]=... ; ignore_errors=no ; start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }` */
export function formatExecCommand(c: ExecCommand): string {
  return `{ path=${c.path} ; argv[]=${c.argv.join(' ')} ; ignore_errors=${yn(c.ignoreFailure)} ; start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }`;
}
/** The *Ex variant: flags instead of ignore_errors. */
export function formatExecCommandEx(c: ExecCommand): string {
  const flags = [c.ignoreFailure ? 'ignore-failure' : '', c.noEnvExpand ? 'no-env-expand' : '',
    c.privileged === '+' ? 'privileged' : c.privileged === '!' ? 'no-setuid' : c.privileged === '!!' ? 'ambient' : ''].filter((x) => x).join(' ');
  return `{ path=${c.path} ; argv[]=${c.argv.join(' ')} ; flags=${flags} ; start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }`;
}
/** One entry per command; an empty list still prints the key once (`ExecStart=`). */
export const execList = (l: readonly ExecCommand[] | null | undefined): string[] => (l?.length ? l.map(formatExecCommand) : ['']);
export const execListEx = (l: readonly ExecCommand[] | null | undefined): string[] => (l?.length ? l.map(formatExecCommandEx) : ['']);

/** Listen kinds as systemctl names them (`Listen=ADDR (Stream)`, list-sockets TYPE). */
export const LISTEN_NAMES: Record<ListenKind, string> = {
  stream: 'Stream', datagram: 'Datagram', seqpacket: 'SequentialPacket', fifo: 'FIFO', special: 'Special',
  netlink: 'Netlink', mqueue: 'MessageQueue',
};

export function statusSet(s: ExitStatusSet): string {
  return [...s.statuses.map(String), ...s.signals.map(String)].join(' ');
}

/** A memory/tasks limit: a percentage prints as given (systemd resolves it to bytes at load). */
export const lim = (l: ResourceLimit | null, dflt: string): string =>
  l === null ? dflt : 'percent' in l ? `${l.percent}%` : l.value === Infinity ? 'infinity' : String(l.value);
