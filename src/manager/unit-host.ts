// The real host behind one unit's state machine (src/units/host.ts): timers, spawning its commands through
// the exec layer and the exec helper, PID files, the fd store's polls, and the reports back to the
// manager. One instance per unit runtime. Which processes are the unit's (cgroup or sessions) and
// signalling them is its base class (unit-procs.ts).
// Invariants: only pids of this unit are signalled (tracked in `procs`); every machine callback is
// delivered from the event loop (timers, exits) — never from inside a call the machine made.
import type { Condition, EmergencyAction, UnitConfig } from '../directives/types';
import type { ExecKind, ExecRuntime } from '../exec/types';
import { prepareExec, privateTmpDirs, releaseIpc, releaseSandbox } from '../exec/prepare';
import { UnitResources } from '../exec/unit-resources';
import { dirRoots, removeRuntimeDirectories } from '../exec/dirs';
import { POLL_READABLE, type ExecOutcome as PlatformOutcome, type Platform } from '../platform/types';
import { evaluateConditionList, type ConditionEnv } from '../units/conditions';
import type { ConditionEval, ExecListName, LogLevel, ServiceHost, SpawnRequest, SpawnResult } from '../units/host';
import type { StateChange, UnitMachine } from '../units/types';
import type { EventSource } from './barrier';
import { closeChildEnds, planStdio, readCapture } from './stdio';
import { watchBusName } from './dbus-watch';
import { UnitProcessTracker } from './unit-procs';

const DEAD_SUBS = new Set(['dead', 'failed', 'auto-restart']);
/** Units whose not-enforced directives were already reported (once per unit per manager lifetime). */
const NOT_ENFORCED_REPORTED = new Set<string>();

const KIND: Record<ExecListName, ExecKind> = {
  ExecCondition: 'condition', ExecStartPre: 'start-pre', ExecStart: 'start', ExecStartPost: 'start-post',
  ExecReload: 'reload', ExecStop: 'stop', ExecStopPost: 'stop-post', ExecStopPre: 'socket-stop-pre',
};

/** What a unit host needs from the manager (kept narrow so hosts are testable). */
export interface HostManager {
  readonly platform: Platform;
  /** MONITOR_* (without the prefix) for ExecStartPre=/ExecStart= of a service triggered by OnFailure=/OnSuccess=. */
  monitorEnv?(unit: string): Record<string, string> | undefined;
  readonly conditionEnv: ConditionEnv;
  readonly userMode: boolean;
  readonly privileged: boolean;
  readonly notifySocketPath: string;
  readonly maxLogLine: number;
  readonly homeDir: string;
  managerEnvironment(): string[];
  /** Socket fds (and names) handed to this service's ExecStart (Accept=no sockets + fd store appended by caller). */
  listenFdsFor(unit: string): { fds: number[]; names: string[] };
  /** Accept=yes instance connection (fd, REMOTE_* env) or null. */
  connectionFor(unit: string): { fd: number; env: string[] } | null;
  registerPid(pid: number, host: UnitHost): void;
  unitLog(unit: string, level: LogLevel, text: string, pid?: number): void;
  serviceOutput(unit: string, pid: number, ident: string, text: string): void;
  stateChanged(host: UnitHost, change: StateChange): void;
  emergencyAction(unit: string, action: EmergencyAction, exitStatus: number | null, reason: string): void;
  requestJob(unit: string, type: 'restart' | 'try-reload' | 'start', reason: string): void;
  hasStopJob(unit: string): boolean;
  jobQueueIdle(): boolean;
  /** Close `fd` (an idle pipe's write end) once the job queue is empty, or after 5 s. */
  holdUntilIdle(fd: number): void;
  propagateReload(unit: string): void;
  /** Deliver a machine callback from the event loop, after the current call stack (crash-guarded). */
  defer(fn: () => void, unit?: string): void;
  /** Run an event handler for `unit` through the crash barrier. */
  guard(source: EventSource, unit: string, fn: () => void): void;
  /** TRIGGER_UNIT/TRIGGER_TIMER_*_USEC/TRIGGER_PATH of the activation a timer or path unit queued. */
  activationEnvFor?(unit: string): string[];
  /** The loaded configuration of another unit (a slice's resource settings), null if not loaded. */
  configOf?(unit: string): UnitConfig | null;
}

// Invocation ids (128-bit random, hex like systemd's) are cut from one 4 KiB block of randomness at a
// time: a boot of 1,000 units otherwise pays 1,000 randomBytes() calls.
let idPool: Buffer = Buffer.alloc(0);
let idPos = 0;
function invocationId(p: Platform): string {
  if (idPos + 16 > idPool.length) { idPool = p.randomBytes(4096); idPos = 0; }
  idPos += 16;
  return idPool.toString('hex', idPos - 16, idPos);
}

export class UnitHost extends UnitProcessTracker implements ServiceHost {
  machine: UnitMachine | null = null;
  private readonly timers = new Map<string, number>();
  private readonly fdPolls = new Map<number, number>();
  /** Type=exec: exits that arrived before their exec outcome are held back until it comes. */
  private readonly waitingOutcome = new Map<number, { exit: { code: number; signal: number; core: boolean } | null }>();
  lastExecFailure: { pid: number; stage: string; errno: number; message: string; path: string } | null = null;
  /** Slice placement, resource limits, accounting, OOM detection (src/exec/unit-resources.ts). */
  readonly resources: UnitResources;

  /** opts.cgroup false: a unit without processes (timer, path) gets no cgroup. */
  constructor(readonly mgr: HostManager, public cfg: UnitConfig, opts: { cgroup?: boolean } = {}) {
    super(mgr.platform, '');
    const cg = mgr.platform.cgroupSupport();
    this.resources = new UnitResources(mgr.platform, () => this.cfg, mgr.userMode, (id) => mgr.configOf?.(id) ?? null);
    if (cg.available && opts.cgroup !== false) {
      const r = mgr.platform.cgroupCreate(this.resources.rel);
      if ('path' in r) this.procs.cgroup = r.path;
    }
  }

  get id(): string { return this.cfg.id; }

  // ---- UnitHost -----------------------------------------------------------------------------------
  now(): number { return this.mgr.platform.monotonicUs(); }
  realtime(): number { return this.mgr.platform.realtimeUs(); }

  armTimer(key: string, at: number): void {
    this.clearTimer(key);
    const delay = Math.max(0, at - this.now());
    if (!Number.isFinite(delay)) return;
    const h = this.mgr.platform.setTimer(delay, () => {
      this.timers.delete(key);
      this.mgr.guard('timer', this.id, () => this.machine?.onTimer(key));
    });
    this.timers.set(key, h);
  }

  clearTimer(key: string): void {
    const h = this.timers.get(key);
    if (h !== undefined) { this.mgr.platform.clearTimer(h); this.timers.delete(key); }
  }

  log(level: LogLevel, text: string): void {
    const prefix = `${this.id}: `;
    this.mgr.unitLog(this.id, level, text.startsWith(prefix) ? text.slice(prefix.length) : text);
  }

  stateChanged(change: StateChange): void {
    // service_enter_dead(): once dead/failed/auto-restart, drop RuntimeDirectory= (per RuntimeDirectoryPreserve=)
    // and this activation's PrivateTmp= directories, so each start gets fresh ones and nothing is left behind.
    if (this.cfg.type === 'service' && DEAD_SUBS.has(change.newSub) && !DEAD_SUBS.has(change.oldSub)) this.destroyRuntimeData(change.newSub === 'auto-restart');
    this.mgr.stateChanged(this, change);
  }

  private destroyRuntimeData(restarting: boolean): void {
    const p = this.mgr.platform;
    const ex = this.cfg.exec;
    if (ex.runtimeDirectory.length > 0) removeRuntimeDirectories(p, ex, dirRoots({ userMode: this.mgr.userMode }, this.mgr.homeDir), restarting);
    if (ex.privateTmp) {
      const d = privateTmpDirs({ unitName: this.id });
      p.removeTree(d.tmp);
      p.removeTree(d.varTmp);
    }
    if (ex.sandbox.privateNetwork || ex.sandbox.privateIPC) releaseSandbox(p, this.id, this.mgr.userMode);
    if (!restarting) releaseIpc(p, ex, this.mgr.userMode);
  }

  evaluateConditions(list: Condition[]): ConditionEval {
    const r = evaluateConditionList(list, this.mgr.conditionEnv);
    for (const e of r.entries) {
      if (e.result !== 'error') continue;
      const c = e.condition;
      this.mgr.unitLog(this.id, 'warning', `Couldn't determine result for ${c.assert ? 'Assert' : 'Condition'}${c.kind}=${c.trigger ? '|' : ''}${c.negate ? '!' : ''}${c.value}, assuming failed.`);
    }
    return { ok: r.ok, failed: r.failed };
  }

  emergencyAction(action: EmergencyAction, exitStatus: number | null, reason: string): void {
    this.mgr.emergencyAction(this.id, action, exitStatus, reason);
  }

  newInvocationId(): string { return invocationId(this.mgr.platform); }

  // ---- ProcessHost --------------------------------------------------------------------------------
  spawn(req: SpawnRequest): SpawnResult {
    const p = this.mgr.platform;
    this.reportNotEnforced();
    const conn = this.mgr.connectionFor(this.id);
    const stdio = planStdio(p, this.cfg, { connectionFd: conn ? conn.fd : -1, consoleFd: 1 });
    if ('error' in stdio) return { error: stdio.error, errno: stdio.errno };
    const kind = KIND[req.list];
    let listenFds: number[] = [];
    let listenFdNames: string[] = [];
    if (req.passFds) {
      // Accept=yes instances whose stdin is not the socket get the connection as LISTEN_FDS=1.
      if (conn && this.cfg.exec.standardInput !== 'socket') { listenFds = [conn.fd]; listenFdNames = ['connection']; }
      else if (!conn) { const l = this.mgr.listenFdsFor(this.id); listenFds = l.fds; listenFdNames = l.names; }
      for (const e of req.fdStore) { listenFds.push(e.fd); listenFdNames.push(e.name); }
    }
    const extra: string[] = [];
    let watchdogUs = 0;
    for (const [k, v] of Object.entries(req.env)) {
      if (k === 'WATCHDOG_USEC') { watchdogUs = Number(v) || 0; continue; }
      extra.push(`${k}=${v}`);
    }
    if (!req.watchdogPid) watchdogUs = 0;
    if (conn) extra.push(...conn.env);
    extra.push(...(this.mgr.activationEnvFor?.(this.id) ?? []));   // TRIGGER_* of the timer/path that started it
    const monitor = this.cfg.type === 'service' && (req.list === 'ExecStartPre' || req.list === 'ExecStart') ? this.mgr.monitorEnv?.(this.id) : undefined;
    const notifyAccess = this.cfg.service?.notifyAccess ?? 'none';
    const rt: ExecRuntime = {
      kind,
      unitName: this.id,
      ...(monitor ? { monitor } : {}),
      invocationId: this.machine?.invocationId() ?? '',
      listenFds,
      listenFdNames,
      notifySocket: notifyAccess !== 'none' ? this.mgr.notifySocketPath : '',
      mainPid: null,
      watchdogUs,
      stdin: stdio.stdin,
      stdout: stdio.stdout,
      stderr: stdio.stderr,
      userMode: this.mgr.userMode,
      managerEnvironment: this.mgr.managerEnvironment(),
      managerPid: p.pid(),
      cgroup: this.procs.cgroup,
      cgroupLegacy: this.resources.apply((t) => this.log('warning', t)),
      extraEnvironment: extra,
      privileged: this.mgr.privileged,
    };
    const prep = prepareExec(p, req.command, this.cfg, rt);
    for (const w of prep.warnings) this.log('warning', w);
    if (!prep.ok) {
      closeChildEnds(p, stdio);
      if (stdio.captureRead >= 0) p.close(stdio.captureRead);
      this.log('error', prep.error.message);
      return { error: prep.error.message, errno: prep.error.errno };
    }
    const path = req.command.path;
    let pidBox = 0;
    const onOutcome = (o: PlatformOutcome): void => {
      const pid = pidBox;
      if (!o.ok) {
        this.lastExecFailure = { pid, stage: o.stage, errno: o.errno, message: o.message, path };
        this.log('error', `Failed to execute ${path}: ${o.message}`);
        this.log('error', `Failed at step ${o.stage} spawning ${path}: ${o.message}`);
      }
      const w = this.waitingOutcome.get(pid);
      if (!w) return;
      this.waitingOutcome.delete(pid);
      this.mgr.defer(() => {
        this.machine?.onExecOutcome?.(pid, o.ok ? { ok: true } : { ok: false, stage: o.stage, errno: o.errno });
        if (w.exit) this.deliverExit(pid, w.exit);
      }, this.id);
    };
    // Type=idle: the helper waits before execve until the job queue is empty (at most 5 s).
    let idleWrite = -1;
    if (req.idle && !this.mgr.jobQueueIdle()) {
      const pp = p.pipe(false, false);
      if (Array.isArray(pp)) { prep.req.idleFd = pp[0]; idleWrite = pp[1]; }
    }
    this.cgroupSeenEmpty = false;
    const res = p.spawn(prep.req, onOutcome);
    closeChildEnds(p, stdio);
    if (prep.req.idleFd !== undefined && prep.req.idleFd >= 0) p.close(prep.req.idleFd);
    if (idleWrite >= 0) {
      if ('errno' in res) p.close(idleWrite); else this.mgr.holdUntilIdle(idleWrite);
    }
    if ('errno' in res) {
      if (stdio.captureRead >= 0) p.close(stdio.captureRead);
      this.log('error', `Failed to spawn ${path}: ${res.message}`);
      return { error: res.message, errno: res.errno };
    }
    pidBox = res.pid;
    if (req.wantExecOutcome) this.waitingOutcome.set(res.pid, { exit: null });
    if (stdio.captureRead >= 0) {
      const ident = this.cfg.exec.syslogIdentifier || basename(req.command.argv[0] ?? path);
      const pid = res.pid;
      readCapture(p, stdio.captureRead, this.mgr.maxLogLine, (text) => this.mgr.serviceOutput(this.id, pid, ident, text));
    }
    this.spawned.add(res.pid);
    this.track(res.pid, true);
    if (req.kind === 'main') this.procs.mainPid = res.pid; else this.procs.controlPid = res.pid;
    return { pid: res.pid };
  }

  /** Sandboxing and other directives tsysd parses but does not apply: one warning per unit, never fatal. */
  private reportNotEnforced(): void {
    const ne = this.cfg.notEnforced ?? [];
    if (ne.length === 0 || NOT_ENFORCED_REPORTED.has(this.id)) return;
    NOT_ENFORCED_REPORTED.add(this.id);
    const keys = [...new Set(ne.map((x) => `${x.key.slice(x.key.indexOf('.') + 1)}=`))];
    this.log('warning', `Not enforced by tsysd (accepted, ignored): ${keys.join(' ')}`);
  }

  /** Child exit routed here by the manager. */
  childExited(pid: number, exit: { code: number; signal: number; core: boolean }): void {
    // A SIGKILLed process while the unit's oom_kill counter rose: the kernel OOM killer (Result=oom-kill).
    if (exit.signal === 9 && this.resources.oomKilledSinceLastCheck()) {
      const pol = this.cfg.raw?.['Service.OOMPolicy']?.at(-1);
      this.machine?.onOomKill?.(pol === 'kill' || pol === 'continue' ? pol : 'stop', this.procs.mainPid === pid);
    }
    this.livePids.delete(pid);
    this.spawned.delete(pid);
    this.forgetSession(pid);
    const w = this.waitingOutcome.get(pid);
    if (w) { w.exit = exit; return; }   // deliver after the exec outcome
    this.deliverExit(pid, exit);
  }

  private deliverExit(pid: number, exit: { code: number; signal: number; core: boolean }): void {
    if (this.procs.mainPid === pid) this.procs.mainPid = null;
    if (this.procs.controlPid === pid) this.procs.controlPid = null;
    this.machine?.onChildExit(pid, exit);
    this.checkEmpty();
  }

  /** The unit had processes; tell the machine once they are all gone (systemd's cgroup-empty event). The
   *  manager calls this after reaping any process, since descendants of a unit are reaped by us too. */
  checkEmpty(): void {
    if (!this.mayHaveProcesses || !this.machine?.onUnitEmpty) return;
    if (this.hasProcesses()) return;
    this.mayHaveProcesses = false;
    this.machine.onUnitEmpty();
  }

  private track(pid: number, spawned: boolean): void {
    this.trackPid(pid, spawned);
    this.mgr.registerPid(pid, this);
  }

  watchPid(pid: number): void {
    if (pid <= 1) return;
    this.procs.mainPid = pid;
    const ours = this.spawned.has(pid);
    this.track(pid, ours);
    // Not our child and already gone (or never reaped by us): report its disappearance. A process this host
    // spawned is reported by the reaper with its real status (a fast `exit 3` must not become a success).
    if (!ours && !this.pidAlive(pid)) this.mgr.defer(() => { if (this.livePids.has(pid)) this.childExited(pid, { code: 0, signal: 0, core: false }); }, this.id);
  }

  // ---- ServiceHost --------------------------------------------------------------------------------
  readPidFile(path: string): number | null {
    const t = this.mgr.platform.readFile(path);
    if (t === null) return null;
    const n = Number(t.trim().split(/\s+/)[0]);
    return Number.isInteger(n) && n > 1 ? n : null;
  }

  removePidFile(path: string): void { this.mgr.platform.unlink(path); }

  /** Type=dbus: follow BusName='s owner (dbus-watch.ts): system bus ($DBUS_SYSTEM_BUS_ADDRESS or
   *  /run/dbus/system_bus_socket), session bus in user mode; a bus not up yet is retried every second. */
  watchBusName(name: string): void {
    this.busUnwatch?.();
    this.busUnwatch = watchBusName(this.mgr.userMode, name,
      (hasOwner, pid) => this.mgr.defer(() => this.machine?.onBusNameOwner?.(hasOwner, pid), this.id), (level, text) => this.log(level, text));
  }
  private busUnwatch: (() => void) | null = null;

  requestRestart(): void { this.mgr.requestJob(this.id, 'restart', 'auto-restart'); }
  hasStopJob(): boolean { return this.mgr.hasStopJob(this.id); }
  closeFd(fd: number): void { this.mgr.platform.close(fd); }

  pollStoredFd(fd: number, on: boolean): number {
    const p = this.mgr.platform;
    const cur = this.fdPolls.get(fd);
    if (cur !== undefined) { p.unpollFd(cur); this.fdPolls.delete(fd); }
    if (!on) return 0;
    // FDPOLL: an error/hangup on the stored fd drops it (readability alone is not a hangup).
    const id = p.pollFd(fd, POLL_READABLE, (status) => {
      if (status < 0) {
        const w = this.fdPolls.get(fd);
        if (w !== undefined) { p.unpollFd(w); this.fdPolls.delete(fd); }
        this.mgr.guard('fd-store', this.id, () => this.machine?.onFdStoreHangup?.(fd));
      }
    });
    if (id < 0) {
      // EPERM: not pollable, stored unwatched (systemd's rule); anything else refuses the fd.
      if (id !== -1) this.log('error', `Failed to add fd to store: ${p.strerror(-id)}`);
      return id;
    }
    this.fdPolls.set(fd, id);
    return 0;
  }

  propagateReload(): void { this.mgr.propagateReload(this.id); }

  /** Fds this unit hands to the units it triggers (sockets: their listeners, Accept=no), or null. */
  passedFds(): { fds: number[]; names: string[] } | null { return null; }

  /** What this unit listens on, as `list-sockets` shows it (sockets only). */
  listening(): { type: string; address: string }[] { return []; }

  /** Release timers and polls (the runtime is being dropped, or the manager exits: `final`). */
  dispose(_opts: { final?: boolean } = {}): void {
    this.busUnwatch?.();
    this.busUnwatch = null;
    for (const k of [...this.timers.keys()]) this.clearTimer(k);
    for (const [fd, id] of this.fdPolls) { this.mgr.platform.unpollFd(id); this.fdPolls.delete(fd); }
    // rmdir fails (EBUSY) while processes are left: then the cgroup stays, as systemd leaves it.
    if (this.procs.cgroup) this.mgr.platform.cgroupRemove(this.procs.cgroup);
    this.resources.release();
  }
}

function basename(p: string): string { const i = p.lastIndexOf('/'); return i >= 0 ? p.slice(i + 1) : p; }
