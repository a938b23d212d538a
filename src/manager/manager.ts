// The runtime manager: owns the unit registry (loader → engine graph), one state machine + host per unit,
// the pid table that routes child exits, the sd_notify socket, job execution for the engine, the event
// stream for subscribers, the system state (initializing → starting → running|degraded → stopping) and the
// orderly shutdown. The RPC face is in api.ts, socket activation in socket-host.ts.
// Invariants: one event loop, one owner of state; machine reports (stateChanged) are queued and drained
// after the current call stack, so the engine never re-enters a machine that is mid-transition; the
// manager signals only pids it spawned or that belong to its units (the final sweep is PID-1-only).
import createDebug from 'debug';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import type { EmergencyAction, UnitConfig } from '../directives/types';
import { compileUnit, synthesizeUnit } from '../directives/compile';
import { Engine, type JobInfo, type JobResult, type EngineLog, type RunJobOutcome } from '../engine';
import { reloadJobOutcome, startJobOutcome, stopJobOutcome, type JobOutcome } from '../units/jobs';
import type { LogStore, LogLine } from '../logs/store';
import { parseNotify } from '../notify/parse';
import { POLL_READABLE, type Platform } from '../platform/types';
import type { RpcEvent, SystemState } from '../rpc/protocol';
import { UnitFileIndex } from '../unit-file/load';
import { unitSearchPath } from '../unit-file/paths';
import { withGeneratorPositions } from '../generators/setup';
import { hostSpecifierContext } from '../unit-file/specifiers';
import type { SpecifierContext } from '../unit-file/types';
import type { ConditionEnv } from '../units/conditions';
import { realConditionEnv } from '../platform/conditions-real';
import type { LogLevel } from '../units/host';
import { ServiceMachine } from '../units/service/machine';
import { SocketMachine } from '../units/socket/machine';
import { TargetMachine } from '../units/target/machine';
import type { ActiveState, StateChange, UnitMachine } from '../units/types';
import type { DaemonOptions } from './options';
import { SocketUnitHost, type SocketManager } from './socket-host';
import { UnsupportedMachine } from './unsupported';
import { writeBuiltinUnits } from './builtin-units';
import { UnitHost, cgroupOfPid } from './unit-host';

const debug = createDebug('tsysd:manager');

const LEVELS: Record<LogLevel, number> = { error: 3, warning: 4, notice: 5, info: 6, debug: 7 };
const OPT_LEVEL: Record<DaemonOptions['logLevel'], number> = { err: 3, warning: 4, notice: 5, info: 6, debug: 7 };

export interface UnitRuntime {
  id: string;
  cfg: UnitConfig;
  machine: UnitMachine;
  host: UnitHost;
  loadedAt: number;          // realtime µs when this runtime's config was loaded (NeedDaemonReload=)
}

export interface ManagerInit {
  options: DaemonOptions;
  platform: Platform;
  logs: LogStore;
  /** Print a console line (boot/shutdown progress, errors). */
  console: (line: string) => void;
  isPid1: boolean;
  container: string;
}

export class Manager implements SocketManager {
  readonly platform: Platform;
  readonly logs: LogStore;
  readonly opts: DaemonOptions;
  readonly userMode: boolean;
  readonly privileged: boolean;
  readonly conditionEnv: ConditionEnv;
  readonly maxLogLine: number;
  readonly isPid1: boolean;
  readonly container: string;
  notifySocketPath = '';
  searchPath: string[];
  index: UnitFileIndex;
  specCtx: SpecifierContext;
  engine: Engine;
  readonly runtimes = new Map<string, UnitRuntime>();
  private readonly pidTable = new Map<number, UnitHost>();
  private readonly listeners = new Set<(e: RpcEvent) => void>();
  private environment: string[];
  private notifyFd = -1;
  private notifyWatch = -1;
  private readonly reportQueue: (() => void)[] = [];
  private draining = false;
  private readonly console: (line: string) => void;
  systemState: SystemState = 'initializing';
  bootJob = 0;
  shuttingDown = false;
  exitCode = 0;
  private exitResolve: ((code: number) => void) | null = null;
  readonly exited: Promise<number>;
  /** Accept=yes instances: connection fd and REMOTE_* environment, owned until the instance stops. */
  readonly connections = new Map<string, { fd: number; env: string[]; socket: string; peer: import('../units/host').PeerInfo }>();
  readonly startedAt: number;

  constructor(init: ManagerInit) {
    this.platform = init.platform;
    this.logs = init.logs;
    this.opts = init.options;
    this.console = init.console;
    this.isPid1 = init.isPid1;
    this.container = init.container;
    this.userMode = init.options.userMode;
    this.privileged = (process.getuid?.() ?? 0) === 0;
    // ConditionEnvironment= sees the manager's unit environment (systemd: manager_get_effective_environment).
    this.conditionEnv = realConditionEnv({ environment: () => this.managerEnvironment() });
    this.maxLogLine = init.logs.maxLineBytes;
    this.environment = defaultManagerEnvironment(this.userMode);
    this.searchPath = [...withGeneratorPositions(unitSearchPath({ userMode: this.userMode, unitPaths: this.opts.unitPaths, env: process.env }), this.userMode, this.opts.generators),
      writeBuiltinUnits(`${this.opts.runtimeDir}/builtin-units`)];
    this.index = new UnitFileIndex(this.searchPath, false);
    this.specCtx = hostSpecifierContext(this.userMode);
    this.engine = this.newEngine();
    this.startedAt = this.platform.realtimeUs();
    this.exited = new Promise((r) => { this.exitResolve = r; });
  }

  private newEngine(): Engine {
    return new Engine({
      loader: (name) => this.loadConfig(name),
      userMode: this.userMode,
      host: {
        runJob: (job) => this.runJob(job),
        jobFinished: (job, result) => this.jobFinished(job, result),
        jobInstalled: (job) => this.emit({ type: 'job', phase: 'new', job: toRpcJob(job) }),
        log: (l: EngineLog) => {
          this.unitLog(l.unit, l.level === 'error' ? 'error' : l.level, l.message);
          if (l.console) this.console(l.console);
        },
        setTimer: (us, cb) => this.platform.setTimer(us, cb),
        clearTimer: (h) => { if (typeof h === 'number') this.platform.clearTimer(h); },
        // The engine's own actions (JobTimeoutAction=); Failure/SuccessAction= come from the unit machines.
        emergencyAction: (action, unit, reason) => this.emergencyAction(unit, action, null, reason),
      },
    });
  }

  // ---- loading --------------------------------------------------------------------------------------
  loadConfig(name: string): UnitConfig {
    try {
      const src = this.index.load(name);
      const cfg = compileUnit(src, this.specCtx);
      for (const d of cfg.diagnostics) {
        if (d.level === 'info') continue;
        const where = d.file && d.line > 0 ? `${d.file}:${d.line}: ` : '';
        this.unitLog(cfg.id, d.level === 'error' ? 'error' : 'warning', `${where}${d.message}`);
      }
      return shareEmptyArrays(cfg);
    } catch (e) {
      return synthesizeUnit(name, 'error', (e as Error).message);
    }
  }

  /** Runs before each daemon-reload: the generators (src/generators/setup.ts), set by the daemon. */
  beforeReload: (() => Promise<unknown>) | null = null;

  /** daemon-reload as systemctl asks for it: generators first, then reload(). */
  async daemonReload(): Promise<void> {
    if (this.beforeReload) await this.beforeReload();
    this.reload();
  }

  /** daemon-reload: re-read all unit files; running units keep their config until their next start. */
  reload(): void {
    this.emit({ type: 'manager', what: 'reloading', ts: this.platform.realtimeUs() });
    this.index = new UnitFileIndex(this.searchPath, false);
    this.loadedAtUs = this.platform.realtimeUs();
    this.engine.reload((name) => this.loadConfig(name));
    for (const rt of [...this.runtimes.values()]) {
      const u = this.engine.graph.peek(rt.id);
      if (!u) continue;
      const a = rt.machine.activeState();
      if (a === 'inactive' && !u.job && !this.connections.has(rt.id)) { this.dropRuntime(rt); continue; }
      // Running units take the new configuration for what comes next (stop commands, restart policy...);
      // processes already running keep what they were started with, as in systemd.
      if (u.config !== rt.cfg && u.config.loadState === 'loaded' && u.config.type === rt.cfg.type && rt.machine.reconfigure) {
        rt.machine.reconfigure(u.config);
        rt.cfg = u.config;
        rt.host.cfg = u.config;
        rt.loadedAt = this.loadedAtUs;
      }
    }
    this.emit({ type: 'manager', what: 'reloaded', ts: this.platform.realtimeUs() });
  }

  /** The config a unit currently runs with differs from its file (NeedDaemonReload=). */
  needsReload(id: string): boolean {
    const u = this.engine.graph.peek(id);
    if (!u || !u.config.fragmentPath || u.config.fragmentPath === '/dev/null') return false;
    const rt = this.runtimes.get(u.id);
    const cfgAt = Math.max(rt ? rt.loadedAt : 0, this.loadedAtUs);
    // Cheap check (stat, no directory scan): a changed or removed fragment/drop-in, or a drop-in directory
    // whose contents changed, since the configuration was loaded.
    const paths = [u.config.fragmentPath, ...u.config.dropInPaths, ...u.config.dropInPaths.map((p) => p.slice(0, p.lastIndexOf('/')))];
    for (const f of new Set(paths)) {
      try { if (fs.statSync(f).mtimeMs * 1000 > cfgAt) return true; } catch { return true; }
    }
    return false;
  }
  private loadedAtUs = Date.now() * 1000;

  // ---- runtimes -------------------------------------------------------------------------------------
  runtime(id: string): UnitRuntime {
    const u = this.engine.graph.unit(id);
    let rt = this.runtimes.get(u.id);
    if (rt && rt.cfg !== u.config && isInactiveOrFailedState(rt.machine.activeState()) && !this.connections.has(u.id)) {
      // A daemon-reload changed the unit: a stopped unit picks up its new configuration.
      const failed = rt.machine.activeState() === 'failed';
      if (!failed) { this.dropRuntime(rt); rt = undefined; }
    }
    if (rt) return rt;
    const cfg = u.config;
    const host = cfg.type === 'socket' ? new SocketUnitHost(this, cfg) : new UnitHost(this, cfg);
    let machine: UnitMachine;
    if (cfg.loadState !== 'loaded') machine = new UnsupportedMachine(cfg, host, cfg.type);
    else if (cfg.type === 'service' && cfg.service) machine = new ServiceMachine(cfg, host);
    else if (cfg.type === 'target') machine = new TargetMachine(cfg, host);
    else if (cfg.type === 'socket' && cfg.socket && host instanceof SocketUnitHost) machine = new SocketMachine(cfg, host);
    else machine = new UnsupportedMachine(cfg, host, cfg.type);
    host.machine = machine;
    const created: UnitRuntime = { id: u.id, cfg, machine, host, loadedAt: this.platform.realtimeUs() };
    this.runtimes.set(u.id, created);
    return created;
  }

  peekRuntime(id: string): UnitRuntime | undefined {
    const u = this.engine.graph.peek(id);
    return this.runtimes.get(u ? u.id : id);
  }

  private dropRuntime(rt: UnitRuntime): void {
    rt.host.dispose();
    this.runtimes.delete(rt.id);
  }

  registerPid(pid: number, host: UnitHost): void { this.pidTable.set(pid, host); }

  /** Every reaped child (ours or a re-parented orphan). */
  onChildExit(pid: number, code: 'exited' | 'killed' | 'dumped', status: number): void {
    this.scheduleEmptyCheck();
    const host = this.pidTable.get(pid);
    if (!host) { debug('reaped unknown pid %d', pid); return; }
    this.pidTable.delete(pid);
    host.childExited(pid, code === 'exited' ? { code: status, signal: 0, core: false } : { code: 0, signal: status, core: code === 'dumped' });
  }

  /** After a burst of reaps (orphans of units included), let units whose last process died notice it. */
  private scheduleEmptyCheck(): void {
    if (this.emptyCheckPending) return;
    this.emptyCheckPending = true;
    setImmediate(() => {
      this.emptyCheckPending = false;
      // Only units waiting for their last process can be waiting on an orphan's exit (the exits of their own
      // main/control processes are delivered directly).
      for (const rt of this.runtimes.values()) {
        if (!rt.host.mayHaveProcesses || rt.host.awaitsOwnExit()) continue;
        const a = rt.machine.activeState();
        if (a === 'deactivating' || a === 'activating') rt.host.checkEmpty();
      }
    });
  }
  private emptyCheckPending = false;

  // ---- socket activation (SocketManager) ----------------------------------------------------------
  socketServiceInfo(_socket: string, service: string): import('../units/host').TriggeredServiceInfo {
    const u = this.engine.graph.unit(service);
    const rt = this.runtimes.get(u.id);
    const a = rt ? rt.machine.activeState() : 'inactive';
    const pendingStart = !!u.job && u.job.type !== 'stop';
    return {
      loaded: u.loadState === 'loaded',
      subState: rt ? rt.machine.subState() : 'dead',
      activeOrPending: a === 'active' || a === 'reloading' || a === 'activating' || pendingStart,
    };
  }

  startService(socket: string, service: string): boolean {
    if (this.shuttingDown) return false;
    const r = this.engine.enqueue(service, 'start', 'replace');
    if (!r.ok) this.unitLog(socket, 'warning', `Failed to queue service startup job (Maybe the service file is missing or not a non-template unit?): ${r.message}`);
    return r.ok;
  }

  startAcceptInstance(socket: string, name: string, fd: number, peer: import('../units/host').PeerInfo, env: string[]): boolean {
    if (this.shuttingDown) return false;
    this.connections.set(name, { fd, env, socket, peer });
    const r = this.engine.enqueue(name, 'start', 'replace');
    if (!r.ok) {
      this.connections.delete(name);
      this.unitLog(socket, 'warning', `Failed to queue service startup job for ${name}: ${r.message}`);
      return false;
    }
    return true;
  }

  // ---- HostManager ----------------------------------------------------------------------------------
  managerEnvironment(): string[] { return [...this.environment]; }
  setEnvironment(assignments: string[]): void {
    const map = new Map(this.environment.map((a) => [a.slice(0, a.indexOf('=')), a] as const));
    for (const a of assignments) map.set(a.slice(0, a.indexOf('=')), a);
    this.environment = [...map.values()].sort();
  }
  unsetEnvironment(names: string[]): void {
    this.environment = this.environment.filter((a) => {
      const k = a.slice(0, a.indexOf('='));
      return !names.some((n) => n === k || n === a);
    });
  }

  listenFdsFor(unit: string): { fds: number[]; names: string[] } {
    const fds: number[] = [];
    const names: string[] = [];
    const u = this.engine.graph.peek(unit);
    if (!u) return { fds, names };
    for (const s of u.get('TriggeredBy')) {
      if (s.type !== 'socket') continue;
      const rt = this.runtimes.get(s.id);
      if (!rt || !(rt.host instanceof SocketUnitHost)) continue;
      const l = rt.host.listenFds();
      fds.push(...l.fds);
      names.push(...l.names);
    }
    return { fds, names };
  }

  connectionFor(unit: string): { fd: number; env: string[] } | null {
    const c = this.connections.get(unit);
    return c ? { fd: c.fd, env: c.env } : null;
  }

  unitLog(unit: string, level: LogLevel, text: string, pid = 0): void {
    const pri = LEVELS[level] ?? 6;
    if (pri > OPT_LEVEL[this.opts.logLevel]) { debug('%s: %s', unit, text); return; }
    this.appendLog({ ts: this.platform.realtimeUs(), unit, pid, stream: 'manager', priority: pri, ident: 'tsysd', text });
    if (pri <= OPT_LEVEL[this.opts.logLevel] && pri <= 5) this.console(unit ? `${unit}: ${text}` : text);
    else debug('%s: %s', unit, text);
  }

  serviceOutput(unit: string, pid: number, ident: string, text: string): void {
    this.appendLog({ ts: this.platform.realtimeUs(), unit, pid, stream: 'stdout', priority: 6, ident, text });
  }

  private appendLog(l: Omit<LogLine, 'seq'>): void {
    const line = this.logs.append(l);
    if (this.listeners.size) {
      this.emit({ type: 'log', line: { seq: line.seq, ts: line.ts, unit: line.unit, pid: line.pid, ident: line.ident, stream: line.stream, priority: line.priority, message: line.text } });
    }
  }

  stateChanged(host: UnitHost, change: StateChange): void {
    this.defer(() => this.applyStateChange(host, change));
  }

  defer(fn: () => void): void {
    this.reportQueue.push(fn);
    if (this.draining) return;
    this.draining = true;
    queueMicrotask(() => this.drain());
  }

  private drain(): void {
    try {
      for (let n = 0; this.reportQueue.length > 0; n++) {
        const fn = this.reportQueue.shift() as () => void;
        try { fn(); } catch (e) { this.unitLog('', 'error', `internal error: ${(e as Error).stack ?? String(e)}`); }
      }
    } finally { this.draining = false; }
  }

  emergencyAction(unit: string, action: EmergencyAction, exitStatus: number | null, reason: string): void {
    if (action === 'none') return;
    this.unitLog(unit, 'notice', `Unit requested ${action} (${reason}).`);
    const force = action.endsWith('-force') || action.endsWith('-immediate');
    if (action.startsWith('exit')) {
      if (exitStatus !== null) this.exitCode = exitStatus;
      if (force) this.finalExit(this.exitCode); else this.shutdown('exit', this.exitCode);
      return;
    }
    // poweroff/halt/reboot/kexec/soft-reboot: in a container these all end the manager (never reboot(2)).
    if (force) this.finalExit(this.exitCode); else this.shutdown(action.replace(/-.*$/, ''), this.exitCode);
  }

  requestJob(unit: string, type: 'restart' | 'try-reload' | 'start', reason: string): void {
    if (this.shuttingDown) return;
    const r = this.engine.enqueue(unit, type, 'replace');
    if (!r.ok) this.unitLog(unit, 'warning', `Failed to enqueue ${type} job (${reason}): ${r.message}`);
  }

  hasStopJob(unit: string): boolean {
    const j = this.engine.graph.peek(unit)?.job;
    return !!j && j.type === 'stop';
  }

  /** Jobs other than the ones whose units are already running their idle command. */
  jobQueueIdle(): boolean { return this.engine.jobCount() === 0; }

  holdUntilIdle(fd: number): void {
    const timer = setTimeout(() => this.releaseIdle(fd), 5000);
    this.idleHolds.set(fd, timer);
  }

  private releaseIdle(fd: number): void {
    const t = this.idleHolds.get(fd);
    if (t === undefined) return;
    clearTimeout(t);
    this.idleHolds.delete(fd);
    this.platform.close(fd);
  }
  private readonly idleHolds = new Map<number, NodeJS.Timeout>();

  propagateReload(unit: string): void {
    const u = this.engine.graph.peek(unit);
    if (!u) return;
    for (const o of u.get('PropagatesReloadTo')) this.requestJob(o.id, 'try-reload', `reload propagated from ${unit}`);
  }

  // ---- jobs -----------------------------------------------------------------------------------------
  private runJob(job: JobInfo): RunJobOutcome {
    const rt = this.runtime(job.unit);
    const m = rt.machine;
    const map = (o: JobOutcome): RunJobOutcome => (o === 'retry' ? 'again' : o);
    switch (job.type) {
      case 'start': {
        if (this.shuttingDown && !this.allowedDuringShutdown(job.unit)) return { result: 'canceled' };
        const o = m.start();
        if (o === 'condition-failed') this.unitLog(job.unit, 'info', `${describe(rt.cfg)} was skipped because of an unmet condition check.`);
        return map(startJobOutcome(o));
      }
      case 'stop': case 'restart':
        return map(stopJobOutcome(m.stop({ restart: job.type === 'restart' })));
      case 'reload': case 'try-reload': case 'reload-or-start':
        return map(reloadJobOutcome(m.reload()));
      default:
        return 'done';
    }
  }

  private allowedDuringShutdown(unit: string): boolean {
    return unit === 'shutdown.target' || unit.startsWith('systemd-') || unit.endsWith('.target');
  }

  private jobFinished(job: JobInfo, result: JobResult): void {
    const rt = this.runtimes.get(job.unit);
    const unitResult = rt ? rt.machine.result() : 'success';
    if (rt && job.type === 'start' && result !== 'done' && result !== 'canceled') {
      if (result === 'dependency') this.console(`[DEPEND] Dependency failed for ${describe(rt.cfg)}.`);
      else this.console(`[FAILED] Failed to start ${describe(rt.cfg)}.`);
    }
    this.emit({ type: 'job', phase: 'removed', job: toRpcJob(job), result, unitResult });
    if (job.id === this.bootJob) this.bootJob = 0;
    if (this.idleHolds.size && this.jobQueueIdle()) for (const fd of [...this.idleHolds.keys()]) this.releaseIdle(fd);
    this.updateSystemState();
  }

  // ---- state changes --------------------------------------------------------------------------------
  private applyStateChange(host: UnitHost, c: StateChange): void {
    const rt = this.runtimes.get(host.id);
    const desc = rt ? describe(rt.cfg) : host.id;
    if (c.oldActive !== c.newActive) {
      if (c.newActive === 'activating' && isInactiveOrFailedState(c.oldActive)) this.console(`Starting ${desc}...`);
      else if (c.newActive === 'active' && c.oldActive !== 'reloading') {
        const verb = rt?.cfg.type === 'target' ? 'Reached target' : rt?.cfg.service?.type === 'oneshot' ? 'Finished' : rt?.cfg.type === 'socket' ? 'Listening on' : 'Started';
        this.console(`[  OK  ] ${verb} ${desc}.`);
      } else if (c.newActive === 'deactivating') this.console(`Stopping ${desc}...`);
      else if (c.newActive === 'inactive' && c.oldActive !== 'failed') this.console(`[  OK  ] Stopped ${desc}.`);
      else if (c.newActive === 'failed') this.console(`[FAILED] ${host.id} failed (Result: ${c.result}).`);
    }
    this.emit({ type: 'unit', unit: c.unit, loadState: rt?.cfg.loadState ?? 'loaded', activeState: c.newActive, subState: c.newSub, result: c.result, ts: this.platform.realtimeUs() });
    this.engine.unitStateChanged(c.unit, c.oldActive, c.newActive, { reloadFailure: c.flags.reloadFailure, willAutoRestart: c.flags.willAutoRestart });
    // Socket units follow the services they trigger (Accept=no), and forget connections of instances.
    if (rt && rt.cfg.type === 'service') this.notifyTriggeringSockets(rt, c);
    if (isInactiveOrFailedState(c.newActive)) this.unitStopped(host.id, c.newActive);
    this.updateSystemState();
  }

  private notifyTriggeringSockets(rt: UnitRuntime, c: StateChange): void {
    const u = this.engine.graph.peek(rt.id);
    if (!u) return;
    const startLimitHit = c.result === 'start-limit-hit' || (c.newActive === 'failed' && rt.machine.properties().StartLimitHit === true);
    for (const s of u.get('TriggeredBy')) {
      const srt = this.runtimes.get(s.id);
      if (srt && srt.machine instanceof SocketMachine) srt.machine.onServiceStateChange(c.newSub, startLimitHit, !!u.job);
    }
  }

  private unitStopped(id: string, state: ActiveState): void {
    const conn = this.connections.get(id);
    if (conn) {
      this.connections.delete(id);
      this.platform.close(conn.fd);
      const srt = this.runtimes.get(conn.socket);
      if (srt && srt.machine instanceof SocketMachine) srt.machine.onConnectionClosed(conn.peer);
      // Accept=yes instances are garbage-collected once they are inactive (failed ones stay until reset-failed).
      if (state === 'inactive') {
        const rt = this.runtimes.get(id);
        if (rt) this.defer(() => {
          const u = this.engine.graph.peek(id);
          if (rt.machine.activeState() !== 'inactive' || u?.job) return;
          this.dropRuntime(rt);
          const gone = u ? this.engine.graph.collect(u) : false;
          debug('garbage-collect %s: %s (job %s)', id, gone ? 'unloaded' : 'still referenced', u?.job ? u.job.id : 'none');
          this.logs.drop(id);
        });
      }
    }
    if (this.shuttingDown && !this.shutdownCheckQueued) {
      // One check per burst of stopped units (each check looks at every runtime).
      this.shutdownCheckQueued = true;
      this.defer(() => { this.shutdownCheckQueued = false; this.checkShutdownDone(); });
    }
  }
  private shutdownCheckQueued = false;

  // ---- events ---------------------------------------------------------------------------------------
  onEvent(listener: (e: RpcEvent) => void): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  emit(e: RpcEvent): void {
    for (const l of this.listeners) {
      try { l(e); } catch { this.listeners.delete(l); }
    }
  }

  // ---- notify socket --------------------------------------------------------------------------------
  openNotifySocket(path: string): string | null {
    try { fs.unlinkSync(path); } catch { /* not there */ }
    const r = this.platform.openNotifySocket(path);
    if ('errno' in r) return `cannot open notify socket ${path}: ${r.message}`;
    this.notifyFd = r.fd;
    this.notifySocketPath = path;
    // Like systemd's: every process may send (services drop privileges before READY=1); SO_PASSCRED and the
    // NotifyAccess= check decide what is accepted.
    try { fs.chmodSync(path, 0o777); } catch { /* abstract or gone */ }
    this.notifyWatch = this.platform.pollFd(r.fd, POLL_READABLE, () => this.readNotify());
    return null;
  }

  private readNotify(): void {
    for (let i = 0; i < 256; i++) {
      const d = this.platform.recvNotify(this.notifyFd);
      if (!d) return;
      if (d.pid <= 0) { for (const fd of d.fds) this.platform.close(fd); continue; }
      const host = this.findUnitByPid(d.pid);
      if (!host || !(host.machine instanceof ServiceMachine)) {
        debug('notify from pid %d: no unit', d.pid);
        for (const fd of d.fds) this.platform.close(fd);
        continue;
      }
      const msg = parseNotify(d.data);
      // BARRIER=1 (sd_notify_barrier, used by systemd-notify): the sender waits until we close the fd it
      // sent, which proves every earlier datagram was processed — they were, in order, above.
      if (msg.entries.length === 1 && msg.entries[0]?.[0] === 'BARRIER' && msg.entries[0]?.[1] === '1') {
        for (const fd of d.fds) this.platform.close(fd);
        continue;
      }
      host.machine.onNotify(msg, { pid: d.pid, uid: d.uid }, d.fds);
    }
  }

  /** The unit a pid belongs to: known main/control pids first, then cgroup/session membership. */
  findUnitByPid(pid: number): UnitHost | null {
    const direct = this.pidTable.get(pid);
    if (direct) return direct;
    const cg = cgroupOfPid(pid);   // read once, then matched against each unit's cgroup path
    for (const rt of this.runtimes.values()) {
      if (isInactiveOrFailedState(rt.machine.activeState())) continue;
      if (cg !== null && rt.host.procs.cgroup ? rt.host.cgroupMatches(cg) : rt.host.pidInUnit(pid)) return rt.host;
    }
    return null;
  }

  // ---- boot, system state, shutdown -----------------------------------------------------------------
  boot(): void {
    this.systemState = 'starting';
    let target = this.opts.target;
    if (!target) {
      target = 'default.target';
      if (this.engine.graph.unit(target).loadState !== 'loaded') {
        const alt = this.userMode ? '' : 'multi-user.target';
        if (alt && this.engine.graph.unit(alt).loadState === 'loaded') target = alt;
        else {
          this.unitLog('', 'info', 'No default.target found: started with no boot target.');
          this.updateSystemState();
          return;
        }
      }
    }
    const r = this.engine.enqueue(target, 'start', 'replace');
    if (!r.ok) {
      this.unitLog(target, 'error', `Failed to start default target: ${r.message}`);
      this.console(`tsysd: failed to start ${target}: ${r.message} (the control socket keeps serving)`);
      this.bootFailed = true;
    } else {
      this.bootJob = r.job.id;
      this.engine.whenFinished(r.job.id, (res) => {
        if (res !== 'done') {
          this.bootFailed = true;
          this.console(`tsysd: boot target ${target} finished with result '${res}'; the system is degraded.`);
        }
        this.updateSystemState();
        if (this.systemState === 'running' || this.systemState === 'degraded') this.sendReadyToParent();
      });
    }
    this.updateSystemState();
  }
  private bootFailed = false;

  /** Like systemd as PID 1 of a container: tell our own supervisor (its $NOTIFY_SOCKET) that boot is done. */
  private sendReadyToParent(): void {
    const ns = process.env.NOTIFY_SOCKET;
    if (!ns || this.notifyParentSent) return;
    this.notifyParentSent = true;
    if (!ns.startsWith('/')) { debug('NOTIFY_SOCKET %s: only path sockets are supported', ns); return; }
    try {
      const { DgramSocket } = require('node-unix-socket') as typeof import('node-unix-socket');
      const sock = new DgramSocket();
      const msg = Buffer.from(`READY=1\nSTATUS=${this.systemState === 'degraded' ? 'Startup finished (degraded)' : 'Startup finished'}\nMAINPID=${process.pid}\n`);
      sock.sendTo(msg, 0, msg.length, ns, () => { sock.close(); });
    } catch (e) {
      this.unitLog('', 'warning', `Failed to notify ${ns}: ${(e as Error).message}`);
    }
  }
  private notifyParentSent = false;

  private anyFailed(): boolean {
    for (const rt of this.runtimes.values()) if (rt.machine.activeState() === 'failed') return true;
    return false;
  }

  failedUnits(): string[] {
    const out: string[] = [];
    for (const rt of this.runtimes.values()) if (rt.machine.activeState() === 'failed') out.push(rt.id);
    return out.sort();
  }

  updateSystemState(): void {
    if (this.shuttingDown) { this.systemState = 'stopping'; return; }
    if (this.systemState === 'initializing') return;
    const jobs = this.engine.jobCount();
    if (this.bootJob !== 0 || (this.systemState === 'starting' && jobs > 0)) { this.systemState = 'starting'; return; }
    this.systemState = this.bootFailed || this.anyFailed() ? 'degraded' : 'running';
  }

  /** Orderly shutdown: stop every unit in reverse dependency order, then exit with `code`. */
  shutdown(why: string, code: number): void {
    if (this.shuttingDown) {
      // A second request: hurry up — skip remaining stop timeouts.
      this.unitLog('', 'notice', 'Shutdown already in progress; forcing remaining units down.');
      this.forceDown();
      return;
    }
    this.exitCode = code;
    this.shuttingDown = true;
    this.systemState = 'stopping';
    this.emit({ type: 'manager', what: 'stopping', ts: this.platform.realtimeUs() });
    this.console(`tsysd: ${why}: stopping all units.`);
    for (const j of this.engine.listJobs()) if (j.type !== 'stop') this.engine.cancelJob(j.id);
    // Install every stop job before any runs, so the run queue orders them all (reverse of start order).
    // Every unit that is not stopped gets its own stop job, so the stop propagation to units that require it
    // would only rebuild (and re-verify) the same jobs once per unit: 'ignore-requirements' skips that and
    // keeps the ordering (After=/Before=) between the jobs.
    this.engine.hold = true;
    try {
      for (const rt of [...this.runtimes.values()]) {
        if (isInactiveOrFailedState(rt.machine.activeState())) continue;
        const r = this.engine.enqueue(rt.id, 'stop', 'ignore-requirements');
        if (!r.ok) this.unitLog(rt.id, 'warning', `Failed to stop: ${r.message}`);
      }
    } finally {
      this.engine.hold = false;
    }
    this.engine.dispatch();
    this.shutdownStartedAt = Date.now();
    this.shutdownTicker = setInterval(() => this.reportWaiting(), 5000);
    this.defer(() => this.checkShutdownDone());
  }
  private shutdownTicker: NodeJS.Timeout | null = null;
  private shutdownStartedAt = 0;

  private reportWaiting(): void {
    const waiting = [...this.runtimes.values()].filter((rt) => !isInactiveOrFailedState(rt.machine.activeState())).map((rt) => rt.id);
    if (waiting.length) this.console(`tsysd: still waiting for ${waiting.length} unit(s) to stop (${Math.round((Date.now() - this.shutdownStartedAt) / 1000)}s): ${waiting.slice(0, 10).join(', ')}${waiting.length > 10 ? ', ...' : ''}`);
  }

  private forceDown(): void {
    for (const rt of this.runtimes.values()) {
      if (isInactiveOrFailedState(rt.machine.activeState())) continue;
      for (const pid of rt.host.pids()) this.platform.kill(pid, 9);
    }
  }

  private checkShutdownDone(): void {
    if (!this.shuttingDown) return;
    if (this.anyBusy() || this.engine.hasJobOfType('stop')) return;
    this.finalExit(this.exitCode);
  }

  /** Some unit is not inactive/failed yet. Called after every unit that stops during the shutdown: the scan
   *  resumes at the unit found busy last time (units seldom leave the stopped states during a shutdown), and
   *  "none busy" is only answered after a full pass, so 1,000 units stopping cost O(n), not O(n²). */
  private anyBusy(): boolean {
    if (this.busyScan.length !== this.runtimes.size) { this.busyScan = [...this.runtimes.values()]; this.busyCursor = 0; }
    const list = this.busyScan;
    for (let k = 0; k < list.length; k++) {
      const i = (this.busyCursor + k) % list.length;
      const rt = list[i] as UnitRuntime;
      if (this.runtimes.get(rt.id) !== rt) { this.busyScan = []; return this.anyBusy(); }   // replaced meanwhile
      if (!isInactiveOrFailedState(rt.machine.activeState())) { this.busyCursor = i; return true; }
    }
    return false;
  }
  private busyScan: UnitRuntime[] = [];
  private busyCursor = 0;

  /** Close everything we own, sweep leftovers when PID 1 of our own namespace, and resolve `exited`. */
  finalExit(code: number): void {
    if (!this.exitResolve) return;
    if (this.shutdownTicker) clearInterval(this.shutdownTicker);
    this.emit({ type: 'manager', what: 'exiting', ts: this.platform.realtimeUs() });
    for (const rt of this.runtimes.values()) {
      if (rt.host instanceof SocketUnitHost) rt.host.closeListeners(rt.cfg.socket?.removeOnStop ?? false);
      rt.host.dispose();
    }
    for (const c of this.connections.values()) this.platform.close(c.fd);
    this.connections.clear();
    for (const fd of [...this.idleHolds.keys()]) this.releaseIdle(fd);
    if (this.notifyWatch >= 0) this.platform.unpollFd(this.notifyWatch);
    if (this.notifyFd >= 0) this.platform.close(this.notifyFd);
    if (this.notifySocketPath) { try { fs.unlinkSync(this.notifySocketPath); } catch { /* gone */ } }
    // The built-in units were written by this manager into its runtime dir (last entry of the search path).
    const builtin = this.searchPath[this.searchPath.length - 1];
    if (builtin?.endsWith('/builtin-units')) fs.rmSync(builtin, { recursive: true, force: true });
    const resolve = this.exitResolve;
    this.exitResolve = null;
    resolve(code);
  }
}

export function describe(cfg: UnitConfig): string {
  const d = cfg.unit.description;
  return d && d !== cfg.id ? `${cfg.id} - ${d}` : cfg.id;
}

function isInactiveOrFailedState(s: ActiveState): boolean { return s === 'inactive' || s === 'failed'; }

function toRpcJob(j: JobInfo): { id: number; unit: string; type: 'start' | 'stop' | 'restart' | 'try-restart' | 'reload' | 'reload-or-start' | 'verify-active' | 'nop'; state: 'waiting' | 'running' } {
  const t = j.type === 'try-reload' ? 'reload' : j.type;
  return { id: j.id, unit: j.unit, type: t, state: j.state };
}

/** The system manager's clean base environment (systemd: PATH on split-usr Debian, LANG from the locale). */
export function defaultManagerEnvironment(userMode: boolean): string[] {
  if (userMode) {
    return Object.entries(process.env)
      .filter((e): e is [string, string] => typeof e[1] === 'string' && !e[0].startsWith('npm_') && e[0] !== 'NOTIFY_SOCKET' && !e[0].startsWith('LISTEN_'))
      .map(([k, v]) => `${k}=${v}`).sort();
  }
  return ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'];
}

export function newInvocationId(): string { return randomBytes(16).toString('hex'); }

/** One frozen empty array for every empty list of a loaded config: a unit's config holds ~85 list-valued
 *  settings, nearly all empty, and each `[]` costs a heap object (bench/boot, 1,000 units: ~2.7 MiB).
 *  Configs are replaced, never edited, after loading (a write would throw, not corrupt another unit). */
const EMPTY: readonly never[] = Object.freeze([]);
function shareEmptyArrays<T>(o: T, depth = 0): T {
  if (depth > 6 || o === null || typeof o !== 'object') return o;
  const rec = o as Record<string, unknown>;
  for (const k of Object.keys(rec)) {
    const v = rec[k];
    if (Array.isArray(v)) {
      if (v.length === 0) { if ((v as unknown) !== EMPTY) rec[k] = EMPTY; } else for (const x of v) shareEmptyArrays(x, depth + 1);
    } else if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) shareEmptyArrays(v, depth + 1);
  }
  return o;
}
