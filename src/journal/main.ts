// Stand-alone entry point of the journal server (tests, benchmarks, and running it without the manager):
//   node dist/src/journal/main.js [--socket-dir DIR] [--runtime-root DIR] [--persistent-root DIR]
//        [--storage auto|volatile|persistent|none] [--dev-log PATH|--no-dev-log] [--forward]
//        [--rate-limit-interval-us N] [--rate-limit-burst N] [--max-file-size BYTES] [--max-use BYTES]
// Units are found from the sender's cgroup (the last path component that is a unit name). Prints "ready"
// on stdout once the sockets are bound; SIGTERM/SIGINT close cleanly (files OFFLINE).
import * as fs from 'node:fs';
import * as os from 'node:os';
import { JournalServer, type UnitLookup } from './server';

export function unitFromCgroup(pid: number): UnitLookup | null {
  try {
    const cg = fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8');
    const line = cg.split('\n').find((l) => l.startsWith('0::')) ?? cg.split('\n')[0] ?? '';
    const parts = line.slice(line.indexOf(':', line.indexOf(':') + 1) + 1).split('/').reverse();
    const unit = parts.find((p) => /\.(service|scope|socket|mount|swap|timer|path)$/.test(p));
    return unit ? { unit, invocationId: null } : null;
  } catch { return null; }
}

function readId(p: string): string {
  try { return fs.readFileSync(p, 'utf8').trim().replace(/-/g, ''); } catch { return ''; }
}

export function main(argv: string[]): void {
  const arg = (name: string): string | undefined => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
  const num = (name: string): number | undefined => { const v = arg(name); return v === undefined ? undefined : Number(v); };
  const machineId = readId('/etc/machine-id') || '0'.repeat(32);
  const bootId = readId('/proc/sys/kernel/random/boot_id') || '0'.repeat(32);
  const maxSize = num('--max-file-size');
  const maxUse = num('--max-use');
  const metrics = { ...(maxSize ? { maxSize } : {}), ...(maxUse ? { maxUse } : {}) };
  const srv = new JournalServer({
    socketDir: arg('--socket-dir'),
    devLogLink: argv.includes('--no-dev-log') ? null : arg('--dev-log'),
    hostname: os.hostname(),
    storage: {
      storage: (arg('--storage') as 'auto' | undefined) ?? 'auto', runtimeRoot: arg('--runtime-root'), persistentRoot: arg('--persistent-root'),
      machineId, bootId, system: metrics, runtime: metrics, log: (m) => process.stderr.write(`${m}\n`),
    },
    lookup: unitFromCgroup,
    forward: argv.includes('--forward') ? (l) => process.stdout.write(`${l}\n`) : null,
    rateLimitIntervalUs: num('--rate-limit-interval-us'),
    rateLimitBurst: num('--rate-limit-burst'),
    forwardSyslogPath: arg('--forward-syslog') ?? null,
    log: (m) => process.stderr.write(`${m}\n`),
  });
  const errs = srv.start();
  for (const e of errs) process.stderr.write(`tsysd-journal: ${e}\n`);
  process.stdout.write('ready\n');
  const stop = (): void => { srv.stop(); process.exit(0); };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // the sockets' polls are unref'd: keep the process alive
  setInterval(() => undefined, 1 << 30);
}

if (require.main === module) main(process.argv.slice(2));
