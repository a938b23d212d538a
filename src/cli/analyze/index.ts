// `tsysd analyze VERB ...`: systemd-analyze's verbs. Each verb lives in its own module of this folder
// (`<verb>.ts` exporting `run(argv: string[]): Promise<number> | number`), loaded only when called, so
// adding a verb is one file plus one line in VERBS below.
// Exit codes follow systemd-analyze: 0 success, 1 failure, 2 usage errors are printed like its own.

/** verb → its module in this folder (aliases map to the same module). Literal require() calls, loaded on
 *  use: the esbuild bundle (tools/bundle.js) can only include modules it can name at build time. */
const VERBS: Record<string, () => VerbModule> = {
  time: () => require('./time') as VerbModule,
  blame: () => require('./blame') as VerbModule,
  'critical-chain': () => require('./critical-chain') as VerbModule,
  plot: () => require('./plot') as VerbModule,
  dot: () => require('./dot') as VerbModule,
  dump: () => require('./dump') as VerbModule,
  'unit-paths': () => require('./unit-paths') as VerbModule,
  condition: () => require('./condition') as VerbModule,
  verify: () => require('./verify') as VerbModule,
  calendar: () => require('./calendar') as VerbModule,
  timespan: () => require('./timespan') as VerbModule,
  timestamp: () => require('./timestamp') as VerbModule,
  security: () => require('./security') as VerbModule,
};

export const ANALYZE_USAGE = `Usage: tsysd analyze [OPTIONS...] COMMAND ...

Commands (as systemd-analyze's):
  time | blame | critical-chain [UNIT...] | plot | dot [--order|--require] [PATTERN...]
  dump | unit-paths | condition CONDITION... | verify FILE...
  calendar SPEC... | timespan SPAN... | timestamp TIMESTAMP... | security [UNIT...]
`;

interface VerbModule { run(argv: string[]): Promise<number> | number }

/** Options may come before the verb (`tsysd analyze --user blame`), as with systemd-analyze: the verb is
 *  the first word that is neither an option nor an option's value; the options move after it. */
export function splitVerb(argv: string[]): string[] {
  if (!argv[0]?.startsWith('-') || ['-h', '--help'].includes(argv[0])) return argv;
  const { takesValue } = require('./common') as typeof import('./common');
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') break;
    if (a.startsWith('-')) { if (!a.includes('=') && takesValue(a)) i++; continue; }
    return [a, ...argv.slice(0, i), ...argv.slice(i + 1)];
  }
  return argv;
}

export async function runAnalyze(argv0: string[]): Promise<number> {
  const argv = splitVerb(argv0);
  const verb = argv[0] ?? '';
  if (verb === '' || verb === '-h' || verb === '--help' || verb === 'help') {
    process.stdout.write(ANALYZE_USAGE);
    return verb === '' ? 1 : 0;
  }
  const mod = VERBS[verb];
  if (!mod) {
    process.stderr.write(`Unknown command verb '${verb}'.\n`);
    return 1;
  }
  let m: VerbModule;
  try {
    m = mod();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw e;
    process.stderr.write(`tsysd analyze: '${verb}' is not available in this build.\n`);
    return 1;
  }
  return m.run(argv.slice(1));
}
