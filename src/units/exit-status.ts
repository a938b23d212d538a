// Exit classification shared by unit machines: clean-exit rules (is_clean_exit), signal names, CLD codes,
// and the status strings systemd prints ("status=1/FAILURE", "EXIT_STATUS=KILL").
// Invariant: pure functions over ExitInfo; Linux x86/arm signal numbering.
import type { ExitStatusSet } from '../directives/types';
import { classicSignalName } from '../directives/signals';
import type { CldCode, ExitInfo } from './types';


export const SIGHUP = 1, SIGINT = 2, SIGABRT = 6, SIGKILL = 9, SIGTERM = 15, SIGPIPE = 13, SIGCONT = 18;

/** "TERM", "RTMIN+3"; numbers without a name print as the number. */
export function signalName(sig: number): string {
  const n = classicSignalName(sig);
  if (n) return n;
  if (sig === 34) return 'RTMIN';
  if (sig > 34 && sig < 64) return `RTMIN+${sig - 34}`;
  if (sig === 64) return 'RTMAX';
  return String(sig);
}

const EXIT_NAMES: Record<number, string> = {
  0: 'SUCCESS', 1: 'FAILURE', 2: 'INVALIDARGUMENT', 3: 'NOTIMPLEMENTED', 4: 'NOPERMISSION', 5: 'NOTINSTALLED',
  6: 'NOTCONFIGURED', 7: 'NOTRUNNING', 200: 'CHDIR', 201: 'NICE', 202: 'FDS', 203: 'EXEC', 204: 'MEMORY',
  205: 'LIMITS', 206: 'OOM_ADJUST', 207: 'SIGNAL_MASK', 208: 'STDIN', 209: 'STDOUT', 210: 'CHROOT', 211: 'IOPRIO',
  212: 'TIMERSLACK', 213: 'SECUREBITS', 214: 'SETSCHEDULER', 215: 'CPUAFFINITY', 216: 'GROUP', 217: 'USER',
  218: 'CAPABILITIES', 219: 'CGROUP', 220: 'SETSID', 221: 'CONFIRM', 222: 'STDERR', 224: 'PAM', 225: 'NETWORK',
  226: 'NAMESPACE', 227: 'NO_NEW_PRIVILEGES', 228: 'SECCOMP', 229: 'SELINUX_CONTEXT', 230: 'PERSONALITY',
  231: 'APPARMOR', 232: 'ADDRESS_FAMILIES', 233: 'RUNTIME_DIRECTORY', 235: 'CHOWN', 236: 'SMACK_PROCESS_LABEL',
  237: 'KEYRING', 238: 'STATE_DIRECTORY', 239: 'CACHE_DIRECTORY', 240: 'LOGS_DIRECTORY', 241: 'CONFIGURATION_DIRECTORY',
  242: 'NUMA_POLICY', 243: 'CREDENTIALS', 244: 'BPF',
};

export function exitStatusName(code: number): string { return EXIT_NAMES[code] ?? ''; }

export function cldCode(e: ExitInfo): CldCode { return e.signal === 0 ? 1 : e.core ? 3 : 2; }
export function cldCodeName(c: CldCode): string { return c === 1 ? 'exited' : c === 2 ? 'killed' : c === 3 ? 'dumped' : ''; }
/** The number systemd stores as status: exit code or signal. */
export function exitStatusNumber(e: ExitInfo): number { return e.signal === 0 ? e.code : e.signal; }

/** "status=1/FAILURE", "signal=TERM" as in "Main process exited, code=exited, status=1/FAILURE". */
export function describeExit(e: ExitInfo): string {
  if (e.signal === 0) {
    const n = exitStatusName(e.code);
    return `code=exited, status=${e.code}${n ? '/' + n : ''}`;
  }
  return `code=${e.core ? 'dumped' : 'killed'}, status=${e.signal}/${signalName(e.signal)}`;
}

/** is_clean_exit(): exit 0 or SuccessExitStatus codes; daemons (non-oneshot) also HUP/INT/TERM/PIPE; listed signals. */
export function isCleanExit(e: ExitInfo, daemon: boolean, success: ExitStatusSet | null): boolean {
  if (e.signal === 0) return e.code === 0 || (success !== null && success.statuses.includes(e.code));
  if (e.core) return false;
  if (daemon && [SIGHUP, SIGINT, SIGTERM, SIGPIPE].includes(e.signal)) return true;
  return success !== null && success.signals.includes(e.signal);
}

/** exit_status_set_test(): does the set match this exit (codes for exits, signals for kills/dumps)? */
export function exitStatusSetMatches(set: ExitStatusSet, code: CldCode, status: number): boolean {
  if (code === 1) return set.statuses.includes(status);
  if (code === 2 || code === 3) return set.signals.includes(status);
  return false;
}
