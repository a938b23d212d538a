// `tsysctl`: the systemctl-compatible client. Invoked as `systemctl` (argv[1] basename, e.g. a symlink)
// it says 'systemctl' in its messages; invoked as `journalctl` it answers `journalctl -u UNIT [-n N] [-f]`.
// Invariants: the startup path imports only ./ctl/args statically; every verb module (and
// node:net through src/rpc/client) is loaded lazily, so `tsysctl is-active` costs about one bare `node`.
// Exit codes follow systemctl (see ctl/common.ts EXIT and systemd-semantics.md §7).
import { parseArgs, progName, type CtlOptions } from './ctl/args';

export { progName };

type Runner = (c: import('../rpc/client').RpcClient, o: CtlOptions, out: import('./ctl/common').Out) => Promise<number>;

const JOB_VERBS = ['start', 'stop', 'restart', 'try-restart', 'condrestart', 'reload', 'reload-or-restart', 'try-reload-or-restart',
  'force-reload', 'reload-or-try-restart', 'isolate'];
const FILE_VERBS = ['enable', 'disable', 'reenable', 'mask', 'unmask', 'preset', 'preset-all', 'get-default', 'set-default', 'link', 'revert',
  'add-wants', 'add-requires'];
const MANAGER_VERBS = ['daemon-reload', 'daemon-reexec', 'show-environment', 'set-environment', 'unset-environment', 'poweroff', 'halt', 'reboot', 'exit'];
/** Verbs that work offline with --root= (unit files only, no daemon). */
const OFFLINE_VERBS = ['enable', 'disable', 'reenable', 'is-enabled', 'list-unit-files', 'mask', 'unmask', 'preset', 'get-default', 'set-default',
  'link', 'revert', 'add-wants', 'add-requires'];

async function runner(verb: string): Promise<Runner | null> {
  if (JOB_VERBS.includes(verb)) return (require('./ctl/jobs') as typeof import('./ctl/jobs')).runJobVerb;
  if (FILE_VERBS.includes(verb)) return (require('./ctl/files') as typeof import('./ctl/files')).runUnitFileVerb;
  if (MANAGER_VERBS.includes(verb)) return (require('./ctl/misc') as typeof import('./ctl/misc')).runManagerVerb;
  switch (verb) {
    case 'kill': return (require('./ctl/jobs') as typeof import('./ctl/jobs')).runKill;
    case 'reset-failed': return (require('./ctl/jobs') as typeof import('./ctl/jobs')).runResetFailed;
    case 'cancel': return (require('./ctl/jobs') as typeof import('./ctl/jobs')).runCancel;
    case 'is-active': case 'is-failed': return (require('./ctl/query') as typeof import('./ctl/query')).runIsActive;
    case 'is-enabled': return (require('./ctl/query') as typeof import('./ctl/query')).runIsEnabled;
    case 'is-system-running': return (require('./ctl/query') as typeof import('./ctl/query')).runIsSystemRunning;
    case 'show': return (require('./ctl/show') as typeof import('./ctl/show')).runShow;
    case 'cat': return (require('./ctl/show') as typeof import('./ctl/show')).runCat;
    case 'status': return (require('./ctl/status') as typeof import('./ctl/status')).runStatus;
    case 'list-units': return (require('./ctl/list') as typeof import('./ctl/list')).runListUnits;
    case 'list-unit-files': return (require('./ctl/list') as typeof import('./ctl/list')).runListUnitFiles;
    case 'list-sockets': return (require('./ctl/list') as typeof import('./ctl/list')).runListSockets;
    case 'list-timers': return (require('./ctl/timers') as typeof import('./ctl/timers')).runListTimers;
    case 'list-paths': return (require('./ctl/timers') as typeof import('./ctl/timers')).runListPaths;
    case 'list-jobs': return (require('./ctl/list') as typeof import('./ctl/list')).runListJobs;
    case 'list-dependencies': return (require('./ctl/list') as typeof import('./ctl/list')).runListDependencies;
    case 'import-environment': return (require('./ctl/manager-extra') as typeof import('./ctl/manager-extra')).runImportEnvironment;
    case 'log-level': case 'log-target': return (require('./ctl/manager-extra') as typeof import('./ctl/manager-extra')).runLogSetting;
    case 'service-log-level': case 'service-log-target':
      return (require('./ctl/manager-extra') as typeof import('./ctl/manager-extra')).runServiceLogSetting;
    case 'freeze': case 'thaw': return (require('./ctl/manager-extra') as typeof import('./ctl/manager-extra')).runFreezer;
    case 'clean': return (require('./ctl/manager-extra') as typeof import('./ctl/manager-extra')).runClean;
    case 'set-property': return (require('./ctl/manager-extra') as typeof import('./ctl/manager-extra')).runSetProperty;
    case 'help': return (require('./ctl/manager-extra') as typeof import('./ctl/manager-extra')).runHelp;
    case 'default': case 'rescue': case 'emergency': case 'kexec':
      return (require('./ctl/manager-extra') as typeof import('./ctl/manager-extra')).runSpecialTarget;
    case 'edit': return (require('./ctl/edit') as typeof import('./ctl/edit')).runEdit;
    case 'logs': return (require('./ctl/misc') as typeof import('./ctl/misc')).runLogs;
    default: return null;
  }
}


/** systemctl's argv[0] aliases (halt, poweroff, reboot, shutdown, telinit, runlevel): ./ctl/sysv.ts. */
async function mainAlias(argv: string[], prog: import('./ctl/sysv').Alias): Promise<number> {
  const sysv = require('./ctl/sysv') as typeof import('./ctl/sysv');
  const t = sysv.translateAlias(prog, argv.filter((a) => !a.startsWith('--socket')));
  const socket = argv.filter((a) => a.startsWith('--socket='));
  if ('exit' in t) {
    if (t.stdout) process.stdout.write(t.stdout);
    if (t.stderr) process.stderr.write(t.stderr);
    return t.exit;
  }
  if ('runlevel' in t) {
    const parsed = parseArgs([...socket, 'is-system-running'], 'systemctl');
    if (!parsed.ok) return 1;
    const { connect } = require('./ctl/common') as typeof import('./ctl/common');
    try {
      const c = await connect(parsed.opts);
      try { const r = await sysv.runRunlevel(c); process.stdout.write(r.stdout); return r.code; } finally { c.close(); }
    } catch (e) { process.stderr.write(`${prog}: ${e instanceof Error ? e.message : String(e)}\n`); return 1; }
  }
  return main([...socket, ...t.argv], 'systemctl');
}

function usage(prog: string): string {
  return `${prog} [OPTIONS...] COMMAND ...

Query or send control commands to the tsysd manager (systemctl-compatible).

Unit commands: list-units list-sockets list-jobs list-dependencies is-active is-failed status show cat help
  start stop reload restart try-restart reload-or-restart try-reload-or-restart isolate kill reset-failed cancel
  service-log-level service-log-target set-property clean freeze thaw
Unit file commands: list-unit-files enable disable reenable preset preset-all is-enabled mask unmask link revert
  add-wants add-requires edit get-default set-default
Manager commands: daemon-reload daemon-reexec show-environment set-environment unset-environment import-environment
  log-level log-target is-system-running default rescue emergency poweroff halt reboot kexec exit logs

Options: -t --type= --state= -p --property= -P --value -a --all -q --quiet --no-block --job-mode=
  --no-pager --no-legend --plain --root= --user --system --now --runtime -f --force --preset-mode=
  -s --signal= --kill-whom= --wait -n --lines= --since= -u --unit= --drop-in= --no-reload --what= --socket=PATH
The control socket: --socket, else $TSYSD_SOCKET, else /run/tsysd/control.sock
(or $XDG_RUNTIME_DIR/tsysd/control.sock with --user).
`;
}

export async function main(argv: string[], prog: string): Promise<number> {
  const sysvNames = ['halt', 'poweroff', 'reboot', 'shutdown', 'telinit', 'runlevel'];
  if (sysvNames.includes(prog)) return mainAlias(argv, prog as import('./ctl/sysv').Alias);
  // journalctl (argv0) and `tsysctl logs`: the journal files when there are some (src/cli/journal/), unless a
  // particular manager is named (--socket, $TSYSD_SOCKET): then its in-memory log over the control socket.
  const isLogs = prog === 'journalctl' || argv[0] === 'logs';
  if (isLogs && !argv.some((a) => a === '--socket' || a.startsWith('--socket=')) && !process.env['TSYSD_SOCKET']) {
    const { runJournalctl } = require('./journal/main') as typeof import('./journal/main');
    const rest = prog === 'journalctl' ? argv : argv.slice(1).flatMap((a) => (/^[^-][^=]*$/.test(a) ? ['-u', a] : [a]));
    const rc = await runJournalctl(rest, prog === 'journalctl' ? 'journalctl' : prog);
    if (rc !== null) return rc;
  }
  const parsed = parseArgs(argv, prog);
  if (!parsed.ok) { process.stderr.write(`${prog}: ${parsed.error}\n`); return 1; }
  const o = parsed.opts;
  if (o.help) { process.stdout.write(usage(prog)); return 0; }
  if (o.version) {
    process.stdout.write(prog === 'tsysctl' ? 'tsysctl 0.1.0 (tsysd, systemd 252 compatible)\n' : 'systemd 252 (tsysd 0.1.0)\n');
    return 0;
  }
  if (o.remote) {
    process.stderr.write(`${prog}: remote operation (${o.remote}) is not supported: tsysd is managed through its local control socket only.\n`);
    return 1;
  }
  const { CtlExit, Out } = require('./ctl/common') as typeof import('./ctl/common');
  const out = new Out();
  try {
    if (o.root || o.global) {
      if (o.verb === 'edit' && o.root) { process.stderr.write(`Verb 'edit' cannot be used with --root= or --image=.\n`); return 1; }
      if (!OFFLINE_VERBS.includes(o.verb)) { process.stderr.write(`${prog}: ${o.global ? '--global' : '--root='} is supported only for ${OFFLINE_VERBS.join(', ')}.\n`); return 1; }
      const { runOffline } = require('./ctl/offline') as typeof import('./ctl/offline');
      const rc = await runOffline(o, out);
      out.flush();
      return rc;
    }
    const run = await runner(o.verb);
    if (!run) { process.stderr.write(`Unknown command verb '${o.verb}'.\n`); return 1; }
    const { connect } = require('./ctl/common') as typeof import('./ctl/common');
    const c = await connect(o);
    try {
      const rc = await run(c, o, out);
      out.flush();
      return rc;
    } finally { c.close(); }
  } catch (e) {
    out.flush();
    if (e instanceof CtlExit) return e.code;
    const { isRpcError } = require('./ctl/common') as typeof import('./ctl/common');
    if (isRpcError(e)) { process.stderr.write(`Failed to ${o.verb}: ${e.message}\n`); return 1; }
    process.stderr.write(`${prog}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

if (require.main === module || /(^|\/)(tsysctl|systemctl|journalctl)(\.js)?$/.test(process.argv[1] ?? '')) {
  const prog = progName(process.argv[1]);
  // `tsysctl list-units | head -1`: a closed pipe ends us quietly, like systemctl.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); });
  main(process.argv.slice(2), prog).then((code) => {
    process.exitCode = code;
  }, (err: unknown) => {
    process.stderr.write(`${prog}: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
