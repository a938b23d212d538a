// Daemon command line: `tsysd [--system|--user] [--unit-path DIR]... [--target UNIT] [--control-socket PATH]
// [--runtime-dir DIR] [--log-dir DIR] [--log-level LEVEL] [--container|--no-container] [--health-listen ADDR]
// [--cgroup-name NAME]`.
// Pure: takes argv, env, uid and returns options or an error string. Defaults follow systemd's system and
// user managers, with tsysd's runtime state under /run/tsysd (system) or $XDG_RUNTIME_DIR/tsysd (user).
export interface DaemonOptions {
  userMode: boolean;
  unitPaths: string[];          // explicit --unit-path dirs (empty: systemd's default search path)
  target: string;               // '' → default.target, falling back to multi-user.target (system mode)
  controlSocket: string;
  runtimeDir: string;
  logDir: string;               // '' → no log files (ring buffers only)
  logLevel: 'debug' | 'info' | 'notice' | 'warning' | 'err';
  container: boolean | null;    // null → auto-detect
  healthListen: string;         // '' → off
  webListen?: string;           // --web-listen ADDR: the web view ('' / absent → off; see src/web/)
  webActions?: boolean;         // --web-actions: allow start/stop/restart from the web view with the token
  forwardOutput: boolean | null;// print service output on stdout prefixed with the unit (null → when PID 1)
  cgroupName: string;           // directory below the manager's own cgroup for unit cgroups ('' → tsysd-<pid>-<rand>)
  generators?: boolean | null;  // run generators: null/undefined → when the search path has generator dirs
  journalArgs?: string[];       // --journal* / --no-journal, parsed by src/journal/options.ts
  dbusPrivate: string;          // systemd's private D-Bus socket ('' → /run/systemd/private when PID 1/--container, 'no' → off)
  sdBooted: boolean;            // create /run/systemd/system (src/dbus/systemd/index.ts says when)
  systemdComm: boolean;         // PID 1 in system mode names itself `systemd` (/proc/1/comm)
}

export type ParseResult = { ok: true; options: DaemonOptions } | { ok: false; error: string } | { ok: true; help: true };

export const DAEMON_USAGE = `tsysd [OPTIONS...]             run the manager
tsysd verify [--unit-path DIR]... [--generators] [--json] UNIT|FILE...
tsysd plan [--unit-path DIR]... [--generators] [--mode MODE] [--stop|--restart] [--json|--svg] UNIT...
tsysd dump [--unit-path DIR]... UNIT...   show the merged unit files (like systemctl cat)

Manager options:
  --system | --user          system manager (default as root) or user manager
  --unit-path DIR            load units from DIR (repeatable; replaces the default search path)
  --target UNIT              unit to start at boot (default: default.target, else multi-user.target)
  --control-socket PATH      JSON-RPC control socket (default /run/tsysd/control.sock, or
                             $XDG_RUNTIME_DIR/tsysd/control.sock for --user)
  --runtime-dir DIR          runtime state (default /run/tsysd or $XDG_RUNTIME_DIR/tsysd)
  --log-dir DIR              also write per-unit log files (rotated) into DIR
  --log-level LEVEL          debug, info (default), notice, warning, err
  --container / --no-container   force container mode on/off (default: auto-detect)
  --health-listen ADDR       serve GET /healthz on ADDR (host:port)
  --web-listen ADDR          serve the live web view on ADDR ([host:]port, loopback unless a host is
                             given, or an absolute unix socket path); off by default
  --web-actions              let the web view start/stop/restart units, with the token written to
                             <runtime-dir>/web-token (mode 0600)
  --forward-output / --no-forward-output  print service output on stdout with a unit prefix
  --generators / --no-generators   run the generators (default: when the search path is systemd's,
                             i.e. no --unit-path); with --unit-path their output directories are
                             searched first (early), after the given ones, and last (late)
  --cgroup-name NAME         cgroup directory created below the manager's own cgroup for the units'
                             cgroups (default tsysd-<pid>-<random>; removed again on exit)
  --journal[=auto|yes|no] / --no-journal   journald's sockets and journal files; --journal-storage=,
                             --journal-max-use=, --journal-rate-limit-burst=, ... (src/journal/options.ts)
  --dbus-private PATH|no     serve systemd's D-Bus API (org.freedesktop.systemd1) peer to peer on PATH
                             (default /run/systemd/private in system mode as PID 1 or with --container)
  --sd-booted / --no-sd-booted   create /run/systemd/system (sd_booted()) in system mode as PID 1 or with
                             --container (default on: tsysd runs .timer units, so cron fallbacks may step aside)
  --no-systemd-comm          PID 1 keeps the comm 'node' (default: 'systemd', which tools test for)
`;

export function userRuntimeBase(env: Record<string, string | undefined>, uid: number): string {
  return env.XDG_RUNTIME_DIR && env.XDG_RUNTIME_DIR.startsWith('/') ? env.XDG_RUNTIME_DIR : `/tmp/tsysd-${uid}`;
}

export function parseDaemonArgs(argv: string[], env: Record<string, string | undefined>, uid: number): ParseResult {
  let userMode: boolean | null = null;
  const unitPaths: string[] = [];
  const journalArgs: string[] = [];
  let target = '';
  let controlSocket = '';
  let runtimeDir = '';
  let logDir = '';
  let logLevel: DaemonOptions['logLevel'] = 'info';
  let container: boolean | null = null;
  let healthListen = '';
  let webListen = '';
  let webActions = false;
  let forwardOutput: boolean | null = null;
  let cgroupName = '';
  let generators: boolean | null = null;
  let dbusPrivate = '';
  let sdBooted = true;
  let systemdComm = true;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const eq = a.indexOf('=');
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    const inline = a.startsWith('--') && eq > 0 ? a.slice(eq + 1) : undefined;
    const value = (): string | null => {
      if (inline !== undefined) return inline;
      const v = argv[i + 1];
      if (v === undefined) return null;
      i++;
      return v;
    };
    switch (name) {
      case '-h': case '--help': return { ok: true, help: true };
      case '--system': userMode = false; break;
      case '--user': userMode = true; break;
      case '--container': container = true; break;
      case '--no-container': container = false; break;
      case '--forward-output': forwardOutput = true; break;
      case '--no-forward-output': forwardOutput = false; break;
      case '--generators': generators = true; break;
      case '--no-generators': generators = false; break;
      case '--sd-booted': sdBooted = true; break;
      case '--no-sd-booted': sdBooted = false; break;
      case '--no-systemd-comm': systemdComm = false; break;
      case '--dbus-private': {
        const v = value();
        if (v === null || v === '') return { ok: false, error: `option ${name} needs a value` };
        dbusPrivate = v;
        break;
      }
      case '--web-actions': webActions = true; break;
      case '--unit-path': case '--target': case '--control-socket': case '--runtime-dir': case '--log-dir':
      case '--log-level': case '--health-listen': case '--cgroup-name': case '--web-listen': {
        const v = value();
        if (v === null || v === '') return { ok: false, error: `option ${name} needs a value` };
        if (name === '--unit-path') unitPaths.push(v);
        else if (name === '--target') target = v;
        else if (name === '--control-socket') controlSocket = v;
        else if (name === '--runtime-dir') runtimeDir = v;
        else if (name === '--log-dir') logDir = v;
        else if (name === '--health-listen') healthListen = v;
        else if (name === '--web-listen') webListen = v;
        else if (name === '--cgroup-name') {
          if (v.includes('/') || v.startsWith('.') || v.startsWith('cgroup.')) return { ok: false, error: `invalid cgroup name '${v}' (one path component, not starting with '.' or 'cgroup.')` };
          cgroupName = v;
        }
        else {
          if (v !== 'debug' && v !== 'info' && v !== 'notice' && v !== 'warning' && v !== 'err') {
            return { ok: false, error: `invalid log level '${v}' (debug, info, notice, warning, err)` };
          }
          logLevel = v;
        }
        break;
      }
      default:
        if (name.startsWith('--journal') || name === '--no-journal') { journalArgs.push(a); break; }
        return { ok: false, error: `unknown option '${a}'` };
    }
  }
  const um = userMode ?? uid !== 0;
  const base = um ? `${userRuntimeBase(env, uid)}/tsysd` : '/run/tsysd';
  if (!runtimeDir) runtimeDir = controlSocket ? dirnameOf(controlSocket) : base;
  if (!controlSocket) controlSocket = `${runtimeDir}/control.sock`;
  return {
    ok: true,
    options: { userMode: um, unitPaths, target, controlSocket, runtimeDir, logDir, logLevel, container, healthListen, forwardOutput, cgroupName, journalArgs, dbusPrivate, sdBooted, systemdComm, webListen, webActions, generators },
  };
}

function dirnameOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}
