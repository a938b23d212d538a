// `tsysd plan [--unit-path DIR]... [--user] [--mode MODE] [--json] [--stop|--restart] UNIT...`: prints the
// transaction `start UNIT` (or stop/restart) would create on an idle system: jobs, the partial order, the
// waves that could run in parallel, cycles broken. Also owns makeFileLoader(): unit files → UnitConfig for
// offline tools (plan, list-dependencies), using src/directives/compile.ts when present and otherwise a
// clearly-marked minimal adapter that reads only what the engine needs.
import * as path from 'node:path';
import { loadUnitSource } from '../unit-file/load';
import { unitSearchPath } from '../unit-file/paths';
import { expandSpecifiers, hostSpecifierContext } from '../unit-file/specifiers';
import { unitNameIsValid } from '../unit-file/names';
import type { UnitSource, SpecifierContext } from '../unit-file/types';
import type { UnitConfig, DepKind, ServiceType, StdOutput, ListenKind } from '../directives/types';
import { DEP_KINDS } from '../directives/types';
import { Engine, planTransaction, synthesizeUnit } from '../engine';
import type { JobMode, PlanResult, UnitLoader } from '../engine';

type Compile = (src: UnitSource, ctx: SpecifierContext) => UnitConfig;

function findCompiler(): Compile | null {
  if (process.env['TSYSD_PLAN_ADAPTER'] === '1') return null;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m: unknown = require('../directives/compile');
    if (m && typeof m === 'object' && 'compileUnit' in m && typeof (m as { compileUnit: unknown }).compileUnit === 'function') {
      return (m as { compileUnit: Compile }).compileUnit;
    }
  } catch { /* not built yet */ }
  return null;
}

/** A loader over a unit search path: name → UnitConfig (not-found/masked included). */
export function makeFileLoader(searchPath: string[], userMode: boolean): UnitLoader {
  const ctx = hostSpecifierContext(userMode);
  const compile = findCompiler() ?? adapterCompile;
  return (name: string) => {
    const src = loadUnitSource(name, searchPath);
    const c = compile(src, ctx);
    if (c.loadState === 'loaded') c.depOrder = depOrder(src, c, ctx);
    return c;
  };
}

/** The [Unit] dependency assignments in file order, restricted to names the compiler accepted. Loaders
 * should set `cfg.depOrder = depOrder(src, cfg, ctx)` so the engine adds edges in systemd's order. */
export function depOrder(src: UnitSource, c: UnitConfig, ctx: SpecifierContext): { kind: DepKind; name: string }[] {
  const su = { id: src.id, prefix: src.prefix, instance: src.instance, type: src.type, fragmentPath: src.fragmentPath };
  const out: { kind: DepKind; name: string }[] = [];
  const seen = new Set<string>();
  for (const a of src.assignments) {
    if (a.section !== 'Unit' || !(DEP_KINDS as readonly string[]).includes(a.key)) continue;
    const kind = a.key as DepKind;
    for (const w of a.value.split(/\s+/).filter(Boolean)) {
      const r = expandSpecifiers(w, su, ctx);
      const n = r.ok ? r.value : w;
      const k = `${kind}\0${n}`;
      if (seen.has(k) || !c.unit.deps[kind].includes(n)) continue;
      seen.add(k);
      out.push({ kind, name: n });
    }
  }
  for (const kind of DEP_KINDS) for (const n of c.unit.deps[kind]) if (!seen.has(`${kind}\0${n}`)) out.push({ kind, name: n });
  return out;
}

// ---- ADAPTER (engine-owned, minimal): used only until src/directives/compile.ts exists -----------------
const BOOL_TRUE = new Set(['1', 'yes', 'y', 'true', 't', 'on']);
const BOOL_FALSE = new Set(['0', 'no', 'n', 'false', 'f', 'off']);
function adapterCompile(src: UnitSource, ctx: SpecifierContext): UnitConfig {
  const c = synthesizeUnit(src.id, src.loadState === 'loaded' ? 'loaded' : src.loadState);
  c.names = [...src.names]; c.fragmentPath = src.fragmentPath; c.dropInPaths = [...src.dropInPaths];
  c.wantsFromDirs = [...src.wantsFromDirs]; c.requiresFromDirs = [...src.requiresFromDirs];
  c.diagnostics = [...src.diagnostics];
  if (src.loadState !== 'loaded') return c;
  const su = { id: src.id, prefix: src.prefix, instance: src.instance, type: src.type, fragmentPath: src.fragmentPath };
  const exp = (v: string): string => { const r = expandSpecifiers(v, su, ctx); return r.ok ? r.value : v; };
  const bool = (v: string, d: boolean): boolean => BOOL_TRUE.has(v.toLowerCase()) ? true : BOOL_FALSE.has(v.toLowerCase()) ? false : d;
  let hasExecStart = false;
  for (const a of src.assignments) {
    const v = a.value;
    if (a.section === 'Unit') {
      if ((DEP_KINDS as readonly string[]).includes(a.key)) {
        const list = c.unit.deps[a.key as DepKind];
        for (const w of v.split(/\s+/).filter(Boolean).map(exp)) if (unitNameIsValid(w) && w !== src.id && !list.includes(w)) list.push(w);
      } else if (a.key === 'DefaultDependencies') c.unit.defaultDependencies = bool(v, true);
      else if (a.key === 'StopWhenUnneeded') c.unit.stopWhenUnneeded = bool(v, false);
      else if (a.key === 'RefuseManualStart') c.unit.refuseManualStart = bool(v, false);
      else if (a.key === 'RefuseManualStop') c.unit.refuseManualStop = bool(v, false);
      else if (a.key === 'AllowIsolate') c.unit.allowIsolate = bool(v, false);
      else if (a.key === 'IgnoreOnIsolate') c.unit.ignoreOnIsolate = bool(v, false);
      else if (a.key === 'Description') c.unit.description = exp(v);
    } else if (a.section === 'Service' && c.service) {
      if (a.key === 'Type') c.service.type = v as ServiceType;
      else if (a.key === 'BusName') { c.service.busName = v; }
      else if (a.key === 'Sockets') for (const w of v.split(/\s+/).filter(Boolean).map(exp)) c.service.sockets.push(w);
      else if (a.key === 'ExecStart') hasExecStart = hasExecStart || v !== '';
      else if (a.key === 'ExecReload' && v) c.service.execReload.push({ path: v, argv: [v], ignoreFailure: false, noEnvExpand: false, privileged: '', file: a.file, line: a.line });
      else if (a.key === 'PrivateTmp') c.exec.privateTmp = bool(v, false);
      else if (a.key === 'StandardOutput') c.exec.standardOutput = v as StdOutput;
      else if (a.key === 'StandardError') c.exec.standardError = v as StdOutput;
      else if (a.key === 'RemainAfterExit') c.service.remainAfterExit = bool(v, false);
    } else if (a.section === 'Socket' && c.socket) {
      const kinds: Record<string, ListenKind> = { ListenStream: 'stream', ListenDatagram: 'datagram', ListenSequentialPacket: 'seqpacket', ListenFIFO: 'fifo', ListenSpecial: 'special', ListenNetlink: 'netlink', ListenMessageQueue: 'mqueue' };
      const k = kinds[a.key];
      if (k && v) c.socket.listen.push({ kind: k, address: exp(v), file: a.file, line: a.line });
      else if (a.key === 'Accept') c.socket.accept = bool(v, false);
      else if (a.key === 'Service') c.socket.service = exp(v);
    }
  }
  if (c.service && c.service.type === 'simple' && !hasExecStart) c.service.type = 'oneshot';
  if (c.service && !hasExecStart && !c.service.remainAfterExit) { c.loadState = 'bad-setting'; c.loadError = 'Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.'; }
  if (c.service?.type === 'dbus' && !c.service.busName) { c.loadState = 'bad-setting'; }
  return c;
}
// ---- end ADAPTER ----------------------------------------------------------------------------------------

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
