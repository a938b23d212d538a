// bench/boot: boot and shutdown of N long-running services under tsysd (flat and 10-layer DAG, Type=simple
// and Type=notify), next to s6-svscan, runit's runsvdir, supervisord, and the raw spawn floors (a C
// posix_spawn loop and Node's child_process loop), all measured in the same run on this machine. Prints a
// table per N with start/stop times, manager and supervision-tree RSS, and ratios against the C floor and
// s6. Never asserts speed. Service dirs and state on tmpfs (/dev/shm); every supervisor runs in its own PID
// namespace and is killed by pid at the end (see baselines/harness.ts).
//   node dist/bench/boot.js [--n 100,1000] [--only s6,runit,tsysd,...] [--repeat R] [--timeout 120] [--json]
// With --repeat R each cell is the median of R runs (RSS from the last run).
import * as fs from 'node:fs';
import { buildBins, median, runOne, type RunResult, type SystemDef } from './baselines/harness';
import { BASELINES } from './baselines/systems';
import { TSYSD_VARIANTS } from './baselines/tsysd';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const f = (x: number | null, d = 2): string => (x === null ? '-' : x.toFixed(d));
const ratio = (a: number | null, b: number | null): string => (a === null || b === null || b === 0 ? '-' : `${(a / b).toFixed(2)}x`);

function table(rows: RunResult[]): string {
  const floor = rows.find((r) => r.system === 'spawn-c');
  const s6 = rows.find((r) => r.system === 's6');
  const head = ['system', 'variant', 'start s', 'ready s', 'stop s', 'mgr RSS MiB', 'tree RSS MiB', 'tree PSS MiB', 'procs',
    'start/C', 'start/s6', 'stop/s6', 'note'];
  const body = rows.map((r) => [r.system, r.variant, f(r.startS), f(r.readyS), f(r.stopS), f(r.rssManagerMiB, 1),
    f(r.rssTreeMiB, 1), f(r.pssTreeMiB, 1), r.procs === null ? '-' : String(r.procs), ratio(r.startS, floor?.startS ?? null),
    ratio(r.readyS ?? r.startS, s6?.startS ?? null), ratio(r.stopS, s6?.stopS ?? null), r.note]);
  const all = [head, ...body];
  const w = head.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  return all.map((row) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(w[i] ?? 0))).join('  ').trimEnd()).join('\n');
}

function medianOf(xs: Array<number | null>): number | null {
  const v = xs.filter((x): x is number => x !== null);
  return v.length ? median(v) : null;
}

// Figures from issue #8 measured on this kind of machine with tools that are not packaged here (s6-rc,
// pm2): printed as an anchor, never as a result of this run.
const REFERENCE_1000 = 'reference, 1000 services, issue #8 (not measured by this run): s6-rc 10-layer DAG ' +
  'start 5.6 s / stop 3.8 s; pm2 8.6 s / 24 s; target for tsysd: flat start < s6, dag10 start < 5.6 s, ' +
  'stop < s6, manager RSS < 80 MB';

async function main(): Promise<void> {
  const sizes = (arg('--n') ?? '100,1000').split(',').map(Number).filter((x) => x > 0);
  const only = arg('--only')?.split(',');
  const timeoutS = Number(arg('--timeout') ?? '120');
  const repeat = Math.max(1, Number(arg('--repeat') ?? '1'));
  const systems: SystemDef[] = [...BASELINES, ...TSYSD_VARIANTS]
    .filter((s) => !only || only.some((o) => s.name === o || s.name.startsWith(o)));
  const bins = buildBins();
  const results: RunResult[] = [];
  try {
    process.stdout.write(`bench/boot: ${sizes.join(', ')} long-running services, tmpfs work dirs, ` +
      `node ${process.version}, ${require('node:os').cpus().length} CPUs\n`);
    for (const n of sizes) {
      const rows: RunResult[] = [];
      for (const s of systems) {
        const runs: RunResult[] = [];
        for (let k = 0; k < repeat; k++) runs.push(await runOne(s, bins, n, timeoutS));
        const r = { ...(runs[runs.length - 1] as RunResult) };
        r.startS = medianOf(runs.map((x) => x.startS));
        r.readyS = medianOf(runs.map((x) => x.readyS));
        r.stopS = medianOf(runs.map((x) => x.stopS));
        r.note = [...new Set(runs.map((x) => x.note).filter(Boolean))].join('; ');
        rows.push(r);
        process.stderr.write(`  ${n} ${s.name}/${s.variant}: start ${f(r.startS)} s, stop ${f(r.stopS)} s ${r.note}\n`);
      }
      results.push(...rows);
      process.stdout.write(`\nN = ${n}  (start: exec → all N services running; ready: exec → manager reports ` +
        `running; stop: request → all stopped and manager exited; start/s6 uses ready when there is one)\n`);
      process.stdout.write(table(rows) + '\n');
      if (n === 1000) process.stdout.write(REFERENCE_1000 + '\n');
    }
    if (process.argv.includes('--json')) process.stdout.write(JSON.stringify(results, null, 1) + '\n');
  } finally {
    fs.rmSync(bins.dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => { process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`); process.exitCode = 1; });
