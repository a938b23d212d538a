// Peer credentials of a control connection (SO_PEERCRED), and the authorisation rule built on them.
//
// The credential source is injected (ServerOptions.peerCred) so tests and the daemon can pick
// it; `nativePeerCred()` looks for H4's addon wrapper in src/platform/ at run time (the module may not be
// built; it is loaded lazily so the CLI and tests without the addon still work).
// Fallback when no native source exists (`socketModePeerCred`): the control socket's own permissions.
// If the socket file allows only its owner (mode & 0o077 === 0), every peer that could connect is the
// owner or root, so it is reported as the owner; otherwise the peer is reported as unknown (uid -1),
// which the rule below treats as unprivileged: fail closed.
import * as fs from 'node:fs';
import type * as net from 'node:net';
import type { NativeAddon } from '../platform/native';

export interface PeerCred { uid: number; gid: number; pid: number; groups?: number[] }
export type PeerCredFn = (sock: net.Socket) => PeerCred | null;

/** The raw fd behind a connected net.Socket (libuv pipe handle), or -1. */
export function socketFd(sock: net.Socket): number {
  const h = (sock as unknown as { _handle?: { fd?: unknown } })._handle;
  return h && typeof h.fd === 'number' ? h.fd : -1;
}

function asCred(v: unknown): PeerCred | null {
  if (!v || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  if (typeof o.uid !== 'number' || typeof o.gid !== 'number' || typeof o.pid !== 'number') return null;
  const groups = Array.isArray(o.groups) ? o.groups.filter((g): g is number => typeof g === 'number') : undefined;
  return groups ? { uid: o.uid, gid: o.gid, pid: o.pid, groups } : { uid: o.uid, gid: o.gid, pid: o.pid };
}

/** H4's SO_PEERCRED call (src/platform/native.ts → addon.peerCred(fd): {pid,uid,gid} | -errno), or null
 *  when the addon is not built. */
export function nativePeerCred(): PeerCredFn | null {
  let addon: NativeAddon;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    addon = (require('../platform/native') as typeof import('../platform/native')).loadNative().addon;
  } catch { return null; }
  return (sock) => {
    const fd = socketFd(sock);
    if (fd < 0) return null;
    try { return asCred(addon.peerCred(fd)); } catch { return null; }
  };
}

/** Fallback: derive the peer from the socket file's owner when only the owner can connect. */
export function socketModePeerCred(socketPath: string): PeerCredFn {
  return () => {
    try {
      const st = fs.statSync(socketPath);
      if ((st.mode & 0o077) === 0) return { uid: st.uid, gid: st.gid, pid: 0 };
    } catch { /* fall through */ }
    return null;
  };
}

/** root may change state; in user mode, the manager's own uid too. Unknown peers (null) may only read. */
export function isPrivileged(cred: PeerCred | null, userMode: boolean, managerUid: number): boolean {
  if (!cred || cred.uid < 0) return false;
  return cred.uid === 0 || (userMode && cred.uid === managerUid);
}
