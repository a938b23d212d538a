// sd_notify datagram parsing (§6): newline-separated KEY=VALUE assignments, several per datagram, with or
// without a trailing newline. Lines without '=' or with an empty key are ignored (systemd logs and skips
// them); unknown keys are kept (the consumer ignores what it does not know).
// Invariant: entries keep datagram order; get() returns the FIRST value of a key (strv_find_startswith).

export interface NotifyMessage {
  entries: ReadonlyArray<readonly [string, string]>;
}

const UTF8 = new TextDecoder('utf-8', { fatal: false });

export function parseNotify(payload: string | Uint8Array): NotifyMessage {
  const text = typeof payload === 'string' ? payload : UTF8.decode(payload);
  const entries: [string, string][] = [];
  // one pass over the text (no array of lines): most datagrams are one or two assignments
  // (the next '=' is searched for again only once passed: lines without one cost no rescans)
  const n = text.length;
  let eq = -1;
  for (let pos = 0; pos < n;) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = n;
    if (eq < pos) { eq = text.indexOf('=', pos); if (eq < 0) eq = n; }
    if (eq > pos && eq < nl) entries.push([text.slice(pos, eq), text.slice(eq + 1, nl)]);
    pos = nl + 1;
  }
  return { entries };
}

/** First value of `key`, or undefined. */
export function notifyGet(m: NotifyMessage, key: string): string | undefined {
  for (const [k, v] of m.entries) if (k === key) return v;
  return undefined;
}

/** Is the exact assignment KEY=VALUE present? */
export function notifyHas(m: NotifyMessage, key: string, value: string): boolean {
  return m.entries.some(([k, v]) => k === key && v === value);
}

/** Render back to wire form (tests, benches). */
export function formatNotify(entries: ReadonlyArray<readonly [string, string]>): string {
  return entries.map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
}

/** parse_pid(): a positive decimal pid, else null. */
export function parsePid(s: string): number | null {
  if (!/^[0-9]+$/.test(s)) return null;
  const n = Number(s);
  return n > 0 && n <= 0x3fffffff ? n : null;
}

/** safe_atou64() for µs values, else null. */
export function parseUsec(s: string): number | null {
  if (!/^[0-9]+$/.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
}

const ERRNO_NAMES: Record<string, number> = {
  EPERM: 1, ENOENT: 2, ESRCH: 3, EINTR: 4, EIO: 5, ENXIO: 6, E2BIG: 7, ENOEXEC: 8, EBADF: 9, ECHILD: 10,
  EAGAIN: 11, ENOMEM: 12, EACCES: 13, EFAULT: 14, EBUSY: 16, EEXIST: 17, ENODEV: 19, ENOTDIR: 20, EISDIR: 21,
  EINVAL: 22, ENFILE: 23, EMFILE: 24, ENOSPC: 28, EROFS: 30, EPIPE: 32, ERANGE: 34, ENOSYS: 38,
  EADDRINUSE: 98, EADDRNOTAVAIL: 99, ECONNREFUSED: 111, ETIMEDOUT: 110, EPROTO: 71,
};

/** parse_errno(): a decimal 0..4095 or an errno name. null when invalid. */
export function parseErrno(s: string): number | null {
  if (/^[0-9]+$/.test(s)) { const n = Number(s); return n <= 4095 ? n : null; }
  return ERRNO_NAMES[s] ?? null;
}
