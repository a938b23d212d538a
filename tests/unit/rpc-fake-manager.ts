// A fake ManagerApi for rpc-* and ctl-* tests: an in-memory unit table whose jobs complete on the next
// tick (or fail with a configured Result), emitting the same events the real manager must emit.
// Not a test file itself (no .test suffix).
import type { Caller, ManagerApi } from '../../src/rpc/api';
import { errors, RpcError } from '../../src/rpc/errors';
import {
  ErrorCode, type ActiveState, type DependencyGraph, type JobInfo, type JobParams, type JobReply, type JobType,
  type LoadStateName, type LogLine, type RpcEvent, type StatusReply, type UnitFileChangesReply, type UnitFileParams,
  type UnitFileStateName, type UnitListEntry,
} from '../../src/rpc/protocol';

export interface FakeUnit {
  id: string;
  description: string;
  loadState: LoadStateName;
  activeState: ActiveState;
  subState: string;
  result: string;
  fragmentPath: string;
  dropInPaths: string[];
  unitFileState: UnitFileStateName | '';
  preset: 'enabled' | 'disabled' | '';
  mainPid: number;
  statusText: string;
  deps: string[];
  /** When set, a start job fails and the unit ends failed with this Result. */
  failWith?: string;
  canReload?: boolean;
  /** Delay before jobs on this unit complete (ms). */
  jobDelayMs?: number;
  listen?: Array<{ type: string; address: string }>;
  triggers?: string[];
}

export function unit(id: string, o: Partial<FakeUnit> = {}): FakeUnit {
  const active = o.activeState ?? 'inactive';
  return {
    id, description: o.description ?? id, loadState: 'loaded', activeState: active,
    subState: active === 'active' ? 'running' : active === 'failed' ? 'failed' : 'dead', result: 'success',
    fragmentPath: `/etc/systemd/system/${id}`, dropInPaths: [], unitFileState: 'disabled', preset: 'enabled',
    mainPid: 0, statusText: '', deps: [], ...o,
  };
}

const T0 = Date.UTC(2026, 10, 22, 1, 34, 40) * 1000;

export class FakeManager implements ManagerApi {
  units = new Map<string, FakeUnit>();
  calls: Array<{ method: string; params: unknown; caller: Caller }> = [];
  env: string[] = ['LANG=C.UTF-8', 'PATH=/usr/bin:/bin'];
  systemState: 'running' | 'degraded' | 'starting' = 'running';
  defaultTarget = 'multi-user.target';
  logLines: LogLine[] = [];
  /** Artificial delay for every method (ms). */
  delayMs = 0;
  private listeners: Array<(e: RpcEvent) => void> = [];
  private nextJob = 1;
  private jobs = new Map<number, JobInfo>();

  constructor(units: FakeUnit[] = []) { for (const u of units) this.units.set(u.id, u); }

  onEvent(l: (e: RpcEvent) => void): () => void {
    this.listeners.push(l);
    return () => { this.listeners = this.listeners.filter((x) => x !== l); };
  }
  emit(e: RpcEvent): void { for (const l of this.listeners) l(e); }

  private async rec(method: string, params: unknown, caller: Caller): Promise<void> {
    this.calls.push({ method, params, caller });
    if (this.calls.length > 10000) this.calls.splice(0, 5000);
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
  }

  private get(name: string): FakeUnit {
    const u = this.units.get(name);
    if (!u) throw errors.noSuchUnit(name);
    return u;
  }

  private setState(u: FakeUnit, a: ActiveState, sub: string): void {
    u.activeState = a; u.subState = sub;
    this.emit({ type: 'unit', unit: u.id, loadState: u.loadState, activeState: a, subState: sub, result: u.result, ts: T0 });
  }

  private job(u: FakeUnit, type: JobType, run: () => { result: JobReply['result'] }): JobReply {
    const id = this.nextJob++;
    const info: JobInfo = { id, unit: u.id, type, state: 'waiting' };
    this.jobs.set(id, info);
    this.emit({ type: 'job', phase: 'new', job: info });
    const finish = (): void => {
      const { result } = run();
      this.jobs.delete(id);
      this.emit({ type: 'job', phase: 'removed', job: info, result: result ?? 'done', unitResult: u.result });
    };
    if (u.jobDelayMs) setTimeout(finish, u.jobDelayMs); else setImmediate(finish);
    return { job: id, unit: u.id, type };
  }

  private startJob(p: JobParams, _c: Caller, type: JobType, _method: string): JobReply {
    const u = this.units.get(p.unit);
    if (!u) throw errors.noSuchUnit(p.unit);
    if (u.loadState === 'masked') throw errors.masked(u.id);
    if (u.loadState === 'bad-setting') throw errors.badSetting(u.id);
    return this.job(u, type, () => {
      if (u.failWith) { u.result = u.failWith; this.setState(u, 'failed', 'failed'); return { result: 'failed' }; }
      u.result = 'success'; this.setState(u, 'active', 'running'); if (!u.mainPid) u.mainPid = 4242;
      return { result: 'done' };
    });
  }

  async start(p: JobParams, c: Caller): Promise<JobReply> { await this.rec('start', p, c); return this.startJob(p, c, 'start', 'start'); }
  async restart(p: JobParams, c: Caller): Promise<JobReply> { await this.rec('restart', p, c); return this.startJob(p, c, 'restart', 'restart'); }
  async reloadOrRestart(p: JobParams, c: Caller): Promise<JobReply> { await this.rec('reload-or-restart', p, c); return this.startJob(p, c, 'restart', 'reload-or-restart'); }
  async isolate(p: JobParams, c: Caller): Promise<JobReply> { await this.rec('isolate', p, c); return this.startJob(p, c, 'start', 'isolate'); }
  async tryRestart(p: JobParams, c: Caller): Promise<JobReply> {
    await this.rec('try-restart', p, c);
    const u = this.get(p.unit);
    if (u.activeState !== 'active') return { job: 0, unit: u.id, type: 'try-restart', result: 'done' };
    return this.startJob(p, c, 'try-restart', 'try-restart');
  }
  async tryReloadOrRestart(p: JobParams, c: Caller): Promise<JobReply> { return this.tryRestart(p, c); }
  async reload(p: JobParams, c: Caller): Promise<JobReply> {
    await this.rec('reload', p, c);
    const u = this.get(p.unit);
    if (!u.canReload) throw errors.notApplicable(u.id, 'reload');
    if (u.activeState !== 'active') throw errors.inactive(u.id);
    return this.job(u, 'reload', () => ({ result: 'done' }));
  }
  async stop(p: JobParams, c: Caller): Promise<JobReply> {
    await this.rec('stop', p, c);
    const u = this.units.get(p.unit);
    if (!u) throw errors.notLoaded(p.unit);
    return this.job(u, 'stop', () => { this.setState(u, 'inactive', 'dead'); u.mainPid = 0; return { result: 'done' }; });
  }
  async cancel(p: { job: number }, c: Caller): Promise<Record<string, never>> {
    await this.rec('cancel', p, c);
    if (!this.jobs.has(p.job)) throw new RpcError(ErrorCode.NO_SUCH_JOB, `Job ${p.job} does not exist.`);
    return {};
  }
  async kill(p: { unit: string; signal?: number }, c: Caller): Promise<Record<string, never>> { await this.rec('kill', p, c); this.get(p.unit); return {}; }
  async resetFailed(p: { unit?: string }, c: Caller): Promise<Record<string, never>> {
    await this.rec('reset-failed', p, c);
    const list = p.unit ? [this.get(p.unit)] : [...this.units.values()];
    for (const u of list) if (u.activeState === 'failed') { u.result = 'success'; this.setState(u, 'inactive', 'dead'); }
    return {};
  }
  async show(p: { unit?: string; properties?: string[]; all?: boolean }, c: Caller): Promise<{ unit: string; properties: Array<[string, string]> }> {
    await this.rec('show', p, c);
    const name = p.unit ?? '';
    const u = this.units.get(name);
    const props: Array<[string, string]> = u ? [
      ['Type', 'simple'], ['Restart', 'no'], ['MainPID', String(u.mainPid)], ['Result', u.result], ['StatusText', u.statusText],
      ['Id', u.id], ['Names', u.id], ['Description', u.description], ['LoadState', u.loadState], ['ActiveState', u.activeState],
      ['SubState', u.subState], ['FragmentPath', u.fragmentPath], ['UnitFileState', u.unitFileState], ['Wants', u.deps.join(' ')],
    ] : [['Id', name], ['Names', name], ['LoadState', 'not-found'], ['ActiveState', 'inactive'], ['SubState', 'dead'], ['StatusText', '']];
    let out = props;
    if (p.properties) { const want = new Set(p.properties); out = props.filter(([k]) => want.has(k)); }
    else if (!p.all) out = props.filter(([, v]) => v !== '');
    return { unit: u ? u.id : name, properties: out };
  }
  async unitStates(p: { units: string[] }, c: Caller): Promise<Array<{ unit: string; loadState: LoadStateName; activeState: ActiveState; subState: string; result: string }>> {
    await this.rec('unit-states', p, c);
    return p.units.map((n) => {
      const u = this.units.get(n);
      return u ? { unit: u.id, loadState: u.loadState, activeState: u.activeState, subState: u.subState, result: u.result }
        : { unit: n, loadState: 'not-found', activeState: 'inactive', subState: 'dead', result: 'success' };
    });
  }
  async status(p: { unit: string; lines?: number }, c: Caller): Promise<StatusReply> {
    await this.rec('status', p, c);
    const u = this.get(p.unit);
    const logs = this.logLines.filter((l) => l.unit === u.id).slice(-(p.lines ?? 10));
    return {
      id: u.id, names: [u.id], description: u.description, loadState: u.loadState, loadError: '', fragmentPath: u.fragmentPath,
      dropInPaths: u.dropInPaths, unitFileState: u.unitFileState, unitFilePreset: u.preset, activeState: u.activeState,
      subState: u.subState, result: u.result, stateChangeTs: T0, activeEnterTs: T0, activeExitTs: 0, inactiveEnterTs: 0,
      inactiveExitTs: T0, conditionResult: true, conditionTs: T0, failedCondition: '', documentation: [],
      triggeredBy: [], triggers: (u.triggers ?? []).map((t) => ({ unit: t, activeState: this.units.get(t)?.activeState ?? 'inactive' })),
      listen: u.listen ?? [], mainPid: u.mainPid, mainComm: u.mainPid ? 'sleep' : '', execMainPid: u.mainPid || 4000,
      execMainCode: u.activeState === 'failed' ? 'exited' : '', execMainStatus: u.activeState === 'failed' ? 1 : 0,
      controlPid: 0, controlComm: '', statusText: u.statusText, statusErrno: 0, tasks: u.mainPid ? 1 : null, tasksMax: 4915,
      memoryBytes: null, cgroup: '', processes: u.mainPid ? [{ pid: u.mainPid, cmdline: '/bin/sleep 1000' }] : [], execs: [],
      job: null, needDaemonReload: false, invocationId: '0123456789abcdef0123456789abcdef', logs,
    };
  }
  async listUnits(p: { all?: boolean; patterns?: string[] }, c: Caller): Promise<UnitListEntry[]> {
    await this.rec('list-units', p, c);
    return [...this.units.values()].map((u) => ({ unit: u.id, loadState: u.loadState, activeState: u.activeState, subState: u.subState, description: u.description, job: null, following: '' }));
  }
  async listUnitFiles(p: unknown, c: Caller): Promise<Array<{ path: string; unit: string; state: UnitFileStateName; preset: 'enabled' | 'disabled' | '' }>> {
    await this.rec('list-unit-files', p, c);
    return [...this.units.values()].filter((u) => u.unitFileState).map((u) => ({ path: u.fragmentPath, unit: u.id, state: u.unitFileState as UnitFileStateName, preset: u.preset }));
  }
  async listSockets(p: unknown, c: Caller): Promise<Array<{ listen: string; type: string; unit: string; activates: string[] }>> {
    await this.rec('list-sockets', p, c);
    return [...this.units.values()].filter((u) => u.listen).flatMap((u) => (u.listen ?? []).map((l) => ({ listen: l.address, type: l.type, unit: u.id, activates: u.triggers ?? [] })));
  }
  /** Timers and paths: test data set directly. */
  timers: { unit: string; activates: string[]; nextRealtime: number; nextMonotonic: number; lastTrigger: number }[] = [];
  paths: { path: string; condition: string; unit: string; activates: string[] }[] = [];
  async listTimers(p: unknown, c: Caller): Promise<FakeManager['timers']> { await this.rec('list-timers', p, c); return this.timers; }
  async listPaths(p: unknown, c: Caller): Promise<FakeManager['paths']> { await this.rec('list-paths', p, c); return this.paths; }
  async listJobs(p: unknown, c: Caller): Promise<JobInfo[]> { await this.rec('list-jobs', p, c); return [...this.jobs.values()]; }
  async listDependencies(p: { unit: string }, c: Caller): Promise<DependencyGraph> {
    await this.rec('list-dependencies', p, c);
    const units: DependencyGraph['units'] = {};
    const visit = (n: string): void => {
      if (units[n]) return;
      const u = this.units.get(n);
      units[n] = { activeState: u?.activeState ?? 'inactive', subState: u?.subState ?? 'dead', loadState: u?.loadState ?? 'not-found', deps: [...(u?.deps ?? [])].sort() };
      for (const d of u?.deps ?? []) visit(d);
    };
    visit(p.unit);
    return { root: p.unit, units };
  }
  async isSystemRunning(p: unknown, c: Caller): Promise<{ state: 'running' | 'degraded' | 'starting' }> { await this.rec('is-system-running', p, c); return { state: this.systemState }; }
  async managerInfo(p: unknown, c: Caller): Promise<{ version: string; userMode: boolean; uid: number; pid: number; unitPath: string[] }> {
    await this.rec('manager-info', p, c); return { version: 'fake', userMode: false, uid: 0, pid: process.pid, unitPath: [] };
  }
  async getUnitFileState(p: { unit: string }, c: Caller): Promise<{ unit: string; state: UnitFileStateName }> {
    await this.rec('get-unit-file-state', p, c);
    const u = this.units.get(p.unit);
    if (!u || !u.unitFileState) throw new RpcError(ErrorCode.NO_SUCH_UNIT, 'No such file or directory', { unit: p.unit });
    return { unit: u.id, state: u.unitFileState };
  }
  private fileOp(method: string, p: UnitFileParams, c: Caller, to: UnitFileStateName): Promise<UnitFileChangesReply> {
    return this.rec(method, p, c).then(() => {
      const changes: UnitFileChangesReply['changes'] = [];
      for (const n of p.units) {
        const u = this.get(n);
        const link = `/etc/systemd/system/multi-user.target.wants/${u.id}`;
        if (to === 'enabled' && u.unitFileState !== 'enabled') changes.push({ type: 'symlink', path: link, source: u.fragmentPath });
        if (to === 'disabled' && u.unitFileState === 'enabled') changes.push({ type: 'unlink', path: link, source: '' });
        if (to === 'masked') changes.push({ type: 'symlink', path: `/etc/systemd/system/${u.id}`, source: '/dev/null' });
        u.unitFileState = to;
      }
      return { changes };
    });
  }
  enable(p: UnitFileParams, c: Caller): Promise<UnitFileChangesReply> { return this.fileOp('enable', p, c, 'enabled'); }
  disable(p: UnitFileParams, c: Caller): Promise<UnitFileChangesReply> { return this.fileOp('disable', p, c, 'disabled'); }
  reenable(p: UnitFileParams, c: Caller): Promise<UnitFileChangesReply> { return this.fileOp('reenable', p, c, 'enabled'); }
  mask(p: UnitFileParams, c: Caller): Promise<UnitFileChangesReply> { return this.fileOp('mask', p, c, 'masked'); }
  unmask(p: UnitFileParams, c: Caller): Promise<UnitFileChangesReply> { return this.fileOp('unmask', p, c, 'disabled'); }
  preset(p: UnitFileParams, c: Caller): Promise<UnitFileChangesReply> { return this.fileOp('preset', p, c, 'enabled'); }
  async presetAll(p: unknown, c: Caller): Promise<UnitFileChangesReply> { await this.rec('preset-all', p, c); return { changes: [] }; }
  async getDefault(p: unknown, c: Caller): Promise<{ unit: string }> { await this.rec('get-default', p, c); return { unit: this.defaultTarget }; }
  async setDefault(p: { unit: string }, c: Caller): Promise<UnitFileChangesReply> {
    await this.rec('set-default', p, c);
    this.defaultTarget = p.unit;
    return { changes: [{ type: 'unlink', path: '/etc/systemd/system/default.target', source: '' }, { type: 'symlink', path: '/etc/systemd/system/default.target', source: `/lib/systemd/system/${p.unit}` }] };
  }
  link(p: UnitFileParams, c: Caller): Promise<UnitFileChangesReply> { return this.fileOp('link', p, c, 'linked'); }
  revert(p: UnitFileParams, c: Caller): Promise<UnitFileChangesReply> { return this.fileOp('revert', p, c, 'disabled'); }
  async clean(p: unknown, c: Caller): Promise<Record<string, never>> { await this.rec('clean', p, c); return {}; }
  async setProperty(p: unknown, c: Caller): Promise<Record<string, never>> { await this.rec('set-property', p, c); return {}; }
  async logSetting(p: { name: string; value?: string }, c: Caller): Promise<{ value: string }> { await this.rec('log-setting', p, c); return { value: p.value ?? 'info' }; }
  async addDependency(p: unknown, c: Caller): Promise<UnitFileChangesReply> { await this.rec('add-dependency', p, c); return { changes: [] }; }
  async daemonReload(p: unknown, c: Caller): Promise<Record<string, never>> { await this.rec('daemon-reload', p, c); return {}; }
  async daemonReexec(p: unknown, c: Caller): Promise<Record<string, never>> { await this.rec('daemon-reexec', p, c); return {}; }
  async showEnvironment(p: unknown, c: Caller): Promise<{ environment: string[] }> { await this.rec('show-environment', p, c); return { environment: [...this.env].sort() }; }
  async setEnvironment(p: { assignments: string[] }, c: Caller): Promise<Record<string, never>> {
    await this.rec('set-environment', p, c);
    for (const a of p.assignments) { const k = a.split('=')[0]; this.env = this.env.filter((e) => e.split('=')[0] !== k); this.env.push(a); }
    return {};
  }
  async unsetEnvironment(p: { names: string[] }, c: Caller): Promise<Record<string, never>> {
    await this.rec('unset-environment', p, c);
    this.env = this.env.filter((e) => !p.names.includes(e.split('=')[0] ?? ''));
    return {};
  }
  async poweroff(p: unknown, c: Caller): Promise<Record<string, never>> { await this.rec('poweroff', p, c); return {}; }
  async halt(p: unknown, c: Caller): Promise<Record<string, never>> { await this.rec('halt', p, c); return {}; }
  async reboot(p: unknown, c: Caller): Promise<Record<string, never>> { await this.rec('reboot', p, c); return {}; }
  async exit(p: unknown, c: Caller): Promise<Record<string, never>> { await this.rec('exit', p, c); return {}; }
  async logs(p: { unit?: string; lines?: number }, c: Caller): Promise<{ lines: LogLine[] }> {
    await this.rec('logs', p, c);
    let l = this.logLines.filter((x) => !p.unit || x.unit === p.unit);
    if (p.lines !== undefined) l = l.slice(-p.lines);
    return { lines: l };
  }
}

export function logLine(seq: number, unitName: string, message: string, tsUs = T0 + seq * 1000000): LogLine {
  return { seq, ts: tsUs, unit: unitName, pid: 4242, ident: 'sleep', stream: 'stdout', priority: 6, message };
}
export { T0 };
