// Pure encoding of a SpawnRequest into the tsysd-exec helper's argv and fd layout, and decoding of its
// status record. Invariant: the fd layout is [stdin, stdout, stderr, ...listenFds] and the status pipe
// is placed right after it by the addon, so --status-fd = 3 + listenFds.length.
import { EXEC_EXIT, type ExecOutcome, type SandboxRequest, type SpawnRequest } from './types';

export const SYSTEMD_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function helperArgv(helper: string, req: SpawnRequest): { argv: string[]; fds: number[] } {
  const fds = [req.stdin, req.stdout, req.stderr, ...req.listenFds];
  const idle = req.idleFd !== undefined && req.idleFd >= 0;
  if (idle) fds.push(req.idleFd as number);   // after the listen fds; the helper closes it before exec
  const a: string[] = [helper, `--status-fd=${fds.length}`];
  if (idle) a.push(`--idle-fd=${fds.length - 1}`);
  if (req.newSession) a.push('--setsid');
  if (req.cgroup) a.push(`--cgroup=${req.cgroup}`);
  for (const d of req.cgroupLegacy ?? []) a.push(`--cgroup-legacy=${d}`);
  if (req.listenFds.length > 0) a.push(`--listen-fds=${req.listenFds.length}`);
  if (req.setExecPid) a.push('--exec-pid');
  if (req.setWatchdogPid) a.push('--watchdog-pid');
  if (req.ignoreSigpipe) a.push('--ignore-sigpipe');
  if (req.controllingTty) a.push('--tty');
  if (req.user) a.push(`--user=${req.user}`);
  if (req.group) a.push(`--group=${req.group}`);
  for (const g of req.supplementaryGroups) a.push(`--supp=${g}`);
  if (req.umask !== null) a.push(`--umask=${req.umask.toString(8)}`);
  if (req.nice !== null) a.push(`--nice=${req.nice}`);
  if (req.oomScoreAdjust !== null) a.push(`--oom=${req.oomScoreAdjust}`);
  for (const l of req.limits) {
    const v = (n: number): string => (n === Infinity ? 'infinity' : String(Math.floor(n)));
    a.push(`--rlimit=${l.name}:${v(l.soft)}:${v(l.hard)}`);
  }
  if (req.sandbox) a.push(...sandboxArgs(req.sandbox));
  if (req.rootDirectory) a.push(`--root=${req.rootDirectory}`);
  if (req.workingDirectory) {
    a.push(req.workingDirectory.optional ? `--chdir-optional=${req.workingDirectory.path}` : `--chdir=${req.workingDirectory.path}`);
  }
  if (req.capabilityBoundingSet !== null) a.push(`--cap-bset=${req.capabilityBoundingSet.toString(16)}`);
  if (req.ambientCapabilities !== 0n) a.push(`--ambient=${req.ambientCapabilities.toString(16)}`);
  if (req.noNewPrivileges) a.push('--no-new-privs');
  if (req.secureBits) a.push(`--secure-bits=${req.secureBits}`);
  a.push(`--search-path=${req.searchPath || SYSTEMD_PATH}`);
  a.push('--', req.path, ...req.argv);
  return { argv: a, fds };
}

const US = '\x1f';

/** The helper options of a sandbox (see src/native/exec-helper.c and sandbox.h). */
export function sandboxArgs(sb: SandboxRequest): string[] {
  const a: string[] = [];
  if (sb.uid !== null) a.push(`--uid=${sb.uid}`);
  if (sb.gid !== null) a.push(`--gid=${sb.gid}`);
  if (sb.keyring) a.push(`--keyring=${sb.keyring}`);
  if (sb.privateUsers) a.push('--private-users');
  if (sb.netns) a.push(sb.netns.create ? `--netns=${sb.netns.path}` : `--netns-join=${sb.netns.path}`);
  if (sb.ipcns) a.push(sb.ipcns.create ? `--ipcns=${sb.ipcns.path}` : `--ipcns-join=${sb.ipcns.path}`);
  if (sb.mountNs) {
    a.push(`--mount-ns=${sb.mountNs}`, `--inaccessible-dir=${sb.inaccessibleDir}`);
    if (sb.mountNosuid) a.push('--mount-nosuid');
    if (sb.propagation) a.push(`--mount-propagation=${sb.propagation}`);
    if (sb.mountRoot) a.push(`--mount-root=${sb.mountRoot}`);
    for (const m of sb.mounts) {
      const fl = `${m.ignore ? 'i' : ''}${m.readOnly ? 'r' : ''}${m.nosuid ? 'n' : ''}${m.noexec ? 'x' : ''}${m.exec ? 'e' : ''}`;
      a.push(`--mount=${[m.mode, fl, String(m.flags), m.path, m.source ?? '', m.options ?? ''].join(US)}`);
    }
    for (const [src, dst] of sb.execSymlinks) a.push(`--exec-symlink=${src}${US}${dst}`);
  }
  if (sb.protectHostname) a.push('--protect-hostname');
  if (sb.nnpIfUnprivileged) a.push('--nnp-if-unprivileged');
  for (const op of sb.seccomp) a.push(`--seccomp=${op}`);
  return a;
}

/** What the addon's direct mode applies itself (see src/native/spawn.c): the file, argv and env of the
 *  SERVICE plus these steps (the cgroup is the addon's `cgroup` option, in both modes). */
export interface DirectPlan {
  file: string;
  argv: string[];
  env: string[];
  fds: number[];
  opts: {
    searchPath: string; chdir: string | null; chdirOptional: boolean;
    umask: number; ignoreSigpipe: boolean; pidSlots: number[];
  };
}

const PID_PAD = '0'.repeat(20);

/** The request as a direct exec (no tsysd-exec helper), or null when it needs the helper: credentials,
 *  namespaces, capabilities, limits, nice/OOM score, a tty, an idle wait or a home directory to resolve.
 *  Environment: as the helper's setenv(), $LISTEN_PID, $WATCHDOG_PID and $SYSTEMD_EXEC_PID replace any
 *  inherited value; their values are padded slots the child fills with its own pid. */
export function directPlan(req: SpawnRequest): DirectPlan | null {
  if (req.user || req.group || req.supplementaryGroups.length > 0 || req.rootDirectory || req.privateTmp || req.sandbox) return null;
  if (req.cgroupLegacy && req.cgroupLegacy.length > 0) return null;
  if (req.capabilityBoundingSet !== null || req.ambientCapabilities !== 0n || req.noNewPrivileges || req.secureBits) return null;
  if (req.limits.length > 0 || req.nice !== null || req.oomScoreAdjust !== null) return null;
  if (req.controllingTty || (req.idleFd !== undefined && req.idleFd >= 0)) return null;
  const wd = req.workingDirectory;
  if (wd && (wd.path === '~' || wd.path.startsWith('~/'))) return null;
  const pidVars: string[] = [];
  if (req.listenFds.length > 0) pidVars.push('LISTEN_PID');
  if (req.setWatchdogPid) pidVars.push('WATCHDOG_PID');
  if (req.setExecPid) pidVars.push('SYSTEMD_EXEC_PID');
  const env = pidVars.length === 0 ? req.env : req.env.filter((e) => !pidVars.some((v) => e.startsWith(`${v}=`)));
  const pidSlots: number[] = [];
  if (pidVars.length > 0) {
    for (const _v of pidVars) { pidSlots.push(env.length + pidSlots.length); }
    env.push(...pidVars.map((v) => `${v}=${PID_PAD}`));
  }
  return {
    file: req.path,
    argv: req.argv,
    env,
    fds: [req.stdin, req.stdout, req.stderr, ...req.listenFds],
    opts: {
      searchPath: req.searchPath || SYSTEMD_PATH,
      chdir: wd ? wd.path : null,
      chdirOptional: wd ? wd.optional : false,
      umask: req.umask ?? -1,
      ignoreSigpipe: req.ignoreSigpipe ?? false,
      pidSlots,
    },
  };
}

const STAGE_NAMES: Map<number, string> = new Map(Object.entries(EXEC_EXIT).map(([k, v]) => [v, k]));

/** systemd's name for an exec exit code ('CHDIR', 'EXEC', ...), or '' for ordinary codes. */
export function execStageName(code: number): string {
  return STAGE_NAMES.get(code) ?? '';
}

export function decodeOutcome(stage: number | undefined, errno: number | undefined, strerror: (e: number) => string): ExecOutcome {
  if (stage === undefined) return { ok: true };
  const e = errno ?? 0;
  return { ok: false, exitCode: stage, stage: execStageName(stage) || String(stage), errno: e, message: strerror(e) };
}

/** A SpawnRequest with neutral defaults (no user change, /dev/null stdio, new session). */
export function makeSpawnRequest(path: string, argv: string[], over: Partial<SpawnRequest> = {}): SpawnRequest {
  return {
    path, argv, env: [], stdin: -1, stdout: -1, stderr: -1, listenFds: [], setExecPid: false,
    searchPath: SYSTEMD_PATH, user: '', group: '', supplementaryGroups: [], workingDirectory: null,
    rootDirectory: '', umask: null, nice: null, oomScoreAdjust: null, limits: [], noNewPrivileges: false,
    capabilityBoundingSet: null, ambientCapabilities: 0n, privateTmp: null, cgroup: '', newSession: true,
    ...over,
  };
}
