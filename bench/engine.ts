// bench/engine: builds layered DAGs of 10,000 and 100,000 units (average 5 dependency entries per unit:
// Wants/Requires to units in deeper layers plus After on them), plans `start bench.target`, and prints
// time and memory next to systemd's own `systemd --test` on the same 10,000 units (unit files in a temp
// dir, run as nobody), measured in this run; plus the 100k/10k ratio. Never asserts speed.
// Run: node --expose-gc dist/bench/engine.js   (TSYSD_BENCH_SIZES=10000,100000)
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Engine } from '../src/engine';
import type { UnitConfig } from '../src/directives/types';
import { synthesizeUnit } from '../src/engine/synth';
import { computePlan } from '../src/cli/plan';

interface Spec { name: string; wants: string[]; requires: string[]; after: string[] }

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 0x100000000; };
}

/** Layered DAG: layer 0 is wanted by bench.target; each unit points 2-3 requirement edges (+ After) deeper. */
function makeDag(n: number, layers = 50): { specs: Spec[]; edges: number } {
  const r = rng(n);
  const per = Math.ceil(n / layers);
  const name = (i: number): string => `u${i}.service`;
  const specs: Spec[] = [];
  let edges = 0;
  for (let i = 0; i < n; i++) {
    const layer = Math.floor(i / per);
    const s: Spec = { name: name(i), wants: [], requires: [], after: [] };
    if (layer < layers - 1) {
      const lo = (layer + 1) * per, hi = Math.min(n, lo + per * 3);
      if (lo < n) {
        // guarantee reachability: unit i wants one unit of the next layer
        const first = lo + (i % per) < n ? lo + (i % per) : lo;
        const targets = new Set<number>([first]);
        while (targets.size < 3) targets.add(lo + Math.floor(r() * (hi - lo)));
        const list = [...targets];
        s.wants.push(name(list[0]!), name(list[1]!));
        s.requires.push(name(list[2]!));
        s.after.push(name(list[0]!), name(list[2]!));
        edges += 5;
      }
    }
    specs.push(s);
  }
  return { specs, edges };
}

function toConfig(s: Spec): UnitConfig {
  const c = synthesizeUnit(s.name, 'loaded');
  c.unit.defaultDependencies = false;
  c.unit.deps.Wants = s.wants; c.unit.deps.Requires = s.requires; c.unit.deps.After = s.after;
  c.service!.execStart = [{ path: '/bin/true', argv: ['/bin/true'], ignoreFailure: false, noEnvExpand: false, privileged: '', file: '', line: 0 }];
  c.exec.standardOutput = 'null';
  return c;
}

function rootConfig(specs: Spec[], per: number): UnitConfig {
  const c = synthesizeUnit('bench.target', 'loaded');
  c.unit.defaultDependencies = false;
  c.unit.deps.Wants = specs.slice(0, per).map((s) => s.name);
  return c;
}

function gc(): void { const g = (globalThis as { gc?: () => void }).gc; if (g) { g(); g(); } }
function mb(b: number): string { return `${(b / 1048576).toFixed(1)} MB`; }

function benchEngine(n: number): { ms: number; cpuMs: number; heap: number; jobs: number; edges: number; buildMs: number; planMs: number } {
  const { specs, edges } = makeDag(n);
  // UnitConfig objects are what the directive compiler hands the engine: built outside the measurement.
  const configs = new Map<string, UnitConfig>(specs.map((s) => [s.name, toConfig(s)] as const));
  configs.set('bench.target', rootConfig(specs, Math.ceil(n / 50)));
  gc();
  const before = process.memoryUsage().heapUsed;
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const engine = new Engine({ loader: (nm) => configs.get(nm) ?? null, host: { runJob: () => 'wait' } });
  engine.hold = true;
  engine.graph.unit('bench.target');
  const t1 = process.hrtime.bigint();
  const r = engine.enqueue('bench.target', 'start', 'replace', { dryRun: true });
  const t2 = process.hrtime.bigint();
  const cu = process.cpuUsage(c0);
  const heap = process.memoryUsage().heapUsed - before;
  if (!r.ok) throw new Error(r.message);
  const buildMs = Number(t1 - t0) / 1e6, planMs = Number(t2 - t1) / 1e6;
  return { ms: buildMs + planMs, buildMs, planMs, cpuMs: (cu.user + cu.system) / 1000, heap, jobs: r.jobs.length, edges };
}

function writeUnits(specs: Spec[], per: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-bench-'));
  fs.chmodSync(dir, 0o755);
  for (const s of specs) {
    const lines = ['[Unit]', 'DefaultDependencies=no'];
    if (s.wants.length) lines.push(`Wants=${s.wants.join(' ')}`);
    if (s.requires.length) lines.push(`Requires=${s.requires.join(' ')}`);
    if (s.after.length) lines.push(`After=${s.after.join(' ')}`);
    lines.push('[Service]', 'ExecStart=/bin/true', 'StandardOutput=null', '');
    fs.writeFileSync(path.join(dir, s.name), lines.join('\n'), { mode: 0o644 });
  }
  fs.writeFileSync(path.join(dir, 'bench.target'), `[Unit]\nDefaultDependencies=no\nWants=${specs.slice(0, per).map((s) => s.name).join(' ')}\n`, { mode: 0o644 });
  return dir;
}

function benchSystemd(dir: string): { ms: number; cpuMs: number; rssKb: number; jobs: number } | null {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M %U %S', 'setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', 'env', `SYSTEMD_UNIT_PATH=${dir}`,
    '/lib/systemd/systemd', '--test', '--system', '--unit=bench.target', '--no-pager'], { encoding: 'utf8', maxBuffer: 1 << 30, timeout: 600_000 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) { process.stdout.write(`systemd --test failed: ${(r.stderr ?? '').slice(-300)}\n`); return null; }
  const [rss, us, ss] = ((r.stderr ?? '').trim().split('\n').pop() ?? '').split(' ').map(Number);
  const jobs = new Set((r.stdout ?? '').match(/Action: \S+ -> start/g) ?? []).size;
  return { ms, cpuMs: ((us ?? 0) + (ss ?? 0)) * 1000, rssKb: rss ?? 0, jobs };
}

function main(): void {
  const sizes = (process.env['TSYSD_BENCH_SIZES'] ?? '10000,100000').split(',').map(Number);
  const results = new Map<number, ReturnType<typeof benchEngine>>();
  process.stdout.write(`bench/engine: layered DAG, 50 layers, 5 dependency entries per unit (Wants x2, Requires, After x2)\n`);
  for (const n of sizes) {
    benchEngine(Math.min(n, 2000));   // warm-up
    const r = benchEngine(n);
    results.set(n, r);
    process.stdout.write(`tsysd engine  ${String(n).padStart(6)} units ${String(r.edges).padStart(6)} edges: graph ${r.buildMs.toFixed(1)} ms + transaction ${r.planMs.toFixed(1)} ms = ${r.ms.toFixed(1)} ms wall (${r.cpuMs.toFixed(0)} ms CPU), heap +${mb(r.heap)} (graph + jobs, excluding UnitConfigs), ${r.jobs} jobs\n`);
  }
  const small = sizes[0]!;
  const { specs } = makeDag(small);
  const dir = writeUnits(specs, Math.ceil(small / 50));
  try {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const plan = computePlan({ unitPaths: [dir], user: false, mode: 'replace', json: true, type: 'start', units: ['bench.target'] });
    const fileMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const fc = process.cpuUsage(c0);
    const fileCpu = (fc.user + fc.system) / 1000;
    process.stdout.write(`tsysd plan    ${String(small).padStart(6)} units from files (load+compile+plan): ${fileMs.toFixed(1)} ms wall (${fileCpu.toFixed(0)} ms CPU), ${Object.keys(plan.jobs).length} jobs\n`);
    const sd = benchSystemd(dir);
    if (sd) {
      process.stdout.write(`systemd --test ${String(small).padStart(5)} units from files (whole process): ${sd.ms.toFixed(1)} ms wall (${sd.cpuMs.toFixed(0)} ms CPU), max RSS ${(sd.rssKb / 1024).toFixed(1)} MB, ${sd.jobs} jobs\n`);
      const e = results.get(small)!;
      process.stdout.write(`ratio systemd/tsysd (CPU): engine-only ${(sd.cpuMs / e.cpuMs).toFixed(1)}x, with file loading ${(sd.cpuMs / fileCpu).toFixed(1)}x\n`);
    }
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  if (sizes.length > 1) {
    const a = results.get(sizes[0]!)!, b = results.get(sizes[sizes.length - 1]!)!;
    process.stdout.write(`scaling ${sizes[sizes.length - 1]}/${sizes[0]}: edges x${(b.edges / a.edges).toFixed(1)}, wall x${(b.ms / a.ms).toFixed(1)}, CPU x${(b.cpuMs / a.cpuMs).toFixed(1)}, heap x${(b.heap / Math.max(a.heap, 1)).toFixed(1)}\n`);
  }
}

main();
