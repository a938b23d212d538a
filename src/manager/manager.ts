// The runtime manager: owns the unit registry (loader → engine graph), the runtime table (one machine + host
// per unit, runtimes.ts), the lifecycle (lifecycle.ts), the sd_notify socket (notify-router.ts), job
// execution (jobs.ts), the event stream for subscribers, the manager environment and the crash barrier
// every event enters through (barrier.ts). Unit loading is unit-loader.ts, socket/timer/path activation
// activation.ts, Type=idle holds idle-holds.ts. The RPC face is api.ts.
// Invariants: one event loop, one owner of state; machine reports (stateChanged) are queued and drained
// after the current call stack, so the engine never re-enters a machine that is mid-transition; every OS
// access goes through the Platform; the manager signals only pids it spawned or that belong to its units
// (the final sweep is PID-1-only, in the daemon).
import createDebug from 'debug';
import type { EmergencyAction, UnitConfig } from '../directives/types';
import { Engine, type EngineLog } from '../engine';
import type { LogStore, LogLine } from '../logs/store';
import { cutUtf8, LINE_MAX } from '../logs/limits';
import { monitorEnvironment } from './monitor-env';
import type { Platform } from '../platform/types';
import type { RpcEvent, SystemState } from '../rpc/protocol';
import type { UnitFileIndex } from '../unit-file/load';
import { unitSearchPath } from '../unit-file/paths';
import { withGeneratorPositions } from '../generators/setup';
import { hostSpecifierContext } from '../unit-file/specifiers-host';
import type { SpecifierContext } from '../unit-file/types';
import type { ConditionEnv } from '../units/conditions';
import type { LogLevel, PeerInfo, StartTriggeredResult, TriggeredServiceInfo, TriggerTarget } from '../units/host';
import type { ActiveState, StateChange, StatusKind } from '../units/types';
import { Activation, type Connection } from './activation';
import { CrashBarrier, faultText, type EventSource, type Fault } from './barrier';
import { writeBuiltinUnits } from './builtin-units';
import { MountTable } from './mount-table';
import { JobRunner, toRpcJob } from './jobs';
import { Lifecycle, type Phase } from './lifecycle';
import { NotifyRouter } from './notify-router';
import type { DaemonOptions } from './options';
import { RuntimeTable, type UnitRuntime } from './runtimes';
import type { SocketManager } from './socket-host';
import { TimeService } from './time-service';
import type { TriggerManager } from './trigger-host';
import type { UnitHost } from './unit-host';
import { UnitLoader } from './unit-loader';
import { IdleHolds } from './idle-holds';
import { defaultManagerEnvironment } from './manager-env';

export { describe } from './jobs';
export type { UnitRuntime } from './runtimes';

const debug = createDebug('tsysd:manager');

const LEVELS: Record<LogLevel, number> = { error: 3, warning: 4, notice: 5, info: 6, debug: 7 };
const OPT_LEVEL: Record<DaemonOptions['logLevel'], number> = { err: 3, warning: 4, notice: 5, info: 6, debug: 7 };

export interface ManagerInit {
  options: DaemonOptions;
  platform: Platform;
  logs: LogStore;
  /** Print a console line (boot/shutdown progress, errors). */
  console: (line: string) => void;
  isPid1: boolean;
  container: string;
  /** The environment the manager was started with (search paths, user-mode environment, NOTIFY_SOCKET). */
  env: Readonly<Record<string, string | undefined>>;
  /** Our uid (root → privileged system manager). */
  uid: number;
  /** Condition*= facts of this host (src/platform/conditions-real.ts in the daemon, fixed facts in tests). */
  conditionEnv: ConditionEnv;
}

export class Manager implements SocketManager, TriggerManager {
  readonly platform: Platform;
  readonly logs: LogStore;
  readonly opts: DaemonOptions;
  readonly userMode: boolean;
  readonly privileged: boolean;
  readonly conditionEnv: ConditionEnv;
  readonly maxLogLine: number;
  readonly isPid1: boolean;
  readonly container: string;
  /** $HOME of the manager (user-mode directories). */
  readonly homeDir: string;
  readonly barrier: CrashBarrier;
  readonly life: Lifecycle;
  readonly runtimes: RuntimeTable;
  readonly notify: NotifyRouter;
  private readonly jobs: JobRunner;
  /** Search path, unit-file index, compiling and NeedDaemonReload= (unit-loader.ts). */
  readonly loader: UnitLoader;
  engine: Engine;
  private readonly listeners = new Set<(e: RpcEvent) => void>();
  private environment: string[];
  private readonly reportQueue: { unit: string; fn: () => void }[] = [];
  private draining = false;
  readonly console: (line: string) => void;
  /** Socket, timer and path activation, Accept=yes connections (activation.ts). */
  private readonly act: Activation = new Activation(this);
  readonly startedAt: number;
  private readonly idleHolds: IdleHolds;
  private shutdownCheckQueued = false;
  /** CLOCK_MONOTONIC at start (MANAGER_TIMESTAMP_USERSPACE: OnStartupSec=, OnBootSec= in containers). */
  readonly userspaceMonotonic: number;
  /** Persistent= timer stamps: /var/lib/systemd/timers, $XDG_DATA_HOME/systemd/timers for a user manager
   *  ($TSYSD_TIMER_STAMP_DIR overrides it, for tests and images that keep state elsewhere). */
  readonly timerStampDir: string;
  private time: TimeService | null = null;

  constructor(init: ManagerInit) {
    this.platform = init.platform;
    this.logs = init.logs;
    this.opts = init.options;
    this.console = init.console;
    this.isPid1 = init.isPid1;
    this.container = init.container;
    this.homeDir = init.env['HOME'] || '/';
    this.userMode = init.options.userMode;
    this.privileged = init.uid === 0;
    this.conditionEnv = init.conditionEnv;
    this.maxLogLine = init.logs.maxLineBytes;
    this.environment = defaultManagerEnvironment(this.userMode, init.env);
    const searchPath = [...withGeneratorPositions(unitSearchPath({ userMode: this.userMode, unitPaths: this.opts.unitPaths, env: init.env }), this.userMode, this.opts.generators, init.env),
      writeBuiltinUnits(this.platform, `${this.opts.runtimeDir}/builtin-units`)];
    this.loader = new UnitLoader(this.platform, searchPath, hostSpecifierContext(this.userMode),
      (name) => this.mounts.configFor(name), (unit, level, text) => this.unitLog(unit, level, text));
    this.barrier = new CrashBarrier((f) => this.onFault(f));
    this.runtimes = new RuntimeTable(this, this.platform);
    this.notify = new NotifyRouter(this);
    this.jobs = new JobRunner(this);
    this.idleHolds = new IdleHolds(this.platform, () => this.jobQueueIdle());
    this.engine = this.newEngine();
    this.startedAt = this.platform.realtimeUs();
    this.userspaceMonotonic = this.platform.monotonicUs();
    const e = init.env;
    this.timerStampDir = e['TSYSD_TIMER_STAMP_DIR'] || (!this.userMode ? '/var/lib/systemd/timers'
      : e['XDG_DATA_HOME'] ? `${e['XDG_DATA_HOME']}/systemd/timers` : e['HOME'] ? `${e['HOME']}/.local/share/systemd/timers` : '');
    this.loader.loadedAtUs = this.startedAt;
    const parentNotify = init.env['NOTIFY_SOCKET'] ?? '';
    this.life = new Lifecycle({
      platform: this.platform,
      engine: this.engine,
      console: (l) => this.console(l),
      log: (level, text) => this.unitLog('', level, text),
      emit: (e) => this.emit(e),
      machines: () => this.runtimes.values(),
      machinesVersion: () => this.runtimes.version,
      bootTarget: () => this.bootTarget(),
      parentNotifySocket: parentNotify,
      releaseAll: () => this.releaseAll(),
      defer: (fn) => this.defer(fn),
    });
  }

  private newEngine(): Engine {
    return new Engine({
      loader: (name) => this.loadConfig(name),
      userMode: this.userMode,
      // device_supported(): no .device edges (nor blockdev@.target) where /sys is read-only, as in a container
      container: this.conditionEnv.container() !== null,
      devices: this.conditionEnv.readOnlyFs('/sys/') !== true,
      host: {
        runJob: (job) => this.jobs.run(job),
        runsSlices: true,
        jobFinished: (job, result) => this.jobs.finished(job, result),
        jobInstalled: (job) => this.emit({ type: 'job', phase: 'new', job: toRpcJob(job) }),
        log: (l: EngineLog) => {
          this.unitLog(l.unit, l.level === 'error' ? 'error' : l.level, l.message);
          if (l.console) this.statusLine(l.console);
        },
        setTimer: (us, cb) => this.platform.setTimer(us, () => this.barrier.guard('engine', '', cb)),
        clearTimer: (h) => { if (typeof h === 'number') this.platform.clearTimer(h); },
        // The engine's own actions (JobTimeoutAction=); Failure/SuccessAction= come from the unit machines.
        emergencyAction: (action, unit, reason) => this.emergencyAction(unit, action, null, reason),
        // Each starting service holds a status pipe until it has exec'd: spawning 10,000 in one turn
        // would hold 10,000 of them on top of every service's log pipe (EMFILE at RLIMIT_NOFILE 20,000).
        runBudget: 256,
        yieldRun: (resume) => this.platform.setTimer(0, () => this.barrier.guard('engine', '', resume)),
      },
    });
  }

  // ---- state the faces read -------------------------------------------------------------------------
  get systemState(): SystemState { return this.life.systemState(); }
  get phase(): Phase { return this.life.phase; }
  get shuttingDown(): boolean { return this.life.stopping; }
  get exitCode(): number { return this.life.exitCode; }
  set exitCode(c: number) { this.life.exitCode = c; }
  get exited(): Promise<number> { return this.life.exited; }
  get notifySocketPath(): string { return this.notify.path; }
  failedUnits(): string[] { return this.runtimes.failed(); }
  updateSystemState(): void { this.life.recompute(); }
  /** The kernel's mount and swap tables (mount/swap units follow them). */
  readonly mounts: MountTable = new MountTable(this);
  /** Processes handed to transient scopes (StartTransientUnit PIDs=), taken by the scope's host at start. */
  readonly scopePids = new Map<string, number[]>();
  boot(): void { this.mounts.start(); this.life.boot(); }
  shutdown(why: string, code: number): void { this.life.shutdown(why, code); }
  finalExit(code: number): void { this.life.finalExit(code); }
  openNotifySocket(path: string): string | null { return this.notify.open(path); }

  // ---- loading --------------------------------------------------------------------------------------
  get searchPath(): string[] { return this.loader.searchPath; }
  get index(): UnitFileIndex { return this.loader.index; }
  set index(i: UnitFileIndex) { this.loader.index = i; }
  get specCtx(): SpecifierContext { return this.loader.specCtx; }
  loadConfig(name: string): UnitConfig { return this.loader.load(name); }

  /** Runs before each daemon-reload: the generators (src/generators/setup.ts), set by the daemon. */
  beforeReload: (() => Promise<unknown>) | null = null;

  /** daemon-reload as systemctl asks for it: generators first, then reload(). */
  async daemonReload(): Promise<void> {
    if (this.beforeReload) await this.beforeReload();
    this.reload();
  }

  private bootTarget(): string | null {
    if (this.opts.target) return this.opts.target;
    if (this.engine.graph.unit('default.target').loadState === 'loaded') return 'default.target';
    if (!this.userMode && this.engine.graph.unit('multi-user.target').loadState === 'loaded') return 'multi-user.target';
    this.unitLog('', 'info', 'No default.target found: started with no boot target.');
    return null;
  }

  /** daemon-reload: re-read all unit files; running units keep their config until their next start. */
  reload(): void {
    this.emit({ type: 'manager', what: 'reloading', ts: this.platform.realtimeUs() });
    this.loader.rescan();
    this.engine.reload((name) => this.loadConfig(name));
    for (const rt of [...this.runtimes.values()]) {
      const u = this.engine.graph.peek(rt.id);
      if (!u) continue;
      if (rt.machine.activeState() === 'inactive' && !u.job && !this.connections.has(rt.id)) { this.runtimes.drop(rt); continue; }
      // Running units take the new configuration for what comes next (stop commands, restart policy...);
      // processes already running keep what they were started with, as in systemd.
      if (u.config !== rt.cfg && u.config.loadState === 'loaded' && u.config.type === rt.cfg.type && rt.machine.reconfigure) {
        rt.machine.reconfigure(u.config);
        rt.cfg = u.config;
        rt.host.cfg = u.config;
        rt.loadedAt = this.loader.loadedAtUs;
      }
    }
    this.emit({ type: 'manager', what: 'reloaded', ts: this.platform.realtimeUs() });
  }

  /** The loaded configuration of a unit (UnitHost: a slice's resource settings for the units in it). */
  configOf(id: string): UnitConfig | null { return this.engine.graph.peek(id)?.config ?? null; }

  /** The config a unit currently runs with differs from its file (NeedDaemonReload=). */
  needsReload(id: string): boolean {
    const u = this.engine.graph.peek(id);
    if (!u) return false;
    const rt = this.runtimes.peek(u.id);
    return this.loader.changedSince(u.config, rt ? rt.loadedAt : 0);
  }

  // ---- runtimes (compatibility names used by the faces) ----------------------------------------------
  runtime(id: string): UnitRuntime { return this.runtimes.get(id); }
  peekRuntime(id: string): UnitRuntime | undefined { return this.runtimes.peek(id); }
  registerPid(pid: number, host: UnitHost): void { this.runtimes.registerPid(pid, host); }
  findUnitByPid(pid: number): UnitHost | null { return this.runtimes.findByPid(pid); }

  /** Every reaped child (ours or a re-parented orphan). */
  onChildExit(pid: number, code: 'exited' | 'killed' | 'dumped', status: number): void {
    this.runtimes.scheduleEmptyCheck();
    this.notify.reaped(pid);
    const host = this.runtimes.takePid(pid);
    if (!host) { debug('reaped unknown pid %d', pid); return; }
    const exit = code === 'exited' ? { code: status, signal: 0, core: false } : { code: 0, signal: status, core: code === 'dumped' };
    this.barrier.guard('child-exit', host.id, () => host.childExited(pid, exit));
  }

  /** $MONITOR_* for a service's ExecStartPre=/ExecStart= (./monitor-env.ts). */
  monitorEnv(id: string): Record<string, string> | undefined {
    const u = this.engine.graph.peek(id);
    if (!u) return undefined;
    const cands = [...u.get('OnFailureOf'), ...u.get('OnSuccessOf')].map((o) => {
      const rt = this.runtimes.peek(o.id);
      return { id: o.id, type: o.type, props: rt ? rt.machine.properties() : null };
    });
    const r = monitorEnvironment(cands);
    if (r.warning) this.unitLog(id, 'warning', r.warning);
    return Object.keys(r.env).length ? r.env : undefined;
  }

  /** A handler threw (crash barrier): log it with the stack and fail the unit concerned (Result=resources). */
  private onFault(f: Fault): void {
    this.unitLog(f.unit, 'error', `Internal error while handling a ${f.source} event: ${faultText(f.error)}`);
    if (!f.unit) return;
    const rt = this.runtimes.peek(f.unit);
    if (!rt) return;
    try { rt.machine.fail('resources'); } catch (e) {
      this.unitLog(f.unit, 'error', `Could not put the unit into failed state after an internal error: ${faultText(e)}`);
    }
  }

  /** Run `fn` for an event of `source` about `unit` through the crash barrier (for the faces and sources
   *  outside this folder: inotify, D-Bus, journal, web). */
  guard(source: EventSource, unit: string, fn: () => void): void { this.barrier.guard(source, unit, fn); }

  // ---- socket, timer and path activation (activation.ts) --------------------------------------------
  socketServiceInfo(socket: string, service: string): TriggeredServiceInfo { return this.act.socketServiceInfo(socket, service); }
  startService(socket: string, service: string): boolean { return this.act.startService(socket, service); }
  startAcceptInstance(socket: string, name: string, fd: number, peer: PeerInfo, env: string[]): boolean {
    return this.act.startAcceptInstance(socket, name, fd, peer, env);
  }
  triggerTargetOf(id: string): TriggerTarget | null { return this.act.triggerTargetOf(id); }
  startTriggered(from: string, target: string, env: Record<string, string>): StartTriggeredResult { return this.act.startTriggered(from, target, env); }
  activationEnvFor(unit: string): string[] { return this.act.activationEnvFor(unit); }
  listenFdsFor(unit: string): { fds: number[]; names: string[] } { return this.act.listenFdsFor(unit); }
  connectionFor(unit: string): { fd: number; env: string[] } | null { return this.act.connectionFor(unit); }
  get connections(): ReadonlyMap<string, Connection> { return this.act.connections; }

  timeService(): TimeService {
    this.time ??= new TimeService({
      platform: this.platform,
      guard: (src, unit, fn) => this.barrier.guard(src, unit, fn),
      machines: () => [...this.runtimes.values()].map((rt) => ({ id: rt.id, machine: rt.machine })),
      log: (level, text) => this.unitLog('', level, text),
    });
    return this.time;
  }

  // ---- environment ------------------------------------------------------------------------------------
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

  // ---- logs and events --------------------------------------------------------------------------------
  /** A unit status line ("Starting X...", "[  OK  ] Started X.", "[FAILED] ...", "[ SKIP ] ..."): on the
   *  console only while the manager boots or shuts down, as systemd 252's manager_get_show_status() (its
   *  state INITIALIZING, STARTING or STOPPING; observed on 252 as PID 1 of a podman container: a unit
   *  started, failed or stopped after boot prints nothing). Unlike systemd's user manager, which never
   *  prints them, `tsysd --user` (the demo, a terminal) shows them by the same rule (README, Differences). */
  statusLine(line: string): void {
    const p = this.life.phase;
    if (p === 'initializing' || p === 'starting' || p === 'stopping' || p === 'exited') this.console(line);
  }

  unitLog(unit: string, level: LogLevel, text: string, pid = 0): void {
    const pri = LEVELS[level] ?? 6;
    text = cutUtf8(text, LINE_MAX);   // systemd formats its messages into a LINE_MAX buffer
    if (pri > OPT_LEVEL[this.opts.logLevel]) { debug('%s: %s', unit, text); return; }
    this.appendLog({ ts: this.platform.realtimeUs(), unit, pid, stream: 'manager', priority: pri, ident: 'tsysd', text });
    if (pri <= 5) this.console(unit ? `${unit}: ${text}` : text);
    else debug('%s: %s', unit, text);
  }

  /** One of systemd's unit status messages as a log line of the unit ("Started X.", "Failed to start X.";
   *  job_emit_start_message/job_emit_done_message log them besides the console): `tsysctl status` and
   *  journalctl -u show them, the journal gets their MESSAGE_ID. Never echoed to the console here (its
   *  status line is statusLine()'s); kept only when the log level lets `priority` through. */
  unitStatus(unit: string, status: StatusKind, priority: number, text: string, unitResult?: string): void {
    if (priority > OPT_LEVEL[this.opts.logLevel]) return;
    this.appendLog({ ts: this.platform.realtimeUs(), unit, pid: 0, stream: 'manager', priority, ident: 'tsysd', text: cutUtf8(text, LINE_MAX),
      status, ...(unitResult !== undefined ? { unitResult } : {}) });
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

  onEvent(listener: (e: RpcEvent) => void): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  emit(e: RpcEvent): void {
    for (const l of this.listeners) {
      try { l(e); } catch { this.listeners.delete(l); }
    }
  }

  // ---- machine reports ------------------------------------------------------------------------------
  stateChanged(host: UnitHost, change: StateChange): void {
    this.runtimes.noteStateChange();
    this.defer(() => this.jobs.applyStateChange(change), host.id);
  }

  /** Run `fn` after the current call stack (machine reports, callbacks into machines), in order. */
  defer(fn: () => void, unit = ''): void {
    this.reportQueue.push({ unit, fn });
    if (this.draining) return;
    this.draining = true;
    queueMicrotask(() => this.drain());
  }

  private drain(): void {
    try {
      while (this.reportQueue.length > 0) {
        const r = this.reportQueue.shift() as { unit: string; fn: () => void };
        this.barrier.guard('deferred', r.unit, r.fn);
      }
    } finally { this.draining = false; }
  }

  /** A unit reached inactive/failed: release its Accept=yes connection, collect stopped instances, and
   *  during a shutdown check (once per burst) whether everything is down. */
  unitStopped(id: string, state: ActiveState): void {
    this.act.unitStopped(id, state);
    if (this.shuttingDown && !this.shutdownCheckQueued) {
      // One check per burst of stopped units (each check looks at every runtime).
      this.shutdownCheckQueued = true;
      this.defer(() => { this.shutdownCheckQueued = false; this.life.checkShutdownDone(); });
    }
  }

  // ---- requests from unit hosts ---------------------------------------------------------------------
  emergencyAction(unit: string, action: EmergencyAction, exitStatus: number | null, reason: string): void {
    if (action === 'none') return;
    this.unitLog(unit, 'notice', `Unit requested ${action} (${reason}).`);
    const force = action.endsWith('-force') || action.endsWith('-immediate');
    if (action.startsWith('exit') && exitStatus !== null) this.exitCode = exitStatus;
    // poweroff/halt/reboot/kexec/soft-reboot: in a container these all end the manager (never reboot(2)).
    const why = action.startsWith('exit') ? 'exit' : action.replace(/-.*$/, '');
    if (force) this.finalExit(this.exitCode); else this.shutdown(why, this.exitCode);
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

  propagateReload(unit: string): void {
    const u = this.engine.graph.peek(unit);
    if (!u) return;
    for (const o of u.get('PropagatesReloadTo')) this.requestJob(o.id, 'try-reload', `reload propagated from ${unit}`);
  }

  /** Type=idle: is the job queue empty? */
  jobQueueIdle(): boolean { return this.engine.jobCount() === 0; }

  /** Close `fd` (an idle pipe's write end) once the job queue is empty, or after 5 s. */
  holdUntilIdle(fd: number): void { this.idleHolds.hold(fd); }

  /** A job finished: release idle holds once nothing is queued. */
  jobQueueMaybeIdle(): void { this.idleHolds.maybeIdle(); }

  /** Close everything the manager owns (the lifecycle's final step). */
  private releaseAll(): void {
    for (const rt of this.runtimes.values()) rt.host.dispose({ final: true });
    this.time?.dispose();
    this.act.closeAll();
    this.idleHolds.releaseAll();
    this.notify.close();
    // The built-in units were written by this manager into its runtime dir (last entry of the search path).
    const builtin = this.searchPath[this.searchPath.length - 1];
    if (builtin?.endsWith('/builtin-units')) this.platform.removeTree(builtin);
  }
}
