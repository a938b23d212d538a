// bench/all (`npm run bench`): every figure of issue 20's floors in one run, each tsysd run interleaved with
// its baseline's (the machine is shared, so drift hits both sides alike), written as one markdown table of
// min/median/max per side and of the per-pair ratio tsysd/baseline:
//   boot 1,000   tsysd (flat Type=simple) vs runit's runsvdir: start (exec → all running) and stop
//   cold start   one service: exec → it runs, tsysd vs s6-svscan (the empty manager's fixed cost)
//   scale 10,000 tsysd vs s6-svscan: start and stop; tsysd's manager RSS, and after the boot, through the real
//                tsysctl: list-units --all (time, bytes), status of one unit, daemon-reload; is-active vs node -e 0
//                (the manager serves D-Bus there, as by default as PID 1, and the real busctl times ListUnits)
//   sockets      tsysd alone: 10,000 idle listening socket units (and their 10,000 services, never started): exec →
//                running, manager RSS, list-units --all and D-Bus ListUnits (no baseline supervisor activates sockets)
//   notify       dist/bench/notify.js: NotifyAccess=all datagrams/s vs the C receiver (its runs interleaved)
//   activation   dist/bench/activation.js: Accept=yes one-client connections/s vs systemd-socket-activate
// Asserts nothing; the "floor" column says whether the median ratio meets issue 20's floor.
//   node dist/bench/all.js [--runs 3] [--scale-runs 3] [--scale-n 10000] [--only boot,cold,scale,sockets,notify,activation]
//                          [--out FILE]   (FILE gets the markdown table too)
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildBins, median, runOne, type Bins, type RunResult, type SystemDef } from './baselines/harness';
import { runit, s6 } from './baselines/systems';
import { TSYSD_MEASURED, TSYSD_SOCKETS, TSYSD_VARIANTS } from './baselines/tsysd';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? dflt) : dflt;
}

const RUNS = Math.max(1, Number(arg('--runs', '3')));
const SCALE_RUNS = Math.max(1, Number(arg('--scale-runs', '3')));
const SCALE_N = Number(arg('--scale-n', '10000'));
const ONLY = arg('--only', 'boot,cold,scale,sockets,notify,activation').split(',');
const FLAT = TSYSD_VARIANTS[0] as SystemDef;

/** One table row: a figure measured on both sides (or tsysd alone) over several runs. */
interface Row {
  figure: string; unit: string;
  tsysd: number[]; base: number[]; baseName: string;
  /** ratio floor on median(tsysd/base) (≤ for times, ≥ for rates), or an absolute bound on tsysd's median */
  floor?: { kind: 'ratio-max' | 'ratio-min' | 'abs-max'; value: number };
  note?: string;
}

const rows: Row[] = [];
const log = (s: string): void => { process.stderr.write(`[bench/all ${new Date().toISOString().slice(11, 19)}] ${s}\n`); };

function sorted(xs: number[]): number[] { return [...xs].sort((a, b) => a - b); }
function fmt(x: number): string {
  if (!Number.isFinite(x)) return '-';
  const a = Math.abs(x);
  return a >= 1000 ? x.toFixed(0) : a >= 100 ? x.toFixed(1) : a >= 1 ? x.toFixed(2) : x.toFixed(3);
}
function spread(xs: number[]): string {
  if (xs.length === 0) return '-';
  const v = sorted(xs);
  return xs.length === 1 ? fmt(v[0] as number) : `${fmt(v[0] as number)} / **${fmt(median(v))}** / ${fmt(v[v.length - 1] as number)}`;
}

/** Interleaved pairs: baseline then tsysd, `runs` times, at N services. */
async function pairs(base: SystemDef, ts: SystemDef, bins: Bins, n: number, runs: number, timeoutS: number): Promise<Array<[RunResult, RunResult]>> {
  const out: Array<[RunResult, RunResult]> = [];
  for (let k = 0; k < runs; k++) {
    const b = await runOne(base, bins, n, timeoutS);
    log(`N=${n} ${base.name}: start ${fmt(b.startS ?? NaN)} s, stop ${fmt(b.stopS ?? NaN)} s ${b.note}`);
    const t = await runOne(ts, bins, n, timeoutS);
    log(`N=${n} tsysd: start ${fmt(t.startS ?? NaN)} s, stop ${fmt(t.stopS ?? NaN)} s, RSS ${fmt(t.rssManagerMiB ?? NaN)} MiB ${JSON.stringify(t.extra)} ${t.note}`);
    out.push([b, t]);
  }
  return out;
}

const nums = (xs: Array<number | null | undefined>): number[] => xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));

async function boot(bins: Bins): Promise<void> {
  const p = await pairs(runit, FLAT, bins, 1000, RUNS, 120);
  rows.push({ figure: 'boot 1,000 services: start', unit: 's', baseName: 'runit', tsysd: nums(p.map((x) => x[1].startS)), base: nums(p.map((x) => x[0].startS)), floor: { kind: 'ratio-max', value: 1.0 } });
  rows.push({ figure: 'boot 1,000 services: stop', unit: 's', baseName: 'runit', tsysd: nums(p.map((x) => x[1].stopS)), base: nums(p.map((x) => x[0].stopS)), floor: { kind: 'ratio-max', value: 1.0 } });
  rows.push({ figure: 'boot 1,000 services: manager RSS', unit: 'MiB', baseName: 'runit', tsysd: nums(p.map((x) => x[1].rssManagerMiB)), base: nums(p.map((x) => x[0].rssManagerMiB)) });
}

async function cold(bins: Bins): Promise<void> {
  const p = await pairs(s6, FLAT, bins, 1, RUNS, 60);
  rows.push({ figure: 'cold start: exec → one service running', unit: 's', baseName: 's6-svscan', tsysd: nums(p.map((x) => x[1].startS)), base: nums(p.map((x) => x[0].startS)), floor: { kind: 'ratio-max', value: 1.5 } });
}

async function scale(bins: Bins): Promise<void> {
  const n = SCALE_N;
  const p = await pairs(s6, TSYSD_MEASURED, bins, n, SCALE_RUNS, 900);
  const N = n.toLocaleString('en-US');
  const ex = (k: string): number[] => nums(p.map((x) => x[1].extra[k]));
  rows.push({ figure: `scale ${N} services: start`, unit: 's', baseName: 's6-svscan', tsysd: nums(p.map((x) => x[1].startS)), base: nums(p.map((x) => x[0].startS)), floor: { kind: 'ratio-max', value: 1.3 } });
  rows.push({ figure: `scale ${N} services: stop`, unit: 's', baseName: 's6-svscan', tsysd: nums(p.map((x) => x[1].stopS)), base: nums(p.map((x) => x[0].stopS)) });
  rows.push({ figure: `scale ${N}: manager RSS (s6: s6-svscan alone)`, unit: 'MiB', baseName: 's6-svscan', tsysd: nums(p.map((x) => x[1].rssManagerMiB)), base: nums(p.map((x) => x[0].rssManagerMiB)), floor: { kind: 'abs-max', value: 300 / 1.048576 }, note: 'floor 300 MB' });
  rows.push({ figure: `scale ${N}: supervision tree PSS`, unit: 'MiB', baseName: 's6-svscan', tsysd: nums(p.map((x) => x[1].pssTreeMiB)), base: nums(p.map((x) => x[0].pssTreeMiB)) });
  rows.push({ figure: `scale ${N}: tsysctl daemon-reload`, unit: 's', baseName: '', tsysd: ex('reloadS'), base: [], floor: { kind: 'abs-max', value: 2 } });
  rows.push({ figure: `scale ${N}: tsysctl list-units --all`, unit: 's', baseName: '', tsysd: ex('listUnitsS'), base: [], floor: { kind: 'abs-max', value: 1 }, note: `${fmt(median(ex('listUnitsBytes')) / 1024)} KiB of output` });
  rows.push({ figure: `scale ${N}: D-Bus ListUnits (busctl, peer to peer)`, unit: 's', baseName: '', tsysd: ex('dbusListUnitsS'), base: [], note: `${fmt(median(ex('dbusListUnitsBytes')) / 1024)} KiB of output` });
  rows.push({ figure: `scale ${N}: tsysctl status of one unit`, unit: 's', baseName: '', tsysd: ex('statusS'), base: [] });
  rows.push({ figure: `scale ${N}: tsysctl list-unit-files`, unit: 's', baseName: '', tsysd: ex('listUnitFilesS'), base: [], note: `${fmt(median(ex('listUnitFilesBytes')) / 1024)} KiB of output` });
  rows.push({ figure: `tsysctl is-active (live manager, ${N} units; medians of 15 interleaved pairs per run)`, unit: 's', baseName: 'node -e 0', tsysd: ex('isActiveS'), base: ex('nodeBareS'), floor: { kind: 'ratio-max', value: 1.0 } });
}

async function sockets(bins: Bins): Promise<void> {
  const n = SCALE_N;
  const N = n.toLocaleString('en-US');
  const runs: RunResult[] = [];
  for (let k = 0; k < SCALE_RUNS; k++) {
    const r = await runOne(TSYSD_SOCKETS(n), bins, 1, 900);
    log(`${N} sockets: ready ${fmt(r.readyS ?? NaN)} s, stop ${fmt(r.stopS ?? NaN)} s, RSS ${fmt(r.rssManagerMiB ?? NaN)} MiB ${JSON.stringify(r.extra)} ${r.note}`);
    runs.push(r);
  }
  const ex = (k: string): number[] => nums(runs.map((r) => r.extra[k]));
  rows.push({ figure: `scale ${N} idle sockets: exec → running, all listening`, unit: 's', baseName: '', tsysd: nums(runs.map((r) => r.readyS)), base: [] });
  rows.push({ figure: `scale ${N} idle sockets: stop`, unit: 's', baseName: '', tsysd: nums(runs.map((r) => r.stopS)), base: [] });
  rows.push({ figure: `scale ${N} idle sockets: manager RSS (${(2 * n + 1).toLocaleString('en-US')} units loaded)`, unit: 'MiB', baseName: '', tsysd: nums(runs.map((r) => r.rssManagerMiB)), base: [] });
  rows.push({ figure: `scale ${N} idle sockets: tsysctl list-units --all`, unit: 's', baseName: '', tsysd: ex('listUnitsS'), base: [], floor: { kind: 'abs-max', value: 1 }, note: `${fmt(median(ex('listUnitsBytes')) / 1024)} KiB of output` });
  rows.push({ figure: `scale ${N} idle sockets: D-Bus ListUnits (busctl)`, unit: 's', baseName: '', tsysd: ex('dbusListUnitsS'), base: [], note: `${fmt(median(ex('dbusListUnitsBytes')) / 1024)} KiB of output` });
}

/** Run a sub-bench with TSYSD_BENCH_JSON=1; resolves with its `@json` line. */
function subBench(file: string, args: string[]): Promise<{ tsysd: number[]; base: number[] }> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [path.join(__dirname, file), ...args], { env: { ...process.env, TSYSD_BENCH_JSON: '1' }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (b: Buffer) => { out += b.toString(); });
    c.on('error', reject);
    c.on('close', (code) => {
      for (const l of out.split('\n')) if (!l.startsWith('@json')) log(`${file}: ${l}`);
      const j = out.split('\n').find((l) => l.startsWith('@json '));
      if (code !== 0 || !j) { reject(new Error(`${file} exited ${code} without figures`)); return; }
      resolve(JSON.parse(j.slice(6)) as { tsysd: number[]; base: number[] });
    });
  });
}

async function notify(): Promise<void> {
  const r = await subBench('notify.js', ['100', '200', '5']);
  rows.push({ figure: 'sd_notify: 100 senders × 200 datagrams, NotifyAccess=all', unit: 'datagrams/s', baseName: 'C receiver', tsysd: r.tsysd, base: r.base, floor: { kind: 'ratio-min', value: 0.5 } });
}

async function activation(): Promise<void> {
  const r = await subBench('activation.js', ['10', '3']);
  rows.push({ figure: 'Accept=yes, one client', unit: 'connections/s', baseName: 'systemd-socket-activate --inetd', tsysd: r.tsysd, base: r.base, floor: { kind: 'ratio-min', value: 1.0 } });
}

function table(): string {
  const head = '| figure | unit | tsysd min / **median** / max | baseline | baseline min / **median** / max | ratio tsysd/baseline (median of pairs; min–max) | floor | holds |\n|---|---|---|---|---|---|---|---|';
  const body = rows.map((r) => {
    const pr = r.base.length === r.tsysd.length && r.base.length > 0 ? r.tsysd.map((t, i) => t / (r.base[i] as number)) : [];
    const ratio = pr.length ? `${fmt(median(pr))}× (${fmt(Math.min(...pr))}–${fmt(Math.max(...pr))})` : '';
    let floor = '', holds = '';
    if (r.floor && r.tsysd.length) {
      const f = r.floor;
      if (f.kind === 'abs-max') { floor = `≤ ${fmt(f.value)} ${r.unit}`; holds = median(r.tsysd) <= f.value ? 'yes' : '**no**'; }
      else if (pr.length) {
        floor = `${f.kind === 'ratio-max' ? '≤' : '≥'} ${f.value}×`;
        holds = (f.kind === 'ratio-max' ? median(pr) <= f.value : median(pr) >= f.value) ? 'yes' : '**no**';
      }
      if (r.note) floor += ` (${r.note})`;
    } else if (r.note) floor = r.note;
    return `| ${r.figure} | ${r.unit} | ${spread(r.tsysd)} | ${r.baseName} | ${spread(r.base)} | ${ratio} | ${floor} | ${holds} |`;
  });
  return [head, ...body].join('\n');
}

function commit(): string {
  try {
    const root = path.resolve(__dirname, '..', '..');
    // .git is a directory in a clone, a `gitdir:` file in a worktree
    const dotGit = path.join(root, '.git');
    const head = fs.statSync(dotGit).isDirectory() ? '' : fs.readFileSync(dotGit, 'utf8');
    const gitDir = head.startsWith('gitdir:') ? head.slice(7).trim() : dotGit;
    const ref = fs.readFileSync(path.join(gitDir, 'HEAD'), 'utf8').trim();
    if (!ref.startsWith('ref: ')) return ref.slice(0, 7);
    const name = ref.slice(5);
    const common = fs.existsSync(path.join(gitDir, 'commondir')) ? path.resolve(gitDir, fs.readFileSync(path.join(gitDir, 'commondir'), 'utf8').trim()) : gitDir;
    for (const d of [gitDir, common]) { try { return fs.readFileSync(path.join(d, name), 'utf8').trim().slice(0, 7); } catch { /* packed */ } }
    const packed = fs.readFileSync(path.join(common, 'packed-refs'), 'utf8').split('\n').find((l) => l.endsWith(` ${name}`));
    return packed ? packed.slice(0, 7) : '?';
  } catch { return '?'; }
}

async function main(): Promise<void> {
  const started = new Date();
  const load0 = os.loadavg()[0] ?? 0;
  const bins = buildBins();
  const failed: string[] = [];
  const step = async (name: string, f: () => Promise<void>): Promise<void> => {
    if (!ONLY.includes(name)) return;
    log(`${name}…`);
    try { await f(); } catch (e) { failed.push(`${name}: ${e instanceof Error ? e.message : String(e)}`); log(`${name} failed: ${String(e)}`); }
  };
  try {
    await step('boot', () => boot(bins));
    await step('cold', () => cold(bins));
    await step('scale', () => scale(bins));
    await step('sockets', () => sockets(bins));
    await step('notify', notify);
    await step('activation', activation);
  } finally {
    fs.rmSync(bins.dir, { recursive: true, force: true });
  }
  const cpu = os.cpus()[0]?.model ?? '?';
  const md = [
    `tsysd ${commit()}, ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${os.cpus().length} × ${cpu}, ` +
      `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${os.release()}, node ${process.version}; load average ${load0.toFixed(1)} → ` +
      `${(os.loadavg()[0] ?? 0).toFixed(1)}; boot/cold: ${RUNS} interleaved pairs, scale: ${SCALE_RUNS}`,
    '',
    table(),
    ...(failed.length ? ['', `failed: ${failed.join('; ')}`] : []),
  ].join('\n');
  process.stdout.write(md + '\n');
  const out = arg('--out', '');
  if (out) fs.writeFileSync(out, md + '\n');
}

main().catch((e: unknown) => { process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`); process.exitCode = 1; });
