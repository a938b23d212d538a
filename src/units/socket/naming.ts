// Accept=yes instance naming (socket.c instance_from_socket): `<n>-<local>:<lport>-<remote>:<rport>` for IP
// (v4-mapped v6 pairs printed as IPv4), `<n>-<pid>-<uid>` for unix peers (`<n>-unknown` without creds),
// `<n>-<cid>:<port>-<cid>:<port>` for vsock. n counts accepted connections from 0.
import type { PeerInfo } from '../host';

function mapped(a: string): string | null {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  return m ? (m[1] ?? null) : null;
}

export function instanceFromPeer(n: number, p: PeerInfo): string {
  switch (p.family) {
    case 'inet':
      return `${n}-${p.localAddress}:${p.localPort}-${p.remoteAddress}:${p.remotePort}`;
    case 'inet6': {
      const l = mapped(p.localAddress), r = mapped(p.remoteAddress);
      if (l !== null && r !== null) return `${n}-${l}:${p.localPort}-${r}:${p.remotePort}`;
      return `${n}-${p.localAddress}:${p.localPort}-${p.remoteAddress}:${p.remotePort}`;
    }
    case 'unix':
      return p.pid !== null && p.uid !== null ? `${n}-${p.pid}-${p.uid}` : `${n}-unknown`;
    case 'vsock':
      return `${n}-${p.localAddress}:${p.localPort}-${p.remoteAddress}:${p.remotePort}`;
  }
}

/** `foo.socket` (or Service= template) + instance → `foo@<instance>.service`. */
export function instanceUnitName(socketId: string, instance: string): string {
  const prefix = socketId.replace(/\.socket$/, '').replace(/@.*$/, '');
  return `${prefix}@${instance}.service`;
}

/** MaxConnectionsPerSource key: IP peers by address (systemd ignores unix peers here). */
export function sourceKey(p: PeerInfo): string | null {
  if (p.family === 'inet' || p.family === 'inet6') return mapped(p.remoteAddress) ?? p.remoteAddress;
  if (p.family === 'vsock') return `vsock:${p.remoteAddress}`;
  return null;
}
