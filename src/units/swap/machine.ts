// The swap state machine (systemd 252 swap.c): dead → activating (swapon) → (activating-done) → active →
// deactivating (swapoff) → dead/failed. /proc/swaps is the truth, reported by the host (onProcSwaps).
// In a container systemd does not support swap units (swap_supported()): a start whose conditions pass
// finishes with job result 'unsupported' and the unit stays dead; so does this machine (host.inContainer()).
// Invariants: every state change goes through setState(); result leaves success at most once per cycle.
import type { ExecCommand, SwapSection, UnitConfig } from '../../directives/types';
import { UnitBase } from '../base';
import { cldCode, describeExit, exitStatusNumber, SIGKILL, SIGTERM } from '../exit-status';
import type { ProcessHost } from '../host';
import {
  NO_TIMESTAMP, type ActiveState, type ExecStatus, type ExitInfo, type MountTableView, type PropValue, type ReloadOutcome,
  type StartOutcome, type StopOutcome, type UnitMachine,
} from '../types';
import { swapWhat } from '../mount/deps';

export type SwapSubState = 'dead' | 'activating' | 'activating-done' | 'active' | 'deactivating' | 'deactivating-sigterm'
  | 'deactivating-sigkill' | 'failed';
export type SwapResult = 'success' | 'resources' | 'timeout' | 'exit-code' | 'signal' | 'core-dump' | 'start-limit-hit';

const ACTIVE_OF: Record<SwapSubState, ActiveState> = {
  'dead': 'inactive', 'activating': 'activating', 'activating-done': 'activating', 'active': 'active', 'deactivating': 'deactivating',
  'deactivating-sigterm': 'deactivating', 'deactivating-sigkill': 'deactivating', 'failed': 'failed',
};

export interface SwapHost extends ProcessHost {
  /** Is `what` listed in /proc/swaps right now? */
  isSwapOn(what: string): boolean;
  /** detect_container() > 0. */
  inContainer(): boolean;
}

export const SWAPON_PATH = '/sbin/swapon';
export const SWAPOFF_PATH = '/sbin/swapoff';

export class SwapMachine implements UnitMachine {
  readonly id: string;
  readonly unitType = 'swap' as const;
  cfg: UnitConfig;
  sw: SwapSection;
  readonly base: UnitBase;
  state: SwapSubState = 'dead';
  res: SwapResult = 'success';
  fromProcSwaps = false;
  controlPid = 0;
  private timerAt: number | null = null;
  private cmd: 'ExecActivate' | 'ExecDeactivate' | null = null;
  readonly execStatus: Record<'ExecActivate' | 'ExecDeactivate', ExecStatus | null> = { ExecActivate: null, ExecDeactivate: null };

  constructor(cfg: UnitConfig, readonly host: SwapHost) {
    if (!cfg.swap) throw new Error(`${cfg.id}: not a swap unit`);
    this.cfg = cfg; this.id = cfg.id; this.sw = cfg.swap; this.base = new UnitBase(cfg, host);
  }

  get what(): string { return swapWhat(this.cfg); }
  activeState(): ActiveState { return ACTIVE_OF[this.state]; }
  subState(): string { return this.state; }
  result(): string { return this.res; }
  canReload(): boolean { return false; }
  reload(): ReloadOutcome { return 'unsupported'; }
  reconfigure(cfg: UnitConfig): void { if (!cfg.swap) return; this.cfg = cfg; this.sw = cfg.swap; this.base.reconfigure(cfg); }

  private setState(ns: SwapSubState): void {
    const os = this.state, oa = this.activeState();
    this.state = ns;
    if (['dead', 'active', 'failed'].includes(ns)) { this.clearTimer(); this.controlPid = 0; this.cmd = null; }
    if (os !== ns) this.base.notifyStateChange(oa, this.activeState(), os, ns, this.res, { reloadFailure: false, willAutoRestart: false, skipCondition: false }, () => null);
  }
  private armTimer(): void {
    const us = this.sw.timeoutUs;
    if (!Number.isFinite(us) || us <= 0) { this.clearTimer(); return; }
    this.timerAt = this.host.now() + us;
    this.host.armTimer('timeout', this.timerAt);
  }
  private clearTimer(): void { if (this.timerAt !== null) { this.timerAt = null; this.host.clearTimer('timeout'); } }

  private spawn(cmd: 'ExecActivate' | 'ExecDeactivate', argv: string[]): boolean {
    const command: ExecCommand = { path: argv[0]!, argv, ignoreFailure: false, noEnvExpand: true, privileged: '', file: '', line: 0 };
    this.armTimer();
    const r = this.host.spawn({ kind: 'control', list: cmd === 'ExecActivate' ? 'ExecStart' : 'ExecStop', index: 0, command, passFds: false, fdStore: [], env: {},
      watchdogPid: false, wantExecOutcome: false, idle: false, invocationId: this.base.invocationId });
    if ('error' in r) { this.host.log('warning', `${this.id}: Failed to run '${cmd === 'ExecActivate' ? 'swapon' : 'swapoff'}' task: ${r.error}`); return false; }
    this.controlPid = r.pid; this.cmd = cmd;
    this.execStatus[cmd] = { path: argv[0]!, argv, ignoreFailure: false, pid: r.pid, start: this.base.ts(), exit: NO_TIMESTAMP, code: 0, status: 0 };
    return true;
  }

  private enterDead(f: SwapResult): void {
    if (this.res === 'success') this.res = f;
    this.setState(this.res === 'success' ? 'dead' : 'failed');
  }
  private enterDeadOrActive(f: SwapResult): void {
    if (this.res === 'success') this.res = f;
    if (this.fromProcSwaps) this.setState('active'); else this.enterDead(f);
  }

  start(): StartOutcome {
    if (this.state.startsWith('deactivating')) return 'again';
    if (this.state === 'activating' || this.state === 'activating-done') return 'started';
    if (this.state === 'active') return 'noop';
    if (!this.base.testConditions()) return 'condition-failed';
    if (!this.base.testAsserts()) return 'assert-failed';
    // swap_supported() is false in a container: unit_start() refuses after the conditions
    if (this.host.inContainer()) return 'unsupported';
    if (!this.base.testStartLimit()) { this.res = 'start-limit-hit'; this.setState('failed'); return 'start-limit-hit'; }
    this.base.invocationId = this.host.newInvocationId();
    this.res = 'success';
    const argv = [SWAPON_PATH];
    if (this.sw.priority >= 0) argv.push('-p', String(this.sw.priority));
    if (this.sw.options) argv.push('-o', this.sw.options);
    argv.push(this.what);
    if (!this.spawn('ExecActivate', argv)) { this.enterDeadOrActive('resources'); return 'started'; }
    this.setState('activating');
    return 'started';
  }

  stop(): StopOutcome {
    switch (this.state) {
      case 'dead': case 'failed': return 'noop';
      case 'deactivating': case 'deactivating-sigterm': case 'deactivating-sigkill': return 'stopping';
      case 'activating': case 'activating-done': this.enterSignal('deactivating-sigterm', 'success'); return 'stopping';
      case 'active':
        if (!this.spawn('ExecDeactivate', [SWAPOFF_PATH, this.what])) { this.enterDeadOrActive('resources'); return 'stopping'; }
        this.setState('deactivating');
        return 'stopping';
    }
  }

  private enterSignal(state: 'deactivating-sigterm' | 'deactivating-sigkill', f: SwapResult): void {
    if (this.res === 'success') this.res = f;
    const sig = state === 'deactivating-sigkill' ? SIGKILL : SIGTERM;
    if (this.controlPid > 0 && this.host.signal(this.controlPid, sig, sig !== SIGKILL)) { this.armTimer(); this.setState(state); return; }
    if (state === 'deactivating-sigterm' && this.cfg.kill.sendSIGKILL) { this.enterSignal('deactivating-sigkill', 'success'); return; }
    this.enterDeadOrActive('success');
  }

  resetFailed(): void { if (this.state === 'failed') this.setState('dead'); this.res = 'success'; this.base.resetStartLimit(); }
  invocationId(): string { return this.base.invocationId; }
  fail(result: 'resources'): void {
    if (this.controlPid > 0) this.host.signal(this.controlPid, SIGKILL, false);
    this.res = result;
    this.setState('failed');
  }
  onMountTable(t: MountTableView): void { this.onProcSwaps(t.swaps.has(this.what)); }

  /** /proc/swaps lists (or no longer lists) this swap. */
  onProcSwaps(on: boolean): void {
    const was = this.fromProcSwaps;
    this.fromProcSwaps = on;
    if (on && !was) {
      if (this.state === 'dead' || this.state === 'failed') { this.res = 'success'; this.setState('active'); }
      else if (this.state === 'activating') this.setState('activating-done');
    } else if (!on && was) {
      if (this.state === 'active') this.enterDead('success');
      else if (this.state === 'activating-done') this.setState('activating');
    }
  }

  onChildExit(pid: number, exit: ExitInfo): void {
    if (pid !== this.controlPid) return;
    this.onProcSwaps(this.host.isSwapOn(this.what));
    const st = this.cmd ? this.execStatus[this.cmd] : null;
    if (st) { st.exit = this.base.ts(); st.code = cldCode(exit); st.status = exitStatusNumber(exit); }
    this.controlPid = 0; this.cmd = null;
    const f: SwapResult = exit.signal === 0 ? (exit.code === 0 ? 'success' : 'exit-code') : exit.core ? 'core-dump' : 'signal';
    if (f !== 'success') this.host.log('warning', `${this.id}: Swap process exited, ${describeExit(exit)}`);
    switch (this.state) {
      case 'activating': case 'activating-done':
        if (f === 'success' || this.fromProcSwaps) this.enterDeadOrActive(f); else this.enterDead(f);
        break;
      default: this.enterDeadOrActive(f);
    }
  }

  onTimer(key: string): void {
    if (key !== 'timeout' || this.timerAt === null) return;
    this.timerAt = null;
    if (this.state === 'activating' || this.state === 'activating-done' || this.state === 'deactivating') this.enterSignal('deactivating-sigterm', 'timeout');
    else if (this.state === 'deactivating-sigterm') this.enterSignal('deactivating-sigkill', 'timeout');
    else if (this.state === 'deactivating-sigkill') this.enterDeadOrActive('timeout');
  }

  properties(): Record<string, PropValue> {
    return { ...this.base.baseProperties(), ActiveState: this.activeState(), SubState: this.state, Result: this.res, What: this.what,
      Priority: this.sw.priority, Options: this.sw.options, TimeoutUSec: this.sw.timeoutUs, ControlPID: this.controlPid,
      ExecActivate: this.execStatus.ExecActivate ? [this.execStatus.ExecActivate] : [], ExecDeactivate: this.execStatus.ExecDeactivate ? [this.execStatus.ExecDeactivate] : [] };
  }
}
