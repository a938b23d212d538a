// org.freedesktop.systemd1.Manager on /org/freedesktop/systemd1: systemd 252's methods implemented over
// tsysd's ManagerApi (src/rpc/api.ts, the same API the JSON-RPC server uses) and its properties.
//
// Translation only: arguments → ManagerApi params, replies → systemd's reply
// tuples, RpcError codes → systemd's bus error names (which systemctl maps to its exit codes).
// Invariants: write methods need a privileged caller (root, or the manager's uid in user mode) and answer
// org.freedesktop.DBus.Error.AccessDenied otherwise; a method tsysd does not implement answers
// org.freedesktop.DBus.Error.NotSupported, never a wrong reply.
import type { Caller, ManagerApi } from '../../rpc/api';
import { RpcError } from '../../rpc/errors';
import { ErrorCode, type JobMode, type JobReply, type UnitFileChangesReply } from '../../rpc/protocol';
import type { Manager } from '../../manager/manager';
import { DbusError, Errors, type BoundInterface, type CallContext } from '../objects';
import { DEFAULTS, IFACES } from './spec252';
import { fromShow } from './values';
import { jobPath, unitPath, withUnit } from './units';

export const IFACE_MANAGER = 'org.freedesktop.systemd1.Manager';

const ERROR_NAMES: Record<number, string> = {
  [ErrorCode.NO_SUCH_UNIT]: 'org.freedesktop.systemd1.NoSuchUnit',
  [ErrorCode.NOT_LOADED]: 'org.freedesktop.systemd1.NoSuchUnit',
  [ErrorCode.UNIT_MASKED]: 'org.freedesktop.systemd1.UnitMasked',
  [ErrorCode.BAD_SETTING]: 'org.freedesktop.systemd1.BadUnitSetting',
  [ErrorCode.ACCESS_DENIED]: 'org.freedesktop.DBus.Error.AccessDenied',
  [ErrorCode.DESTRUCTIVE_TRANSACTION]: 'org.freedesktop.systemd1.TransactionIsDestructive',
  [ErrorCode.JOB_NOT_APPLICABLE]: 'org.freedesktop.systemd1.JobTypeNotApplicable',
  [ErrorCode.UNIT_INACTIVE]: 'org.freedesktop.systemd1.UnitInactive',
  [ErrorCode.REFUSE_MANUAL]: 'org.freedesktop.systemd1.OnlyByDependency',
  [ErrorCode.NO_ISOLATION]: 'org.freedesktop.systemd1.NoIsolation',
  [ErrorCode.TRANSACTION_CYCLIC]: 'org.freedesktop.systemd1.TransactionOrderIsCyclic',
  [ErrorCode.TRANSACTION_CONFLICT]: 'org.freedesktop.systemd1.TransactionJobsConflicting',
  [ErrorCode.NO_SUCH_JOB]: 'org.freedesktop.systemd1.NoSuchJob',
  [ErrorCode.SHUTTING_DOWN]: 'org.freedesktop.systemd1.ShuttingDown',
  [ErrorCode.INVALID_ARGUMENT]: 'org.freedesktop.DBus.Error.InvalidArgs',
  [ErrorCode.INVALID_PARAMS]: 'org.freedesktop.DBus.Error.InvalidArgs',
  [ErrorCode.UNSUPPORTED]: 'org.freedesktop.DBus.Error.NotSupported',
};

/** systemd 252 install_error() (dbus-manager.c): the bus error for the first failed change of an install op. */
function installError(c: { type: string; path: string; source: string }): DbusError {
  const E = 'org.freedesktop.systemd1.';
  switch (c.type) {
    case 'EEXIST': return new DbusError(`${E}UnitExists`, c.source ? `File ${c.path} already exists and is a symlink to ${c.source}.` : `File ${c.path} already exists.`);
    case 'ERFKILL': return new DbusError(`${E}UnitMasked`, `Unit file ${c.path} is masked.`);
    case 'EADDRNOTAVAIL': return new DbusError(`${E}UnitGenerated`, `Unit ${c.path} is transient or generated.`);
    case 'ETXTBSY': return new DbusError(`${E}UnitBadPath`, `File ${c.path} is under the systemd unit hierarchy already.`);
    case 'EBADSLT': return new DbusError(`${E}BadUnitSetting`, `Invalid specifier in ${c.path}.`);
    case 'EIDRM': return new DbusError(`${E}BadUnitSetting`, `Destination unit ${c.path} is a non-template unit.`);
    case 'EUCLEAN': return new DbusError(`${E}BadUnitSetting`, `"${c.path}" is not a valid unit name.`);
    case 'ELOOP': return new DbusError(`${E}UnitLinked`, `Refusing to operate on alias name or linked unit file: ${c.path}`);
    case 'EXDEV': return new DbusError(`${E}BadUnitSetting`, c.source ? `Cannot alias ${c.source} as ${c.path}.` : `Invalid unit reference ${c.path}.`);
    case 'ENOENT': return new DbusError(`${E}NoSuchUnit`, `Unit file ${c.path} does not exist.`);
    case 'EUNATCH': return new DbusError(`${E}BadUnitSetting`, `Cannot resolve specifiers in ${c.path}.`);
    default: return Errors.failed(`File ${c.path}: ${c.type}`);
  }
}

/** An RpcError as the bus error systemd sends for the same failure. */
export function toDbusError(e: unknown): unknown {
  if (e instanceof RpcError) {
    if (e.code === ErrorCode.UNIT_FILE_ERROR) {
      if (e.data?.change) return installError(e.data.change);
      const last = e.data?.lines?.filter((l) => l.trim()).pop();
      return Errors.failed(last ? last.replace(/^Failed to [^:]*: /, '') : e.message);
    }
    return new DbusError(ERROR_NAMES[e.code] ?? 'org.freedesktop.DBus.Error.Failed', e.message);
  }
  return e;
}

/** What the face needs besides the ManagerApi: job bookkeeping for JobRemoved of jobs done inside a call. */
export interface JobHooks {
  /** Run a job method; the face makes sure a JobRemoved signal follows for the returned job. */
  runJob(fn: () => Promise<JobReply>): Promise<JobReply>;
}

type Changes = Array<[string, string, string]>;
function changes(r: UnitFileChangesReply): Changes { return r.changes.map((c) => [c.type, c.path, c.source]); }

const MODES = new Set<JobMode>(['replace', 'fail', 'isolate', 'ignore-dependencies', 'ignore-requirements', 'flush', 'replace-irreversibly']);
function mode(m: unknown): JobMode {
  if (typeof m !== 'string' || !MODES.has(m as JobMode)) throw Errors.invalidArgs(`Job mode ${String(m)} invalid.`);
  return m as JobMode;
}

const WRITE = new Set(['StartUnit', 'StartUnitReplace', 'StartUnitWithFlags', 'StopUnit', 'ReloadUnit', 'RestartUnit', 'TryRestartUnit',
  'ReloadOrRestartUnit', 'ReloadOrTryRestartUnit', 'EnqueueUnitJob', 'KillUnit', 'ResetFailedUnit', 'ResetFailed', 'CancelJob', 'ClearJobs',
  'SetUnitProperties', 'StartTransientUnit', 'EnableUnitFiles', 'EnableUnitFilesWithFlags', 'DisableUnitFiles', 'DisableUnitFilesWithFlags',
  'DisableUnitFilesWithFlagsAndInstallInfo', 'ReenableUnitFiles', 'MaskUnitFiles', 'UnmaskUnitFiles', 'PresetUnitFiles', 'PresetUnitFilesWithMode',
  'PresetAllUnitFiles', 'SetDefaultTarget', 'Reload', 'Reexecute', 'Exit', 'PowerOff', 'Reboot', 'Halt', 'KExec', 'SetEnvironment',
  'UnsetEnvironment', 'UnsetAndSetEnvironment', 'SetExitCode', 'LinkUnitFiles', 'RevertUnitFiles', 'AddDependencyUnitFiles', 'FreezeUnit', 'ThawUnit', 'CleanUnit',
  'AbandonScope']);

export function isWriteMethod(m: string): boolean { return WRITE.has(m); }

/** The targets systemctl's halt/poweroff/reboot/kexec/exit verbs (and /sbin/shutdown) start: in tsysd they end
 *  the manager in order, as the tsysctl verbs do; there is no systemd-poweroff.service to pull in. */
const SHUTDOWN_TARGETS: Record<string, 'poweroff' | 'halt' | 'reboot' | 'exit'> = {
  'poweroff.target': 'poweroff', 'halt.target': 'halt', 'reboot.target': 'reboot', 'kexec.target': 'reboot', 'exit.target': 'exit',
};
/** Job ids for those starts (the manager stops before any engine job could finish): far above the engine's. */
let shutdownJobId = 0x7f000000;

const BOOT_PHASES: Record<string, 'userspace' | 'finish' | 'unitsLoadStart' | 'unitsLoadFinish'> = {
  Userspace: 'userspace', Finish: 'finish', UnitsLoadStart: 'unitsLoadStart', UnitsLoadFinish: 'unitsLoadFinish',
};

/** One org.freedesktop.systemd1.Manager property (undefined: no such property). */
export function managerProperty(m: Manager, name: string, version: string): unknown {
  const spec = IFACES[IFACE_MANAGER]?.properties.find((p) => p.name === name);
  if (!spec) return undefined;
  switch (name) {
    case 'Version': return version;
    case 'Features': return '+tsysd';
    case 'Virtualization': return m.container;
    case 'Architecture': return m.specCtx.architecture;
    case 'Tainted': return '';
    case 'SystemState': return m.systemState;
    case 'NNames': return m.engine.graph.size;
    case 'NFailedUnits': return m.failedUnits().length;
    case 'NJobs': return m.engine.listJobs().length;
    case 'NFailedJobs': return 0;
    case 'NInstalledJobs': return m.engine.listJobs().length;
    case 'Progress': return m.systemState === 'starting' || m.systemState === 'initializing' ? 0.5 : 1;
    case 'Environment': return m.managerEnvironment();
    case 'UnitPath': return m.searchPath;
    case 'ExitCode': return m.exitCode & 0xff;
    case 'LogLevel': return m.opts.logLevel;
    case 'LogTarget': return 'console';
    case 'ControlGroup': return '';
    case 'ShowStatus': return false;
    case 'DefaultStandardOutput': return 'journal';
    case 'DefaultStandardError': return 'inherit';
    default: break;
  }
  // the boot timestamps tsysd keeps (src/manager/boot-times.ts); firmware, kernel, initrd... stay 0
  const ts = /^(\w+?)Timestamp(Monotonic)?$/.exec(name);
  if (ts) {
    const key = BOOT_PHASES[ts[1] as string];
    const t = key ? m.life.bootTimes[key] : null;
    return BigInt(Math.max(0, Math.round(t ? (ts[2] ? t.monotonic : t.realtime) : 0)));
  }
  const d = DEFAULTS[IFACE_MANAGER]?.[name];
  if (name === 'KExecWatchdogUSec') return d ?? fromShow(name, spec.type, '');
  return d ?? fromShow(name, spec.type, '') ?? '';
}

export class ManagerInterface {
  constructor(private readonly mgr: Manager, private readonly api: ManagerApi, private readonly hooks: JobHooks,
    private readonly version: string, private readonly extra: { transient?: (args: unknown[], c: Caller) => Promise<unknown[]>; setProperties?: (args: unknown[], c: Caller) => Promise<unknown[]> } = {}) {}

  bound(): BoundInterface {
    const spec = IFACES[IFACE_MANAGER];
    if (!spec) throw new Error('spec252 lacks the Manager interface');
    return {
      spec,
      get: (name) => this.property(name),
      call: async (method, args, ctx) => {
        if (isWriteMethod(method) && !ctx.caller.privileged) throw Errors.accessDenied();
        try { return await this.call(method, args, ctx); } catch (e) { throw toDbusError(e); }
      },
    };
  }

  // ---------------------------------------------------------------- properties

  property(name: string): unknown { return managerProperty(this.mgr, name, this.version); }

  // ---------------------------------------------------------------- methods

  private unitObject(name: string): string {
    const u = this.mgr.engine.graph.peek(name);
    if (!u) throw new DbusError('org.freedesktop.systemd1.NoSuchUnit', `Unit ${name} not loaded.`);
    return unitPath(u.id);
  }

  private async job(fn: () => Promise<JobReply>): Promise<unknown[]> {
    const r = await this.hooks.runJob(fn);
    return [jobPath(r.job)];
  }

  /** Start of poweroff.target & co: the manager's shutdown, with a job that is done at once (JobRemoved is sent
   *  before the manager begins stopping, so `systemctl poweroff` and /sbin/shutdown return 0). */
  private shutdownJob(unit: string, m: unknown, c: Caller): Promise<unknown[]> {
    mode(m);
    const what = SHUTDOWN_TARGETS[unit];
    return this.job(async () => {
      if (what === 'exit') await this.api.exit({ code: this.mgr.exitCode & 0xff }, c);
      else if (what === 'halt') await this.api.halt({}, c);
      else if (what === 'reboot') await this.api.reboot({}, c);
      else await this.api.poweroff({}, c);
      return { job: ++shutdownJobId, unit, type: 'start', result: 'done' };
    });
  }

  private async files(fn: () => Promise<UnitFileChangesReply>, withInfo: boolean): Promise<unknown[]> {
    const r = await fn();
    return withInfo ? [r.carriesInstallInfo ?? true, changes(r)] : [changes(r)];
  }

  async call(method: string, a: unknown[], ctx: CallContext): Promise<unknown[]> {
    const api = this.api;
    const c = ctx.caller;
    const s = (i: number): string => { const v = a[i]; return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' ? String(v) : ''; };
    const strs = (i: number): string[] => (Array.isArray(a[i]) ? (a[i] as string[]) : []);
    const jobMethod = (verb: 'start' | 'stop' | 'reload' | 'restart' | 'tryRestart' | 'reloadOrRestart' | 'tryReloadOrRestart', unit: string, m: unknown): Promise<unknown[]> =>
      this.job(() => api[verb]({ unit, mode: mode(m) }, c));
    switch (method) {
      case 'GetUnit': return [this.unitObject(s(0))];
      case 'LoadUnit': { const u = this.mgr.engine.graph.unit(s(0)); return [unitPath(u.id)]; }
      case 'GetUnitByPID': {
        const pid = Number(a[0]) || c.pid;
        const h = this.mgr.findUnitByPid(pid);
        if (!h) throw new DbusError('org.freedesktop.systemd1.NoUnitForPID', `PID ${pid} does not belong to any loaded unit.`);
        return [unitPath(h.id)];
      }
      case 'GetJob': {
        const id = Number(a[0]);
        if (!this.mgr.engine.listJobs().some((j) => j.id === id)) throw new DbusError('org.freedesktop.systemd1.NoSuchJob', `Job ${id} does not exist.`);
        return [jobPath(id)];
      }
      case 'StartUnit': return SHUTDOWN_TARGETS[s(0)] ? this.shutdownJob(s(0), a[1], c) : jobMethod('start', s(0), a[1]);
      case 'StartUnitReplace': return SHUTDOWN_TARGETS[s(1)] ? this.shutdownJob(s(1), a[2], c) : jobMethod('start', s(1), a[2]);
      case 'StopUnit': return jobMethod('stop', s(0), a[1]);
      case 'ReloadUnit': return jobMethod('reload', s(0), a[1]);
      case 'RestartUnit': return jobMethod('restart', s(0), a[1]);
      case 'TryRestartUnit': return jobMethod('tryRestart', s(0), a[1]);
      case 'ReloadOrRestartUnit': return jobMethod('reloadOrRestart', s(0), a[1]);
      case 'ReloadOrTryRestartUnit': return jobMethod('tryReloadOrRestart', s(0), a[1]);
      case 'KillUnit': {
        const whom = s(1) || 'all';
        if (whom !== 'all' && whom !== 'main' && whom !== 'control') throw Errors.invalidArgs(`Invalid who argument ${whom}`);
        await api.kill({ unit: s(0), whom, signal: Number(a[2]) }, c);
        return [];
      }
      case 'ResetFailedUnit': await api.resetFailed({ unit: s(0) }, c); return [];
      case 'AbandonScope': this.abandonScope(s(0)); return [];
      case 'ResetFailed': await api.resetFailed({}, c); return [];
      case 'CancelJob': await api.cancel({ job: Number(a[0]) }, c); return [];
      case 'ClearJobs': for (const j of await api.listJobs({}, c)) await api.cancel({ job: j.id }, c).catch(() => undefined); return [];
      case 'ListUnits': return [await this.listUnits([], [], true)];
      case 'ListUnitsFiltered': return [await this.listUnits(strs(0), [], true)];
      case 'ListUnitsByPatterns': return [await this.listUnits(strs(0), strs(1), true)];
      case 'ListUnitsByNames': return [this.listByNames(strs(0))];
      case 'ListJobs': return [(await api.listJobs({}, c)).map((j) => [j.id, j.unit, j.type, j.state, jobPath(j.id), unitPath(j.unit)])];
      case 'ListUnitFiles': return [(await api.listUnitFiles({}, c)).map((f) => [f.path, f.state])];
      case 'ListUnitFilesByPatterns': {
        const states = strs(0); const patterns = strs(1);
        const p: { states?: string[]; patterns?: string[] } = {};
        if (states.length) p.states = states;
        if (patterns.length) p.patterns = patterns;
        return [(await api.listUnitFiles(p, c)).map((f) => [f.path, f.state])];
      }
      case 'GetUnitFileState': return [(await api.getUnitFileState({ unit: s(0) }, c)).state];
      case 'EnableUnitFiles': return this.files(() => api.enable({ units: strs(0), runtime: !!a[1], force: !!a[2] }, c), true);
      case 'EnableUnitFilesWithFlags': return this.files(() => api.enable({ units: strs(0), runtime: (BigInt(a[1] as bigint) & 1n) !== 0n, force: (BigInt(a[1] as bigint) & 2n) !== 0n }, c), true);
      case 'DisableUnitFiles': return this.files(() => api.disable({ units: strs(0), runtime: !!a[1] }, c), false);
      case 'DisableUnitFilesWithFlags': return this.files(() => api.disable({ units: strs(0), runtime: (BigInt(a[1] as bigint) & 1n) !== 0n }, c), false);
      case 'DisableUnitFilesWithFlagsAndInstallInfo': return this.files(() => api.disable({ units: strs(0), runtime: (BigInt(a[1] as bigint) & 1n) !== 0n }, c), true);
      case 'ReenableUnitFiles': return this.files(() => api.reenable({ units: strs(0), runtime: !!a[1], force: !!a[2] }, c), true);
      case 'MaskUnitFiles': return this.files(() => api.mask({ units: strs(0), runtime: !!a[1], force: !!a[2] }, c), false);
      case 'UnmaskUnitFiles': return this.files(() => api.unmask({ units: strs(0), runtime: !!a[1] }, c), false);
      case 'PresetUnitFiles': return this.files(() => api.preset({ units: strs(0), runtime: !!a[1], force: !!a[2] }, c), true);
      case 'PresetUnitFilesWithMode': {
        const m = s(1) || 'full';
        if (m !== 'full' && m !== 'enable-only' && m !== 'disable-only') throw Errors.invalidArgs(`Unit file preset mode '${m}' invalid.`);
        return this.files(() => api.preset({ units: strs(0), mode: m, runtime: !!a[2], force: !!a[3] }, c), true);
      }
      case 'PresetAllUnitFiles': {
        const m = s(0) || 'full';
        if (m !== 'full' && m !== 'enable-only' && m !== 'disable-only') throw Errors.invalidArgs(`Unit file preset mode '${m}' invalid.`);
        return this.files(() => api.presetAll({ mode: m, runtime: !!a[1], force: !!a[2] }, c), false);
      }
      // systemctl clean/freeze/thaw pin the unit first; tsysd never garbage-collects a unit under a caller
      case 'RefUnit': case 'UnrefUnit': return [];
      case 'CleanUnit': await api.clean({ unit: s(0), what: strs(1) }, c); return [];
      case 'FreezeUnit': case 'ThawUnit': {
        const st = (await api.unitStates({ units: [s(0)] }, c))[0];
        if (!st || st.loadState === 'not-found') throw new DbusError('org.freedesktop.systemd1.NoSuchUnit', `Unit ${s(0)} not loaded.`);
        throw Errors.notSupported(`Unit '${s(0)}' does not support freezing.`);
      }
      case 'LinkUnitFiles': return this.files(() => api.link({ units: strs(0), runtime: !!a[1], force: !!a[2] }, c), false);
      case 'RevertUnitFiles': return this.files(() => api.revert({ units: strs(0) }, c), false);
      case 'AddDependencyUnitFiles': {
        const dep = s(2) === 'Wants' ? 'wants' : s(2) === 'Requires' ? 'requires' : null;
        if (!dep) throw Errors.invalidArgs('Invalid argument');
        return this.files(() => api.addDependency({ units: strs(0), target: s(1), dep, runtime: !!a[3], force: !!a[4] }, c), false);
      }
      case 'SetDefaultTarget': return [changes(await api.setDefault({ unit: s(0), force: !!a[1] }, c))];
      case 'GetDefaultTarget': return [(await api.getDefault({}, c)).unit];
      case 'Reload': await api.daemonReload({}, c); return [];
      case 'Reexecute': await api.daemonReexec({}, c); return [];
      case 'Exit': await api.exit({ code: this.mgr.exitCode & 0xff }, c); return [];
      case 'PowerOff': await api.poweroff({}, c); return [];
      case 'Reboot': await api.reboot({}, c); return [];
      case 'Halt': await api.halt({}, c); return [];
      case 'KExec': await api.reboot({}, c); return [];
      case 'SetExitCode': this.mgr.exitCode = Number(a[0]) & 0xff; return [];
      case 'SetEnvironment': await api.setEnvironment({ assignments: strs(0) }, c); return [];
      case 'UnsetEnvironment': await api.unsetEnvironment({ names: strs(0).map((x) => x.split('=')[0] ?? x) }, c); return [];
      case 'UnsetAndSetEnvironment':
        await api.unsetEnvironment({ names: strs(0).map((x) => x.split('=')[0] ?? x) }, c);
        await api.setEnvironment({ assignments: strs(1) }, c);
        return [];
      case 'Subscribe': case 'Unsubscribe': return [];
      case 'Dump': case 'DumpUnitsMatchingPatterns': return [this.dump(method === 'Dump' ? [] : strs(0))];
      case 'GetUnitProcesses': return [this.processes(s(0))];
      case 'GetUnitFileLinks': return [unitFileLinks(this.mgr.searchPath, s(0), !!a[1])];
      case 'SetUnitProperties':
        if (this.extra.setProperties) return this.extra.setProperties(a, c);
        break;
      case 'StartTransientUnit':
        if (this.extra.transient) return this.extra.transient(a, c);
        break;
      default: break;
    }
    throw Errors.notSupported(`Method ${method} is not supported by tsysd.`);
  }

  private async listUnits(states: string[], patterns: string[], all: boolean): Promise<unknown[]> {
    const p: { all: boolean; states?: string[]; patterns?: string[] } = { all };
    if (states.length) p.states = states;
    if (patterns.length) p.patterns = patterns;
    const list = await this.api.listUnits(p, { uid: 0, gid: 0, pid: 0, privileged: false });
    return list.map((u) => [u.unit, u.description, u.loadState, u.activeState, u.subState, u.following, unitPath(u.unit),
      u.job?.id ?? 0, u.job?.type ?? '', u.job ? jobPath(u.job.id) : '/']);
  }

  private listByNames(names: string[]): unknown[] {
    return names.map((n) => withUnit(this.mgr, n, () => {
      const u = this.mgr.engine.graph.unit(n);
      const rt = this.mgr.peekRuntime(u.id);
      const j = u.job;
      return [u.id, u.config.unit.description || u.id, u.loadState, rt?.machine.activeState() ?? 'inactive', rt?.machine.subState() ?? 'dead', '',
        unitPath(u.id), j?.id ?? 0, j ? (j.type === 'try-reload' ? 'reload' : j.type) : '', j ? jobPath(j.id) : '/'];
    }));
  }

  /** AbandonScope / Scope.Abandon (method_abandon_scope, bus_scope_method_abandon). */
  private abandonScope(name: string): void {
    const u = this.mgr.engine.graph.peek(name);
    if (!u || u.loadState !== 'loaded') throw new DbusError('org.freedesktop.systemd1.NoSuchUnit', `Unit ${name} not loaded.`);
    if (u.type !== 'scope') throw Errors.invalidArgs(`Unit '${name}' is not a scope unit, refusing.`);
    const rt = this.mgr.peekRuntime(u.id);
    let ok = false;
    if (rt?.machine.abandon) this.mgr.guard('dbus', u.id, () => { ok = rt.machine.abandon?.() ?? false; });
    if (!ok) throw new DbusError('org.freedesktop.systemd1.ScopeNotRunning', `Scope ${u.id} is not running, cannot abandon.`);
  }

  private processes(name: string): unknown[] {
    const u = this.mgr.engine.graph.peek(name);
    if (!u) throw new DbusError('org.freedesktop.systemd1.NoSuchUnit', `Unit ${name} not loaded.`);
    const rt = this.mgr.peekRuntime(u.id);
    if (!rt) return [];
    // the same cgroup path as ControlGroup (below the manager's root), or systemctl lists them as strays
    const rel = rt.host.procs.cgroup ? `/${rt.host.resources.rel}` : '';
    return rt.host.pids().map((pid) => [rel, pid, cmdline(pid)]);
  }

  private dump(patterns: string[]): string {
    const lines: string[] = [`Manager: tsysd ${this.version}`];
    for (const rt of this.mgr.runtimes.values()) {
      if (patterns.length && !patterns.includes(rt.id)) continue;
      lines.push(`-> Unit ${rt.id}:`, `\tActive State: ${rt.machine.activeState()}`, `\tSub State: ${rt.machine.subState()}`, `\tResult: ${rt.machine.result()}`);
    }
    return `${lines.join('\n')}\n`;
  }
}

/** The symlinks that enable a unit file (`*.wants/NAME`, `*.requires/NAME`, `*.upholds/NAME`, aliases), as
 *  systemctl is-enabled --full lists them; `runtime` → only the /run directories. */
export function unitFileLinks(searchPath: string[], name: string, runtime: boolean): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fs = require('node:fs') as typeof import('node:fs');
  const out: string[] = [];
  for (const dir of searchPath) {
    if (runtime && !dir.startsWith('/run/')) continue;
    let entries: string[];
    try { entries = fs.readdirSync(dir); } catch { continue; }
    for (const e of entries) {
      const p = `${dir}/${e}`;
      if (/\.(wants|requires|upholds)$/.test(e)) {
        try { fs.lstatSync(`${p}/${name}`); out.push(`${p}/${name}`); } catch { /* not linked here */ }
      } else if (e !== name) {
        try { if (fs.lstatSync(p).isSymbolicLink() && fs.readlinkSync(p).split('/').pop() === name) out.push(p); } catch { /* gone */ }
      }
    }
  }
  return out;
}

function cmdline(pid: number): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fs = require('node:fs') as typeof import('node:fs');
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((x) => x).join(' ');
  } catch { return ''; }
}
