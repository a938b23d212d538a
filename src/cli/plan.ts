// `tsysd plan [--unit-path DIR]... [--user] [--mode MODE] [--json|--svg] [--stop|--restart] [--no-builtins] [--host-mounts] UNIT...`: prints the
// transaction `start UNIT` (or stop/restart) would create on an idle system: jobs, the partial order, the
// waves that could run in parallel, cycles broken. Also owns makeFileLoader(): unit files → UnitConfig for
// offline tools (plan, list-dependencies) through src/unit-file and src/directives/compile.ts (which also
// records the file order of [Unit] dependencies, see directives/dep-order.ts).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BUILTIN_UNITS } from '../manager/builtin-units';
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

export interface PlanArgs { unitPaths: string[]; user: boolean; mode: JobMode; json: boolean; svg?: boolean; type: 'start' | 'stop' | 'restart'; units: string[]; generators?: boolean;
  /** Append the daemon's built-in targets to the search path (default; --no-builtins: as `systemd --test`). */
  builtins?: boolean;
  /** Mounts in this host's /proc/self/mountinfo count as active, as `systemd --test` sees them (--host-mounts). */
  hostMounts?: boolean }

export function parsePlanArgs(argv: string[]): PlanArgs | string {
  const a: PlanArgs = { unitPaths: [], user: false, mode: 'replace', json: false, type: 'start', units: [] };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i]!;
    const val = (): string | undefined => { if (x.includes('=')) return x.slice(x.indexOf('=') + 1); return argv[++i]; };
    if (x === '--unit-path' || x.startsWith('--unit-path=')) { const v = val(); if (!v) return '--unit-path needs a directory'; a.unitPaths.push(v); }
    else if (x === '--mode' || x.startsWith('--mode=') || x === '--job-mode' || x.startsWith('--job-mode=')) { const v = val(); if (!v || !MODES.includes(v as JobMode)) return `Unknown job mode '${v ?? ''}'.`; a.mode = v as JobMode; }
    else if (x === '--json') a.json = true;
    else if (x === '--generators' || x === '--generators=yes') a.generators = true;
    else if (x === '--no-generators' || x === '--generators=no') a.generators = false;
    else if (x === '--no-builtins') a.builtins = false;
    else if (x === '--host-mounts') a.hostMounts = true;
    else if (x === '--svg') a.svg = true;
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

let builtinDir = '';
/** The daemon's built-in targets (src/manager/builtin-units.ts) written once per process into a temp dir
 *  (removed at exit), appended to the search path as the daemon does: `plan` on a bare unit directory then
 *  resolves sysinit.target & co. like the daemon that would boot it (a real file of the same name wins). */
export function builtinUnitsDir(): string {
  if (builtinDir && fs.existsSync(builtinDir)) return builtinDir;
  builtinDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-builtin-units-'));
  for (const [name, text] of Object.entries(BUILTIN_UNITS)) fs.writeFileSync(path.join(builtinDir, name), text, { mode: 0o644 });
  const dir = builtinDir;
  process.once('exit', () => { try { fs.rmSync(dir, { recursive: true, force: true }); } catch { /* gone */ } });
  return builtinDir;
}

/** The mount units of this host's /proc/self/mountinfo (what `systemd --test` finds active). */
function hostMountUnits(): string[] {
  const { mountUnitsFromMountinfo, parseMountinfo } = require('../units/mount/mountinfo') as typeof import('../units/mount/mountinfo');
  let text = '';
  try { text = fs.readFileSync('/proc/self/mountinfo', 'utf8'); } catch { /* no /proc: nothing mounted that we know of */ }
  return [...mountUnitsFromMountinfo(parseMountinfo(text)).keys()];
}

/** Build the plan for parsed args (exported for tests and the daemon). */
export function computePlan(a: PlanArgs, logs?: string[]): PlanResult {
  const searchPath = [...unitSearchPath({ userMode: a.user, unitPaths: a.unitPaths.map((p) => path.resolve(p)) }), ...(a.builtins === false ? [] : [builtinUnitsDir()])];
  const { detectContainer, devicesSupported } = require('../platform/conditions-real') as typeof import('../platform/conditions-real');
  const engine = new Engine({
    loader: makeFileLoader(searchPath, a.user), userMode: a.user, container: detectContainer() !== null, devices: devicesSupported(),
    host: { runJob: () => 'wait', log: (l) => { if (logs && l.level !== 'debug') logs.push(`${l.unit}: ${l.message}`); } },
  });
  // start: the transaction on an idle system. stop/restart: what-if on a running system (everything
  // reachable from default.target loaded and active), so propagation to dependents shows.
  const whatIf = a.type !== 'start';
  const active = a.hostMounts ? hostMountUnits() : [];
  return planTransaction(engine, a.units, a.type, a.mode, whatIf ? { preload: ['default.target'], assumeActive: true, active } : { active });
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
  const parsed = parsePlanArgs(argv);
  if (typeof parsed === 'string') { process.stderr.write(`tsysd plan: ${parsed}\n`); return 2; }
  let a = parsed;
  const logs: string[] = [];
  let cleanup = (): void => undefined;
  if (a.generators) {
    // As `systemd --test` does: the generators write into a temporary directory placed at the generator
    // positions of the search path (src/generators/setup.ts).
    const { withOfflineGenerators } = require('./generators') as typeof import('./generators');
    const g = await withOfflineGenerators(a.unitPaths, a.user);
    cleanup = g.cleanup;
    a = { ...a, unitPaths: g.searchPath };
    for (const l of g.logs) process.stderr.write(`${l}\n`);
  }
  let p: PlanResult;
  try { p = computePlan(a, logs); } finally { cleanup(); }
  if (a.svg) {
    // The planned jobs as waves on analyze plot's chart (src/analyze/plan-svg.ts); messages to stderr.
    const { renderPlanSvg } = require('../analyze/plan-svg') as typeof import('../analyze/plan-svg');
    const version = (require('../../../package.json') as { version: string }).version;
    process.stdout.write(renderPlanSvg(p, `${a.type} ${a.units.join(' ')}`, version));
    for (const l of logs) process.stderr.write(l + '\n');
    return p.ok ? 0 : 1;
  }
  if (a.json) process.stdout.write(JSON.stringify(p) + '\n');
  else process.stdout.write(renderPlanText(p, logs));
  if (a.json) for (const l of logs) process.stderr.write(l + '\n');
  return p.ok ? 0 : 1;
}

if (require.main === module) {
  runPlan(process.argv.slice(2)).then((rc) => { process.exitCode = rc; }, (e: unknown) => { process.stderr.write(`${String(e)}\n`); process.exitCode = 1; });
}
