// tsysctl argument parsing: systemctl's options (anywhere on the line, `--opt=value` or `--opt value`,
// bundled short flags), the verb and its arguments. No imports: this is on the fast path.
// Invariant: parse errors are returned, never thrown; `-f` means --force for systemctl verbs
// and --follow for logs/journalctl.

export interface CtlOptions {
  prog: string;                 // 'tsysctl' | 'systemctl' | 'journalctl' (as invoked)
  verb: string;
  args: string[];
  types: string[];
  states: string[];
  properties: string[];
  value: boolean;
  all: boolean;
  quiet: boolean;
  noBlock: boolean;
  jobMode: string;
  noPager: boolean;
  noLegend: boolean;
  plain: boolean;
  full: boolean;
  root: string;
  user: boolean;
  /** --global: the user units' system-wide configuration (/etc/systemd/user), offline, like systemctl. */
  global: boolean;
  systemExplicit: boolean;
  now: boolean;
  runtime: boolean;
  force: boolean;
  presetMode: string;
  signal: string;
  killWhom: string;
  wait: boolean;
  lines: number | null;
  follow: boolean;
  since: string;
  units: string[];              // -u (logs/journalctl)
  socket: string;
  reverse: boolean;
  before: boolean;
  after: boolean;
  showTypes: boolean;
  help: boolean;
  version: boolean;
  remote: string;               // -H/-M value: refused
  output: string;               // journalctl -o (short, cat, ...)
  noHostname: boolean;
  dropIn: string;               // edit --drop-in=NAME
  what: string[];               // clean --what=KIND,...
  noReload: boolean;            // edit/... --no-reload
}

export function defaults(prog: string): CtlOptions {
  return {
    prog, verb: '', args: [], types: [], states: [], properties: [], value: false, all: false, quiet: false,
    noBlock: false, jobMode: 'replace', noPager: false, noLegend: false, plain: false, full: false, root: '', global: false,
    user: false, systemExplicit: false, now: false, runtime: false, force: false, presetMode: '', signal: '', killWhom: '', wait: false,
    lines: null, follow: false, since: '', units: [], socket: '', reverse: false, before: false, after: false,
    showTypes: false, help: false, version: false, remote: '', output: 'short', noHostname: false,
    dropIn: '', noReload: false, what: [],
  };
}

type Setter = (o: CtlOptions, v: string) => string | void;   // returns an error text
const list = (v: string): string[] => v.split(',').map((s) => s.trim()).filter(Boolean);

/** Options taking a value. */
const WITH_VALUE: Record<string, Setter> = {
  '--drop-in': (o, v) => { o.dropIn = v; },
  '--what': (o, v) => { if (!v) return '--what= requires arguments.'; o.what.push(...v.split(',').filter(Boolean)); },
  '--type': (o, v) => { o.types.push(...list(v)); }, '-t': (o, v) => { o.types.push(...list(v)); },
  '--state': (o, v) => { o.states.push(...list(v)); },
  '--property': (o, v) => { o.properties.push(...list(v)); }, '-p': (o, v) => { o.properties.push(...list(v)); },
  '-P': (o, v) => { o.properties.push(...list(v)); o.value = true; },
  '--job-mode': (o, v) => { o.jobMode = v; },
  '--root': (o, v) => { o.root = v; },
  '--preset-mode': (o, v) => { o.presetMode = v; },
  '--signal': (o, v) => { o.signal = v; }, '-s': (o, v) => { o.signal = v; },
  '--kill-whom': (o, v) => { o.killWhom = v; }, '--kill-who': (o, v) => { o.killWhom = v; },
  '--lines': (o, v) => setLines(o, v), '-n': (o, v) => setLines(o, v),
  '--since': (o, v) => { o.since = v; }, '-S': (o, v) => { o.since = v; },
  '--unit': (o, v) => { o.units.push(v); }, '-u': (o, v) => { o.units.push(v); },
  '--socket': (o, v) => { o.socket = v; },
  '--host': (o, v) => { o.remote = `-H ${v}`; }, '-H': (o, v) => { o.remote = `-H ${v}`; },
  '--machine': (o, v) => { o.remote = `-M ${v}`; }, '-M': (o, v) => { o.remote = `-M ${v}`; },
  '--output': (o, v) => { o.output = v; }, '-o': (o, v) => { o.output = v; },
};

function setLines(o: CtlOptions, v: string): string | void {
  if (v === 'all') { o.lines = null; return; }
  const n = Number(v.startsWith('+') ? v.slice(1) : v);
  if (!Number.isInteger(n) || n < 0) return `Failed to parse lines '${v}'`;
  o.lines = n;
}

const FLAGS: Record<string, (o: CtlOptions) => void> = {
  '--value': (o) => { o.value = true; },
  '--all': (o) => { o.all = true; }, '-a': (o) => { o.all = true; },
  '--quiet': (o) => { o.quiet = true; }, '-q': (o) => { o.quiet = true; },
  '--no-block': (o) => { o.noBlock = true; },
  '--no-pager': (o) => { o.noPager = true; },
  '--no-legend': (o) => { o.noLegend = true; },
  '--plain': (o) => { o.plain = true; },
  '--full': (o) => { o.full = true; }, '-l': (o) => { o.full = true; },
  '--user': (o) => { o.user = true; }, '--global': (o) => { o.global = true; o.user = true; }, '--system': (o) => { o.user = false; o.systemExplicit = true; },
  '--now': (o) => { o.now = true; },
  '--runtime': (o) => { o.runtime = true; },
  '--force': (o) => { o.force = true; },
  '--wait': (o) => { o.wait = true; },
  '--follow': (o) => { o.follow = true; },
  '--reverse': (o) => { o.reverse = true; }, '-r': (o) => { o.reverse = true; },
  '--before': (o) => { o.before = true; }, '--after': (o) => { o.after = true; },
  '--show-types': (o) => { o.showTypes = true; },
  '--failed': (o) => { o.states.push('failed'); },
  '--no-hostname': (o) => { o.noHostname = true; },
  '-b': () => undefined, '--boot': () => undefined, '--no-full': () => undefined, '--merge': () => undefined,
  '--help': (o) => { o.help = true; }, '-h': (o) => { o.help = true; },
  '--version': (o) => { o.version = true; },
  '--no-ask-password': () => undefined, '--no-reload': (o) => { o.noReload = true; }, '--no-wall': () => undefined,
  '-x': () => undefined, '-e': () => undefined, '--pager-end': () => undefined, '--catalog': () => undefined,
};

/** The name tsysctl answers as (argv[1]'s basename): systemctl, journalctl, a SysV alias, else tsysctl. */
export function progName(argv1: string | undefined): string {
  const base = (argv1 ?? '').split('/').pop() ?? '';
  const name = base.endsWith('.js') ? base.slice(0, -3) : base;   // no RegExp: compiling one costs the fast path
  if (['halt', 'poweroff', 'reboot', 'shutdown', 'telinit', 'runlevel'].includes(name)) return name;
  return name === 'systemctl' || name === 'journalctl' ? name : 'tsysctl';
}

export type ParseResult = { ok: true; opts: CtlOptions } | { ok: false; error: string };

export function parseArgs(argv: string[], prog: string): ParseResult {
  const o = defaults(prog);
  const journal = prog === 'journalctl';
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') { positional.push(...argv.slice(i + 1)); break; }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(0, eq) : a;
      const setter = WITH_VALUE[name];
      if (setter) {
        let v: string | undefined = eq >= 0 ? a.slice(eq + 1) : argv[++i];
        if (v === undefined) return { ok: false, error: `option '${name}' requires an argument` };
        const err = setter(o, v);
        if (err) return { ok: false, error: err };
        continue;
      }
      const flag = FLAGS[name];
      if (flag && eq < 0) { flag(o); continue; }
      return { ok: false, error: `unrecognized option '${a}'` };
    }
    if (a.startsWith('-') && a.length > 1) {
      // bundled short options: -qa, -pFoo, -n5
      for (let j = 1; j < a.length; j++) {
        const s = `-${a[j]}`;
        const setter = WITH_VALUE[s];
        if (setter) {
          const rest = a.slice(j + 1);
          const v = rest.length ? rest : argv[++i];
          if (v === undefined) return { ok: false, error: `option requires an argument -- '${a[j]}'` };
          const err = setter(o, v);
          if (err) return { ok: false, error: err };
          break;
        }
        if (s === '-f') { if (journal || positional[0] === 'logs') o.follow = true; else o.force = true; continue; }
        const flag = FLAGS[s];
        if (!flag) return { ok: false, error: `invalid option -- '${a[j]}'` };
        flag(o);
      }
      continue;
    }
    positional.push(a);
  }
  if (journal) { o.verb = 'logs'; o.args = positional; }
  else { o.verb = positional[0] ?? 'list-units'; o.args = positional.slice(1); }
  if (!journal && o.verb === 'logs' && o.force) { o.force = false; o.follow = true; }
  return { ok: true, opts: o };
}
