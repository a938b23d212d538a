// Inputs and outputs of src/exec/prepare.ts: what the service/socket machines know at spawn time
// (ExecRuntime) and the error shape when a command cannot even be handed to the helper.
// Invariant: ExecRuntime holds only facts of this activation; all policy comes from UnitConfig.

/** Which Exec*= list a command comes from (decides LISTEN_*, WATCHDOG_*, MAINPID, SERVICE_RESULT). */
export type ExecKind = 'condition' | 'start-pre' | 'start' | 'start-post' | 'reload' | 'stop' | 'stop-post'
  | 'socket-start-pre' | 'socket-start-post' | 'socket-stop-pre' | 'socket-stop-post';

export interface DirRoots { runtime: string; state: string; cache: string; logs: string; configuration: string }

export interface ExecRuntime {
  kind: ExecKind;
  unitName: string;
  invocationId: string;                 // 32 hex chars, shared by all commands of one activation
  /** Socket fds for ExecStart= only (ignored for other kinds), with their LISTEN_FDNAMES names. */
  listenFds: number[];
  listenFdNames: string[];
  /** NOTIFY_SOCKET value ('' = not exported; set it only when NotifyAccess != none). */
  notifySocket: string;
  /** MAINPID while the main process lives (ExecStartPost/Reload/Stop/StopPost); null = unset. */
  mainPid: number | null;
  /** For ExecStop=/ExecStopPost=: SERVICE_RESULT, EXIT_CODE (exited|killed|dumped), EXIT_STATUS. */
  serviceResult?: { result: string; exitCode: string; exitStatus: string };
  /** MONITOR_* variables for OnFailure=/OnSuccess= units (keys without the MONITOR_ prefix). */
  monitor?: Record<string, string>;
  /** WatchdogSec= in µs for the main process (0 = off). */
  watchdogUs: number;
  /** Stdio fds in the manager (-1 = /dev/null). */
  stdin: number;
  stdout: number;
  stderr: number;
  userMode: boolean;
  /** The manager's base environment: system mode: DefaultEnvironment= + set-environment (PATH and LANG are
   *  filled in when missing); user mode: the user manager's own environment. */
  managerEnvironment: string[];
  /** MANAGERPID (user mode only). */
  managerPid: number;
  /** cgroup directory of the unit ('' = no cgroup tracking). */
  cgroup: string;
  /** Legacy (v1) cgroups its processes join (resource limits in hybrid mode). */
  cgroupLegacy?: string[];
  /** Extra variables from the activating socket (REMOTE_ADDR, REMOTE_PORT) or PIDFILE. */
  extraEnvironment?: string[];
  /** Directory roots override (tests, user mode); defaults per mode. */
  dirRoots?: Partial<DirRoots>;
  /** Where PrivateTmp= directories are created (defaults /tmp and /var/tmp). */
  privateTmpBase?: { tmp: string; varTmp: string };
  /** Extra (non-OS) info: the manager runs as root (needed for User=, PrivateTmp=). */
  privileged: boolean;
  /** Where namespace pins and inaccessible nodes live (default /run/tsysd/sandbox; tests override). */
  sandboxDir?: string;
}

/** A command that could not be handed to the helper (systemd: the spawn fails → Result=resources). */
export interface ExecPrepError {
  stage: 'environment-file' | 'directory' | 'private-tmp' | 'command' | 'sandbox';
  errno: number;
  message: string;                     // e.g. "Failed to load environment files: No such file or directory"
}

export type PrepareResult = { ok: true; req: import('../platform/types').SpawnRequest; env: string[]; warnings: string[] }
  | { ok: false; error: ExecPrepError; warnings: string[] };
