// `tsysd plan` computation: the transaction(s) `start|stop|restart UNIT...` would create on an idle
// system, as data: jobs, the partial order between them (pairs [first, second]), waves of jobs that can
// run in parallel, the effective dependencies of every loaded unit, and the cycles broken. Pure.
import type { Engine } from './engine';
import type { Unit } from './graph';
import type { JobMode, RequestedJobType, JobType } from './types';
import { jobCompare } from './jobtype';

export const PLAN_DEP_KINDS = ['Requires', 'Requisite', 'Wants', 'BindsTo', 'PartOf', 'Conflicts', 'Before', 'After', 'Triggers', 'TriggeredBy'] as const;

export interface PlanResult {
  ok: boolean;
  error?: string;
  jobs: Record<string, JobType>;
  order: [string, string][];
  waves: string[][];
  units: Record<string, { load_state: string; deps: Record<string, string[]> }>;
  cycles: { members: string[]; deleted_job: string | null }[];
}

export interface PlanOptions {
  /** Load these first (a running manager has default.target's closure loaded: reverse edges known). */
  preload?: string[];
  /** What-if on a running system: every loaded unit counts as active (for --stop/--restart). */
  assumeActive?: boolean;
  /** Units already active on this system (e.g. mounts in /proc/self/mountinfo, as `systemd --test` sees them). */
  active?: string[];
}

export function planTransaction(engine: Engine, names: string[], type: RequestedJobType = 'start', mode: JobMode = 'replace', opts: PlanOptions = {}): PlanResult {
  engine.hold = true;
  for (const p of opts.preload ?? []) engine.graph.unit(p);
  for (const n of names) engine.graph.unit(n);
  if (opts.assumeActive) for (const u of engine.graph.units()) if (u.loadState === 'loaded') u.activeState = 'active';
  for (const n of opts.active ?? []) { const u = engine.graph.unit(n); if (u.loadState === 'loaded') u.activeState = 'active'; }
  const res: PlanResult = { ok: true, jobs: {}, order: [], waves: [], units: {}, cycles: [] };
  const jobs = new Map<Unit, { type: JobType; ignoreOrder: boolean }>();
  for (const n of names) {
    const single = names.length === 1;
    const r = engine.enqueue(n, type, mode, { dryRun: single });
    res.cycles.push(...r.cycles.map((c) => ({ members: c.members, deleted_job: c.deletedJob })));
    if (!r.ok) { res.ok = false; res.error = r.message; break; }
    if (single) for (const j of engine.lastDryRun) jobs.set(engine.graph.unit(j.unit), { type: j.type, ignoreOrder: j.ignoreOrder });
  }
  if (names.length > 1 && res.ok) for (const j of engine.listJobs()) {
    const u = engine.graph.unit(j.unit);
    jobs.set(u, { type: j.type, ignoreOrder: u.job?.ignoreOrder ?? false });
  }
  if (!res.ok) jobs.clear();
  const sorted = [...jobs.keys()].sort((a, b) => cmp(a.id, b.id));
  for (const u of sorted) res.jobs[u.id] = jobs.get(u)!.type;
  // partial order
  const pairs = new Map<string, [string, string]>();
  const succ = new Map<Unit, Set<Unit>>();
  const add = (a: Unit, b: Unit): void => {
    const k = `${a.id}\0${b.id}`;
    if (pairs.has(k)) return;
    pairs.set(k, [a.id, b.id]);
    let s = succ.get(a); if (!s) { s = new Set(); succ.set(a, s); } s.add(b);
  };
  for (const u of sorted) {
    const ju = jobs.get(u)!;
    for (const dir of ['After', 'Before'] as const) for (const o of u.get(dir)) {
      const jo = jobs.get(o);
      if (!jo) continue;
      const c = jobCompare(ju, jo, dir === 'After' ? 'after' : 'before');
      if (c > 0) add(o, u); else if (c < 0) add(u, o);
    }
  }
  res.order = [...pairs.values()].sort((a, b) => cmp(a[0], b[0]) || cmp(a[1], b[1]));
  // waves (Kahn layering)
  const indeg = new Map<Unit, number>();
  for (const u of sorted) indeg.set(u, 0);
  for (const s of succ.values()) for (const b of s) indeg.set(b, (indeg.get(b) ?? 0) + 1);
  let wave = sorted.filter((u) => indeg.get(u) === 0);
  const placed = new Set<Unit>();
  while (wave.length) {
    res.waves.push(wave.map((u) => u.id));
    const next: Unit[] = [];
    for (const u of wave) { placed.add(u); for (const b of succ.get(u) ?? []) { const d = indeg.get(b)! - 1; indeg.set(b, d); if (d === 0) next.push(b); } }
    wave = next.sort((a, b) => cmp(a.id, b.id));
  }
  const left = sorted.filter((u) => !placed.has(u));
  if (left.length) res.waves.push(left.map((u) => u.id));   // only with installed-job cycles; never in a plan
  for (const u of [...engine.graph.units()].sort((a, b) => cmp(a.id, b.id))) {
    res.units[u.id] = { load_state: u.loadState, deps: engine.graph.effectiveDeps(u, PLAN_DEP_KINDS) };
  }
  return res;
}

function cmp(a: string, b: string): number { return a < b ? -1 : a > b ? 1 : 0; }
