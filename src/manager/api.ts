// ManagerApi (src/rpc/api.ts) over the live Manager: each RPC method as the manager performs it.
// Errors are RpcErrors with systemctl's texts (src/rpc/errors.ts); the server does framing, validation,
// authorisation and `wait: true`. Invariant: nothing here blocks the event loop for long; state changes
// requested by a caller are logged with the caller's uid/pid.
import { managerShowProperties } from '../dbus/systemd/manager-show';
import type { Caller, ManagerApi } from '../rpc/api';
import { RpcError, errors } from '../rpc/errors';
import {
  ErrorCode, type AddDependencyParams, type LogSettingParams, type LogSettingReply, type SetPropertyParams, type CleanParams, type CancelParams, type DefaultTargetReply, type DependencyGraph, type Empty, type EnvironmentReply,
  type ExitParams, type JobInfo, type JobParams, type JobReply, type KillParams, type ListDependenciesParams,
  type ListUnitFilesParams, type ListUnitsParams, type LogsParams, type LogsReply, type ManagerInfoReply,
  type OptionalUnitParams, type PresetAllParams, type PresetParams, type RpcEvent, type SetDefaultParams,
  type SetEnvironmentParams, type ShowParams, type ShowReply, type SocketEntry, type TimerEntry, type PathEntry, type ListTriggersParams, type StatusParams, type StatusReply,
  type SystemStateReply, type UnitFileChangesReply, type UnitFileEntry, type UnitFileParams, type UnitFileStateReply,
  type UnitListEntry, type UnitState, type UnitStatesParams, type UnsetEnvironmentParams, type JobType,
} from '../rpc/protocol';
import { matchesListUnitFiles, matchesListUnits } from '../rpc/util';
import { logReader, mayReadLine } from '../logs/access';
import type { EngineErrorCode, JobResult, RequestedJobType } from '../engine';
import type * as Install from '../unit-file/install';
import type * as InstallExtra from '../unit-file/install-extra';
import type * as SetProperty from './set-property';
import { cleanUnit } from './clean';
import { parseUnitName } from '../unit-file/names';
import type { Manager } from './manager';
import type * as Props from './props';

// show/status (./props, with the property tables) and the install verbs are loaded on first use: a boot
// does not need them, and they are ~20 ms of the manager's module loading.
let propsMod: typeof Props | null = null;
let installMod: typeof Install | null = null;
const propsOf = (): typeof Props => (propsMod ??= require('./props') as typeof Props);
const install = (): typeof Install => (installMod ??= require('../unit-file/install') as typeof Install);
let installExtraMod: typeof InstallExtra | null = null;
const installExtra = (): typeof InstallExtra => (installExtraMod ??= require('../unit-file/install-extra') as typeof InstallExtra);
// set-property reads the directive tables: loaded on first use too
const setPropertyImpl = (): typeof SetProperty => require('./set-property') as typeof SetProperty;

const VERSION = '0.1.0';

function engineError(code: EngineErrorCode, message: string, unit: string): RpcError {
  const map: Record<EngineErrorCode, number> = {
    'not-found': ErrorCode.NO_SUCH_UNIT, 'masked': ErrorCode.UNIT_MASKED, 'bad-setting': ErrorCode.BAD_SETTING,
    'load-error': ErrorCode.BAD_SETTING, 'not-applicable': ErrorCode.JOB_NOT_APPLICABLE, 'cyclic': ErrorCode.TRANSACTION_CYCLIC,
    'conflicting-jobs': ErrorCode.TRANSACTION_CONFLICT, 'destructive': ErrorCode.DESTRUCTIVE_TRANSACTION,
    'no-isolation': ErrorCode.NO_ISOLATION, 'only-by-dependency': ErrorCode.REFUSE_MANUAL, 'invalid-mode': ErrorCode.INVALID_ARGUMENT,
  };
  return new RpcError(map[code], message, { unit });
}

function rpcJobType(t: string): JobType {
  return (t === 'try-reload' ? 'reload' : t) as JobType;
}

export class ManagerApiImpl implements ManagerApi {
  constructor(private readonly m: Manager) {}

  /** Queries load the units they name, and those load what they reference (systemd does too); every unit
   *  the query loaded that has no job and no runtime is garbage-collected again right after (systemd's GC
   *  queue does the same), so read-only queries never grow the unit table (issue 12 #5). */
  private query<T>(fn: () => T): T {
    const g = this.m.engine.graph;
    const before = g.size;
    try { return fn(); } finally {
      let fresh = g.units().slice(before);
      // Dependents first (a unit named by another fresh unit's configuration is kept until that one goes).
      for (let progress = true; progress && fresh.length > 0;) {
        progress = false;
        const left = [];
        for (const u of [...fresh].reverse()) {
          if (!u.job && !this.m.peekRuntime(u.id) && g.collect(u)) progress = true; else left.push(u);
        }
        fresh = left.reverse();
      }
    }
  }

  private checkName(name: string): void {
    if (!parseUnitName(name)) throw errors.invalidArgument(`Unit name ${name} is not valid.`);
  }

  private job(requested: RequestedJobType, verb: JobType | 'isolate', p: JobParams, c: Caller): JobReply {
    const m = this.m;
    if (m.shuttingDown) throw new RpcError(ErrorCode.SHUTTING_DOWN, 'Transaction is destructive: the manager is shutting down.');
    this.checkName(p.unit);
    const u = m.engine.graph.unit(p.unit);
    const active = m.peekRuntime(u.id)?.machine.activeState() ?? 'inactive';
    if (requested === 'stop' && u.loadState !== 'loaded' && (active === 'inactive' || active === 'failed') && !u.job) {
      if (u.loadState === 'not-found') throw errors.notLoaded(p.unit);
    }
    // systemctl 252: reloading a unit that does not exist is "Unit X not found." (exit 5), before any state check.
    if (requested === 'reload' && u.loadState === 'not-found' && !u.job) throw errors.noSuchUnit(p.unit);
    if (requested === 'reload' && active !== 'active' && active !== 'reloading') throw errors.inactive(u.id);
    if (requested === 'reload' && !u.canReload && u.loadState === 'loaded') throw errors.notApplicable(u.id, 'reload');
    const mode = p.mode ?? (verb === 'isolate' ? 'isolate' : 'replace');
    let finished: JobResult | null = null;
    const r = m.engine.enqueue(p.unit, requested, mode, { manual: true, onFinished: (res) => { finished = res; } });
    if (!r.ok) throw engineError(r.code, r.message, u.id);
    m.unitLog(u.id, 'debug', `${verb} requested by uid ${c.uid} pid ${c.pid} (job ${r.job.id}, mode ${mode})`);
    const reply: JobReply = { job: r.job.id, unit: u.id, type: rpcJobType(r.job.type) };
    const done = finished as JobResult | null;
    if (done !== null) { reply.result = done; reply.unitResult = m.peekRuntime(u.id)?.machine.result() ?? 'success'; }
    return reply;
  }

  async start(p: JobParams, c: Caller): Promise<JobReply> { return this.job('start', 'start', p, c); }
  async stop(p: JobParams, c: Caller): Promise<JobReply> { return this.job('stop', 'stop', p, c); }
  async restart(p: JobParams, c: Caller): Promise<JobReply> { return this.job('restart', 'restart', p, c); }
  async tryRestart(p: JobParams, c: Caller): Promise<JobReply> { return this.job('try-restart', 'try-restart', p, c); }
  async reload(p: JobParams, c: Caller): Promise<JobReply> { return this.job('reload', 'reload', p, c); }
  async reloadOrRestart(p: JobParams, c: Caller): Promise<JobReply> { return this.job('reload-or-restart', 'restart', p, c); }
  async tryReloadOrRestart(p: JobParams, c: Caller): Promise<JobReply> { return this.job('try-reload-or-restart', 'try-restart', p, c); }
  async isolate(p: JobParams, c: Caller): Promise<JobReply> { return this.job('start', 'isolate', { ...p, mode: p.mode ?? 'isolate' }, c); }

  async cancel(p: CancelParams): Promise<Empty> {
    if (!this.m.engine.cancelJob(p.job)) throw new RpcError(ErrorCode.NO_SUCH_JOB, `Job ${p.job} does not exist.`);
    return {};
  }

  async kill(p: KillParams, c: Caller): Promise<Empty> {
    this.checkName(p.unit);
    const u = this.m.engine.graph.unit(p.unit);
    const rt = this.m.peekRuntime(u.id);
    if (!rt || u.loadState === 'not-found') throw errors.notLoaded(p.unit);
    const sig = p.signal ?? 15;
    const whom = p.whom ?? 'all';
    const pids = rt.host.killUnit(whom, sig);
    this.m.unitLog(u.id, 'debug', `kill ${whom} signal ${sig} requested by uid ${c.uid}: ${pids.length} process(es)`);
    if (pids.length === 0 && whom === 'main') throw new RpcError(ErrorCode.INVALID_ARGUMENT, 'No main process to kill');
    if (pids.length === 0 && whom === 'control') throw new RpcError(ErrorCode.INVALID_ARGUMENT, 'No control process to kill');
    return {};
  }

  async resetFailed(p: OptionalUnitParams): Promise<Empty> {
    if (p.unit) {
      this.checkName(p.unit);
      const u = this.m.engine.graph.unit(p.unit);
      const rt = this.m.peekRuntime(u.id);
      if (!rt && u.loadState === 'not-found') throw errors.notLoaded(p.unit);
      rt?.machine.resetFailed();
    } else {
      for (const rt of this.m.runtimes.values()) rt.machine.resetFailed();
    }
    this.m.updateSystemState();
    return {};
  }

  async show(p: ShowParams): Promise<ShowReply> {
    if (!p.unit) return { unit: '', properties: this.managerProperties(p.properties, !!p.all) };
    if (!parseUnitName(p.unit)) throw errors.invalidArgument(`Unit name ${p.unit} is not valid.`);
    const unit = p.unit;
    return this.query(() => propsOf().showUnit(this.m, unit, p.properties, !!p.all));
  }

  private managerProperties(wanted: string[] | undefined, all: boolean): [string, string][] {
    const m = this.m;
    // systemd's Manager properties as the D-Bus face serves them (src/dbus/systemd/manager-show.ts), plus
    // tsysd's own BootTarget (the unit it booted: default.target unless --target), read by analyze and web.
    const props: [string, string][] = [...managerShowProperties(m, VERSION, all), ...(all || wanted?.includes('BootTarget') ? [['BootTarget', m.life.bootTimes.target] as [string, string]] : [])];
    if (wanted && wanted.length) { const s = new Set(wanted); return props.filter(([k]) => s.has(k)); }
    return all ? props : props.filter(([, v]) => v !== '');
  }

  async unitStates(p: UnitStatesParams): Promise<UnitState[]> {
    return this.query(() => p.units.map((name) => {
      if (!parseUnitName(name)) return { unit: name, loadState: 'not-found', activeState: 'inactive', subState: 'dead', result: 'success' };
      const u = this.m.engine.graph.unit(name);
      const rt = this.m.peekRuntime(u.id);
      return {
        unit: u.id,
        loadState: u.loadState,
        // Without a runtime the engine's state holds (active for the perpetual -.slice/system.slice), as in props.ts.
        activeState: rt ? rt.machine.activeState() : u.activeState,
        subState: rt ? rt.machine.subState() : (u.activeState === 'active' ? 'active' : 'dead'),
        result: rt ? rt.machine.result() : 'success',
      };
    }));
  }

  async status(p: StatusParams, c: Caller): Promise<StatusReply> {
    this.checkName(p.unit);
    const r = this.query(() => propsOf().statusOf(this.m, p.unit, p.lines ?? 10));
    const may = this.logAccess(c);
    return { ...r, logs: r.logs.filter(may) };
  }

  async listUnits(p: ListUnitsParams): Promise<UnitListEntry[]> {
    const out: UnitListEntry[] = [];
    for (const u of this.m.engine.graph.units()) {
      const rt = this.m.peekRuntime(u.id);
      const j = u.job;
      // Without a runtime the engine's state holds (inactive, or active for the perpetual -.slice/system.slice).
      const e: UnitListEntry = {
        unit: u.id, loadState: u.loadState,
        activeState: rt ? rt.machine.activeState() : u.activeState,
        subState: rt ? rt.machine.subState() : u.activeState === 'active' ? 'active' : 'dead',
        description: u.config.unit.description || u.id,
        job: j ? { id: j.id, type: rpcJobType(j.type), state: j.state } : null,
        following: '',
      };
      if (matchesListUnits(e, p)) out.push(e);
    }
    return out.sort((a, b) => a.unit.localeCompare(b.unit));
  }

  private installOpts(extra: { runtime?: boolean; force?: boolean; presetMode?: 'full' | 'enable-only' | 'disable-only' } = {}): Install.InstallOptions {
    const o: Install.InstallOptions = { userMode: this.m.userMode, quiet: false, ...extra };
    if (this.m.opts.unitPaths.length) o.unitPaths = this.m.opts.unitPaths;
    return o;
  }

  async listUnitFiles(p: ListUnitFilesParams): Promise<UnitFileEntry[]> {
    const list = install().listUnitFiles(this.installOpts());
    return list.map((e) => ({ path: e.path, unit: e.name, state: e.state, preset: e.preset ?? '' } as UnitFileEntry))
      .filter((f) => matchesListUnitFiles(f, p));
  }

  /** Loaded timer/path units as list-timers/list-paths want them: without --all those not inactive or with a job. */
  private triggerUnits(type: 'timer' | 'path', p: ListTriggersParams): { id: string; activates: string[]; rt: ReturnType<Manager['peekRuntime']>; cfg: import('../directives/types').UnitConfig }[] {
    const out = [];
    for (const u of this.m.engine.graph.units()) {
      if (u.type !== type || u.loadState !== 'loaded') continue;
      if (p.patterns?.length && !p.patterns.some((pat) => globMatchUnit(pat, u.id))) continue;
      const rt = this.m.peekRuntime(u.id);
      const a = rt ? rt.machine.activeState() : 'inactive';
      if (!p.all && a === 'inactive' && !u.job) continue;
      out.push({ id: u.id, activates: [...u.get('Triggers')].map((o) => o.id).sort(), rt, cfg: u.config });
    }
    return out;
  }

  async listTimers(p: ListTriggersParams): Promise<TimerEntry[]> {
    return this.triggerUnits('timer', p).map(({ id, activates, rt }) => {
      const s = rt?.machine.timerSchedule?.() ?? { nextRealtime: Infinity, nextMonotonic: Infinity, lastTrigger: 0 };
      const fin = (n: number): number => (Number.isFinite(n) ? n : 0);
      return { unit: id, activates, nextRealtime: fin(s.nextRealtime), nextMonotonic: fin(s.nextMonotonic), lastTrigger: fin(s.lastTrigger) };
    });
  }

  async listPaths(p: ListTriggersParams): Promise<PathEntry[]> {
    const out: PathEntry[] = [];
    for (const { id, activates, cfg } of this.triggerUnits('path', p)) {
      for (const s of cfg.path?.specs ?? []) out.push({ path: s.path, condition: s.kind, unit: id, activates });
    }
    return out;
  }

  async listSockets(): Promise<SocketEntry[]> {
    const out: SocketEntry[] = [];
    for (const rt of this.m.runtimes.values()) {
      const listening = rt.host.listening();
      if (listening.length === 0) continue;
      const a = rt.machine.activeState();
      if (a !== 'active' && a !== 'reloading') continue;
      const u = this.m.engine.graph.peek(rt.id);
      const activates = u ? [...u.get('Triggers')].map((o) => o.id).sort() : [];
      for (const l of listening) out.push({ listen: l.address, type: l.type, unit: rt.id, activates });
    }
    return out.sort((a, b) => a.listen.localeCompare(b.listen));
  }

  async listJobs(): Promise<JobInfo[]> {
    return this.m.engine.listJobs().map((j) => ({ id: j.id, unit: j.unit, type: rpcJobType(j.type), state: j.state }));
  }

  async listDependencies(p: ListDependenciesParams): Promise<DependencyGraph> {
    this.checkName(p.unit);
    return this.query(() => this.dependencyGraph(p));
  }

  private dependencyGraph(p: ListDependenciesParams): DependencyGraph {
    const g = this.m.engine.graph;
    const kinds = p.order === 'after' ? ['After'] as const : p.order === 'before' ? ['Before'] as const
      : p.reverse ? ['RequiredBy', 'RequisiteOf', 'WantedBy', 'ConsistsOf', 'BoundBy', 'UpheldBy'] as const
        : ['Requires', 'Requisite', 'Wants', 'ConsistsOf', 'BindsTo', 'Upholds'] as const;
    const root = g.unit(p.unit);
    const units: DependencyGraph['units'] = {};
    const queue = [root];
    while (queue.length && Object.keys(units).length < 5000) {
      const u = queue.shift();
      if (!u || units[u.id]) continue;
      const deps = new Set<string>();
      for (const k of kinds) for (const o of u.get(k)) deps.add(o.id);
      const rt = this.m.peekRuntime(u.id);
      units[u.id] = { activeState: rt ? rt.machine.activeState() : u.activeState, subState: rt ? rt.machine.subState() : (u.activeState === 'active' ? 'active' : 'dead'), loadState: u.loadState, deps: [...deps].sort() };
      for (const d of deps) { const o = g.peek(d); if (o && !units[o.id]) queue.push(o); }
    }
    return { root: root.id, units };
  }

  async isSystemRunning(): Promise<SystemStateReply> { return { state: this.m.systemState }; }

  async managerInfo(): Promise<ManagerInfoReply> {
    return { version: VERSION, userMode: this.m.userMode, uid: process.getuid?.() ?? 0, pid: process.pid, unitPath: this.m.searchPath };
  }

  async getUnitFileState(p: { unit: string }): Promise<UnitFileStateReply> {
    const r = install().unitFileState(p.unit, this.installOpts());
    if (!('state' in r)) throw new RpcError(ErrorCode.NO_SUCH_UNIT, `Unit ${p.unit} not found.`, { unit: p.unit });
    return { unit: p.unit, state: r.state };
  }

  private fileOp(r: Install.InstallResult): UnitFileChangesReply {
    if (r.exitCode !== 0) {
      const msg = (r.stderr.filter((l) => l.trim()).pop() ?? 'operation failed').replace(/^Failed to [^:]*: /, '');
      const bad = r.changes.find((c) => /^E[A-Z]+$/.test(c.type));
      throw new RpcError(ErrorCode.UNIT_FILE_ERROR, msg, { lines: r.stderr, ...(bad ? { change: { type: bad.type, path: bad.path, source: bad.source } } : {}) });
    }
    const changes = r.changes.filter((c) => c.type === 'symlink' || c.type === 'unlink').map((c) => ({ type: c.type as 'symlink' | 'unlink', path: c.path, source: c.source }));
    this.m.reload();
    return { changes, carriesInstallInfo: (r.carriesInstallInfo ?? 1) > 0, lines: r.stderr };
  }

  async enable(p: UnitFileParams): Promise<UnitFileChangesReply> { return this.fileOp(install().enableUnits(p.units, this.installOpts(p))); }
  async disable(p: UnitFileParams): Promise<UnitFileChangesReply> { return this.fileOp(install().disableUnits(p.units, this.installOpts(p))); }
  async reenable(p: UnitFileParams): Promise<UnitFileChangesReply> { return this.fileOp(install().reenableUnits(p.units, this.installOpts(p))); }
  async mask(p: UnitFileParams): Promise<UnitFileChangesReply> { return this.fileOp(install().maskUnits(p.units, this.installOpts(p))); }
  async unmask(p: UnitFileParams): Promise<UnitFileChangesReply> { return this.fileOp(install().unmaskUnits(p.units, this.installOpts(p))); }
  async preset(p: PresetParams): Promise<UnitFileChangesReply> {
    return this.fileOp(install().presetUnits(p.units, this.installOpts({ runtime: p.runtime, force: p.force, presetMode: p.mode })));
  }
  async presetAll(p: PresetAllParams): Promise<UnitFileChangesReply> {
    return this.fileOp(install().presetAllUnits(this.installOpts({ runtime: p.runtime, force: p.force, presetMode: p.mode })));
  }
  async getDefault(): Promise<DefaultTargetReply> {
    const r = install().getDefault(this.installOpts());
    if (r.exitCode !== 0) throw new RpcError(ErrorCode.UNIT_FILE_ERROR, (r.stderr[0] ?? 'Failed to get default target').replace(/^Failed to get default target: /, ''));
    return { unit: r.stdout[0] ?? '' };
  }
  async link(p: UnitFileParams): Promise<UnitFileChangesReply> { return this.fileOp(install().linkUnits(p.units, this.installOpts(p))); }
  async revert(p: UnitFileParams): Promise<UnitFileChangesReply> { return this.fileOp(installExtra().revertUnits(p.units, this.installOpts())); }
  async addDependency(p: AddDependencyParams): Promise<UnitFileChangesReply> {
    return this.fileOp(installExtra().addDependency(p.target, p.units, p.dep, this.installOpts({ runtime: p.runtime, force: p.force })));
  }
  async clean(p: CleanParams): Promise<Empty> { cleanUnit(this.m, p.unit, p.what ?? []); return {}; }
  async setProperty(p: SetPropertyParams): Promise<Empty> { setPropertyImpl().setUnitProperties(this.m, p.unit, p.assignments, !!p.runtime); return {}; }
  /** log-level / log-target: tsysd's own messages honour the level live (err..debug; emerg/alert/crit
   *  count as err); it logs to its console only, so that is the one target it takes. */
  async logSetting(p: LogSettingParams): Promise<LogSettingReply> {
    if (p.name === 'target') {
      if (p.value === undefined) return { value: 'console' };
      if (p.value !== 'console') throw errors.invalidArgument(`Log target '${p.value}' is not supported: tsysd logs to its console only`);
      return { value: 'console' };
    }
    if (p.value === undefined) return { value: this.m.opts.logLevel };
    const names = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;
    const n = /^[0-7]$/.test(p.value) ? Number(p.value) : (names as readonly string[]).indexOf(p.value);
    if (n < 0) throw errors.invalidArgument(`Invalid log level '${p.value}'`);
    this.m.opts.logLevel = n <= 3 ? 'err' : names[n] as 'warning' | 'notice' | 'info' | 'debug';
    return { value: this.m.opts.logLevel };
  }
  async setDefault(p: SetDefaultParams): Promise<UnitFileChangesReply> { return this.fileOp(install().setDefault(p.unit, this.installOpts({ force: p.force }))); }

  async daemonReload(): Promise<Empty> { await this.m.daemonReload(); return {}; }
  async daemonReexec(): Promise<Empty> { await this.m.daemonReload(); return {}; }

  async showEnvironment(): Promise<EnvironmentReply> { return { environment: this.m.managerEnvironment().sort() }; }
  async setEnvironment(p: SetEnvironmentParams): Promise<Empty> {
    for (const a of p.assignments) if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(a)) throw errors.invalidArgument(`Invalid environment assignment: ${a}`);
    this.m.setEnvironment(p.assignments);
    return {};
  }
  async unsetEnvironment(p: UnsetEnvironmentParams): Promise<Empty> { this.m.unsetEnvironment(p.names); return {}; }

  private later(fn: () => void): Empty { setTimeout(fn, 20); return {}; }
  async poweroff(_p: Empty, c: Caller): Promise<Empty> { return this.later(() => this.m.shutdown(`poweroff requested by uid ${c.uid}`, 0)); }
  async halt(_p: Empty, c: Caller): Promise<Empty> { return this.later(() => this.m.shutdown(`halt requested by uid ${c.uid}`, 0)); }
  async reboot(_p: Empty, c: Caller): Promise<Empty> { return this.later(() => this.m.shutdown(`reboot requested by uid ${c.uid} (in a container: exit)`, 0)); }
  async exit(p: ExitParams, c: Caller): Promise<Empty> {
    const code = p.code ?? 0;
    if (code < 0 || code > 255) throw errors.invalidArgument(`Exit code ${code} out of range`);
    return this.later(() => this.m.shutdown(`exit ${code} requested by uid ${c.uid}`, code));
  }

  async logs(p: LogsParams, c: Caller): Promise<LogsReply> {
    const name = p.unit;
    const unit = name ? this.query(() => this.m.engine.graph.unit(name).id) : null;
    const may = this.logAccess(c);
    let lines = p.afterSeq !== undefined ? this.m.logs.after(unit, p.afterSeq) : this.m.logs.tail(unit, p.lines ?? 1_000_000, p.since ?? 0);
    lines = lines.filter(may);
    if (p.since) lines = lines.filter((l) => l.ts >= (p.since ?? 0));
    if (p.lines !== undefined && lines.length > p.lines) lines = lines.slice(lines.length - p.lines);
    return { lines: lines.map((l) => ({ seq: l.seq, ts: l.ts, unit: l.unit, pid: l.pid, ident: l.ident, stream: l.stream, priority: l.priority, message: l.text })) };
  }

  onEvent(listener: (e: RpcEvent) => void): () => void { return this.m.onEvent(listener); }

  /** journald's read rule for `c` (src/logs/access.ts): the units' uids are resolved from their User=
   *  (unset: root in system mode, the manager's uid in user mode), cached per unit configuration. */
  logAccess(c: Caller): (line: { unit: string; stream: string }) => boolean {
    const p = this.m.platform;
    const reader = logReader(c, (pid) => p.procGroups(pid), (name) => p.getGroup(name)?.gid ?? null);
    if (reader.all) return () => true;
    const cache = new Map<string, { cfg: unknown; uid: number | null }>();
    const unitUid = (id: string): number | null => {
      const cfg = this.m.peekRuntime(id)?.cfg ?? this.m.engine.graph.peek(id)?.config;
      if (!cfg) return null;
      const hit = cache.get(id);
      if (hit && hit.cfg === cfg) return hit.uid;
      const user = cfg.exec.user;
      const uid = user === '' ? (this.m.userMode ? process.getuid?.() ?? 0 : 0) : /^\d+$/.test(user) ? Number(user) : p.getUser(user)?.uid ?? null;
      cache.set(id, { cfg, uid });
      return uid;
    };
    return (line) => mayReadLine(reader, line, unitUid);
  }
}

export function unitFileStateOf(...a: Parameters<typeof Props.unitFileStateOf>): ReturnType<typeof Props.unitFileStateOf> {
  return propsOf().unitFileStateOf(...a);
}

/** fnmatch(FNM_NOESCAPE) of a unit name pattern ('*', '?', '[...]'). */
function globMatchUnit(pat: string, name: string): boolean {
  const re = pat.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  try { return new RegExp(`^${re}$`).test(name); } catch { return pat === name; }
}
