// Listening sockets as systemd creates them (socket_address_listen): address parsing for
// ListenStream=/ListenDatagram=/ListenSequentialPacket= values, socket options set before bind, unix
// nodes created with SocketMode (stale node unlinked on EADDRINUSE), FIFOs via mkfifo, special files.
// Invariant: every fd returned is CLOEXEC and non-blocking; failures are { errno, message }.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NativeAddon } from './native';
import type { FdResult, ListenOptions, SockAddr } from './types';

/** Parse a Listen*= address. Returns null for unsupported/invalid forms (vsock:, netlink...). */
export function parseListenAddress(address: string, ipv6Available = true): SockAddr | null {
  const a = address.trim();
  if (a.startsWith('/')) return { family: 'unix', path: a, abstract: false };
  if (a.startsWith('@')) return { family: 'unix', path: a.slice(1), abstract: true };
  if (/^\d+$/.test(a)) {
    const port = Number(a);
    if (port < 1 || port > 65535) return null;
    return ipv6Available ? { family: 'inet6', host: '::', port } : { family: 'inet', host: '0.0.0.0', port };
  }
  const v6 = /^\[([^\]]+)\]:(\d+)$/.exec(a);
  if (v6 && v6[1] !== undefined && v6[2] !== undefined) {
    const port = Number(v6[2]);
    if (port < 1 || port > 65535) return null;
    return { family: 'inet6', host: v6[1], port };
  }
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d+)$/.exec(a);
  if (v4 && v4[1] !== undefined && v4[2] !== undefined) {
    const port = Number(v4[2]);
    if (port < 1 || port > 65535) return null;
    return { family: 'inet', host: v4[1], port };
  }
  return null;
}

function err(n: NativeAddon, e: number): { errno: number; message: string } {
  return { errno: -e, message: n.strerror(e) };
}

function ipv6Available(): boolean {
  return fs.existsSync('/proc/net/if_inet6');
}

/** Netlink families by systemd's names (netlink_family_table), for ListenNetlink=FAMILY [GROUP]. */
const NETLINK_FAMILIES: Record<string, number> = {
  route: 0, usersock: 2, firewall: 3, 'sock_diag': 4, 'inet-diag': 4, nflog: 5, xfrm: 6, selinux: 7, iscsi: 8, audit: 9,
  'fib_lookup': 10, connector: 11, netfilter: 12, 'ip6-fw': 13, dnrtmsg: 14, 'kobject-uevent': 15, generic: 16,
  scsitransport: 18, ecryptfs: 19, rdma: 20, crypto: 21,
};

/** `ListenNetlink=route 1` → { protocol, groups }, or null. */
export function parseNetlinkAddress(address: string): { protocol: number; groups: number } | null {
  const [fam, grp, extra] = address.trim().split(/\s+/);
  if (!fam || extra !== undefined) return null;
  const protocol = /^\d+$/.test(fam) ? Number(fam) : NETLINK_FAMILIES[fam];
  if (protocol === undefined) return null;
  const groups = grp === undefined ? 0 : Number(grp);
  if (!Number.isInteger(groups) || groups < 0) return null;
  return { protocol, groups };
}

export function openListen(n: NativeAddon, o: ListenOptions, lookupUid: (s: string) => number, lookupGid: (s: string) => number): FdResult {
  const K = n.constants;
  const k = (name: string): number => K[name] ?? -1;
  if (o.kind === 'netlink') {
    const a = parseNetlinkAddress(o.address);
    if (!a) return { errno: 22, message: `Invalid netlink address: ${o.address}` };
    const fd = n.netlinkSocket(a.protocol, a.groups);
    return fd < 0 ? err(n, fd) : { fd };
  }
  if (o.kind === 'mqueue') {
    if (!/^\/[^/]+$/.test(o.address)) return { errno: 22, message: `Invalid message queue name: ${o.address}` };
    const fd = n.mqOpen(o.address, o.socketMode, 0, 0);
    return fd < 0 ? err(n, fd) : { fd };
  }
  if (o.kind === 'fifo') {
    mkdirParents(o.address, o.directoryMode);
    const fd = n.mkfifo(o.address, o.socketMode);
    if (fd < 0) return err(n, fd);
    chownNode(o.address, o, lookupUid, lookupGid);
    return { fd };
  }
  if (o.kind === 'special') {
    try {
      const fd = fs.openSync(o.address, fs.constants.O_RDWR | fs.constants.O_NOCTTY | fs.constants.O_NONBLOCK);
      return { fd };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).errno ?? -5;
      return err(n, code);
    }
  }
  const addr = parseListenAddress(o.address, ipv6Available());
  if (!addr) return { errno: 22, message: `unsupported listen address '${o.address}'` };
  if (o.kind === 'seqpacket' && addr.family !== 'unix') return { errno: 97, message: 'SequentialPacket needs a unix address' };
  const type = o.kind === 'stream' ? 'stream' : o.kind === 'datagram' ? 'dgram' : 'seqpacket';
  const fd = n.socket(addr.family, type, true);
  if (fd < 0) return err(n, fd);
  const fail = (e: number): FdResult => { n.close(fd); return err(n, e); };
  const set = (level: string, name: string, v: number): number => n.setsockoptInt(fd, k(level), k(name), v);
  let r = 0;
  if (addr.family !== 'unix') {
    if ((r = set('SOL_SOCKET', 'SO_REUSEADDR', 1)) < 0) return fail(r);
    if (addr.family === 'inet6' && o.bindIPv6Only !== 'default') {
      if ((r = set('IPPROTO_IPV6', 'IPV6_V6ONLY', o.bindIPv6Only === 'ipv6-only' ? 1 : 0)) < 0) return fail(r);
    }
    if (o.freeBind) r = set(addr.family === 'inet6' ? 'IPPROTO_IPV6' : 'IPPROTO_IP', addr.family === 'inet6' ? 'IPV6_FREEBIND' : 'IP_FREEBIND', 1);
    if (o.transparent) r = set(addr.family === 'inet6' ? 'IPPROTO_IPV6' : 'IPPROTO_IP', addr.family === 'inet6' ? 'IPV6_TRANSPARENT' : 'IP_TRANSPARENT', 1);
    if (r < 0) return fail(r);
    if (o.bindToDevice && (r = n.setsockoptString(fd, k('SOL_SOCKET'), k('SO_BINDTODEVICE'), o.bindToDevice)) < 0) return fail(r);
  }
  if (o.reusePort && (r = set('SOL_SOCKET', 'SO_REUSEPORT', 1)) < 0) return fail(r);
  // Like systemd, the following are best effort (warnings there, ignored here).
  if (o.keepAlive) set('SOL_SOCKET', 'SO_KEEPALIVE', 1);
  if (o.keepAliveTimeUs > 0) set('IPPROTO_TCP', 'TCP_KEEPIDLE', Math.max(1, Math.floor(o.keepAliveTimeUs / 1e6)));
  if (o.keepAliveIntervalUs > 0) set('IPPROTO_TCP', 'TCP_KEEPINTVL', Math.max(1, Math.floor(o.keepAliveIntervalUs / 1e6)));
  if (o.keepAliveProbes > 0) set('IPPROTO_TCP', 'TCP_KEEPCNT', o.keepAliveProbes);
  if (o.noDelay) set('IPPROTO_TCP', 'TCP_NODELAY', 1);
  if (o.receiveBuffer > 0 && set('SOL_SOCKET', 'SO_RCVBUFFORCE', o.receiveBuffer) < 0) set('SOL_SOCKET', 'SO_RCVBUF', o.receiveBuffer);
  if (o.sendBuffer > 0 && set('SOL_SOCKET', 'SO_SNDBUFFORCE', o.sendBuffer) < 0) set('SOL_SOCKET', 'SO_SNDBUF', o.sendBuffer);
  if (o.passCredentials) set('SOL_SOCKET', 'SO_PASSCRED', 1);
  if (addr.family === 'unix' && !addr.abstract) {
    mkdirParents(addr.path, o.directoryMode);
    // SocketMode= without touching the process umask (libuv's thread pool may create files meanwhile): the
    // kernel creates the node with the socket inode's mode less the umask, so the mode is set on the socket
    // before bind (never wider than asked), then made exact on the node.
    const mode = o.socketMode & 0o7777;
    try { fs.fchmodSync(fd, mode); } catch (e) { return fail((e as NodeJS.ErrnoException).errno ?? -5); }
    r = n.bind(fd, addr);
    if (r === -98 /* EADDRINUSE */) {
      try { fs.unlinkSync(addr.path); } catch { return fail(r); }
      r = n.bind(fd, addr);
    }
    if (r < 0) return fail(r);
    try { fs.chmodSync(addr.path, mode); } catch (e) { return fail((e as NodeJS.ErrnoException).errno ?? -5); }
    chownNode(addr.path, o, lookupUid, lookupGid);
  } else if ((r = n.bind(fd, addr)) < 0) {
    return fail(r);
  }
  if (type !== 'dgram' && (r = n.listen(fd, o.backlog)) < 0) return fail(r);
  return { fd };
}

/** systemd's (void) mkdir_parents_label(): create missing parent directories one level at a time, ignoring
 * errors (the bind/mkfifo that follows reports the real errno). Not fs.mkdirSync({recursive}): under /proc
 * Node 20 loops forever on it (mkdir keeps failing with ENOENT), and it throws on a file in the path. */
function mkdirParents(p: string, mode: number): void {
  const parts = path.dirname(p).split('/').filter(Boolean);
  let cur = '';
  for (const part of parts) {
    cur += '/' + part;
    try { fs.mkdirSync(cur, { mode }); } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') return;
    }
  }
}

function chownNode(p: string, o: ListenOptions, lookupUid: (s: string) => number, lookupGid: (s: string) => number): void {
  if (!o.socketUser && !o.socketGroup) return;
  const uid = o.socketUser ? lookupUid(o.socketUser) : -1;
  const gid = o.socketGroup ? lookupGid(o.socketGroup) : -1;
  try { fs.chownSync(p, uid, gid); } catch { /* systemd: SocketUser= failures fail the start; best effort here */ }
}
