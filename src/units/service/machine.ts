// The service state machine (semantics §4, systemd service.c): start path (condition → start-pre →
// start → start-post → running/exited), stop path (stop → stop-sigterm → stop-sigkill → stop-post →
// final-sigterm → final-sigkill → dead/failed), reload, auto-restart, watchdog, per-type readiness.
// Invariants:
//  * setState() is the one choke point: it drops the timer, pid watches and the watchdog the new state
//    forbids and reports the change (base.notifyStateChange) exactly once per call.
//  * `result` only moves away from 'success' (first failure wins) until the next start.
//  * Every enter*() either starts its effect and sets the matching state, or falls through to the next
//    step; spawn failures end in the kill path with result 'resources'.
// This file owns the unit's state fields, the requests (start/stop/reload/kill/OOM), setState(), timers
// and the watchdog, and fd-store release; the enter*() steps are one-line delegations.
// Split by concern (functions over this class): start.ts (start path, reload), stop.ts (stop path, kill
// context, dead/auto-restart), spawn.ts (service_spawn, main pid records), notify.ts (sd_notify),
// timeouts.ts (timer dispatch), exits.ts (process exits, cgroup empty), mainpid.ts (PIDFile/guess/BusName),
// props.ts (show).
import type { ExecCommand, ServiceSection, UnitConfig } from '../../directives/types';
import { UnitBase } from '../base';
import type { ServiceHost, SpawnKind } from '../host';
import {
  NO_TIMESTAMP,
  type ActiveState, type ExecOutcome, type ExecStatus, type ExitInfo, type PropValue, type ReloadOutcome,
  type NotifySender, type StartOutcome, type StopOutcome, type TriggerPhase, type UnitMachine,
} from '../types';
import type { NotifyMessage } from '../../notify/parse';
import { handleServiceNotify } from './notify';
import { serviceOnTimer } from './timeouts';
import { serviceOnExecOutcome, serviceOnChildExit, serviceOnMainExit, serviceRunNextMain, serviceOnControlExit, serviceOnUnitEmpty } from './exits';
import { serviceLoadPidFile, serviceDemandPidFile, serviceRetryPidFile, serviceSearchMainPid, serviceOnBusNameOwner } from './mainpid';
import { serviceProperties } from './props';
import { LIST_NAME, serviceSetMainPid, serviceSpawn } from './spawn';
import {
  serviceEnterCondition, serviceEnterReload, serviceEnterReloadByNotify, serviceEnterRunning, serviceEnterStart,
  serviceEnterStartPost, serviceEnterStartPre,
} from './start';
import {
  serviceEnterDead, serviceEnterRestart, serviceEnterSignal, serviceEnterStop, serviceEnterStopByNotify,
  serviceEnterStopPost, serviceKillContext, serviceKillOp, type KillOp,
} from './stop';
import {
  activeOf, CONTROL_STATES, MAIN_STATES, STOPPING, TIMER_STATES, WATCHDOG_STATES,
  type ServiceResult, type ServiceSubState,
} from './states';

export type ExecListKey = 'execCondition' | 'execStartPre' | 'execStart' | 'execStartPost' | 'execReload' | 'execStop' | 'execStopPost';
export const EXEC_LISTS = Object.keys(LIST_NAME) as ExecListKey[];

export type NotifyState = 'unknown' | 'ready' | 'reloading' | 'stopping';
export interface FdStoreEntry { fd: number; name: string; poll: boolean }

function newExecStatus(c: ExecCommand): ExecStatus {
  return { path: c.path, argv: c.argv, ignoreFailure: c.ignoreFailure, pid: 0, start: NO_TIMESTAMP, exit: NO_TIMESTAMP, code: 0, status: 0 };
}

export class ServiceMachine implements UnitMachine {
  readonly id: string;
  readonly unitType = 'service' as const;
  svc: ServiceSection;
  cfg: UnitConfig;
  readonly base: UnitBase;

  state: ServiceSubState = 'dead';
  res: ServiceResult = 'success';
  reloadResult: ServiceResult = 'success';
  mainPid = 0;
  mainPidKnown = false;
  mainPidAlien = false;
  controlPid = 0;
  mainCommand: { list: ExecListKey; index: number } | null = null;
  controlCommand: { list: ExecListKey; index: number } | null = null;
  forbidRestart = false;
  nRestarts = 0;
  flushNRestarts = false;
  statusText = '';
  statusErrno = 0;
  notifyState: NotifyState = 'unknown';
  busNameGood = false;
  /** Type=exec: waiting for the exec helper's "exec succeeded". */
  execFdHot = false;
  lastExecFailure: { stage: string; errno: number } | null = null;
  restartStop = false;
  reloadBeginUs = 0;
  timerAt: number | null = null;
  watchdogAt: number | null = null;
  watchdogOverrideUs: number | null = null;
  watchdogTs = NO_TIMESTAMP;
  mainExec: ExecStatus = { path: '', argv: [], ignoreFailure: false, pid: 0, start: NO_TIMESTAMP, exit: NO_TIMESTAMP, code: 0, status: 0 };
  execStatus: Record<ExecListKey, ExecStatus[]>;
  fdStore: FdStoreEntry[] = [];
  /** Set by enterDead() (stop.ts) around the dead/failed transition it reports. */
  willAutoRestart = false;

  constructor(cfg: UnitConfig, readonly host: ServiceHost) {
    if (!cfg.service) throw new Error(`${cfg.id}: not a service unit`);
    this.cfg = cfg;
    this.id = cfg.id;
    this.svc = cfg.service;
    this.base = new UnitBase(cfg, host);
    this.execStatus = {} as Record<ExecListKey, ExecStatus[]>;
    for (const k of EXEC_LISTS) this.execStatus[k] = this.svc[k].map(newExecStatus);
    if (this.svc.type === 'dbus' && this.svc.busName) host.watchBusName(this.svc.busName);
  }

  // ---- generic queries ---------------------------------------------------------------------------------
  activeState(): ActiveState { return activeOf(this.state, this.svc.type === 'idle'); }
  subState(): string { return this.state; }
  result(): string { return this.res; }
  canReload(): boolean { return this.svc.execReload.length > 0 || this.svc.type === 'notify-reload'; }
  log(level: 'debug' | 'info' | 'notice' | 'warning' | 'error', text: string): void { this.host.log(level, `${this.id}: ${text}`); }

  // ---- requests ------------------------------------------------------------------------------------------
  start(): StartOutcome {
    const a = this.activeState();
    if (a === 'active' || a === 'reloading') return 'noop';
    if (a === 'maintenance') return 'again';
    if (a !== 'activating' && !this.base.testConditions()) return 'condition-failed';
    if (a !== 'activating' && !this.base.testAsserts()) return 'assert-failed';
    if (this.svc.execStart.length === 0 && this.svc.type !== 'oneshot') return 'unsupported';
    if (!this.base.testStartLimit()) {
      this.enterDead('start-limit-hit', false);
      return 'start-limit-hit';
    }
    if (STOPPING.has(this.state) || this.state === 'cleaning') return 'again';
    if (this.state === 'condition' || this.state === 'start-pre' || this.state === 'start' || this.state === 'start-post') return 'started';
    if (this.state === 'auto-restart') return 'again';
    // dead or failed
    this.base.invocationId = this.host.newInvocationId();
    this.res = 'success';
    this.reloadResult = 'success';
    this.mainPidKnown = false;
    this.mainPidAlien = false;
    this.forbidRestart = false;
    this.restartStop = false;
    this.statusText = '';
    this.statusErrno = 0;
    this.notifyState = 'unknown';
    this.watchdogOverrideUs = null;
    this.lastExecFailure = null;
    for (const k of EXEC_LISTS) this.execStatus[k] = this.svc[k].map(newExecStatus);
    this.mainExec = { path: '', argv: [], ignoreFailure: false, pid: 0, start: NO_TIMESTAMP, exit: NO_TIMESTAMP, code: 0, status: 0 };
    if (this.flushNRestarts) { this.nRestarts = 0; this.flushNRestarts = false; }
    this.enterCondition();
    return 'started';
  }

  stop(opts?: { restart?: boolean }): StopOutcome {
    const a = this.activeState();
    if (a === 'inactive' || a === 'failed') return 'noop';
    this.forbidRestart = true;
    this.restartStop = opts?.restart === true;
    switch (this.state) {
      case 'stop': case 'stop-sigterm': case 'stop-sigkill': case 'stop-post':
      case 'final-watchdog': case 'final-sigterm': case 'final-sigkill':
        return 'stopping';
      case 'auto-restart':
        this.setState('dead');
        if (!this.restartStop) this.releaseFdStore();
        return 'stopping';
      case 'condition': case 'start-pre': case 'start': case 'start-post': case 'reload': case 'reload-signal':
      case 'reload-notify': case 'stop-watchdog':
        this.enterSignal('stop-sigterm', 'success');
        return 'stopping';
      case 'cleaning':
        this.enterSignal('final-sigkill', 'success');
        return 'stopping';
      case 'running': case 'exited':
        this.enterStop('success');
        return 'stopping';
      default:
        return 'noop';
    }
  }

  reload(): ReloadOutcome {
    if (!this.canReload()) return 'unsupported';
    const a = this.activeState();
    if (a === 'reloading') return 'again';
    if (a !== 'active') return 'not-active';
    if (this.state !== 'running' && this.state !== 'exited') return 'again';
    this.enterReload();
    return 'reloading';
  }

  resetFailed(): void {
    if (this.state === 'failed') this.setState('dead');
    this.res = 'success';
    this.reloadResult = 'success';
    this.nRestarts = 0;
    this.flushNRestarts = false;
    this.base.resetStartLimit();
  }

  /**
   * daemon-reload: adopt new settings (Restart=, timeouts, Exec*= for the next steps...). A command list
   * that shrank below a running command's index just ends that list when the command exits.
   */
  reconfigure(cfg: UnitConfig): void {
    if (!cfg.service) return;
    const old = this.execStatus;
    this.cfg = cfg;
    this.svc = cfg.service;
    this.base.reconfigure(cfg);
    this.execStatus = {} as Record<ExecListKey, ExecStatus[]>;
    for (const k of EXEC_LISTS) {
      this.execStatus[k] = this.svc[k].map((c, i) => {
        const prev = old[k][i];
        return prev && prev.path === c.path ? { ...prev, argv: c.argv, ignoreFailure: c.ignoreFailure } : newExecStatus(c);
      });
    }
  }

  /** The kernel OOM-killed a process of the unit (memory.events oom_kill); OOMPolicy= stop|kill|continue. */
  onOomKill(policy: 'stop' | 'kill' | 'continue' = 'stop', mainKilled = false): void {
    if (policy === 'continue') return;
    this.log('warning', 'A process of this unit has been killed by the OOM killer.');
    // systemd sees the OOM event while the killed main process is still a zombie, so its exit is recorded
    // (ExecMainStatus=9) after the stop began. Here it is already reaped: let its exit, delivered next, run
    // the stop, with the result set now.
    if (mainKilled && this.mainPid > 0) { if (this.res === 'success') this.res = 'oom-kill'; return; }
    switch (this.state) {
      case 'condition': case 'start-pre': case 'start': case 'start-post': case 'stop':
        this.enterSignal(policy === 'stop' ? 'stop-sigterm' : 'stop-sigkill', 'oom-kill');
        return;
      case 'exited': case 'running':
        if (policy === 'stop') this.enterStop('oom-kill'); else this.enterSignal('stop-sigkill', 'oom-kill');
        return;
      case 'stop-watchdog': case 'stop-sigterm':
        this.enterSignal('stop-sigkill', 'oom-kill');
        return;
      case 'stop-sigkill': case 'final-sigkill':
        if (this.res === 'success') this.res = 'oom-kill';
        return;
      case 'stop-post': case 'final-sigterm':
        this.enterSignal('final-sigkill', 'oom-kill');
        return;
      default:
        return;
    }
  }

  /** `systemctl kill --kill-whom=main|control|all -s SIG`: false when nothing was signalled. */
  kill(whom: 'main' | 'control' | 'all', sig: number): boolean {
    let any = false;
    if ((whom === 'main' || whom === 'all') && this.mainPid > 0) any = this.host.signal(this.mainPid, sig, false) || any;
    if ((whom === 'control' || whom === 'all') && this.controlPid > 0) any = this.host.signal(this.controlPid, sig, false) || any;
    if (whom === 'all') any = this.host.signalOthers(sig, [this.mainPid, this.controlPid].filter(p => p > 0), false) > 0 || any;
    return any;
  }

  // ---- the state choke point -----------------------------------------------------------------------------
  setState(ns: ServiceSubState): void {
    const os = this.state;
    const oa = this.activeState();
    this.state = ns;
    if (!TIMER_STATES.has(ns)) this.clearTimer();
    if (!MAIN_STATES.has(ns)) { this.mainPid = 0; this.mainCommand = null; }
    if (!CONTROL_STATES.has(ns)) { this.controlPid = 0; this.controlCommand = null; }
    if (ns !== 'start') this.execFdHot = false;
    if (!WATCHDOG_STATES.has(ns)) this.stopWatchdog();
    const na = this.activeState();
    this.base.notifyStateChange(oa, na, os, ns, this.res, {
      reloadFailure: this.reloadResult !== 'success',
      willAutoRestart: this.willAutoRestart,
      skipCondition: this.res === 'exec-condition',
    }, () => this.exitStatusForAction());
  }

  exitStatusForAction(): number | null {
    if (this.mainExec.pid <= 0 || this.mainExec.exit.monotonic === 0) return null;
    return this.mainExec.code === 1 ? this.mainExec.status : 255;
  }

  // ---- timers -------------------------------------------------------------------------------------------
  armTimerRelative(us: number): void {
    if (!Number.isFinite(us) || us <= 0) { this.clearTimer(); return; }
    this.timerAt = this.host.now() + us;
    this.host.armTimer('timeout', this.timerAt);
  }
  clearTimer(): void {
    if (this.timerAt !== null) { this.timerAt = null; this.host.clearTimer('timeout'); }
  }
  watchdogUs(): number { return this.watchdogOverrideUs ?? this.svc.watchdogUs; }
  resetWatchdog(): void {
    this.watchdogTs = this.base.ts();
    const us = this.watchdogUs();
    if (!(us > 0) || !Number.isFinite(us)) { this.stopWatchdog(); return; }
    this.watchdogAt = this.watchdogTs.monotonic + us;
    this.host.armTimer('watchdog', this.watchdogAt);
  }
  stopWatchdog(): void {
    if (this.watchdogAt !== null) { this.watchdogAt = null; this.host.clearTimer('watchdog'); }
  }

  onTimer(key: string): void { serviceOnTimer(this, key); }

  // ---- spawning -----------------------------------------------------------------------------------------
  /** service_spawn(): arms the state timer, returns the pid or null (logged) on failure. */
  spawn(kind: SpawnKind, list: ExecListKey, index: number, timeoutUs: number, setenvResult: boolean): number | null { return serviceSpawn(this, kind, list, index, timeoutUs, setenvResult); }
  setMainPid(pid: number): void { serviceSetMainPid(this, pid); }

  /** main_pid_good(): 1 alive, 0 dead/none, -1 unknown. */
  mainPidGood(): number {
    if (!this.mainPidKnown) return -1;
    if (this.mainPid <= 0) return 0;
    return this.mainPidAlien ? (this.host.pidAlive(this.mainPid) ? 1 : 0) : 1;
  }
  controlPidGood(): boolean { return this.controlPid > 0; }
  /** service_good(). */
  good(): boolean {
    if (this.svc.type === 'dbus' && !this.busNameGood) return false;
    const m = this.mainPidGood();
    if (m > 0) return true;
    if (m === 0 && this.svc.exitType === 'main') return false;
    return this.host.hasProcesses();
  }

  // ---- start path ---------------------------------------------------------------------------------------
  enterCondition(): void { serviceEnterCondition(this); }
  enterStartPre(): void { serviceEnterStartPre(this); }
  enterStart(): void { serviceEnterStart(this); }
  enterStartPost(): void { serviceEnterStartPost(this); }
  enterRunning(f: ServiceResult): void { serviceEnterRunning(this, f); }

  // ---- reload -------------------------------------------------------------------------------------------
  enterReload(): void { serviceEnterReload(this); }
  enterReloadByNotify(): void { serviceEnterReloadByNotify(this); }

  // ---- stop path ----------------------------------------------------------------------------------------
  enterStop(f: ServiceResult): void { serviceEnterStop(this, f); }
  enterStopByNotify(): void { serviceEnterStopByNotify(this); }
  killOp(state: ServiceSubState): KillOp { return serviceKillOp(this, state); }
  /** unit_kill_context(): true when something was signalled that we must wait for. */
  killContext(op: KillOp): boolean { return serviceKillContext(this, op); }
  enterSignal(state: ServiceSubState, f: ServiceResult): void { serviceEnterSignal(this, state, f); }
  enterStopPost(f: ServiceResult): void { serviceEnterStopPost(this, f); }
  enterDead(f: ServiceResult, allowRestart: boolean): void { serviceEnterDead(this, f, allowRestart); }
  enterRestart(): void { serviceEnterRestart(this); }

  // ---- process events -----------------------------------------------------------------------------------
  onExecOutcome(pid: number, o: ExecOutcome): void { serviceOnExecOutcome(this, pid, o); }

  onChildExit(pid: number, e: ExitInfo): void { serviceOnChildExit(this, pid, e); }

  onMainExit(pid: number, e: ExitInfo, f0: ServiceResult): void { serviceOnMainExit(this, pid, e, f0); }

  runNextMain(): void { serviceRunNextMain(this); }

  onControlExit(pid: number, e: ExitInfo, f0: ServiceResult): void { serviceOnControlExit(this, pid, e, f0); }

  /** The unit's processes are all gone (cgroup empty): service_notify_cgroup_empty_event(). */
  onUnitEmpty(): void { serviceOnUnitEmpty(this); }

  // ---- forking: PID file / guessing ----------------------------------------------------------------------
  /** service_load_pid_file(): true when a live main pid was taken from PIDFile=. */
  loadPidFile(): boolean { return serviceLoadPidFile(this); }

  demandPidFile(): void { serviceDemandPidFile(this); }

  retryPidFile(): void { serviceRetryPidFile(this); }

  searchMainPid(): void { serviceSearchMainPid(this); }

  // ---- Type=dbus ----------------------------------------------------------------------------------------
  onBusNameOwner(hasOwner: boolean, ownerPid: number | null): void { serviceOnBusNameOwner(this, hasOwner, ownerPid); }

  // ---- fd store (FDSTORE=1) ------------------------------------------------------------------------------
  releaseFdStore(): void {
    if (this.fdStore.length === 0) return;
    for (const e of this.fdStore) { if (e.poll) this.host.pollStoredFd(e.fd, false); this.host.closeFd(e.fd); }
    this.fdStore = [];
  }

  onFdStoreHangup(fd: number): void {
    const i = this.fdStore.findIndex(e => e.fd === fd);
    if (i < 0) return;
    const [e] = this.fdStore.splice(i, 1);
    if (e) { this.host.pollStoredFd(e.fd, false); this.host.closeFd(e.fd); }
  }

  /** A datagram routed to this unit by sender pid (fds: received SCM_RIGHTS, closed unless stored). */
  invocationId(): string { return this.base.invocationId; }
  startLimitHit(): boolean { return this.base.startLimitHit; }

  /** How this service stands for the socket/timer/path that triggers it (socket_trigger_notify's cases). */
  triggerPhase(sub: string): TriggerPhase {
    switch (sub as ServiceSubState) {
      case 'dead': case 'failed': case 'final-sigterm': case 'final-sigkill': case 'auto-restart': return 'idle';
      case 'running': return 'running';
      default: return 'busy';
    }
  }

  /** Crash barrier: an event handler of this unit threw. Stop what runs and end failed (resources). */
  fail(result: 'resources'): void {
    this.clearTimer();
    if (this.state === 'dead' || this.state === 'failed' || this.state === 'auto-restart') {
      this.res = result;
      this.setState('failed');
      return;
    }
    try { this.enterSignal('stop-sigterm', result); } catch {
      this.res = result;
      this.setState('failed');
    }
  }

  onNotify(msg: NotifyMessage, sender: NotifySender, fds: number[] = []): void {
    handleServiceNotify(this, msg, sender, fds);
  }

  properties(): Record<string, PropValue> {
    return serviceProperties(this);
  }
}
