// Transaction building and activation, in systemd 252's transaction.c order:
//   add anchor + recursive dependencies → mark jobs that matter → (fail mode) minimize impact →
//   drop redundant → loop { GC, verify order / break cycles } → loop { merge / drop unmergeable, GC } →
//   drop redundant → destructiveness check. Applying (installing) is the engine's job.
// Determinism: where systemd iterates hashmaps (random order), we iterate insertion order; jobs of one
// unit are kept newest-first as systemd's LIST_PREPEND does. Ordering edges never pull units in.
import type { Graph, Unit } from './graph';
import { Job } from './job';
import type { EngineLog, JobMode, JobType, DepType } from './types';
import { ATOM, EngineError } from './types';
import { collapse, isConflicting, isRedundant, jobCompare, mergeAndCollapse, isMergeable } from './jobtype';

export interface CycleInfo { members: string[]; deletedJob: string | null }

interface Item { t: JobType; dep: Unit; mode: 'matters' | 'ignored' | 'reload'; conflicts: boolean }
interface Frame { job: Job; items: Item[]; i: number }

export class Transaction {
  readonly jobs = new Map<Unit, Job[]>();   // per unit, newest first
  anchor: Job | null = null;
  readonly cycles: CycleInfo[] = [];
  constructor(
    private readonly graph: Graph,
    private readonly newId: () => number,
    private readonly log: (l: EngineLog) => void,
    readonly irreversible: boolean,
    private readonly allJobs: () => Iterable<Job>,
  ) {}

  private head(u: Unit): Job | undefined { return this.jobs.get(u)?.[0]; }

  private addOneJob(type: JobType, unit: Unit): { job: Job; isNew: boolean } {
    const list = this.jobs.get(unit);
    if (list) for (const j of list) if (j.type === type) return { job: j, isNew: false };
    const j = new Job(this.newId(), unit, type);
    j.irreversible = this.irreversible;
    if (list) list.unshift(j); else this.jobs.set(unit, [j]);
    return { job: j, isNew: true };
  }

  private link(subject: Job, object: Job, matters: boolean, conflicts: boolean): void {
    const l = { subject, object, matters, conflicts };
    subject.subjects.push(l); object.objects.push(l);
  }

  /** Validate and add one job (+ its link); returns the job and whether its dependencies must be added. */
  private addOne(type: JobType, unit: Unit, by: Job | null, matters: boolean, conflicts: boolean, ignoreOrder: boolean): { job: Job; isNew: boolean } {
    if (type !== 'stop') { const e = unit.loadStateError(); if (e) throw e; }
    if (!applicable(unit, type)) throw new EngineError('not-applicable', `Job type ${type} is not applicable for unit ${unit.id}.`);
    const r = this.addOneJob(type, unit);
    r.job.ignoreOrder = r.job.ignoreOrder || ignoreOrder;
    if (by) this.link(by, r.job, matters, conflicts);
    else this.anchor = r.job;
    return r;
  }

  /** The dependency jobs a new job pulls in, in systemd's order (atoms, then edge order). */
  private itemsFor(job: Job): Item[] {
    const unit = job.unit, type = job.type;
    const items: Item[] = [];
    const push = (kinds: readonly DepType[], t: JobType, mode: Item['mode'], conflicts: boolean): void => {
      for (const dep of depsOf(unit, kinds)) items.push({ t, dep, mode, conflicts });
    };
    if (type === 'start' || type === 'restart') {
      push(ATOM.pullInStart, 'start', 'matters', false);
      push(ATOM.pullInStartIgnored, 'start', 'ignored', false);
      push(ATOM.pullInVerify, 'verify-active', 'matters', false);
      push(ATOM.pullInStop, 'stop', 'matters', true);
      push(ATOM.pullInStopIgnored, 'stop', 'ignored', false);
    }
    if (type === 'stop' || type === 'restart') {
      const restarted = new Set<Unit>();
      if (type === 'restart') for (const dep of depsOf(unit, ATOM.propagateRestart)) {
        restarted.add(dep);
        const nt = collapse('try-restart', dep.activeState);
        if (nt !== 'nop') items.push({ t: nt, dep, mode: 'matters', conflicts: false });
      }
      for (const dep of depsOf(unit, ATOM.propagateStop)) if (!restarted.has(dep)) items.push({ t: 'stop', dep, mode: 'matters', conflicts: false });
    }
    if (type === 'stop') push(ATOM.propagateStopGraceful, 'stop', 'matters', false);
    if (type === 'reload') for (const dep of depsOf(unit, ATOM.propagatesReloadTo)) {
      const nt = collapse('try-reload', dep.activeState);
      if (nt !== 'nop') items.push({ t: nt, dep, mode: 'reload', conflicts: false });
    }
    return items;
  }

  /** transaction_add_job_and_dependencies, iterative (deep requirement chains must not overflow the
   * stack) with the recursive version's exact order and error propagation: an error aborts the unit's
   * dependency list and travels up until a Wants-like edge (or reload propagation) absorbs it, and
   * "not applicable" is ignored on requirement edges. Throws EngineError where systemd returns one. */
  addJobAndDependencies(type: JobType, unit: Unit, by: Job | null, matters: boolean, conflicts: boolean,
    ignoreRequirements: boolean, ignoreOrder: boolean): Job {
    const root = this.addOne(type, unit, by, matters, conflicts, ignoreOrder);
    if (!root.isNew || ignoreRequirements || type === 'nop') return root.job;
    const stack: Frame[] = [{ job: root.job, items: this.itemsFor(root.job), i: 0 }];
    while (stack.length) {
      const f = stack[stack.length - 1]!;
      const it = f.items[f.i++];
      if (!it) { stack.pop(); continue; }
      let err: EngineError | null = null;
      try {
        const r = this.addOne(it.t, it.dep, f.job, it.mode === 'matters', it.conflicts, ignoreOrder);
        if (r.isNew && it.t !== 'nop') stack.push({ job: r.job, items: this.itemsFor(r.job), i: 0 });
        continue;
      } catch (e) { if (!(e instanceof EngineError)) throw e; err = e; }
      // Unwind: the frame whose item failed handles the error, or fails itself and passes it up.
      for (;;) {
        const g = stack[stack.length - 1];
        if (!g) throw err;
        const cur = g.items[g.i - 1]!;
        if (cur.mode === 'ignored') {
          const quiet = err.code === 'masked' || err.code === 'not-applicable' || err.code === 'not-found';
          this.log({ level: quiet ? 'debug' : 'warning', unit: cur.dep.id, message: `Cannot add dependency job, ignoring: ${err.message}` });
          break;
        }
        if (cur.mode === 'reload') { this.log({ level: 'warning', unit: cur.dep.id, message: `Cannot add dependency reload job, ignoring: ${err.message}` }); break; }
        if (err.code === 'not-applicable') break;
        stack.pop();
        if (!stack.length) throw err;
      }
    }
    return root.job;
  }

  addPropagateReloadJobs(unit: Unit, by: Job, ignoreOrder: boolean): void {
    for (const dep of depsOf(unit, ATOM.propagatesReloadTo)) {
      const nt = collapse('try-reload', dep.activeState);
      if (nt === 'nop') continue;
      try { this.addJobAndDependencies(nt, dep, by, false, false, false, ignoreOrder); } catch (e) {
        if (!(e instanceof EngineError)) throw e;
        this.log({ level: 'warning', unit: dep.id, message: `Cannot add dependency reload job, ignoring: ${e.message}` });
      }
    }
  }

  /** transaction_add_isolate_jobs: stop everything active (or with a job) not in the transaction. */
  addIsolateJobs(): void {
    for (const u of this.graph.units()) {
      if (u.config.unit.ignoreOnIsolate || u.perpetual) continue;
      if ((u.activeState === 'inactive' || u.activeState === 'failed') && !u.job) continue;
      if (this.jobs.has(u)) continue;
      try { this.addJobAndDependencies('stop', u, this.anchor, true, false, false, false); } catch (e) {
        if (!(e instanceof EngineError)) throw e;
        this.log({ level: 'warning', unit: u.id, message: `Cannot add isolate job, ignoring: ${e.message}` });
      }
    }
  }

  /** transaction_add_triggering_jobs (job mode "triggering"): also stop the units that trigger this one. */
  addTriggeringJobs(unit: Unit): void {
    for (const t of unit.get('TriggeredBy')) {
      if ((t.activeState === 'inactive' || t.activeState === 'failed') && !t.job) continue;
      if (this.jobs.has(t)) continue;
      try { this.addJobAndDependencies('stop', t, this.anchor, true, false, false, false); } catch (e) {
        if (!(e instanceof EngineError)) throw e;
        this.log({ level: 'warning', unit: unit.id, message: `Cannot add triggered by job, ignoring: ${e.message}` });
      }
    }
  }

  // ---- deletion -------------------------------------------------------------------------------------
  /** transaction_delete_job (+ unlink): with deleteDependencies, jobs that required this one (through a
   * "matters" link) go too, transitively; done with a worklist so long chains cannot overflow the stack. */
  private deleteJob(first: Job, deleteDependencies: boolean): void {
    const work: Job[] = [first];
    for (let j = work.pop(); j; j = work.pop()) {
      if (j.deleted) continue;
      j.deleted = true;
      if (this.anchor === j) this.anchor = null;
      const list = this.jobs.get(j.unit);
      if (list) {
        const i = list.indexOf(j);
        if (i >= 0) list.splice(i, 1);
        if (list.length === 0) this.jobs.delete(j.unit);
      }
      for (const l of j.subjects) removeFrom(l.object.objects, l);
      j.subjects = [];
      const objs = j.objects;
      j.objects = [];
      for (const l of objs) {
        removeFrom(l.subject.subjects, l);
        if (l.matters && deleteDependencies && !l.subject.deleted) {
          this.log({ level: 'debug', unit: l.subject.unit.id, message: `Deleting job ${l.subject.name} as dependency of job ${j.name}` });
          work.push(l.subject);
        }
      }
    }
  }
  private deleteUnit(u: Unit): void {
    let list: Job[] | undefined;
    while ((list = this.jobs.get(u)) && list[0]) this.deleteJob(list[0], true);
  }

  // ---- activation steps -----------------------------------------------------------------------------
  private markMatters(j: Job, gen: number): void {
    const stack: Job[] = [j];
    j.matters = true; j.generation = gen;
    while (stack.length) {
      const x = stack.pop()!;
      for (const l of x.subjects) {
        if (!l.matters || l.object.generation === gen) continue;
        l.object.matters = true; l.object.generation = gen;
        stack.push(l.object);
      }
    }
  }

  private minimizeImpact(): void {
    for (;;) {
      let changed = false;
      outer: for (const list of this.jobs.values()) {
        for (const j of list) {
          if (j.matters) continue;
          const stopsRunning = j.type === 'stop' && (j.unit.activeState === 'active' || j.unit.activeState === 'reloading' || j.unit.activeState === 'activating');
          const changesExisting = !!j.unit.job && isConflictingSafe(j.type, j.unit.job.type);
          if (!stopsRunning && !changesExisting) continue;
          this.log({ level: 'debug', unit: j.unit.id, message: `Deleting ${j.name} to minimize impact.` });
          this.deleteJob(j, true);
          changed = true;
          break outer;
        }
      }
      if (!changed) return;
    }
  }

  /** Redundancy depends only on unit state and installed jobs, and deleting without dependencies
   * changes neither, so one pass finds what systemd's restart-after-each-deletion loop finds. */
  private dropRedundant(): void {
    for (const [u, list] of [...this.jobs]) {
      const keep = list.some((k) => this.anchor === k || !isRedundant(k.type, u.activeState) || (!!u.job && isConflictingSafe(k.type, u.job.type)));
      if (!keep) for (const j of [...list]) this.deleteJob(j, false);
    }
  }

  /** Drop jobs nothing pulls in, to a fixpoint (order-independent: what survives is what the anchor
   * reaches through links). Passes are linear, so large transactions never go quadratic. */
  private collectGarbage(): void {
    for (let again = true; again;) {
      again = false;
      for (const list of [...this.jobs.values()]) {
        const j = list[0];
        if (!j || j.deleted || this.anchor === j || j.objects.length) continue;
        this.log({ level: 'debug', unit: j.unit.id, message: `Garbage collecting job ${j.name}` });
        this.deleteJob(j, true);
        again = true;
      }
    }
  }

  private unitMattersToAnchor(u: Unit): boolean { return (this.jobs.get(u) ?? []).some((j) => j.matters); }

  /** Met a job already marked in this generation: a cycle if it is still on the path (marker set). */
  private onRevisit(j: Job, from: Job, gen: number): 'ok' | 'again' {
    if (!j.marker) return 'ok';
    const path: Job[] = [];
    let del: Job | null = null;
    for (let k: Job | null = from; k; k = (k.generation === gen && k.marker !== k) ? k.marker : null) {
      path.push(k);
      if (!del && this.jobs.has(k.unit) && !this.unitMattersToAnchor(k.unit)) del = k;
      if (k === j) break;
    }
    path.forEach((k, i) => this.log({ level: 'warning', unit: j.unit.id, message: `Found ${i === 0 ? 'ordering cycle' : 'dependency'} on ${k.name}` }));
    const members = path.map((k) => k.unit.id);
    if (del) {
      this.log({ level: 'error', unit: j.unit.id, message: `Job ${del.name} deleted to break ordering cycle starting with ${j.name}`, console: `[ SKIP ] Ordering cycle found, skipping ${del.unit.config.unit.description || del.unit.id}` });
      this.cycles.push({ members, deletedJob: del.name });
      this.deleteUnit(del.unit);
      return 'again';
    }
    this.log({ level: 'error', unit: j.unit.id, message: `Unable to break cycle starting with ${j.name}` });
    this.cycles.push({ members, deletedJob: null });
    throw new EngineError('cyclic', 'Transaction order is cyclic. See system logs for details.');
  }

  /** transaction_verify_order_one as an explicit-stack DFS over ordering edges in execution direction
   * (Before edges first, then After), markers pointing back along the path. */
  private verifyOrderOne(start: Job, gen: number): 'ok' | 'again' {
    if (start.generation === gen) return 'ok';   // fully explored from an earlier root (marker cleared)
    interface F { j: Job; dir: 0 | 1; it: Iterator<Unit> }
    const enter = (j: Job, from: Job | null): F => { j.marker = from ?? j; j.generation = gen; return { j, dir: 0, it: j.unit.get('Before')[Symbol.iterator]() }; };
    const stack: F[] = [enter(start, null)];
    while (stack.length) {
      const f = stack[stack.length - 1]!;
      const n = f.it.next();
      if (n.done) {
        if (f.dir === 0) { f.dir = 1; f.it = f.j.unit.get('After')[Symbol.iterator](); continue; }
        f.j.marker = null;
        stack.pop();
        continue;
      }
      const o = this.head(n.value) ?? n.value.job;
      if (!o) continue;
      if (jobCompare(f.j, o, f.dir === 0 ? 'before' : 'after') >= 0) continue;
      if (o.generation === gen) { if (this.onRevisit(o, f.j, gen) === 'again') return 'again'; continue; }
      stack.push(enter(o, f.j));
    }
    return 'ok';
  }

  private verifyOrder(gen: number): 'ok' | 'again' {
    for (const list of [...this.jobs.values()]) {
      const j = list[0];
      if (!j || j.deleted) continue;
      if (this.verifyOrderOne(j, gen) === 'again') return 'again';
    }
    return 'ok';
  }

  private deleteOneUnmergeable(list: Job[]): boolean {
    for (let a = 0; a < list.length; a++) for (let b = a + 1; b < list.length; b++) {
      const j = list[a]!, k = list[b]!;
      if (isMergeable(j.type, k.type)) continue;
      let d: Job;
      if (!j.matters && !k.matters) {
        if (j.type === 'stop') d = isConflictedBy(j) ? k : j;
        else if (k.type === 'stop') d = isConflictedBy(k) ? j : k;
        else d = j;
      } else if (!j.matters) d = j;
      else if (!k.matters) d = k;
      else return false;
      this.log({ level: 'debug', unit: d.unit.id, message: `Fixing conflicting jobs ${j.name},${k.name} by deleting job ${d.name}` });
      this.deleteJob(d, true);
      return true;
    }
    return false;
  }

  private mergeJobs(): 'ok' | 'again' {
    for (const [u, list] of this.jobs) {
      let t = list[0]!.type;
      for (const k of list.slice(1)) {
        const m = mergeAndCollapse(t, k.type, u.activeState);
        if (m !== null) { t = m; continue; }
        if (this.deleteOneUnmergeable(list)) return 'again';
        throw new EngineError('conflicting-jobs', `Transaction contains conflicting jobs '${t}' and '${k.type}' for ${u.id}. Probably contradicting requirement dependencies configured.`);
      }
    }
    for (const [u, list] of this.jobs) {
      if (list.length === 1) continue;
      let t = list[0]!.type;
      for (const k of list.slice(1)) t = mergeAndCollapse(t, k.type, u.activeState)!;
      const survivor = list.find((j) => j === this.anchor) ?? list[0]!;
      for (const k of list) {
        if (k === survivor) continue;
        survivor.irreversible ||= k.irreversible;
        survivor.matters ||= k.matters;
        survivor.ignoreOrder ||= k.ignoreOrder;
        for (const l of k.subjects) { l.subject = survivor; survivor.subjects.push(l); }
        for (const l of k.objects) { l.object = survivor; survivor.objects.push(l); }
        k.subjects = []; k.objects = []; k.deleted = true;
      }
      survivor.type = t; survivor.state = 'waiting';
      this.jobs.set(u, [survivor]);
    }
    return 'ok';
  }

  /** transaction_activate minus apply: leaves exactly one job per unit, or throws EngineError. */
  activate(mode: JobMode): void {
    for (const j of this.allJobs()) j.generation = 0;
    let gen = 1;
    if (this.anchor) this.markMatters(this.anchor, gen++);
    if (mode === 'fail') this.minimizeImpact();
    this.dropRedundant();
    for (;;) {
      if (mode !== 'isolate') this.collectGarbage();
      if (this.verifyOrder(gen++) === 'ok') break;
    }
    for (;;) {
      if (this.mergeJobs() === 'ok') break;
      if (mode !== 'isolate') this.collectGarbage();
    }
    this.dropRedundant();
    for (const [u, list] of this.jobs) {
      const j = list[0]!;
      if (u.job && (mode === 'fail' || u.job.irreversible) && isConflictingSafe(u.job.type, j.type)) {
        const a = this.anchor;
        throw new EngineError('destructive', `Transaction for ${a ? a.name : j.name} is destructive (${u.id} has '${u.job.type}' job queued, but '${j.type}' is included in transaction).`);
      }
    }
  }

  /** The surviving jobs (one per unit) in insertion order. */
  finalJobs(): Job[] { return [...this.jobs.values()].map((l) => l[0]!); }
}

/** unit_job_is_applicable */
export function applicable(u: Unit, t: JobType): boolean {
  switch (t) {
    case 'start': case 'verify-active': case 'nop': return true;
    case 'stop': return !u.perpetual;
    case 'restart': case 'try-restart': return u.canStop && u.canStart;
    case 'reload': case 'try-reload': return u.canReload;
    case 'reload-or-start': return u.canReload && u.canStart;
  }
}

function depsOf(u: Unit, kinds: readonly DepType[]): Iterable<Unit> {
  if (kinds.length === 1) return [...u.get(kinds[0]!)];
  const out: Unit[] = [];
  let seen: Set<Unit> | null = null;
  for (const k of kinds) for (const d of u.get(k)) {
    if (out.length && (seen ??= new Set(out)).has(d)) continue;
    out.push(d); seen?.add(d);
  }
  return out;
}

function isConflictedBy(j: Job): boolean { return j.objects.some((l) => l.conflicts); }
function removeFrom<T>(arr: T[], x: T): void { const i = arr.indexOf(x); if (i >= 0) arr.splice(i, 1); }
/** Conflict test that tolerates non-mergeable types (nop etc.) by treating them as non-conflicting. */
export function isConflictingSafe(a: JobType, b: JobType): boolean {
  const m = ['start', 'verify-active', 'stop', 'reload', 'restart'];
  if (!m.includes(a) || !m.includes(b)) return false;
  return isConflicting(a, b);
}
