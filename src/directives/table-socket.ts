// [Socket] directive table (systemd.socket(5), systemd 252). Listen*= lines keep file order (= fd order);
// an empty Listen*= value resets all listeners. Invariant: only .socket units reach these rows.
import type { ListenKind, UnitConfig } from './types';
import {
  custom, pBool, pEnum, pInt, pLong, pMode, pSec, pSize, pTimeout, pUnsigned, scalar, unenforced, specError, splitValue,
  showRows, type Row, type SectionName, type Parsed,
} from './row';
import { execRow, pUserGroup } from './table-exec';
import { unitNameIsValid } from './table-unit';
import { parseBoolean } from './values';
import { execList, LISTEN_NAMES, octal, usec, words, yn } from './show-format';

const K: SectionName[] = ['Socket'];

function sock(c: UnitConfig): NonNullable<UnitConfig['socket']> {
  if (!c.socket) throw new Error('socket section on a non-socket unit');
  return c.socket;
}

/** socket_address_parse(): port, ip:port, [ip6]:port, /path, @abstract, vsock:cid:port. */
export function socketAddressIsValid(a: string): boolean {
  if (a.startsWith('/')) return a.length < 108;
  if (a.startsWith('@')) return a.length > 1 && a.length < 108;
  const port = (p: string): boolean => /^[0-9]+$/.test(p) && Number(p) >= 1 && Number(p) <= 65535;
  if (port(a)) return true;
  let m = /^vsock:([0-9]*):([0-9]+)$/.exec(a);
  if (m) return true;
  m = /^\[([0-9A-Fa-f:.]+)\](?:%[A-Za-z0-9_.-]+)?:([0-9]+)$/.exec(a);
  if (m) return port(m[2]!);
  m = /^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})(?:%[A-Za-z0-9_.-]+)?:([0-9]+)$/.exec(a);
  if (m) return [m[1], m[2], m[3], m[4]].every((x) => Number(x) <= 255) && port(m[5]!);
  return false;
}

const NETLINK_FAMILIES = ['route', 'firewall', 'inet-diag', 'nflog', 'xfrm', 'selinux', 'iscsi', 'audit', 'fib-lookup',
  'connector', 'netfilter', 'ip6-fw', 'dnrtmsg', 'kobject-uevent', 'generic', 'scsitransport', 'ecryptfs', 'rdma', 'crypto', 'smc'];

function listenRow(key: string, kind: ListenKind, pathOnly: boolean): Row {
  return custom(key, K, true, (v, ctx) => {
    const e = ctx.expand(v);
    if (!e.ok) { ctx.warn(`Failed to resolve unit specifiers in '${v}', ignoring: ${e.error}`); return; }
    const a = e.value;
    if (pathOnly) {
      if (!a.startsWith('/')) { ctx.warn(`${key}= path is not absolute, ignoring: ${a}`); return; }
    } else if (kind === 'netlink') {
      const [fam, grp, extra] = a.split(/[ \t]+/);
      if (!fam || !(NETLINK_FAMILIES.includes(fam) || /^[0-9]+$/.test(fam)) || (grp !== undefined && !/^[0-9]+$/.test(grp)) || extra !== undefined) {
        ctx.warn(`Failed to parse address value in '${a}', ignoring: Invalid argument`); return;
      }
    } else if (!socketAddressIsValid(a)) {
      ctx.warn(`Failed to parse address value in '${a}', ignoring: ${/^-[0-9]+$/.test(a) || (/^[0-9]+$/.test(a) && Number(a) > 65535) ? 'Numerical result out of range' : 'Invalid argument'}`); return;
    } else if (kind === 'seqpacket' && !a.startsWith('/') && !a.startsWith('@') && !a.startsWith('vsock:')) {
      ctx.warn(`Address family not supported, ignoring: ${a}`); return;
    }
    // Netlink addresses are stored as "family group" (group 0 when omitted), as systemd does.
    const address = kind === 'netlink' ? (a.trim().split(/[ \t]+/).length === 1 ? `${a.trim()} 0` : a.trim().split(/[ \t]+/).join(' ')) : a;
    sock(ctx.cfg).listen.push({ kind, address, file: ctx.file, line: ctx.line });
  }, (c) => { sock(c).listen = []; });
}

export const pIfname = (v: string): Parsed<string> => (v.length > 0 && v.length < 16 && !/[/:%\s]/.test(v) && v !== '.' && v !== '..' && !/^[0-9]+$/.test(v))
  ? { ok: true, value: v } : { ok: false, message: `Invalid interface name, ignoring: ${v}` };

export const SOCKET_ROWS: Row[] = [
  listenRow('ListenStream', 'stream', false),
  listenRow('ListenDatagram', 'datagram', false),
  listenRow('ListenSequentialPacket', 'seqpacket', false),
  listenRow('ListenFIFO', 'fifo', true),
  listenRow('ListenNetlink', 'netlink', false),
  listenRow('ListenSpecial', 'special', true),
  listenRow('ListenMessageQueue', 'mqueue', true),
  { ...listenRow('ListenUSBFunction', 'special', true), enforced: false },
  unenforced('SocketProtocol', K, pEnum(['udplite', 'sctp'] as const, 'socket protocol')),
  scalar('BindIPv6Only', K, (v) => {
    const b = parseBoolean(v);
    if (b !== null) return { ok: true, value: b ? 'ipv6-only' as const : 'both' as const };
    return pEnum(['default', 'both', 'ipv6-only'] as const, 'bind IPv6 only value')(v, 'BindIPv6Only');
  }, (c, v) => { sock(c).bindIPv6Only = v; }),
  scalar('Backlog', K, pUnsigned, (c, v) => { sock(c).backlog = v; }),
  scalar('BindToDevice', K, pIfname, (c, v) => { sock(c).bindToDevice = v; }, { empty: 'reset', reset: (c) => { sock(c).bindToDevice = ''; } }),
  execRow('ExecStartPre', K, (c) => c.socket?.execStartPre ?? null, (c, v) => { sock(c).execStartPre = v; }),
  execRow('ExecStartPost', K, (c) => c.socket?.execStartPost ?? null, (c, v) => { sock(c).execStartPost = v; }),
  execRow('ExecStopPre', K, (c) => c.socket?.execStopPre ?? null, (c, v) => { sock(c).execStopPre = v; }),
  execRow('ExecStopPost', K, (c) => c.socket?.execStopPost ?? null, (c, v) => { sock(c).execStopPost = v; }),
  scalar('TimeoutSec', K, pTimeout((v) => `Failed to parse time value, ignoring: ${v}`), (c, v) => { sock(c).timeoutUs = v; }),
  scalar('SocketUser', K, pUserGroup, (c, v) => { sock(c).socketUser = v; }, { specifiers: true, spec: 'pF', empty: 'reset', reset: (c) => { sock(c).socketUser = ''; } }),
  scalar('SocketGroup', K, pUserGroup, (c, v) => { sock(c).socketGroup = v; }, { specifiers: true, spec: 'pF', empty: 'reset', reset: (c) => { sock(c).socketGroup = ''; } }),
  scalar('SocketMode', K, pMode, (c, v) => { sock(c).socketMode = v; }),
  scalar('DirectoryMode', K, pMode, (c, v) => { sock(c).directoryMode = v; }),
  scalar('Accept', K, pBool, (c, v) => { sock(c).accept = v; }),
  unenforced('FlushPending', K, pBool),
  scalar('Writable', K, pBool, (c, v) => { sock(c).writable = v; }, { enforced: false }),
  scalar('MaxConnections', K, pUnsigned, (c, v) => { sock(c).maxConnections = v; }),
  scalar('MaxConnectionsPerSource', K, pUnsigned, (c, v) => { sock(c).maxConnectionsPerSource = v; }),
  scalar('KeepAlive', K, pBool, (c, v) => { sock(c).keepAlive = v; }),
  scalar('KeepAliveTimeSec', K, pSec, (c, v) => { sock(c).keepAliveTimeUs = v; }),
  scalar('KeepAliveIntervalSec', K, pSec, (c, v) => { sock(c).keepAliveIntervalUs = v; }),
  scalar('KeepAliveProbes', K, pUnsigned, (c, v) => { sock(c).keepAliveProbes = v; }),
  unenforced('DeferAcceptSec', K, pSec),
  scalar('NoDelay', K, pBool, (c, v) => { sock(c).noDelay = v; }),
  unenforced('Priority', K, pInt),
  scalar('ReceiveBuffer', K, pSize, (c, v) => { sock(c).receiveBuffer = v; }),
  scalar('SendBuffer', K, pSize, (c, v) => { sock(c).sendBuffer = v; }),
  unenforced('IPTOS', K, (v) => (['low-delay', 'throughput', 'reliability', 'low-cost'].includes(v) || /^[0-9]+$/.test(v))
    ? { ok: true, value: v } : { ok: false, message: `Failed to parse IP TOS value, ignoring: ${v}` }, false, { empty: 'reset' }),
  unenforced('IPTTL', K, pInt),
  unenforced('Mark', K, pInt),
  unenforced('PipeSize', K, pSize),
  scalar('FreeBind', K, pBool, (c, v) => { sock(c).freeBind = v; }),
  scalar('Transparent', K, pBool, (c, v) => { sock(c).transparent = v; }),
  unenforced('Broadcast', K, pBool),
  scalar('PassCredentials', K, pBool, (c, v) => { sock(c).passCredentials = v; }),
  scalar('PassSecurity', K, pBool, (c, v) => { sock(c).passSecurity = v; }),
  unenforced('PassPacketInfo', K, pBool),
  scalar('Timestamping', K, (v) => {
    const b = parseBoolean(v);
    if (b !== null) return { ok: true, value: b ? 'us' as const : 'off' as const };
    if (['off'].includes(v)) return { ok: true, value: 'off' as const };
    if (['us', 'usec', 'μs', 'µs'].includes(v)) return { ok: true, value: 'us' as const };
    if (['ns', 'nsec'].includes(v)) return { ok: true, value: 'ns' as const };
    return { ok: false, message: `Failed to parse timestamping precision, ignoring: ${v}` };
  }, (c, v) => { sock(c).timestamping = v; }, { enforced: false }),
  unenforced('TCPCongestion', K, (v) => ({ ok: true, value: v })),
  scalar('ReusePort', K, pBool, (c, v) => { sock(c).reusePort = v; }),
  unenforced('MessageQueueMaxMessages', K, pLong),
  unenforced('MessageQueueMessageSize', K, pLong),
  scalar('RemoveOnStop', K, pBool, (c, v) => { sock(c).removeOnStop = v; }),
  custom('Symlinks', K, true, (v, ctx) => {
    for (const w of splitValue(v, 'unquote') ?? []) {
      const e = ctx.expand(w);
      if (!e.ok) { ctx.warn(specError('q', w, e.error).message); continue; }
      const p = e.value;
      if (!p.startsWith('/')) { ctx.warn(`Symlinks= path is not absolute, ignoring: ${p}`); return; }
      sock(ctx.cfg).symlinks.push(p);
    }
  }, (c) => { sock(c).symlinks = []; }),
  scalar('FileDescriptorName', K, (v) => (v.length <= 255 && /^[\x20-\x7e]*$/.test(v) && !v.includes(':'))
    ? { ok: true, value: v } : { ok: false, message: `Invalid file descriptor name, ignoring: ${v}` },
  (c, v) => { sock(c).fileDescriptorName = v; }, { specifiers: true }),
  scalar('Service', K, (v) => {
    if (!v.endsWith('.service')) return { ok: false, message: `Unit must be of type service, ignoring: ${v}` };
    if (!unitNameIsValid(v)) return { ok: false, message: `Failed to load unit ${v}, ignoring: Invalid argument` };
    return { ok: true, value: v };
  }, (c, v) => { sock(c).service = v; }, { specifiers: true, spec: 'p' }),
  scalar('TriggerLimitIntervalSec', K, pSec, (c, v) => { sock(c).triggerLimitIntervalUs = v; }),
  scalar('TriggerLimitBurst', K, pUnsigned, (c, v) => { sock(c).triggerLimitBurst = v; }),
  unenforced('SmackLabel', K, (v) => ({ ok: true, value: v }), false, { specifiers: true }),
  unenforced('SmackLabelIPIn', K, (v) => ({ ok: true, value: v }), false, { specifiers: true }),
  unenforced('SmackLabelIPOut', K, (v) => ({ ok: true, value: v }), false, { specifiers: true }),
  unenforced('SELinuxContextFromNet', K, pBool),
];

/** Listen=: every Listen*= row feeds it, one `ADDRESS (Kind)` entry per socket; none prints a bare `Listen=`. */
const LISTEN = { Listen: (c: UnitConfig): string[] => (c.socket?.listen.length ? c.socket.listen.map((l) => `${l.address} (${LISTEN_NAMES[l.kind]})`) : ['']) };

// How `systemctl show` prints these rows (org.freedesktop.systemd1.Socket; order in show-layout.ts).
showRows(SOCKET_ROWS, {
  BindIPv6Only: { BindIPv6Only: (c) => sock(c).bindIPv6Only },
  Backlog: { Backlog: (c) => String(sock(c).backlog) },
  TimeoutSec: { TimeoutUSec: (c) => usec(sock(c).timeoutUs) },
  BindToDevice: { BindToDevice: (c) => sock(c).bindToDevice },
  SocketUser: { SocketUser: (c) => sock(c).socketUser },
  SocketGroup: { SocketGroup: (c) => sock(c).socketGroup },
  SocketMode: { SocketMode: (c) => octal(sock(c).socketMode) },
  DirectoryMode: { DirectoryMode: (c) => octal(sock(c).directoryMode) },
  Accept: { Accept: (c) => yn(sock(c).accept) },
  FlushPending: { FlushPending: () => 'no' },
  Writable: { Writable: (c) => yn(sock(c).writable) },
  KeepAlive: { KeepAlive: (c) => yn(sock(c).keepAlive) },
  KeepAliveTimeSec: { KeepAliveTimeUSec: (c) => usec(sock(c).keepAliveTimeUs) },
  KeepAliveIntervalSec: { KeepAliveIntervalUSec: (c) => usec(sock(c).keepAliveIntervalUs) },
  KeepAliveProbes: { KeepAliveProbes: (c) => String(sock(c).keepAliveProbes) },
  DeferAcceptSec: { DeferAcceptUSec: () => '0' },
  NoDelay: { NoDelay: (c) => yn(sock(c).noDelay) },
  Priority: { Priority: () => '-1' },
  ReceiveBuffer: { ReceiveBuffer: (c) => String(sock(c).receiveBuffer) },
  SendBuffer: { SendBuffer: (c) => String(sock(c).sendBuffer) },
  IPTOS: { IPTOS: () => '-1' },
  IPTTL: { IPTTL: () => '-1' },
  PipeSize: { PipeSize: () => '0' },
  FreeBind: { FreeBind: (c) => yn(sock(c).freeBind) },
  Transparent: { Transparent: (c) => yn(sock(c).transparent) },
  Broadcast: { Broadcast: () => 'no' },
  PassCredentials: { PassCredentials: (c) => yn(sock(c).passCredentials) },
  PassSecurity: { PassSecurity: (c) => yn(sock(c).passSecurity) },
  PassPacketInfo: { PassPacketInfo: () => 'no' },
  Timestamping: { Timestamping: (c) => sock(c).timestamping },
  RemoveOnStop: { RemoveOnStop: (c) => yn(sock(c).removeOnStop) },
  Symlinks: { Symlinks: (c) => words(sock(c).symlinks) },
  Mark: { Mark: () => '-1' },
  MaxConnections: { MaxConnections: (c) => String(sock(c).maxConnections) },
  MaxConnectionsPerSource: { MaxConnectionsPerSource: (c) => String(sock(c).maxConnectionsPerSource) },
  MessageQueueMaxMessages: { MessageQueueMaxMessages: () => '0' },
  MessageQueueMessageSize: { MessageQueueMessageSize: () => '0' },
  TCPCongestion: { TCPCongestion: () => '' },
  ReusePort: { ReusePort: (c) => yn(sock(c).reusePort) },
  SmackLabel: { SmackLabel: () => '' },
  SmackLabelIPIn: { SmackLabelIPIn: () => '' },
  SmackLabelIPOut: { SmackLabelIPOut: () => '' },
  FileDescriptorName: { FileDescriptorName: (c) => sock(c).fileDescriptorName || c.id },
  SocketProtocol: { SocketProtocol: () => '0' },
  TriggerLimitIntervalSec: { TriggerLimitIntervalUSec: (c) => usec(sock(c).triggerLimitIntervalUs) },
  TriggerLimitBurst: { TriggerLimitBurst: (c) => String(sock(c).triggerLimitBurst) },
  ExecStartPre: { ExecStartPre: (c) => execList(sock(c).execStartPre) },
  ExecStartPost: { ExecStartPost: (c) => execList(sock(c).execStartPost) },
  ExecStopPre: { ExecStopPre: (c) => execList(sock(c).execStopPre) },
  ExecStopPost: { ExecStopPost: (c) => execList(sock(c).execStopPost) },
  ListenStream: LISTEN,
  ListenDatagram: LISTEN,
  ListenSequentialPacket: LISTEN,
  ListenFIFO: LISTEN,
  ListenNetlink: LISTEN,
  ListenSpecial: LISTEN,
  ListenMessageQueue: LISTEN,
  ListenUSBFunction: LISTEN,
}, [
  'Service', 'SELinuxContextFromNet',
]);
