// The mount state machine (systemd 252 mount.c): dead → mounting → (mounting-done) → mounted → unmounting
// (→ unmounting-sigterm → unmounting-sigkill) → dead/failed, plus remounting on reload. /proc/self/mountinfo
// is the truth: the manager reports every change (onMountinfo), a mount that appears makes a dead unit
// mounted without a job, one that disappears makes a mounted unit dead. mount(8)/umount(8) run as control
// processes; before their exit is handled the host's view of mountinfo is refreshed (as mount_sigchld_event
// rescans it). Options nofail/noauto/auto are filtered from -o, as systemd does.
// Invariants: every state change goes through setState(); result leaves success at most once per cycle.
import type { ExecCommand, MountSection, UnitConfig } from '../../directives/types';
import { UnitBase } from '../base';
import { cldCode, describeExit, exitStatusNumber, SIGKILL, SIGTERM } from '../exit-status';
import type { ProcessHost } from '../host';
import {
  NO_TIMESTAMP, type ActiveState, type ExecStatus, type ExitInfo, type MountTableView, type PropValue, type ReloadOutcome,
  type StartOutcome, type StopOutcome, type UnitMachine,
} from '../types';
import { mountIsBind, mountWhere } from './deps';

export type MountSubState = 'dead' | 'mounting' | 'mounting-done' | 'mounted' | 'remounting' | 'unmounting'
  | 'remounting-sigterm' | 'remounting-sigkill' | 'unmounting-sigterm' | 'unmounting-sigkill' | 'failed';
export type MountResult = 'success' | 'resources' | 'timeout' | 'exit-code' | 'signal' | 'core-dump' | 'start-limit-hit' | 'protocol';

const ACTIVE_OF: Record<MountSubState, ActiveState> = {
  'dead': 'inactive', 'mounting': 'activating', 'mounting-done': 'activating', 'mounted': 'active', 'remounting': 'reloading',
  'unmounting': 'deactivating', 'remounting-sigterm': 'reloading', 'remounting-sigkill': 'reloading',
  'unmounting-sigterm': 'deactivating', 'unmounting-sigkill': 'deactivating', 'failed': 'failed',
};

/** What a mount machine needs beyond process control. */
export interface MountHost extends ProcessHost {
  /** Is `where` a mount point per /proc/self/mountinfo right now (a fresh read)? */
  isMounted(where: string): boolean;
  /** mkdir -p the mount point (and a bind source) with `mode`; failures are only logged. */
  prepareMountPoint(path: string, mode: number): void;
  /** The manager is shutting down (mounts it did not make are then left to the container runtime). */
  shuttingDown(): boolean;
}

export const MOUNT_PATH = '/bin/mount';
export const UMOUNT_PATH = '/bin/umount';
const RETRY_UMOUNT_MAX = 32;
type Cmd = 'ExecMount' | 'ExecUnmount' | 'ExecRemount';

function filterOptions(opts: string, drop: string[]): string {
  return opts.split(',').filter((o) => o !== '' && !drop.includes(o)).join(',');
}

export class MountMachine implements UnitMachine {
  readonly id: string;
  readonly unitType = 'mount' as const;
  cfg: UnitConfig;
  mnt: MountSection;
  readonly base: UnitBase;
  state: MountSubState = 'dead';
  res: MountResult = 'success';
  reloadResult: MountResult = 'success';
  /** The kernel lists this mount point (last mountinfo report). */
  fromMountinfo = false;
  controlPid = 0;
  private controlCmd: Cmd | null = null;
  private nRetryUmount = 0;
  /** Left to the container runtime at shutdown: no longer follows the mount table. */
  private abandoned = false;
  private timerAt: number | null = null;
  readonly execStatus: Record<Cmd, ExecStatus | null> = { ExecMount: null, ExecUnmount: null, ExecRemount: null };

  constructor(cfg: UnitConfig, readonly host: MountHost) {
    if (!cfg.mount) throw new Error(`${cfg.id}: not a mount unit`);
    this.cfg = cfg;
    this.id = cfg.id;
    this.mnt = cfg.mount;
    this.base = new UnitBase(cfg, host);
  }

  get where(): string { return mountWhere(this.cfg); }

  activeState(): ActiveState { return ACTIVE_OF[this.state]; }
  subState(): string { return this.state; }
  result(): string { return this.res; }
  canReload(): boolean { return true; }

  reconfigure(cfg: UnitConfig): void { if (!cfg.mount) return; this.cfg = cfg; this.mnt = cfg.mount; this.base.reconfigure(cfg); }

  private log(level: 'debug' | 'info' | 'notice' | 'warning' | 'error', text: string): void { this.host.log(level, `${this.id}: ${text}`); }

  private setState(ns: MountSubState): void {
    const os = this.state, oa = this.activeState();
    this.state = ns;
    if (!['mounting', 'mounting-done', 'remounting', 'unmounting', 'remounting-sigterm', 'remounting-sigkill', 'unmounting-sigterm', 'unmounting-sigkill'].includes(ns)) {
      this.clearTimer();
      this.controlPid = 0;
      this.controlCmd = null;
    }
    if (os === ns) return;
    this.base.notifyStateChange(oa, this.activeState(), os, ns, this.res, { reloadFailure: this.reloadResult !== 'success', willAutoRestart: false, skipCondition: false, quiet: this.abandoned }, () => null);
  }

  private armTimer(): void {
    const us = this.mnt.timeoutUs;
    if (!Number.isFinite(us) || us <= 0) { this.clearTimer(); return; }
    this.timerAt = this.host.now() + us;
    this.host.armTimer('timeout', this.timerAt);
  }
  private clearTimer(): void { if (this.timerAt !== null) { this.timerAt = null; this.host.clearTimer('timeout'); } }

  private spawn(cmd: Cmd, argv: string[]): boolean {
    const command: ExecCommand = { path: argv[0]!, argv, ignoreFailure: false, noEnvExpand: true, privileged: '', file: '', line: 0 };
    this.armTimer();
    const r = this.host.spawn({ kind: 'control', list: cmd === 'ExecUnmount' ? 'ExecStop' : cmd === 'ExecRemount' ? 'ExecReload' : 'ExecStart', index: 0,
      command, passFds: false, fdStore: [], env: {}, watchdogPid: false, wantExecOutcome: false, idle: false, invocationId: this.base.invocationId });
    if ('error' in r) { this.log('warning', `Failed to run '${cmd === 'ExecMount' ? 'mount' : cmd === 'ExecUnmount' ? 'umount' : 'remount'}' task: ${r.error}`); return false; }
    this.controlPid = r.pid;
    this.controlCmd = cmd;
    this.execStatus[cmd] = { path: argv[0]!, argv, ignoreFailure: false, pid: r.pid, start: this.base.ts(), exit: NO_TIMESTAMP, code: 0, status: 0 };
    return true;
  }

  private enterDead(f: MountResult): void {
    if (this.res === 'success') this.res = f;
    if (this.res !== 'success') this.log('warning', `Failed with result '${this.res}'.`);
    this.setState(this.res !== 'success' ? 'failed' : 'dead');
  }

  private enterMounted(f: MountResult): void {
    if (this.res === 'success') this.res = f;
    this.setState('mounted');
  }

  private enterDeadOrMounted(f: MountResult): void {
    if (this.fromMountinfo) this.enterMounted(f); else this.enterDead(f);
  }

  /** The mount command systemd builds: mount WHAT WHERE [-s] [-w] [-t TYPE] [-o OPTS]. */
  mountArgv(): string[] {
    const m = this.mnt;
    const argv = [MOUNT_PATH, m.what, this.where];
    if (m.sloppyOptions) argv.push('-s');
    if (m.readWriteOnly) argv.push('-w');
    if (m.type) argv.push('-t', m.type);
    const opts = filterOptions(m.options, ['nofail', 'noauto', 'auto']);
    if (opts) argv.push('-o', opts);
    return argv;
  }

  private enterMounting(): void {
    if (!this.mnt.what) { this.log('warning', "Failed to run 'mount' task: No such file or directory"); this.enterDeadOrMounted('resources'); return; }
    this.host.prepareMountPoint(this.where, this.mnt.directoryMode);
    if (mountIsBind(this.cfg) && this.mnt.what.startsWith('/')) this.host.prepareMountPoint(this.mnt.what, this.mnt.directoryMode);
    if (!this.spawn('ExecMount', this.mountArgv())) { this.enterDeadOrMounted('resources'); return; }
    this.setState('mounting');
  }

  private enterUnmounting(): void {
    if (!['unmounting', 'unmounting-sigterm', 'unmounting-sigkill'].includes(this.state)) this.nRetryUmount = 0;
    const argv = [UMOUNT_PATH, this.where, '-c'];
    if (this.mnt.lazyUnmount) argv.push('-l');
    if (this.mnt.forceUnmount) argv.push('-f');
    if (!this.spawn('ExecUnmount', argv)) { this.enterDeadOrMounted('resources'); return; }
    this.setState('unmounting');
  }

  private enterSignal(state: MountSubState, f: MountResult): void {
    if (this.res === 'success') this.res = f;
    const sig = state.endsWith('sigkill') ? SIGKILL : SIGTERM;
    let signalled = false;
    if (this.controlPid > 0) signalled = this.host.signal(this.controlPid, sig, sig !== SIGKILL);
    if (this.cfg.kill.killMode === 'control-group' || this.cfg.kill.killMode === 'mixed') signalled = this.host.signalOthers(sig, this.controlPid > 0 ? [this.controlPid] : [], sig !== SIGKILL) > 0 || signalled;
    if (signalled) { this.armTimer(); this.setState(state); return; }
    if (state === 'unmounting-sigterm' && this.cfg.kill.sendSIGKILL) { this.enterSignal('unmounting-sigkill', 'success'); return; }
    if (state === 'remounting-sigterm' && this.cfg.kill.sendSIGKILL) { this.enterSignal('remounting-sigkill', 'success'); return; }
    if (state.startsWith('remounting')) { this.enterMounted('success'); return; }
    this.enterDeadOrMounted('success');
  }

  start(): StartOutcome {
    if (['unmounting', 'unmounting-sigterm', 'unmounting-sigkill'].includes(this.state)) return 'again';
    if (this.state === 'mounting' || this.state === 'mounting-done') return 'started';
    if (this.state === 'mounted' || this.state.startsWith('remounting')) return 'noop';
    if (!this.base.testConditions()) return 'condition-failed';
    if (!this.base.testAsserts()) return 'assert-failed';
    if (!this.base.testStartLimit()) { this.res = 'start-limit-hit'; this.setState('failed'); return 'start-limit-hit'; }
    this.base.invocationId = this.host.newInvocationId();
    this.res = 'success';
    this.reloadResult = 'success';
    this.enterMounting();
    return 'started';
  }

  invocationId(): string { return this.base.invocationId; }

  fail(result: 'resources'): void {
    if (this.controlPid > 0) this.host.signal(this.controlPid, SIGKILL, false);
    this.res = result;
    this.setState('failed');
  }

  onMountTable(t: MountTableView): void { this.onMountinfo(t.mountPoints.has(this.where)); }

  stop(): StopOutcome {
    // At shutdown a mount that no unit file describes (the runtime's API and bind mounts, /etc/hosts...)
    // stays: its namespace goes away with the container. Documented difference (systemd would umount the
    // ones ordered against umount.target and log the failures).
    if (this.state === 'mounted' && !this.cfg.fragmentPath && this.host.shuttingDown()) {
      this.abandoned = true;
      this.setState('dead');
      return 'noop';
    }
    switch (this.state) {
      case 'dead': case 'failed': return 'noop';
      case 'unmounting': case 'unmounting-sigterm': case 'unmounting-sigkill': return 'stopping';
      case 'mounting': case 'mounting-done': case 'remounting': this.enterSignal('unmounting-sigterm', 'success'); return 'stopping';
      case 'remounting-sigterm': this.setState('unmounting-sigterm'); return 'stopping';
      case 'remounting-sigkill': this.setState('unmounting-sigkill'); return 'stopping';
      case 'mounted': this.enterUnmounting(); return 'stopping';
    }
  }

  reload(): ReloadOutcome {
    if (this.state !== 'mounted') return this.activeState() === 'activating' ? 'again' : 'not-active';
    this.reloadResult = 'success';
    const opts = filterOptions(`remount${this.mnt.options ? ',' + this.mnt.options : ''}`, ['nofail', 'noauto', 'auto']);
    const argv = [MOUNT_PATH, this.mnt.what || this.where, this.where, '-o', opts];
    if (this.mnt.type) argv.push('-t', this.mnt.type);
    if (!this.spawn('ExecRemount', argv)) { this.reloadResult = 'resources'; this.enterMounted('success'); return 'done'; }
    this.setState('remounting');
    return 'reloading';
  }

  resetFailed(): void {
    if (this.state === 'failed') this.setState('dead');
    this.res = 'success';
    this.reloadResult = 'success';
    this.base.resetStartLimit();
  }

  /** /proc/self/mountinfo says the mount point is (not) there (mount_process_proc_self_mountinfo). */
  onMountinfo(mounted: boolean): void {
    if (this.abandoned) return;
    const was = this.fromMountinfo;
    this.fromMountinfo = mounted;
    if (mounted && !was) {
      if (this.state === 'dead' || this.state === 'failed') { this.res = 'success'; this.enterMounted('success'); }
      else if (this.state === 'mounting') this.setState('mounting-done');
    } else if (!mounted && was) {
      if (this.state === 'mounted') this.enterDead('success');
      else if (this.state === 'mounting-done') this.setState('mounting');
    }
  }

  onChildExit(pid: number, exit: ExitInfo): void {
    if (pid !== this.controlPid) return;
    this.onMountinfo(this.host.isMounted(this.where));
    const cmd = this.controlCmd;
    this.controlPid = 0;
    this.controlCmd = null;
    let f: MountResult = exit.signal === 0 ? (exit.code === 0 ? 'success' : 'exit-code') : exit.core ? 'core-dump' : 'signal';
    if (exit.signal !== 0 && [1, 2, 13, 15].includes(exit.signal)) f = 'signal';
    const st = cmd ? this.execStatus[cmd] : null;
    if (st) { st.exit = this.base.ts(); st.code = cldCode(exit); st.status = exitStatusNumber(exit); }
    if (f !== 'success') this.log('warning', `Mount process exited, ${describeExit(exit)}`);
    if (this.state.startsWith('remounting')) { if (f !== 'success') this.reloadResult = f; }
    else if (this.res === 'success' && this.state !== 'mounting' && this.state !== 'unmounting') this.res = f;
    switch (this.state) {
      case 'mounting':
        if (f === 'success') { this.log('warning', 'Mount process finished, but there is no mount.'); f = 'protocol'; }
        this.enterDead(f);
        break;
      case 'mounting-done': this.enterMounted(f); break;
      case 'remounting': case 'remounting-sigterm': case 'remounting-sigkill': this.enterDeadOrMounted('success'); break;
      case 'unmounting':
        if (f === 'success' && this.fromMountinfo) {
          if (this.nRetryUmount < RETRY_UMOUNT_MAX) { this.nRetryUmount++; this.enterUnmounting(); }
          else { this.log('warning', `Mount still present after ${this.nRetryUmount} attempts to unmount, giving up.`); this.enterMounted('protocol'); }
        } else if (f === 'exit-code' && !this.fromMountinfo) {
          this.log('notice', 'Mount disappeared even though umount process failed, continuing.');
          this.enterDead('success');
        } else this.enterDeadOrMounted(f);
        break;
      case 'unmounting-sigterm': case 'unmounting-sigkill': this.enterDeadOrMounted(f); break;
      default: break;
    }
  }

  onTimer(key: string): void {
    if (key !== 'timeout' || this.timerAt === null) return;
    this.timerAt = null;
    switch (this.state) {
      case 'mounting': case 'mounting-done':
        this.log('warning', 'Mounting timed out. Terminating.'); this.enterSignal('unmounting-sigterm', 'timeout'); break;
      case 'remounting':
        this.log('warning', 'Remounting timed out. Terminating remount process.'); this.reloadResult = 'timeout'; this.enterSignal('remounting-sigterm', 'success'); break;
      case 'remounting-sigterm':
        this.reloadResult = 'timeout';
        if (this.cfg.kill.sendSIGKILL) this.enterSignal('remounting-sigkill', 'success'); else this.enterMounted('success');
        break;
      case 'remounting-sigkill': this.reloadResult = 'timeout'; this.enterMounted('success'); break;
      case 'unmounting':
        this.log('warning', 'Unmounting timed out. Terminating.'); this.enterSignal('unmounting-sigterm', 'timeout'); break;
      case 'unmounting-sigterm':
        if (this.cfg.kill.sendSIGKILL) { this.log('warning', 'Mount process timed out. Killing.'); this.enterSignal('unmounting-sigkill', 'timeout'); }
        else this.enterDeadOrMounted('timeout');
        break;
      case 'unmounting-sigkill':
        this.log('warning', 'Mount process still around after SIGKILL. Ignoring.'); this.enterDeadOrMounted('timeout'); break;
      default: break;
    }
  }

  properties(): Record<string, PropValue> {
    const execs: Record<string, ExecStatus[]> = {};
    for (const k of ['ExecMount', 'ExecUnmount', 'ExecRemount'] as Cmd[]) { const s = this.execStatus[k]; execs[k] = s ? [s] : []; }
    return {
      ...this.base.baseProperties(), ActiveState: this.activeState(), SubState: this.state, Result: this.res, ReloadResult: this.reloadResult,
      Where: this.where, What: this.mnt.what, Options: this.mnt.options, Type: this.mnt.type, TimeoutUSec: this.mnt.timeoutUs,
      ControlPID: this.controlPid, DirectoryMode: `0${this.mnt.directoryMode.toString(8)}`, SloppyOptions: this.mnt.sloppyOptions,
      LazyUnmount: this.mnt.lazyUnmount, ForceUnmount: this.mnt.forceUnmount, ReadWriteOnly: this.mnt.readWriteOnly, ...execs,
    };
  }
}
