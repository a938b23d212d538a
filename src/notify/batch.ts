// The notify socket's receive batch (Platform.recvNotifyBatch): buffers allocated once and reused for every
// recvmmsg, the field offsets of its per-datagram metadata, and packing a datagram into it (the fake
// platform's recvNotifyBatch; tests). Invariant: one slot per datagram of exactly NOTIFY_BUFFER_MAX bytes
// (systemd's receive buffer: a longer datagram arrives cut and flagged, and is then ignored).
import { NOTIFY_BUFFER_MAX, type NotifyBatch, type NotifyDatagram } from '../platform/types';

/** Int32 fields per datagram in NotifyBatch.meta (src/native/dgram.c writes the same layout). */
export const META = 8;
export const M_LEN = 0, M_PID = 1, M_UID = 2, M_GID = 3, M_TRUNC = 4, M_FD0 = 5, M_NFD = 6;
/** systemd's NOTIFY_FD_MAX: fds one datagram may carry. */
export const NOTIFY_FD_MAX = 768;
/** The native receive handles at most this many datagrams per call. */
export const BATCH_MAX = 64;

export function newNotifyBatch(capacity = BATCH_MAX, slot = NOTIFY_BUFFER_MAX): NotifyBatch {
  const n = Math.max(1, Math.min(BATCH_MAX, Math.floor(capacity)));
  return { data: Buffer.alloc(n * slot), slot, meta: new Int32Array(n * META), fds: new Int32Array(n * NOTIFY_FD_MAX), capacity: n };
}

/** Store datagram `d` as entry i of `b`, its fds from fds[fdPos]; returns the next free fd position.
 *  A payload longer than the slot is cut and flagged, as the kernel does. */
export function packDatagram(b: NotifyBatch, i: number, d: NotifyDatagram, fdPos: number): number {
  const m = i * META;
  const len = Math.min(d.data.length, b.slot);
  d.data.copy(b.data, i * b.slot, 0, len);
  b.meta[m + M_LEN] = len;
  b.meta[m + M_PID] = d.pid;
  b.meta[m + M_UID] = d.uid;
  b.meta[m + M_GID] = d.gid;
  b.meta[m + M_TRUNC] = d.truncated === true || d.data.length > b.slot || d.fds.length > NOTIFY_FD_MAX ? 1 : 0;
  const nfd = Math.min(d.fds.length, NOTIFY_FD_MAX, b.fds.length - fdPos);
  for (let k = 0; k < nfd; k++) b.fds[fdPos + k] = d.fds[k] ?? -1;
  b.meta[m + M_FD0] = fdPos;
  b.meta[m + M_NFD] = nfd;
  return fdPos + nfd;
}

/** Entry i of `b` as a NotifyDatagram (copies; tests and diagnostics). */
export function unpackDatagram(b: NotifyBatch, i: number): NotifyDatagram {
  const m = i * META;
  const off = i * b.slot;
  const fd0 = b.meta[m + M_FD0] ?? 0;
  return {
    data: Buffer.from(b.data.subarray(off, off + (b.meta[m + M_LEN] ?? 0))),
    pid: b.meta[m + M_PID] ?? -1, uid: b.meta[m + M_UID] ?? -1, gid: b.meta[m + M_GID] ?? -1,
    truncated: b.meta[m + M_TRUNC] === 1,
    fds: Array.from(b.fds.subarray(fd0, fd0 + (b.meta[m + M_NFD] ?? 0))),
  };
}
