// The service state machine (semantics §4, systemd service.c): start path (condition → start-pre →
// start → start-post → running/exited), stop path (stop → stop-sigterm → stop-sigkill → stop-post →
// final-sigterm → final-sigkill → dead/failed), reload, auto-restart, watchdog, per-type readiness.
// Invariants:
//  * setState() is the one choke point: it drops the timer, pid watches and the watchdog the new state
//    forbids and reports the change (base.notifyStateChange) exactly once per call.
//  * `result` only moves away from 'success' (first failure wins) until the next start.
//  * Every enter*() either starts its effect and sets the matching state, or falls through to the next
//    step; spawn failures end in the kill path with result 'resources'.
// Notify messages, the fd store and show properties live in notify.ts / props.ts (functions over this class).
import type { ExecCommand, ServiceSection, UnitConfig } from '../../directives/types';
import { UnitBase } from '../base';
import {
  cldCode, cldCodeName, describeExit, exitStatusNumber, isCleanExit, signalName, SIGKILL, SIGCONT,
} from '../exit-status';
import type { ExecListName, ServiceHost, SpawnKind } from '../host';
import {
  NO_TIMESTAMP,
  type ActiveState, type ExecOutcome, type ExecStatus, type ExitInfo, type PropValue, type ReloadOutcome,
  type StartOutcome, type StopOutcome, type UnitMachine,
} from '../types';
import type { NotifyMessage } from '../../notify/parse';
import { handleServiceNotify, type NotifySender } from './notify';
import { serviceProperties } from './props';
import { restartDelayUs, shallRestart } from './restart';
import {
  activeOf, CONTROL_STATES, MAIN_STATES, RELOADING, STOPPING, TIMER_STATES, WATCHDOG_STATES,
  type ServiceResult, type ServiceSubState,
} from './states';

export type ExecListKey = 'execCondition' | 'execStartPre' | 'execStart' | 'execStartPost' | 'execReload' | 'execStop' | 'execStopPost';
const LIST_NAME: Record<ExecListKey, ExecListName> = {
  execCondition: 'ExecCondition', execStartPre: 'ExecStartPre', execStart: 'ExecStart', execStartPost: 'ExecStartPost',
  execReload: 'ExecReload', execStop: 'ExecStop', execStopPost: 'ExecStopPost',
};
export const EXEC_LISTS = Object.keys(LIST_NAME) as ExecListKey[];

type KillOp = 'terminate' | 'restart' | 'kill' | 'watchdog';
export type NotifyState = 'unknown' | 'ready' | 'reloading' | 'stopping';
export interface FdStoreEntry { fd: number; name: string; poll: boolean }

function newExecStatus(c: ExecCommand): ExecStatus {
  return { path: c.path, argv: c.argv, ignoreFailure: c.ignoreFailure, pid: 0, start: NO_TIMESTAMP, exit: NO_TIMESTAMP, code: 0, status: 0 };
}

export class ServiceMachine implements UnitMachine {
  readonly id: string;
  readonly unitType = 'service' as const;
  readonly svc: ServiceSection;
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
  private willAutoRestart = false;

  constructor(readonly cfg: UnitConfig, readonly host: ServiceHost) {
    if (!cfg.service) throw new Error(`${cfg.id}: not a service unit`);
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

  private exitStatusForAction(): number | null {
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

  onTimer(key: string): void {
    if (key === 'watchdog') {
      if (this.watchdogAt === null) return;
      this.watchdogAt = null;
      this.log('error', `Watchdog timeout (limit ${Math.round(this.watchdogUs() / 1000)}ms)!`);
      this.enterSignal('stop-watchdog', 'watchdog');
      return;
    }
    if (key === 'pidfile') { this.retryPidFile(); return; }
    if (key !== 'timeout' || this.timerAt === null) return;
    this.timerAt = null;
    const sk = this.cfg.kill.sendSIGKILL;
    const startMode = this.svc.timeoutStartFailureMode, stopMode = this.svc.timeoutStopFailureMode;
    switch (this.state) {
      case 'condition': case 'start-pre': case 'start': case 'start-post':
        this.log('warning', `${this.state} operation timed out. ${startMode === 'terminate' ? 'Terminating' : startMode === 'abort' ? 'Aborting' : sk ? 'Killing' : 'Skipping SIGKILL'}.`);
        if (startMode === 'terminate') this.enterSignal('stop-sigterm', 'timeout');
        else if (startMode === 'abort') this.enterSignal('stop-watchdog', 'timeout');
        else if (sk) this.enterSignal('stop-sigkill', 'timeout');
        else this.enterStopPost('timeout');
        return;
      case 'running':
        this.log('warning', 'Service reached runtime time limit. Stopping.');
        this.enterStop('timeout');
        return;
      case 'reload': case 'reload-signal': case 'reload-notify':
        this.log('warning', 'Reload operation timed out. Killing reload process.');
        if (this.controlPid > 0) this.host.signal(this.controlPid, SIGKILL, false);
        this.reloadResult = 'timeout';
        this.enterRunning('success');
        return;
      case 'stop':
        this.log('warning', `stop operation timed out. ${stopMode === 'terminate' ? 'Terminating' : stopMode === 'abort' ? 'Aborting' : 'Killing'}.`);
        if (stopMode === 'terminate') this.enterSignal('stop-sigterm', 'timeout');
        else if (stopMode === 'abort') this.enterSignal('stop-watchdog', 'timeout');
        else if (sk) this.enterSignal('stop-sigkill', 'timeout');
        else this.enterStopPost('timeout');
        return;
      case 'stop-watchdog':
        this.log('warning', `State 'stop-watchdog' timed out. ${sk ? 'Killing' : 'Skipping SIGKILL'}.`);
        if (sk) this.enterSignal('stop-sigkill', 'timeout'); else this.enterStopPost('timeout');
        return;
      case 'stop-sigterm':
        if (stopMode === 'abort') { this.log('warning', "State 'stop-sigterm' timed out. Aborting."); this.enterSignal('stop-watchdog', 'timeout'); }
        else if (sk) { this.log('warning', "State 'stop-sigterm' timed out. Killing."); this.enterSignal('stop-sigkill', 'timeout'); }
        else { this.log('warning', "State 'stop-sigterm' timed out. Skipping SIGKILL."); this.enterStopPost('timeout'); }
        return;
      case 'stop-sigkill':
        this.log('warning', 'Processes still around after SIGKILL. Ignoring.');
        this.enterStopPost('timeout');
        return;
      case 'stop-post':
        this.log('warning', 'stop-post operation timed out.');
        if (stopMode === 'terminate') this.enterSignal('final-sigterm', 'timeout');
        else if (stopMode === 'abort') this.enterSignal('final-watchdog', 'timeout');
        else if (sk) this.enterSignal('final-sigkill', 'timeout');
        else this.enterDead('timeout', true);
        return;
      case 'final-watchdog':
        if (sk) this.enterSignal('final-sigkill', 'timeout'); else this.enterDead('timeout', true);
        return;
      case 'final-sigterm':
        if (stopMode === 'abort') this.enterSignal('final-watchdog', 'timeout');
        else if (sk) this.enterSignal('final-sigkill', 'timeout');
        else this.enterDead('timeout', true);
        return;
      case 'final-sigkill':
        this.log('warning', 'Processes still around after final SIGKILL. Entering failed mode.');
        this.enterDead('timeout', true);
        return;
      case 'auto-restart':
        this.log('info', this.svc.restartUs > 0 ? 'Service RestartSec expired, scheduling restart.' : 'Service has no hold-off time (RestartSec=0), scheduling restart.');
        this.enterRestart();
        return;
      default:
        return;
    }
  }

  // ---- spawning -----------------------------------------------------------------------------------------
  /** service_spawn(): arms the state timer, returns the pid or null (logged) on failure. */
  spawn(kind: SpawnKind, list: ExecListKey, index: number, timeoutUs: number, setenvResult: boolean): number | null {
    const cmd = this.svc[list][index];
    if (!cmd) return null;
    this.armTimerRelative(timeoutUs);
    const env: Record<string, string> = {};
    if (this.mainPid > 0) env['MAINPID'] = String(this.mainPid);
    if (this.svc.pidFile) env['PIDFILE'] = this.svc.pidFile;
    if (setenvResult) {
      env['SERVICE_RESULT'] = this.res;
      if (this.mainExec.pid > 0 && this.mainExec.exit.monotonic !== 0) {
        env['EXIT_CODE'] = cldCodeName(this.mainExec.code);
        env['EXIT_STATUS'] = this.mainExec.code === 1 ? String(this.mainExec.status) : signalName(this.mainExec.status);
      }
    }
    const isMainStart = list === 'execStart';
    const wd = this.watchdogUs();
    if (isMainStart && wd > 0 && Number.isFinite(wd)) env['WATCHDOG_USEC'] = String(wd);
    const r = this.host.spawn({
      kind, list: LIST_NAME[list], index, command: cmd,
      passFds: isMainStart,
      fdStore: isMainStart ? this.fdStore.map(e => ({ fd: e.fd, name: e.name })) : [],
      env,
      watchdogPid: isMainStart && wd > 0 && Number.isFinite(wd),
      wantExecOutcome: isMainStart && this.svc.type === 'exec',
      idle: isMainStart && this.svc.type === 'idle',
      invocationId: this.base.invocationId,
    });
    if ('error' in r) {
      this.log('warning', `Failed to spawn '${LIST_NAME[list]}' task: ${r.error}`);
      return null;
    }
    const st = this.execStatus[list][index];
    if (st) { st.pid = r.pid; st.start = this.base.ts(); st.exit = NO_TIMESTAMP; st.code = 0; st.status = 0; }
    return r.pid;
  }

  setMainPid(pid: number): void {
    this.mainPid = pid;
    this.mainPidKnown = true;
    this.mainPidAlien = pid > 0 && !this.host.pidInUnit(pid);
    this.mainExec = { path: '', argv: [], ignoreFailure: false, pid, start: this.base.ts(), exit: NO_TIMESTAMP, code: 0, status: 0 };
    const c = this.mainCommand ? this.svc[this.mainCommand.list][this.mainCommand.index] : undefined;
    if (c) { this.mainExec.path = c.path; this.mainExec.argv = c.argv; this.mainExec.ignoreFailure = c.ignoreFailure; }
  }

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
  enterCondition(): void {
    this.controlPid = 0;
    if (this.svc.execCondition.length > 0) {
      this.controlCommand = { list: 'execCondition', index: 0 };
      const pid = this.spawn('control', 'execCondition', 0, this.svc.timeoutStartUs, false);
      if (pid === null) { this.enterSignal('stop-sigterm', 'resources'); return; }
      this.controlPid = pid;
      this.setState('condition');
    } else this.enterStartPre();
  }

  enterStartPre(): void {
    this.controlPid = 0;
    if (this.svc.execStartPre.length > 0) {
      this.controlCommand = { list: 'execStartPre', index: 0 };
      const pid = this.spawn('control', 'execStartPre', 0, this.svc.timeoutStartUs, false);
      if (pid === null) { this.enterSignal('stop-sigterm', 'resources'); return; }
      this.controlPid = pid;
      this.setState('start-pre');
    } else this.enterStart();
  }

  enterStart(): void {
    this.controlPid = 0;
    this.mainPid = 0;
    if (this.host.hasProcesses()) this.log('warning', 'Found left-over process(es) in control group while starting unit.');
    const type = this.svc.type;
    if (this.svc.execStart.length === 0) {
      // oneshot without ExecStart=: fake a start transition (systemd does the same for SuccessAction=).
      this.setState('start');
      this.enterStartPost();
      return;
    }
    const timeout = type === 'simple' || type === 'idle' ? Infinity : this.svc.timeoutStartUs;
    if (type === 'forking') this.controlCommand = { list: 'execStart', index: 0 };
    else this.mainCommand = { list: 'execStart', index: 0 };
    const pid = this.spawn(type === 'forking' ? 'control' : 'main', 'execStart', 0, timeout, false);
    if (pid === null) { this.enterSignal('stop-sigterm', 'resources'); return; }
    if (type === 'simple' || type === 'idle') {
      this.setMainPid(pid);
      this.host.watchPid(pid);
      this.enterStartPost();
    } else if (type === 'forking') {
      this.controlPid = pid;
      this.setState('start');
    } else {
      this.setMainPid(pid);
      this.host.watchPid(pid);
      if (type === 'exec') this.execFdHot = true;
      this.setState('start');
    }
  }

  enterStartPost(): void {
    this.controlPid = 0;
    this.resetWatchdog();
    if (this.svc.execStartPost.length > 0) {
      this.controlCommand = { list: 'execStartPost', index: 0 };
      const pid = this.spawn('control', 'execStartPost', 0, this.svc.timeoutStartUs, false);
      if (pid === null) { this.enterStop('resources'); return; }
      this.controlPid = pid;
      this.setState('start-post');
    } else this.enterRunning('success');
  }

  enterRunning(f: ServiceResult): void {
    if (this.res === 'success') this.res = f;
    this.controlPid = 0;
    this.controlCommand = null;
    if (this.res !== 'success') { this.enterSignal('stop-sigterm', f); return; }
    if (this.good()) {
      if (this.notifyState === 'reloading') this.enterReloadByNotify();
      else if (this.notifyState === 'stopping') this.enterStopByNotify();
      else {
        this.setState('running');
        // RuntimeMaxSec= counts from ActiveEnterTimestamp (not restarted by reloads).
        const max = this.svc.runtimeMaxUs;
        if (Number.isFinite(max) && max > 0) {
          this.timerAt = this.base.activeEnterTs.monotonic + max;
          this.host.armTimer('timeout', this.timerAt);
        } else this.clearTimer();
      }
    } else if (this.svc.remainAfterExit) this.setState('exited');
    else this.enterStop('success');
  }

  // ---- reload -------------------------------------------------------------------------------------------
  enterReload(): void {
    this.controlPid = 0;
    this.reloadResult = 'success';
    const ts = this.host.now();
    let signalled = false;
    if (this.svc.type === 'notify-reload' && this.mainPid > 0) {
      if (!this.host.signal(this.mainPid, this.svc.reloadSignal, true)) {
        this.log('warning', 'Failed to send reload signal.');
        this.reloadResult = 'resources';
        this.enterRunning('success');
        return;
      }
      signalled = true;
    }
    if (this.svc.execReload.length > 0) {
      this.controlCommand = { list: 'execReload', index: 0 };
      const pid = this.spawn('control', 'execReload', 0, this.svc.timeoutStartUs, false);
      if (pid === null) { this.reloadResult = 'resources'; this.enterRunning('success'); return; }
      this.controlPid = pid;
      this.setState('reload');
    } else if (signalled) {
      this.armTimerRelative(this.svc.timeoutStartUs);
      this.setState('reload-signal');
    } else { this.enterRunning('success'); return; }
    this.reloadBeginUs = ts;
  }

  enterReloadByNotify(): void {
    this.armTimerRelative(this.svc.timeoutStartUs);
    this.setState('reload-notify');
    this.host.propagateReload();
  }

  // ---- stop path ----------------------------------------------------------------------------------------
  enterStop(f: ServiceResult): void {
    if (this.res === 'success') this.res = f;
    this.controlPid = 0;
    if (this.svc.execStop.length > 0) {
      this.controlCommand = { list: 'execStop', index: 0 };
      const pid = this.spawn('control', 'execStop', 0, this.svc.timeoutStopUs, true);
      if (pid === null) { this.enterSignal('stop-sigterm', 'resources'); return; }
      this.controlPid = pid;
      this.setState('stop');
    } else this.enterSignal('stop-sigterm', 'success');
  }

  enterStopByNotify(): void {
    this.armTimerRelative(this.svc.timeoutStopUs);
    this.setState('stop-sigterm');
  }

  private killOp(state: ServiceSubState): KillOp {
    if (state === 'stop-watchdog' || state === 'final-watchdog') return 'watchdog';
    if (state === 'stop-sigkill' || state === 'final-sigkill') return 'kill';
    if (state === 'stop-sigterm' && this.restartStop) return 'restart';
    return 'terminate';
  }

  /** unit_kill_context(): true when something was signalled that we must wait for. */
  killContext(op: KillOp): boolean {
    const k = this.cfg.kill;
    if (k.killMode === 'none') return false;
    const sig = op === 'terminate' ? k.killSignal : op === 'restart' ? k.restartKillSignal : op === 'kill' ? k.finalKillSignal : k.watchdogSignal;
    const sighup = k.sendSIGHUP && op !== 'kill' && op !== 'watchdog' && sig !== 1;
    const cont = sig !== SIGKILL && sig !== SIGCONT;
    let wait = false;
    if (this.mainPid > 0) {
      if (this.host.signal(this.mainPid, sig, cont)) {
        if (!this.mainPidAlien) wait = true;
        if (sighup) this.host.signal(this.mainPid, 1, false);
      }
    }
    if (this.controlPid > 0) {
      if (this.host.signal(this.controlPid, sig, cont)) {
        wait = true;
        if (sighup) this.host.signal(this.controlPid, 1, false);
      }
    }
    if (k.killMode === 'control-group' || (k.killMode === 'mixed' && op === 'kill')) {
      const exclude = [this.mainPid, this.controlPid].filter(p => p > 0);
      if (this.host.signalOthers(sig, exclude, cont) > 0) {
        wait = true;
        if (sighup) this.host.signalOthers(1, exclude, false);
      }
    }
    return wait;
  }

  enterSignal(state: ServiceSubState, f: ServiceResult): void {
    if (this.res === 'success') this.res = f;
    const op = this.killOp(state);
    const wait = this.killContext(op);
    if (wait) {
      this.armTimerRelative(op === 'watchdog' ? this.svc.timeoutAbortUs : this.svc.timeoutStopUs);
      this.setState(state);
    } else if ((state === 'stop-watchdog' || state === 'stop-sigterm') && this.cfg.kill.sendSIGKILL) this.enterSignal('stop-sigkill', 'success');
    else if (state === 'stop-watchdog' || state === 'stop-sigterm' || state === 'stop-sigkill') this.enterStopPost('success');
    else if ((state === 'final-watchdog' || state === 'final-sigterm') && this.cfg.kill.sendSIGKILL) this.enterSignal('final-sigkill', 'success');
    else this.enterDead('success', true);
  }

  enterStopPost(f: ServiceResult): void {
    if (this.res === 'success') this.res = f;
    this.controlPid = 0;
    if (this.svc.execStopPost.length > 0) {
      this.controlCommand = { list: 'execStopPost', index: 0 };
      const pid = this.spawn('control', 'execStopPost', 0, this.svc.timeoutStopUs, true);
      if (pid === null) { this.enterSignal('final-sigterm', 'resources'); return; }
      this.controlPid = pid;
      this.setState('stop-post');
    } else this.enterSignal('final-sigterm', 'success');
  }

  enterDead(f: ServiceResult, allowRestart: boolean): void {
    if (this.res === 'success') this.res = f;
    if (this.res === 'success') this.log('info', 'Deactivated successfully.');
    else if (this.res === 'exec-condition') this.log('info', `Skipped due to '${this.res}'.`);
    else this.log('notice', `Failed with result '${this.res}'.`);
    let restart = false;
    if (allowRestart) {
      const d = shallRestart(this.svc, { forbidRestart: this.forbidRestart, result: this.res, mainCode: this.mainExec.code, mainStatus: this.mainExec.status });
      restart = d.restart;
      this.log('debug', `Restart ${restart ? '' : 'not '}wanted (${d.reason}).`);
    }
    const end: ServiceSubState = this.res === 'success' || this.res === 'exec-condition' ? 'dead' : 'failed';
    this.willAutoRestart = restart;
    this.setState(end);
    this.willAutoRestart = false;
    if (restart) {
      this.armTimerRelative(Math.max(restartDelayUs(this.svc, this.nRestarts + 1), 1));
      this.setState('auto-restart');
    } else this.flushNRestarts = true;
    // The fd store survives auto-restarts and restart jobs; it is dropped when the unit fully stops.
    if (!restart && !this.restartStop) this.releaseFdStore();
    if (!restart && this.svc.pidFile) this.host.removePidFile(this.svc.pidFile);
  }

  enterRestart(): void {
    if (this.host.hasStopJob()) { this.log('info', 'Stop job pending for unit, skipping automatic restart.'); return; }
    this.nRestarts++;
    this.flushNRestarts = false;
    this.log('info', `Scheduled restart job, restart counter is at ${this.nRestarts}.`);
    this.host.requestRestart();
  }

  // ---- process events -----------------------------------------------------------------------------------
  onExecOutcome(pid: number, o: ExecOutcome): void {
    if (pid !== this.mainPid) return;
    if (!o.ok) {
      this.lastExecFailure = { stage: o.stage, errno: o.errno };
      this.log('error', `Failed at step ${o.stage} spawning ${this.mainExec.path}: errno ${o.errno}`);
      this.execFdHot = false;
      return;
    }
    if (this.execFdHot) {
      this.execFdHot = false;
      if (this.state === 'start') this.enterStartPost();
    }
  }

  onChildExit(pid: number, e: ExitInfo): void {
    if (pid <= 0) return;
    let f: ServiceResult = isCleanExit(e, this.svc.type !== 'oneshot', this.svc.successExitStatus) ? 'success'
      : e.signal === 0 ? 'exit-code' : e.core ? 'core-dump' : 'signal';
    if (pid === this.mainPid) this.onMainExit(pid, e, f);
    else if (pid === this.controlPid) {
      this.controlPid = 0;
      if (f === 'exit-code' && this.state === 'condition' && e.code < 255) f = 'exec-condition';
      this.onControlExit(pid, e, f);
    }
  }

  private onMainExit(pid: number, e: ExitInfo, f0: ServiceResult): void {
    let f = f0;
    if (this.svc.pidFile && this.svc.type === 'forking') {
      const p = this.host.readPidFile(this.svc.pidFile);
      if (p !== null && p !== pid && p !== this.controlPid && this.host.pidAlive(p)) {
        this.log('debug', `Main PID changed to ${p} via PID file.`);
        this.setMainPid(p);
        this.host.watchPid(p);
        return;
      }
    }
    this.mainPid = 0;
    this.mainExec.exit = this.base.ts();
    this.mainExec.code = cldCode(e);
    this.mainExec.status = exitStatusNumber(e);
    const mc = this.mainCommand;
    const mcmd = mc ? this.svc[mc.list][mc.index] : undefined;
    if (mc) {
      const st = this.execStatus[mc.list][mc.index];
      if (st) { st.exit = this.mainExec.exit; st.code = this.mainExec.code; st.status = this.mainExec.status; }
      if (mcmd?.ignoreFailure) f = 'success';
    } else if (this.svc.execStart[0]?.ignoreFailure) f = 'success';
    this.log(f === 'success' ? 'debug' : 'notice', `Main process exited, ${describeExit(e)}`);
    if (this.res === 'success') this.res = f;
    if (mc && this.svc.type === 'oneshot' && f === 'success' && mc.index + 1 < this.svc[mc.list].length) {
      this.runNextMain(); return;
    }
    this.mainCommand = null;
    if (this.svc.exitType !== 'main' && this.host.hasProcesses()) return;
    switch (this.state) {
      case 'start-post': case 'reload': case 'reload-signal': case 'reload-notify':
        if (!this.controlPidGood()) this.enterStop(f);
        return;
      case 'stop':
        return;
      case 'start':
        if (this.svc.type === 'oneshot') {
          if (f === 'success') this.enterStartPost(); else this.enterSignal('stop-sigterm', f);
          return;
        }
        if (this.svc.type === 'notify' || this.svc.type === 'notify-reload') {
          if (f !== 'success') this.enterSignal('stop-sigterm', f);
          else if (!this.svc.remainAfterExit || this.svc.notifyAccess === 'main') this.enterSignal('stop-sigterm', 'protocol');
          return;
        }
        this.enterRunning(f);
        return;
      case 'running':
        this.enterRunning(f);
        return;
      case 'stop-watchdog': case 'stop-sigterm': case 'stop-sigkill':
        if (!this.controlPidGood()) this.enterStopPost(f);
        return;
      case 'stop-post':
        if (!this.controlPidGood()) this.enterSignal('final-sigterm', f);
        return;
      case 'final-watchdog': case 'final-sigterm': case 'final-sigkill':
        if (this.mainPidGood() <= 0) this.enterDead(f, true);
        return;
      default:
        return;
    }
  }

  private runNextMain(): void {
    const mc = this.mainCommand;
    if (!mc) return;
    mc.index++;
    const pid = this.spawn('main', mc.list, mc.index, this.svc.timeoutStartUs, false);
    if (pid === null) { this.enterSignal('stop-sigterm', 'resources'); return; }
    this.setMainPid(pid);
    this.host.watchPid(pid);
  }

  private onControlExit(pid: number, e: ExitInfo, f0: ServiceResult): void {
    let f = f0;
    const cc = this.controlCommand;
    const ccmd = cc ? this.svc[cc.list][cc.index] : undefined;
    if (cc) {
      const st = this.execStatus[cc.list][cc.index];
      if (st) { st.exit = this.base.ts(); st.code = cldCode(e); st.status = exitStatusNumber(e); }
      if (ccmd?.ignoreFailure) f = 'success';
    }
    this.log(f === 'success' ? 'debug' : 'notice', `Control process exited, ${describeExit(e)}`);
    if (!RELOADING.has(this.state) && this.res === 'success') this.res = f;
    if (cc && f === 'success' && cc.index + 1 < this.svc[cc.list].length) {
      cc.index++;
      const timeout = STOPPING.has(this.state) ? this.svc.timeoutStopUs : this.svc.timeoutStartUs;
      const npid = this.spawn('control', cc.list, cc.index, timeout, cc.list === 'execStop' || cc.list === 'execStopPost');
      if (npid === null) {
        if (STOPPING.has(this.state)) this.enterSignal('final-sigterm', 'resources');
        else this.enterSignal('stop-sigterm', 'resources');
        return;
      }
      this.controlPid = npid;
      return;
    }
    this.controlCommand = null;
    switch (this.state) {
      case 'condition':
        if (f === 'success') this.enterStartPre(); else this.enterSignal('stop-sigterm', f);
        return;
      case 'start-pre':
        if (f === 'success') this.enterStart(); else this.enterSignal('stop-sigterm', f);
        return;
      case 'start':
        if (this.svc.type !== 'forking') return;
        if (f !== 'success') { this.enterSignal('stop-sigterm', f); return; }
        if (this.svc.pidFile) {
          const hasPost = this.svc.execStartPost.length > 0;
          const ok = this.loadPidFile();
          if (!hasPost && !ok) { this.demandPidFile(); return; }
        } else this.searchMainPid();
        this.enterStartPost();
        return;
      case 'start-post':
        if (f !== 'success') { this.enterSignal('stop-sigterm', f); return; }
        if (this.svc.pidFile) {
          if (!this.loadPidFile()) { this.demandPidFile(); return; }
        } else this.searchMainPid();
        this.enterRunning('success');
        return;
      case 'reload': case 'reload-signal': case 'reload-notify':
        if (f === 'success' && this.svc.pidFile) { if (!this.loadPidFile()) this.searchMainPid(); }
        this.reloadResult = f;
        if (this.svc.type === 'notify-reload' && f === 'success' && this.state === 'reload' && this.notifyState !== 'ready') {
          // ExecReload done, but the service still owes its READY=1 after the reload signal.
          this.setState('reload-signal');
          return;
        }
        this.enterRunning('success');
        return;
      case 'stop':
        this.enterSignal('stop-sigterm', f);
        return;
      case 'stop-watchdog': case 'stop-sigterm': case 'stop-sigkill':
        if (this.mainPidGood() <= 0) this.enterStopPost(f);
        return;
      case 'stop-post':
        if (this.mainPidGood() <= 0) this.enterSignal('final-sigterm', f);
        return;
      case 'final-watchdog': case 'final-sigterm': case 'final-sigkill':
        if (this.mainPidGood() <= 0) this.enterDead(f, true);
        return;
      default:
        return;
    }
  }

  /** The unit's processes are all gone (cgroup empty): service_notify_cgroup_empty_event(). */
  onUnitEmpty(): void {
    switch (this.state) {
      case 'start':
        if ((this.svc.type === 'notify' || this.svc.type === 'notify-reload') && this.mainPidGood() === 0 && !this.controlPidGood()) {
          this.enterStopPost('protocol'); return;
        }
        if (this.svc.exitType === 'cgroup' && this.mainPidGood() <= 0) { this.enterStopPost('success'); return; }
        if (this.svc.pidFile && this.mainPidGood() === 0 && !this.controlPidGood()) this.enterStopPost('protocol');
        return;
      case 'start-post':
        if (this.svc.pidFile && this.mainPidGood() === 0 && !this.controlPidGood()) this.enterStopPost('protocol');
        return;
      case 'running':
        this.enterRunning('success');
        return;
      case 'stop-watchdog': case 'stop-sigterm': case 'stop-sigkill':
        if (this.mainPidGood() <= 0 && !this.controlPidGood()) this.enterStopPost('success');
        return;
      case 'stop-post': case 'final-watchdog': case 'final-sigterm': case 'final-sigkill':
        if (this.mainPidGood() <= 0 && !this.controlPidGood()) this.enterDead('success', true);
        return;
      default:
        return;
    }
  }

  // ---- forking: PID file / guessing ----------------------------------------------------------------------
  /** service_load_pid_file(): true when a live main pid was taken from PIDFile=. */
  loadPidFile(): boolean {
    const p = this.host.readPidFile(this.svc.pidFile);
    if (p === null) return false;
    if (this.mainPidKnown && p === this.mainPid) return true;
    if (p === this.controlPid || !this.host.pidAlive(p)) {
      this.log('warning', `New main PID ${p} ${p === this.controlPid ? 'is the control process' : "doesn't exist"}, refusing.`);
      return false;
    }
    this.setMainPid(p);
    this.host.watchPid(p);
    return true;
  }

  private demandPidFile(): void {
    if (!this.host.hasProcesses()) { this.enterSignal('stop-sigterm', 'protocol'); return; }
    this.log('debug', `PID file ${this.svc.pidFile} not there yet, waiting.`);
    this.host.armTimer('pidfile', this.host.now() + 50_000);
  }

  private retryPidFile(): void {
    if (this.state !== 'start' && this.state !== 'start-post') return;
    if (this.mainPidKnown && this.mainPid > 0) return;
    if (this.controlPidGood()) return;
    if (this.loadPidFile()) {
      if (this.state === 'start') this.enterStartPost(); else this.enterRunning('success');
      return;
    }
    this.demandPidFile();
  }

  searchMainPid(): void {
    if (!this.svc.guessMainPID || (this.mainPidKnown && this.mainPid > 0)) return;
    const p = this.host.guessMainPid();
    if (p === null) return;
    this.setMainPid(p);
    this.host.watchPid(p);
  }

  // ---- Type=dbus ----------------------------------------------------------------------------------------
  onBusNameOwner(hasOwner: boolean, ownerPid: number | null): void {
    this.busNameGood = hasOwner;
    if (this.svc.type === 'dbus') {
      if (this.state === 'running') this.enterRunning('success');
      else if (this.state === 'start' && hasOwner) this.enterStartPost();
    } else if (hasOwner && ownerPid !== null && this.mainPid <= 0
      && (this.state === 'start' || this.state === 'start-post' || this.state === 'running' || RELOADING.has(this.state))) {
      this.setMainPid(ownerPid);
      this.host.watchPid(ownerPid);
    }
  }

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
  onNotify(msg: NotifyMessage, sender: NotifySender, fds: number[] = []): void {
    handleServiceNotify(this, msg, sender, fds);
  }

  properties(): Record<string, PropValue> {
    return serviceProperties(this);
  }
}
