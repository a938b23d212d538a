// systemctl's argv[0] aliases from systemd-sysv (halt, poweroff, reboot, shutdown, telinit, runlevel), as
// systemctl 252 parses them (systemctl-compat-halt.c, -shutdown.c, -telinit.c, -runlevel.c), translated to
// tsysctl verbs. A silent success for `shutdown -h now` would be the worst kind of bug, so every form either
// does what it says or fails with a message.
//
// Pure translation (`translateAlias`) plus `runRunlevel`.
// Differences (documented): a scheduled shutdown (`shutdown +5`, `shutdown 23:00`) needs logind's timer in
// systemd; tsysd refuses it with a message (exit 1) instead; `-k` (wall only) and `-c` (cancel) print what
// systemd prints when nothing is scheduled and exit 0; --no-wall/-w/-d/-n/-f are accepted (wtmp, wall and
// forcing do not apply to a container manager: the shutdown is always the orderly one).
import type { RpcClient } from '../../rpc/client';

export const ALIASES = ['halt', 'poweroff', 'reboot', 'shutdown', 'telinit', 'runlevel'] as const;
export type Alias = typeof ALIASES[number];

export function isAlias(name: string): name is Alias { return (ALIASES as readonly string[]).includes(name); }

export type Translation = { argv: string[] } | { exit: number; stdout?: string; stderr?: string } | { runlevel: true };

const HALT_HELP = (p: string): string => `${p} [OPTIONS...]\n\n${p === 'reboot' ? 'Reboot' : p === 'halt' ? 'Halt' : 'Power off'} the system.\n\n`
  + '     --help      Show this help\n     --halt      Halt the machine\n  -p --poweroff  Switch off the machine\n     --reboot    Reboot the machine\n'
  + '  -f --force     Force immediate halt/power-off/reboot\n  -w --wtmp-only Don\'t halt/power-off/reboot, just write wtmp record\n'
  + '  -d --no-wtmp   Don\'t write wtmp record\n     --no-wall   Don\'t send wall message before halt/power-off/reboot\n';

/** argv (without the program name) of an alias → what to run. */
export function translateAlias(prog: Alias, argv: string[]): Translation {
  switch (prog) {
    case 'halt': case 'poweroff': case 'reboot': {
      let action: string = prog;
      let wtmpOnly = false;
      for (const a of argv) {
        if (a === '--help') return { exit: 0, stdout: HALT_HELP(prog) };
        if (a === '--halt' || a === '-H') action = 'halt';
        else if (a === '-p' || a === '--poweroff') action = prog === 'halt' ? 'poweroff' : action;
        else if (a === '--reboot') action = 'reboot';
        else if (a === '-w' || a === '--wtmp-only') wtmpOnly = true;
        else if (['-f', '--force', '-d', '--no-wtmp', '-n', '--no-sync', '--no-wall', '-i'].includes(a) || /^-[fdnwi]+$/.test(a)) { if (a.includes('w')) wtmpOnly = true; }
        else if (a.startsWith('-')) return { exit: 1, stderr: `${prog}: unrecognized option '${a}'\n` };
        else return { exit: 1, stderr: 'Too many arguments.\n' };
      }
      if (wtmpOnly) return { exit: 0 };
      return { argv: [action] };
    }
    case 'shutdown': {
      let action = 'poweroff';
      let cancel = false;
      let wallOnly = false;
      const rest: string[] = [];
      for (const a of argv) {
        if (a === '--help') return { exit: 0, stdout: 'shutdown [OPTIONS...] [TIME] [WALL...]\n\nShut down the system.\n' };
        if (a === '-H' || a === '--halt') action = 'halt';
        else if (a === '-P' || a === '--poweroff' || a === '-h') action = action === 'halt' && a === '-h' ? 'halt' : 'poweroff';
        else if (a === '-r' || a === '--reboot') action = 'reboot';
        else if (a === '-k') wallOnly = true;
        else if (a === '-c') cancel = true;
        else if (a === '--no-wall' || a === '-f' || a === '-F' || a === '-t' || a === '-a') { /* accepted, no effect */ }
        else if (a.startsWith('-') && a !== '-') return { exit: 1, stderr: `shutdown: invalid option -- '${a.replace(/^-+/, '')}'\n` };
        else rest.push(a);
      }
      if (cancel) return { exit: 0 };
      const when = rest[0] ?? '+1';
      if (wallOnly) return { exit: 0 };
      if (when === 'now' || when === '+0' || when === '0') return { argv: [action] };
      if (/^\+?\d+$/.test(when) || /^\d{1,2}:\d{2}$/.test(when)) {
        return { exit: 1, stderr: `Scheduled shutdown (${when}) is not supported by tsysd: use 'shutdown ${action === 'reboot' ? '-r ' : ''}now', or sleep first.\n` };
      }
      return { exit: 1, stderr: `Failed to parse time specification: ${when}\n` };
    }
    case 'telinit': {
      const args = argv.filter((a) => a !== '--no-wall');
      if (args.includes('--help')) return { exit: 0, stdout: 'telinit [OPTIONS...] COMMAND\n\nSend control commands to the init daemon.\n' };
      if (args.length !== 1) return { exit: 1, stderr: args.length ? 'Too many arguments.\n' : 'Require one argument.\n' };
      const r = args[0] as string;
      switch (r) {
        case '0': return { argv: ['poweroff'] };
        case '6': return { argv: ['reboot'] };
        case '1': case 's': case 'S': return { argv: ['isolate', 'rescue.target'] };
        case '2': case '3': case '4': return { argv: ['isolate', 'multi-user.target'] };
        case '5': return { argv: ['isolate', 'graphical.target'] };
        case 'q': case 'Q': return { argv: ['daemon-reload'] };
        case 'u': case 'U': return { argv: ['daemon-reexec'] };
        default: return { exit: 1, stderr: 'Unknown command.\n' };
      }
    }
    case 'runlevel':
      if (argv.includes('--help')) return { exit: 0, stdout: 'runlevel [OPTIONS...]\n\nPrints the previous and current runlevel of the init system.\n' };
      if (argv.length) return { exit: 1, stderr: 'Too many arguments.\n' };
      return { runlevel: true };
  }
}

/** `runlevel`: "N 5" from the active target (graphical 5, multi-user 3, rescue 1), else "unknown" (exit 1),
 *  as systemctl 252's runlevel does when utmp has no record (a container has none). */
export async function runRunlevel(c: RpcClient): Promise<{ code: number; stdout: string }> {
  const states = await c.call('unit-states', { units: ['graphical.target', 'multi-user.target', 'rescue.target'] });
  const on = (i: number): boolean => { const s = states[i]?.activeState; return s === 'active' || s === 'reloading'; };
  const level = on(0) ? '5' : on(1) ? '3' : on(2) ? '1' : '';
  return level ? { code: 0, stdout: `N ${level}\n` } : { code: 1, stdout: 'unknown\n' };
}
