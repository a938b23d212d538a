// Which received sd_notify datagrams are acted on at all (manager_dispatch_notify_fd's checks, before any
// unit sees the message), and a rate limit for the warnings about the rest.
// systemd 252 ignores, with a warning: a datagram whose payload or control data was cut (MSG_TRUNC /
// MSG_CTRUNC: longer than NOTIFY_BUFFER_MAX = 4,096 bytes, or too many fds), one without sender
// credentials, and one with a NUL byte before its last byte. Acting on the first 4 KiB of a cut datagram
// (which may hold READY=1) was finding 7. The fds of an ignored datagram are closed by the caller.
// Pure: no imports.

export interface ReceivedDatagram { data: Uint8Array; pid: number; truncated?: boolean }

const CUT = 'Received notify message exceeded maximum size (or carried too many fds). Ignoring.';
const NO_CREDS = 'Received notify message without valid credentials. Ignoring.';
const NUL = 'Received notify message with embedded NUL bytes. Ignoring.';

/** The warning for a datagram that must be ignored, or null when it may be dispatched. */
export function notifyDatagramProblem(d: ReceivedDatagram): string | null {
  return notifyBytesProblem(d.truncated === true, d.pid, d.data, 0, d.data.length);
}

/** The same for a datagram held in a receive buffer at buf[off, off + len) (no copy, no allocation). */
export function notifyBytesProblem(truncated: boolean, pid: number, buf: Uint8Array, off: number, len: number): string | null {
  if (truncated) return CUT;
  if (!(pid > 0)) return NO_CREDS;
  const last = off + len - 1;
  for (let i = off; i < last; i++) if (buf[i] === 0) return NUL;
  return null;
}

/** At most `burst` events per `intervalUs`; `allow` says whether to log this one, and how many were
 *  suppressed before it (reported once the window reopens). */
export class RateLimit {
  private windowStart = -Infinity;
  private count = 0;
  private suppressed = 0;
  constructor(private readonly burst: number, private readonly intervalUs: number) {}

  allow(nowUs: number): { ok: boolean; suppressed: number } {
    if (nowUs - this.windowStart >= this.intervalUs) {
      const s = this.suppressed;
      this.windowStart = nowUs;
      this.count = 1;
      this.suppressed = 0;
      return { ok: true, suppressed: s };
    }
    if (this.count < this.burst) { this.count++; return { ok: true, suppressed: 0 }; }
    this.suppressed++;
    return { ok: false, suppressed: 0 };
  }
}
