// Process exit statuses as systemd names them (src/basic/exit-status.c, systemd.exec(5) "Process exit
// codes"): the one TypeScript table, with each code's class. The directive parser (SuccessExitStatus=,
// RestartPreventExitStatus=) accepts every name; status lines name libc, LSB and systemd codes as
// `systemctl status` does. The C copy for the native programs is src/native/exit-codes.h and
// src/platform/types.ts EXEC_EXIT is the typed systemd subset; tests/unit/native-exit-codes.test.ts keeps
// all of them equal. Pure: no imports.

export type ExitClass = 'libc' | 'lsb' | 'bsd' | 'systemd';

export const EXIT_CODES: readonly (readonly [number, string, ExitClass])[] = [
  [0, 'SUCCESS', 'libc'], [1, 'FAILURE', 'libc'], [2, 'INVALIDARGUMENT', 'lsb'], [3, 'NOTIMPLEMENTED', 'lsb'],
  [4, 'NOPERMISSION', 'lsb'], [5, 'NOTINSTALLED', 'lsb'], [6, 'NOTCONFIGURED', 'lsb'], [7, 'NOTRUNNING', 'lsb'],
  [64, 'USAGE', 'bsd'], [65, 'DATAERR', 'bsd'], [66, 'NOINPUT', 'bsd'], [67, 'NOUSER', 'bsd'], [68, 'NOHOST', 'bsd'],
  [69, 'UNAVAILABLE', 'bsd'], [70, 'SOFTWARE', 'bsd'], [71, 'OSERR', 'bsd'], [72, 'OSFILE', 'bsd'],
  [73, 'CANTCREAT', 'bsd'], [74, 'IOERR', 'bsd'], [75, 'TEMPFAIL', 'bsd'], [76, 'PROTOCOL', 'bsd'],
  [77, 'NOPERM', 'bsd'], [78, 'CONFIG', 'bsd'], [200, 'CHDIR', 'systemd'], [201, 'NICE', 'systemd'],
  [202, 'FDS', 'systemd'], [203, 'EXEC', 'systemd'], [204, 'MEMORY', 'systemd'], [205, 'LIMITS', 'systemd'],
  [206, 'OOM_ADJUST', 'systemd'], [207, 'SIGNAL_MASK', 'systemd'], [208, 'STDIN', 'systemd'],
  [209, 'STDOUT', 'systemd'], [210, 'CHROOT', 'systemd'], [211, 'IOPRIO', 'systemd'], [212, 'TIMERSLACK', 'systemd'],
  [213, 'SECUREBITS', 'systemd'], [214, 'SETSCHEDULER', 'systemd'], [215, 'CPUAFFINITY', 'systemd'],
  [216, 'GROUP', 'systemd'], [217, 'USER', 'systemd'], [218, 'CAPABILITIES', 'systemd'], [219, 'CGROUP', 'systemd'],
  [220, 'SETSID', 'systemd'], [221, 'CONFIRM', 'systemd'], [222, 'STDERR', 'systemd'], [224, 'PAM', 'systemd'],
  [225, 'NETWORK', 'systemd'], [226, 'NAMESPACE', 'systemd'], [227, 'NO_NEW_PRIVILEGES', 'systemd'],
  [228, 'SECCOMP', 'systemd'], [229, 'SELINUX_CONTEXT', 'systemd'], [230, 'PERSONALITY', 'systemd'],
  [231, 'APPARMOR', 'systemd'], [232, 'ADDRESS_FAMILIES', 'systemd'], [233, 'RUNTIME_DIRECTORY', 'systemd'],
  [235, 'CHOWN', 'systemd'], [236, 'SMACK_PROCESS_LABEL', 'systemd'], [237, 'KEYRING', 'systemd'],
  [238, 'STATE_DIRECTORY', 'systemd'], [239, 'CACHE_DIRECTORY', 'systemd'], [240, 'LOGS_DIRECTORY', 'systemd'],
  [241, 'CONFIGURATION_DIRECTORY', 'systemd'], [242, 'NUMA_POLICY', 'systemd'], [243, 'CREDENTIALS', 'systemd'],
  [244, 'BPF', 'systemd'], [255, 'EXCEPTION', 'systemd'],
];

/** Name → code for every class (exit_status_from_string). */
export const EXIT_STATUS_NAMES: Record<string, number> = Object.fromEntries(EXIT_CODES.map(([n, k]) => [k, n]));

/** Code → name for the given classes. */
export function exitNamesFor(classes: readonly ExitClass[]): Record<number, string> {
  return Object.fromEntries(EXIT_CODES.filter(([, , c]) => classes.includes(c)).map(([n, k]) => [n, k]));
}
