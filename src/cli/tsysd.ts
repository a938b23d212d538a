// The `tsysd` binary: dispatches the offline subcommands (verify, plan, dump, analyze) and otherwise runs the daemon.
// Subcommand modules are loaded lazily so each path pays only for what it uses.
import { DAEMON_USAGE, parseDaemonArgs } from '../manager/options';
import { configureTimeFromEnv } from './zone-reader';

async function main(argv: string[]): Promise<number> {
  const sub = argv[0];
  configureTimeFromEnv();   // OnCalendar= parsing (verify, plan, the daemon) needs the local zone
  if (sub === 'verify') return (require('./verify') as typeof import('./verify')).runVerify(argv.slice(1));
  if (sub === 'plan') return (require('./plan') as typeof import('./plan')).runPlan(argv.slice(1));
  if (sub === 'analyze') return (require('./analyze/index') as typeof import('./analyze/index')).runAnalyze(argv.slice(1));
  if (sub === 'dump' || sub === 'cat') return (require('./dump') as typeof import('./dump')).runDump(argv.slice(1));
  if (sub === '--version' || sub === 'version') {
    process.stdout.write(`tsysd ${require('../../../package.json').version as string} (systemd 252 compatible)\n`);
    return 0;
  }
  const parsed = parseDaemonArgs(argv, process.env, process.getuid ? process.getuid() : 0);
  if (!parsed.ok) {
    process.stderr.write(`tsysd: ${parsed.error}\n${DAEMON_USAGE}`);
    return 2;
  }
  if ('help' in parsed) {
    process.stdout.write(DAEMON_USAGE);
    return 0;
  }
  const { runDaemon } = require('../manager/daemon') as typeof import('../manager/daemon');
  return runDaemon(parsed.options);
}

main(process.argv.slice(2)).then(
  (code) => { if (code !== -1) process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`tsysd: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
