// `tsysd plan [--unit-path DIR]... [--user] [--mode MODE] [--json] [--stop|--restart] UNIT...`: prints the
// transaction `start UNIT` (or stop/restart) would create on an idle system: jobs, the partial order, the
// waves that could run in parallel, cycles broken. Also owns makeFileLoader(): unit files → UnitConfig for
// offline tools (plan, list-dependencies) through src/unit-file and src/directives/compile.ts (which also
// records the file order of [Unit] dependencies, see directives/dep-order.ts).
import * as path from 'node:path';
import { loadUnitSource } from '../unit-file/load';
import { unitSearchPath } from '../unit-file/paths';
import { hostSpecifierContext } from '../unit-file/specifiers-host';
import { compileUnit } from '../directives/compile';
import { Engine, planTransaction } from '../engine';
import type { JobMode, PlanResult, UnitLoader } from '../engine';

/** A loader over a unit search path: name → UnitConfig (not-found/masked included). */
export function makeFileLoader(searchPath: string[], userMode: boolean): UnitLoader {
  const ctx = hostSpecifierContext(userMode);
  return (name: string) => {
    const src = loadUnitSource(name, searchPath);
    return compileUnit(src, ctx);   // compileUnit fills depOrder
  };
}

export { depOrder } from '../directives/dep-order';

const MODES: JobMode[] = ['replace', 'fail', 'isolate', 'ignore-dependencies', 'ignore-requirements', 'flush', 'replace-irreversibly'];

export interface PlanArgs { unitPaths: string[]; user: boolean; mode: JobMode; json: boolean; type: 'start' | 'stop' | 'restart'; units: string[] }

export function parsePlanArgs(argv: string[]): PlanArgs | string {
  const a: PlanArgs = { unitPaths: [], user: false, mode: 'replace', json: false, type: 'start', units: [] };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i]!;
    const val = (): string | undefined => { if (x.includes('=')) return x.slice(x.indexOf('=') + 1); return argv[++i]; };
    if (x === '--unit-path' || x.startsWith('--unit-path=')) { const v = val(); if (!v) return '--unit-path needs a directory'; a.unitPaths.push(v); }
    else if (x === '--mode' || x.startsWith('--mode=') || x === '--job-mode' || x.startsWith('--job-mode=')) { const v = val(); if (!v || !MODES.includes(v as JobMode)) return `Unknown job mode '${v ?? ''}'.`; a.mode = v as JobMode; }
    else if (x === '--json') a.json = true;
    else if (x === '--user') a.user = true;
    else if (x === '--system') a.user = false;
    else if (x === '--stop') a.type = 'stop';
    else if (x === '--restart') a.type = 'restart';
    else if (x === '--start') a.type = 'start';
    else if (x.startsWith('-')) return `Unknown option ${x}`;
    else a.units.push(x.includes('.') ? x : `${x}.service`);
  }
  if (!a.units.length) return 'plan needs at least one unit';
  return a;
}

/** Build the plan for parsed args (exported for tests and the daemon). */
export function computePlan(a: PlanArgs, logs?: string[]): PlanResult {
  const searchPath = unitSearchPath({ userMode: a.user, unitPaths: a.unitPaths.map((p) => path.resolve(p)) });
  const engine = new Engine({
    loader: makeFileLoader(searchPath, a.user), userMode: a.user,
    host: { runJob: () => 'wait', log: (l) => { if (logs && l.level !== 'debug') logs.push(`${l.unit}: ${l.message}`); } },
  });
  // start: the transaction on an idle system. stop/restart: what-if on a running system (everything
  // reachable from default.target loaded and active), so propagation to dependents shows.
  const whatIf = a.type !== 'start';
  return planTransaction(engine, a.units, a.type, a.mode, whatIf ? { preload: ['default.target'], assumeActive: true } : {});
}

export function renderPlanText(p: PlanResult, logs: string[]): string {
  const out: string[] = [];
  for (const l of logs) out.push(l);
  if (!p.ok) { out.push(`Transaction refused: ${p.error ?? ''}`); return out.join('\n') + '\n'; }
  const n = Object.keys(p.jobs).length;
  out.push(`${n} job${n === 1 ? '' : 's'}, ${p.waves.length} wave${p.waves.length === 1 ? '' : 's'}:`);
  p.waves.forEach((w, i) => {
    out.push(`wave ${i + 1}:`);
    for (const u of w) {
      const after = p.order.filter(([, b]) => b === u).map(([x]) => x);
      out.push(`  ${u}/${p.jobs[u] ?? '?'}${after.length ? `  (after ${after.join(', ')})` : ''}`);
    }
  });
  for (const c of p.cycles) out.push(`cycle: ${c.members.join(' -> ')}: ${c.deleted_job ? `deleted ${c.deleted_job}` : 'unbreakable'}`);
  return out.join('\n') + '\n';
}

export async function runPlan(argv: string[]): Promise<number> {
  const a = parsePlanArgs(argv);
  if (typeof a === 'string') { process.stderr.write(`tsysd plan: ${a}\n`); return 2; }
  const logs: string[] = [];
  const p = computePlan(a, logs);
  if (a.json) process.stdout.write(JSON.stringify(p) + '\n');
  else process.stdout.write(renderPlanText(p, logs));
  if (a.json) for (const l of logs) process.stderr.write(l + '\n');
  return p.ok ? 0 : 1;
}

if (require.main === module) {
  runPlan(process.argv.slice(2)).then((rc) => { process.exitCode = rc; }, (e: unknown) => { process.stderr.write(`${String(e)}\n`); process.exitCode = 1; });
}
