// The real host of a socket unit: binds its listeners (in file order) through the platform, polls them
// without accepting (Accept=no) or accepts (Accept=yes), hands fds to the triggered service, creates
// Accept=yes instances, and removes socket nodes with RemoveOnStop=.
// Invariants: listener fds live from openListeners() to closeListeners() and are owned here only; a bind
// failure closes what was already bound and names the address and errno; poll watches exist only while
// the machine asks for them.
import type { ListenSpec, UnitConfig } from '../directives/types';
import { LISTEN_NAMES } from '../directives/show';
import { POLL_READABLE, type SockAddr } from '../platform/types';
import type { AcceptResult, PeerInfo, SocketHost, TriggeredServiceInfo } from '../units/host';
import { UnitHost, type HostManager } from './unit-host';

export interface SocketManager extends HostManager {
  /** Service for an Accept=no socket, or null for Accept=yes. */
  socketServiceInfo(socket: string, service: string): TriggeredServiceInfo;
  startService(socket: string, service: string): boolean;
  startAcceptInstance(socket: string, name: string, fd: number, peer: PeerInfo, env: string[]): boolean;
}

interface Listener { spec: ListenSpec; fd: number; watch: number }


export class SocketUnitHost extends UnitHost implements SocketHost {
  private listeners: Listener[] = [];

  constructor(readonly smgr: SocketManager, cfg: UnitConfig) { super(smgr, cfg); }

  /** Listen= entries as systemctl shows them (socket_address_print: a bare port is `[::]:PORT`). */
  override listening(): { type: string; address: string }[] { return listenDescriptions(this.cfg, this.mgr.platform.exists('/proc/net/if_inet6')); }

  openListeners(): { ok: true } | { error: string } {
    const s = this.cfg.socket;
    if (!s) return { error: 'not a socket unit' };
    this.closeListeners(false);
    for (const spec of s.listen) {
      const r = this.mgr.platform.openListen({
        kind: spec.kind, address: spec.address, backlog: s.backlog, bindIPv6Only: s.bindIPv6Only, bindToDevice: s.bindToDevice,
        reusePort: s.reusePort, freeBind: s.freeBind, transparent: s.transparent, keepAlive: s.keepAlive,
        keepAliveTimeUs: s.keepAliveTimeUs, keepAliveIntervalUs: s.keepAliveIntervalUs, keepAliveProbes: s.keepAliveProbes,
        noDelay: s.noDelay, receiveBuffer: s.receiveBuffer, sendBuffer: s.sendBuffer, passCredentials: s.passCredentials,
        socketMode: s.socketMode, directoryMode: s.directoryMode, socketUser: s.socketUser, socketGroup: s.socketGroup,
      });
      if ('errno' in r) {
        this.closeListeners(false);
        // systemd logs the address here and the bare errno text in "Failed to listen on sockets: %m".
        this.log('error', `Failed to create listening socket (${spec.address}): ${r.message}`);
        return { error: r.message };
      }
      this.listeners.push({ spec, fd: r.fd, watch: -1 });
    }
    for (const link of s.symlinks) {
      const target = this.listeners.find((l) => l.spec.address.startsWith('/'))?.spec.address;
      if (!target) break;
      const r = this.mgr.platform.symlink(target, link);
      if (r < 0) this.log('warning', `Failed to create symlink ${link}: ${this.mgr.platform.strerror(-r)}`);
    }
    return { ok: true };
  }

  closeListeners(removeOnStop: boolean): void {
    this.setPolling(false);
    for (const l of this.listeners) {
      this.mgr.platform.close(l.fd);
      // Only file-system nodes (unix sockets, FIFOs): a message queue name also starts with '/'.
      const node = l.spec.kind === 'stream' || l.spec.kind === 'datagram' || l.spec.kind === 'seqpacket' || l.spec.kind === 'fifo';
      if (removeOnStop && node && l.spec.address.startsWith('/')) this.mgr.platform.unlink(l.spec.address);
      if (removeOnStop && l.spec.kind === 'mqueue') this.mgr.platform.mqUnlink(l.spec.address);
    }
    if (removeOnStop) for (const link of this.cfg.socket?.symlinks ?? []) this.mgr.platform.unlink(link);
    this.listeners = [];
  }

  chownListeners(): { done: true } | { pid: number } | { error: string } {
    const s = this.cfg.socket;
    if (!s) return { done: true };
    const u = s.socketUser ? this.mgr.platform.getUser(s.socketUser) : null;
    const g = s.socketGroup ? this.mgr.platform.getGroup(s.socketGroup) : null;
    if (s.socketUser && !u) return { error: `Failed to resolve user ${s.socketUser}` };
    if (s.socketGroup && !g) return { error: `Failed to resolve group ${s.socketGroup}` };
    for (const l of this.listeners) {
      if (!l.spec.address.startsWith('/') || l.spec.kind === 'mqueue' || l.spec.kind === 'special') continue;
      const r = this.mgr.platform.chown(l.spec.address, u ? u.uid : -1, g ? g.gid : (u ? u.gid : -1));
      if (r < 0) return { error: this.mgr.platform.strerror(-r) };
    }
    return { done: true };
  }

  setPolling(on: boolean): void {
    const p = this.mgr.platform;
    this.listeners.forEach((l, i) => {
      if (!on && l.watch >= 0) { p.unpollFd(l.watch); l.watch = -1; }
      if (on && l.watch < 0) {
        const w = p.pollFd(l.fd, POLL_READABLE, (status) => this.mgr.guard('socket', this.id, () => this.machine?.onReadable?.(i, status >= 0)));
        if (w < 0) this.log('error', `Failed to watch listening socket ${l.spec.address}: ${p.strerror(-w)}`);
        l.watch = w < 0 ? -1 : w;
      }
    });
  }

  accept(index: number): AcceptResult {
    const l = this.listeners[index];
    if (!l) return { error: 'no such listener' };
    const p = this.mgr.platform;
    const fd = p.accept(l.fd, false);
    if (fd === -11) return 'again';
    if (fd < 0) return { error: p.strerror(-fd) };
    return { fd, peer: peerInfo(p.sockName(fd), p.peerName(fd), p.peerCred(fd)) };
  }

  /** The listening fds handed to the triggered service (Accept=no), with their LISTEN_FDNAMES names. */
  override passedFds(): { fds: number[]; names: string[] } {
    const name = this.cfg.socket?.fileDescriptorName || this.id;
    return { fds: this.listeners.map((l) => l.fd), names: this.listeners.map(() => name) };
  }

  private serviceName(): string {
    const s = this.cfg.socket;
    if (s?.service) return s.service;
    return this.id.replace(/\.socket$/, '.service');
  }

  serviceInfo(): TriggeredServiceInfo | null {
    if (this.cfg.socket?.accept) return null;
    return this.smgr.socketServiceInfo(this.id, this.serviceName());
  }

  requestServiceStart(): boolean { return this.smgr.startService(this.id, this.serviceName()); }

  startInstance(name: string, fd: number, peer: PeerInfo): boolean {
    const env: string[] = [];
    if (peer.family === 'inet' || peer.family === 'inet6') env.push(`REMOTE_ADDR=${peer.remoteAddress}`, `REMOTE_PORT=${peer.remotePort}`);
    return this.smgr.startAcceptInstance(this.id, name, fd, peer, env);
  }

  override dispose(opts: { final?: boolean } = {}): void {
    this.setPolling(false);
    if (opts.final) this.closeListeners(this.cfg.socket?.removeOnStop ?? false);
    super.dispose(opts);
  }
}

function printAddress(kind: string, address: string, ipv6: boolean): string {
  const a = address.trim();
  if ((kind === 'stream' || kind === 'datagram') && /^\d+$/.test(a)) return ipv6 ? `[::]:${a}` : `0.0.0.0:${a}`;
  return a;
}

/** Listen= entries of a socket unit as systemctl shows them (`[::]:80`, 'Stream'), running or not; `ipv6`:
 *  the host has IPv6 (a bare port binds [::]). */
export function listenDescriptions(cfg: UnitConfig, ipv6: boolean): { type: string; address: string }[] {
  return (cfg.socket?.listen ?? []).map((l) => ({ type: LISTEN_NAMES[l.kind], address: printAddress(l.kind, l.address, ipv6) }));
}

function peerInfo(local: SockAddr | null, remote: SockAddr | null, cred: { pid: number; uid: number } | null): PeerInfo {
  if (local && local.family !== 'unix' && remote && remote.family !== 'unix') {
    return { family: local.family, localAddress: local.host, localPort: local.port, remoteAddress: remote.host, remotePort: remote.port, pid: null, uid: null };
  }
  return { family: 'unix', localAddress: '', localPort: 0, remoteAddress: '', remotePort: 0, pid: cred ? cred.pid : null, uid: cred ? cred.uid : null };
}
