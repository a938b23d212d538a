// Linux signal names and numbers: the one table (x86/arm numbering; SIGRTMIN is glibc's 34). Parsing as
// systemd's signal_from_string() and naming as signal_to_string(); the directive parser (KillSignal= …),
// the unit machines' exit reporting (src/units/exit-status.ts) and tsysctl (kill -s, status) all use it.
// Pure: no Node imports.

export const SIGNALS: Record<string, number> = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, IOT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10, SEGV: 11, USR2: 12,
  PIPE: 13, ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CONT: 18, STOP: 19, TSTP: 20, TTIN: 21, TTOU: 22, URG: 23,
  XCPU: 24, XFSZ: 25, VTALRM: 26, PROF: 27, WINCH: 28, IO: 29, POLL: 29, PWR: 30, SYS: 31,
};
export const SIGRTMIN = 34;
export const SIGRTMAX = 64;

/** signal_from_string(): HUP / SIGHUP / 1 / RTMIN+3 / SIGRTMIN+3 / RTMAX-1; null when invalid. */
export function parseSignal(s: string): number | null {
  if (/^[0-9]+$/.test(s)) {
    const n = Number(s);
    return n >= 1 && n <= SIGRTMAX ? n : null;
  }
  const name = s.startsWith('SIG') ? s.slice(3) : s;
  const direct = SIGNALS[name];
  if (direct !== undefined && Object.prototype.hasOwnProperty.call(SIGNALS, name)) return direct;
  let m = /^RTMIN(?:\+([0-9]+))?$/.exec(name);
  if (m) {
    const off = m[1] === undefined ? 0 : Number(m[1]);
    return off <= SIGRTMAX - SIGRTMIN ? SIGRTMIN + off : null;
  }
  m = /^RTMAX(?:-([0-9]+))?$/.exec(name);
  if (m) {
    const off = m[1] === undefined ? 0 : Number(m[1]);
    return off <= SIGRTMAX - SIGRTMIN ? SIGRTMAX - off : null;
  }
  return null;
}

/** The name of a classic signal (1..31) without SIG, or undefined. */
export function classicSignalName(n: number): string | undefined {
  for (const [k, v] of Object.entries(SIGNALS)) if (v === n && k !== 'IOT' && k !== 'POLL') return k;
  return undefined;
}

/** signal_to_string(): "TERM" style name without SIG, or RTMIN+n. */
export function signalName(n: number): string {
  for (const [k, v] of Object.entries(SIGNALS)) if (v === n && k !== 'IOT' && k !== 'POLL') return k;
  if (n >= SIGRTMIN && n <= SIGRTMAX) return `RTMIN+${n - SIGRTMIN}`;
  return String(n);
}
