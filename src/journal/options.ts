// The manager's --journal* options (journald.conf's settings on tsysd's command line):
//   --journal[=auto|yes|no], --no-journal    auto (default): on for the system manager that owns the machine
//       (system mode with the default control socket) when no systemd-journald.socket unit exists
//   --journal-storage=auto|volatile|persistent|none          Storage=
//   --journal-socket-dir=DIR        journald's sockets (default /run/systemd/journal)
//   --journal-runtime-dir=DIR       volatile files root (default /run/log/journal)
//   --journal-persistent-dir=DIR    persistent files root (default /var/log/journal)
//   --journal-max-use=SIZE  --journal-max-file-size=SIZE  --journal-max-files=N  --journal-keep-free=SIZE
//       SystemMaxUse= SystemMaxFileSize= SystemMaxFiles= SystemKeepFree= (K, M, G, T suffixes, base 1024)
//   --journal-rate-limit-interval=TIMESPAN  --journal-rate-limit-burst=N   RateLimitIntervalSec=/Burst=
//   --journal-dev-log=PATH|no       the /dev/log symlink (default /dev/log when PID 1, else none)
//   --journal-forward-syslog=PATH|no  ForwardToSyslog=: every entry also goes to a syslog daemon's datagram
//       socket; default yes (Debian's journald.conf) to <socket dir>/syslog, where syslog.socket listens
//   --journal-max-level-store=LEVEL MaxLevelStore=
// Pure.
import { PRIORITY_NAMES } from './intake/priority';

export interface JournalConfig {
  mode: 'auto' | 'yes' | 'no';
  storage: 'auto' | 'volatile' | 'persistent' | 'none';
  socketDir: string;
  runtimeRoot: string;
  persistentRoot: string;
  maxUse?: number;
  maxFileSize?: number;
  maxFiles?: number;
  keepFree?: number;
  rateLimitIntervalUs?: number;
  rateLimitBurst?: number;
  devLog: string | null | undefined;   // undefined: decided by the daemon (PID 1 → /dev/log)
  /** null: the default (<socketDir>/syslog); '' : ForwardToSyslog=no. */
  forwardSyslog: string | null;
  maxLevelStore: number;
}

export function parseSize(s: string): number | null {
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*([KMGTPE]?)(?:i?B)?$/i.exec(s.trim());
  if (!m) return null;
  const mult = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4, P: 1024 ** 5, E: 1024 ** 6 }[m[2]!.toUpperCase() as 'K'] ?? 1;
  return Math.floor(Number(m[1]) * mult);
}

/** systemd timespans as µs: "30s", "1min 30s", "500ms", a bare number = seconds. */
export function parseTimespanUs(s: string): number | null {
  const units: Record<string, number> = {
    us: 1, usec: 1, ms: 1e3, msec: 1e3, s: 1e6, sec: 1e6, second: 1e6, seconds: 1e6, m: 60e6, min: 60e6, minute: 60e6, minutes: 60e6,
    h: 3600e6, hr: 3600e6, hour: 3600e6, hours: 3600e6, d: 86400e6, day: 86400e6, days: 86400e6, w: 7 * 86400e6, week: 7 * 86400e6, weeks: 7 * 86400e6,
  };
  const t = s.trim();
  if (/^[0-9]+$/.test(t)) return Number(t) * 1e6;
  let total = 0;
  const re = /([0-9]+(?:\.[0-9]+)?)\s*([a-z]+)\s*/gy;
  let m: RegExpExecArray | null;
  let pos = 0;
  while ((m = re.exec(t)) !== null) {
    const u = units[m[2]!];
    if (u === undefined) return null;
    total += Number(m[1]) * u;
    pos = re.lastIndex;
  }
  return pos === t.length && t.length > 0 ? Math.round(total) : null;
}

export function parseJournalArgs(args: readonly string[]): { ok: true; config: JournalConfig } | { ok: false; error: string } {
  const c: JournalConfig = {
    mode: 'auto', storage: 'auto', socketDir: '/run/systemd/journal', runtimeRoot: '/run/log/journal', persistentRoot: '/var/log/journal',
    devLog: undefined, forwardSyslog: null, maxLevelStore: 7,
  };
  for (const a of args) {
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(0, eq) : a;
    const v = eq > 0 ? a.slice(eq + 1) : undefined;
    const need = (): string | null => (v === undefined || v === '' ? null : v);
    const size = (): number | null => { const x = need(); return x === null ? null : parseSize(x); };
    switch (name) {
      case '--journal': {
        if (v === undefined) c.mode = 'yes';
        else if (v === 'auto' || v === 'yes' || v === 'no') c.mode = v;
        else return { ok: false, error: `invalid --journal value '${v}' (auto, yes, no)` };
        break;
      }
      case '--no-journal': c.mode = 'no'; break;
      case '--journal-storage': {
        if (v !== 'auto' && v !== 'volatile' && v !== 'persistent' && v !== 'none') return { ok: false, error: `invalid --journal-storage '${v ?? ''}'` };
        c.storage = v;
        break;
      }
      case '--journal-socket-dir': case '--journal-runtime-dir': case '--journal-persistent-dir': case '--journal-forward-syslog': {
        const x = need();
        if (name === '--journal-forward-syslog' && x === 'no') { c.forwardSyslog = ''; break; }
        if (!x || !x.startsWith('/')) return { ok: false, error: `${name} needs an absolute path` };
        if (name === '--journal-socket-dir') c.socketDir = x;
        else if (name === '--journal-runtime-dir') c.runtimeRoot = x;
        else if (name === '--journal-persistent-dir') c.persistentRoot = x;
        else c.forwardSyslog = x;
        break;
      }
      case '--journal-dev-log': {
        const x = need();
        if (x === 'no') c.devLog = null;
        else if (x && x.startsWith('/')) c.devLog = x;
        else return { ok: false, error: '--journal-dev-log needs an absolute path or "no"' };
        break;
      }
      case '--journal-max-use': case '--journal-max-file-size': case '--journal-keep-free': {
        const n = size();
        if (n === null) return { ok: false, error: `invalid size for ${name}: '${v ?? ''}'` };
        if (name === '--journal-max-use') c.maxUse = n; else if (name === '--journal-max-file-size') c.maxFileSize = n; else c.keepFree = n;
        break;
      }
      case '--journal-max-files': case '--journal-rate-limit-burst': {
        const x = need();
        if (x === null || !/^[0-9]+$/.test(x)) return { ok: false, error: `invalid number for ${name}: '${v ?? ''}'` };
        if (name === '--journal-max-files') c.maxFiles = Number(x); else c.rateLimitBurst = Number(x);
        break;
      }
      case '--journal-rate-limit-interval': {
        const us = parseTimespanUs(need() ?? '');
        if (us === null) return { ok: false, error: `invalid timespan for ${name}: '${v ?? ''}'` };
        c.rateLimitIntervalUs = us;
        break;
      }
      case '--journal-max-level-store': {
        const x = need() ?? '';
        const i = /^[0-7]$/.test(x) ? Number(x) : PRIORITY_NAMES.indexOf(x);
        if (i < 0) return { ok: false, error: `invalid level for ${name}: '${x}'` };
        c.maxLevelStore = i;
        break;
      }
      default: return { ok: false, error: `unknown option '${a}'` };
    }
  }
  return { ok: true, config: c };
}
