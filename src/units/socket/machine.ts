// The socket state machine (semantics §5, systemd socket.c): dead → start-pre → start-chown → start-post →
// listening ⇄ running → stop-pre → stop-pre-sigterm → stop-pre-sigkill → stop-post → final-sigterm →
// final-sigkill → dead/failed. Accept=no: readiness queues the service's start job and stops polling until
// the service is down again (onTriggeredUnitChange). Accept=yes: accept, name the instance, enforce
// MaxConnections/MaxConnectionsPerSource; the trigger limit guards both.
// Invariants: listeners are open exactly in start-chown..stop-pre-sigkill (setState closes them
// elsewhere); polling is on exactly in 'listening'; result moves away from success only once per run.
import type { SocketSection, UnitConfig } from '../../directives/types';
import { RateLimit, UnitBase } from '../base';
import { cldCode, describeExit, exitStatusNumber, isCleanExit, SIGKILL, SIGCONT } from '../exit-status';
import type { PeerInfo, SocketHost } from '../host';
import {
  NO_TIMESTAMP,
  type ActiveState, type ExecStatus, type ExitInfo, type PropValue, type ReloadOutcome, type StartOutcome,
  type StopOutcome, type TriggeredPeer, type UnitMachine,
} from '../types';
import { instanceFromPeer, instanceUnitName, sourceKey } from './naming';

export type SocketSubState = 'dead' | 'start-pre' | 'start-chown' | 'start-post' | 'listening' | 'running' | 'stop-pre'
  | 'stop-pre-sigterm' | 'stop-pre-sigkill' | 'stop-post' | 'final-sigterm' | 'final-sigkill' | 'failed' | 'cleaning';
export type SocketResult = 'success' | 'resources' | 'timeout' | 'exit-code' | 'signal' | 'core-dump'
  | 'start-limit-hit' | 'trigger-limit-hit' | 'service-start-limit-hit';

const ACTIVE_OF: Record<SocketSubState, ActiveState> = {
  'dead': 'inactive', 'start-pre': 'activating', 'start-chown': 'activating', 'start-post': 'activating',
  'listening': 'active', 'running': 'active', 'stop-pre': 'deactivating', 'stop-pre-sigterm': 'deactivating',
  'stop-pre-sigkill': 'deactivating', 'stop-post': 'deactivating', 'final-sigterm': 'deactivating',
  'final-sigkill': 'deactivating', 'failed': 'failed', 'cleaning': 'maintenance',
};
const FDS_OPEN = new Set<SocketSubState>(['start-chown', 'start-post', 'listening', 'running', 'stop-pre', 'stop-pre-sigterm', 'stop-pre-sigkill']);
const CONTROL = new Set<SocketSubState>(['start-pre', 'start-chown', 'start-post', 'stop-pre', 'stop-pre-sigterm', 'stop-pre-sigkill', 'stop-post', 'final-sigterm', 'final-sigkill', 'cleaning']);
const STOPPING = new Set<SocketSubState>(['stop-pre', 'stop-pre-sigterm', 'stop-pre-sigkill', 'stop-post', 'final-sigterm', 'final-sigkill']);

type ListKey = 'execStartPre' | 'execStartPost' | 'execStopPre' | 'execStopPost';
const LIST_NAME = { execStartPre: 'ExecStartPre', execStartPost: 'ExecStartPost', execStopPre: 'ExecStopPre', execStopPost: 'ExecStopPost' } as const;

export class SocketMachine implements UnitMachine {
  readonly id: string;
  readonly unitType = 'socket' as const;
  sock: SocketSection;
  cfg: UnitConfig;
  readonly base: UnitBase;
  state: SocketSubState = 'dead';
  res: SocketResult = 'success';
  controlPid = 0;
  controlCommand: { list: ListKey; index: number } | null = null;
  timerAt: number | null = null;
  nAccepted = 0;
  nConnections = 0;
  nRefused = 0;
  private perSource = new Map<string, number>();
  private fdsOpen = false;
  private polling = false;
  private readonly triggerLimit: RateLimit;
  execStatus: Record<ListKey, ExecStatus[]>;

  constructor(cfg: UnitConfig, readonly host: SocketHost) {
    if (!cfg.socket) throw new Error(`${cfg.id}: not a socket unit`);
    this.cfg = cfg;
    this.id = cfg.id;
    this.sock = cfg.socket;
    this.base = new UnitBase(cfg, host);
    this.triggerLimit = new RateLimit(this.sock.triggerLimitIntervalUs, this.sock.triggerLimitBurst);
    this.execStatus = this.freshStatus();
  }

  private freshStatus(): Record<ListKey, ExecStatus[]> {
    const f = (k: ListKey): ExecStatus[] => this.sock[k].map(c => ({ path: c.path, argv: c.argv, ignoreFailure: c.ignoreFailure, pid: 0, start: NO_TIMESTAMP, exit: NO_TIMESTAMP, code: 0, status: 0 }));
    return { execStartPre: f('execStartPre'), execStartPost: f('execStartPost'), execStopPre: f('execStopPre'), execStopPost: f('execStopPost') };
  }

  /** daemon-reload: new settings apply to later steps; open listeners are kept as they are. */
  reconfigure(cfg: UnitConfig): void {
    if (!cfg.socket) return;
    this.cfg = cfg;
    this.sock = cfg.socket;
    this.base.reconfigure(cfg);
    this.triggerLimit.intervalUs = this.sock.triggerLimitIntervalUs;
    this.triggerLimit.burst = this.sock.triggerLimitBurst;
  }

  activeState(): ActiveState { return ACTIVE_OF[this.state]; }
  subState(): string { return this.state; }
  result(): string { return this.res; }
  canReload(): boolean { return false; }
  reload(): ReloadOutcome { return 'unsupported'; }
  log(level: 'debug' | 'info' | 'notice' | 'warning' | 'error', text: string): void { this.host.log(level, `${this.id}: ${text}`); }

  start(): StartOutcome {
    const a = this.activeState();
    if (a === 'active' || a === 'reloading') return 'noop';
    if (a === 'maintenance') return 'again';
    if (a !== 'activating' && !this.base.testConditions()) return 'condition-failed';
    if (a !== 'activating' && !this.base.testAsserts()) return 'assert-failed';
    if (!this.base.testStartLimit()) { this.enterDead('start-limit-hit'); return 'start-limit-hit'; }
    if (STOPPING.has(this.state) || this.state === 'cleaning') return 'again';
    if (this.state === 'start-pre' || this.state === 'start-chown' || this.state === 'start-post') return 'started';
    const svc = this.host.serviceInfo();
    if (svc !== null) {
      if (!svc.loaded) { this.log('error', 'Socket service not loaded, refusing.'); return 'refused'; }
      if (!['dead', 'failed', 'auto-restart'].includes(svc.subState)) { this.log('error', 'Socket service already active, refusing.'); return 'refused'; }
    }
    this.base.invocationId = this.host.newInvocationId();
    this.res = 'success';
    this.execStatus = this.freshStatus();
    this.enterStartPre();
    return 'started';
  }

  stop(): StopOutcome {
    const a = this.activeState();
    if (a === 'inactive' || a === 'failed') return 'noop';
    if (STOPPING.has(this.state)) return 'stopping';
    if (this.state === 'start-pre' || this.state === 'start-chown' || this.state === 'start-post') {
      this.enterSignal('stop-pre-sigterm', 'success');
      return 'stopping';
    }
    if (this.state === 'cleaning') { this.enterSignal('final-sigkill', 'success'); return 'stopping'; }
    this.enterStopPre('success');
    return 'stopping';
  }

  resetFailed(): void {
    if (this.state === 'failed') this.setState('dead');
    this.res = 'success';
    this.base.resetStartLimit();
  }

  // ---- choke point --------------------------------------------------------------------------------------
  setState(ns: SocketSubState): void {
    const os = this.state, oa = this.activeState();
    this.state = ns;
    if (!CONTROL.has(ns)) this.clearTimer();
    if (!CONTROL.has(ns)) { this.controlPid = 0; this.controlCommand = null; }
    if (ns !== 'listening' && this.polling) { this.polling = false; this.host.setPolling(false); }
    if (ns === 'listening' && !this.polling) { this.polling = true; this.host.setPolling(true); }
    if (!FDS_OPEN.has(ns) && this.fdsOpen) { this.fdsOpen = false; this.host.closeListeners(this.sock.removeOnStop); }
    this.base.notifyStateChange(oa, this.activeState(), os, ns, this.res,
      { reloadFailure: false, willAutoRestart: false, skipCondition: false }, () => null);
  }

  private armTimer(): void {
    const us = this.sock.timeoutUs;
    if (!Number.isFinite(us) || us <= 0) { this.clearTimer(); return; }
    this.timerAt = this.host.now() + us;
    this.host.armTimer('timeout', this.timerAt);
  }
  private clearTimer(): void { if (this.timerAt !== null) { this.timerAt = null; this.host.clearTimer('timeout'); } }

  private spawn(list: ListKey, index: number): boolean {
    const cmd = this.sock[list][index];
    if (!cmd) return false;
    this.armTimer();
    const r = this.host.spawn({ kind: 'control', list: LIST_NAME[list], index, command: cmd, passFds: false, fdStore: [], env: {}, watchdogPid: false, wantExecOutcome: false, idle: false });
    if ('error' in r) { this.log('warning', `Failed to spawn '${LIST_NAME[list]}' task: ${r.error}`); return false; }
    this.controlPid = r.pid;
    this.controlCommand = { list, index };
    const st = this.execStatus[list][index];
    if (st) { st.pid = r.pid; st.start = this.base.ts(); }
    return true;
  }

  // ---- transitions --------------------------------------------------------------------------------------
  private enterStartPre(): void {
    this.controlPid = 0;
    if (this.sock.execStartPre.length > 0) {
      if (!this.spawn('execStartPre', 0)) { this.enterDead('resources'); return; }
      this.setState('start-pre');
    } else this.enterStartChown();
  }

  private enterStartChown(): void {
    const r = this.host.openListeners();
    if ('error' in r) {
      this.log('warning', `Failed to listen on sockets: ${r.error}`);
      this.enterStopPre('resources');
      return;
    }
    this.fdsOpen = true;
    if (this.sock.socketUser || this.sock.socketGroup) {
      const c = this.host.chownListeners();
      if ('error' in c) { this.log('warning', `Failed to chown socket: ${c.error}`); this.enterStopPre('resources'); return; }
      if ('pid' in c) {
        this.controlPid = c.pid;
        this.controlCommand = null;
        this.armTimer();
        this.setState('start-chown');
        return;
      }
    }
    this.enterStartPost();
  }

  private enterStartPost(): void {
    this.controlPid = 0;
    if (this.sock.execStartPost.length > 0) {
      if (!this.spawn('execStartPost', 0)) { this.enterStopPre('resources'); return; }
      this.setState('start-post');
    } else this.enterListening();
  }

  enterListening(): void {
    this.setState('listening');
  }

  enterStopPre(f: SocketResult): void {
    if (this.res === 'success') this.res = f;
    this.controlPid = 0;
    if (this.sock.execStopPre.length > 0) {
      if (!this.spawn('execStopPre', 0)) { this.enterStopPost('resources'); return; }
      this.setState('stop-pre');
    } else this.enterSignal('stop-pre-sigterm', 'success');
  }

  private enterStopPost(f: SocketResult): void {
    if (this.res === 'success') this.res = f;
    this.controlPid = 0;
    if (this.sock.execStopPost.length > 0) {
      if (!this.spawn('execStopPost', 0)) { this.enterSignal('final-sigterm', 'resources'); return; }
      this.setState('stop-post');
    } else this.enterSignal('final-sigterm', 'success');
  }

  private enterSignal(state: SocketSubState, f: SocketResult): void {
    if (this.res === 'success') this.res = f;
    const k = this.cfg.kill;
    const sig = state === 'stop-pre-sigkill' || state === 'final-sigkill' ? k.finalKillSignal : k.killSignal;
    let wait = false;
    if (k.killMode !== 'none') {
      if (this.controlPid > 0 && this.host.signal(this.controlPid, sig, sig !== SIGKILL && sig !== SIGCONT)) wait = true;
      if (k.killMode === 'control-group' || (k.killMode === 'mixed' && sig === k.finalKillSignal)) {
        if (this.host.signalOthers(sig, this.controlPid > 0 ? [this.controlPid] : [], sig !== SIGKILL) > 0) wait = true;
      }
    }
    if (wait) { this.armTimer(); this.setState(state); }
    else if (state === 'stop-pre-sigterm') this.enterSignal('stop-pre-sigkill', 'success');
    else if (state === 'stop-pre-sigkill') this.enterStopPost('success');
    else if (state === 'final-sigterm') this.enterSignal('final-sigkill', 'success');
    else this.enterDead('success');
  }

  private enterDead(f: SocketResult): void {
    if (this.res === 'success') this.res = f;
    if (this.res === 'success') this.log('info', 'Deactivated successfully.');
    else this.log('notice', `Failed with result '${this.res}'.`);
    this.setState(this.res === 'success' ? 'dead' : 'failed');
  }

  // ---- events -------------------------------------------------------------------------------------------
  /** A listening fd polled readable (ok) or reported HUP/ERR (ok=false). */
  onReadable(index: number, ok = true): void {
    if (this.state !== 'listening') return;
    this.log('debug', 'Incoming traffic');
    if (!ok) {
      this.log('error', 'Got POLLHUP on a listening socket. The service probably invoked shutdown() on it, and should better not do that.');
      this.enterStopPre('resources');
      return;
    }
    const spec = this.sock.listen[index];
    if (this.sock.accept && spec && (spec.kind === 'stream' || spec.kind === 'seqpacket')) {
      const a = this.host.accept(index);
      if (a === 'again') return;
      if ('error' in a) { this.log('warning', `Failed to accept connection: ${a.error}`); this.enterStopPre('resources'); return; }
      this.enterRunningAccept(a.fd, a.peer);
      return;
    }
    this.enterRunning();
  }

  private triggerOk(): boolean {
    if (this.triggerLimit.below(this.host.now())) return true;
    this.log('warning', 'Trigger limit hit, refusing further activation.');
    this.enterStopPre('trigger-limit-hit');
    return false;
  }

  private enterRunning(): void {
    if (this.host.hasStopJob()) { this.log('debug', 'Suppressing connection request since unit stop is scheduled.'); return; }
    if (!this.triggerOk()) return;
    const svc = this.host.serviceInfo();
    if (!svc?.activeOrPending) {
      if (!this.host.requestServiceStart()) { this.enterStopPre('resources'); return; }
    }
    this.setState('running');
  }

  private enterRunningAccept(fd: number, peer: PeerInfo): void {
    const refuse = (): void => { this.nRefused++; this.host.closeFd(fd); };
    if (this.host.hasStopJob()) { this.log('debug', 'Suppressing connection request since unit stop is scheduled.'); refuse(); return; }
    if (!this.triggerOk()) { refuse(); return; }
    if (this.nConnections >= this.sock.maxConnections) {
      this.log('warning', `Too many incoming connections (${this.nConnections}), dropping connection.`);
      refuse(); return;
    }
    const key = sourceKey(peer);
    if (key !== null && this.sock.maxConnectionsPerSource > 0) {
      const n = (this.perSource.get(key) ?? 0) + 1;
      if (n > this.sock.maxConnectionsPerSource) {
        this.log('warning', `Too many incoming connections (${n - 1}) from source ${key}, dropping connection.`);
        refuse(); return;
      }
    }
    const name = instanceUnitName(this.sock.service || this.id, instanceFromPeer(this.nAccepted, peer));
    this.nAccepted++;
    if (!this.host.startInstance(name, fd, peer)) { this.log('warning', `Failed to start ${name}.`); this.host.closeFd(fd); return; }
    this.nConnections++;
    if (key !== null) this.perSource.set(key, (this.perSource.get(key) ?? 0) + 1);
  }

  /** Accept=yes: an instance's connection is gone (the instance stopped). */
  onConnectionClosed(peer: PeerInfo): void {
    if (this.nConnections > 0) this.nConnections--;
    const key = sourceKey(peer);
    if (key === null) return;
    const n = (this.perSource.get(key) ?? 0) - 1;
    if (n <= 0) this.perSource.delete(key); else this.perSource.set(key, n);
  }

  /** socket_trigger_notify(): the triggered service changed state (Accept=no only). */
  onTriggeredUnitChange(peer: TriggeredPeer): void {
    if (this.state !== 'running' && this.state !== 'listening') return;
    if (this.sock.accept) return;
    if (peer.startLimitHit) { this.enterStopPre('service-start-limit-hit'); return; }
    if (peer.hasJob) return;
    if (peer.phase === 'idle') {
      if (this.state !== 'listening') this.enterListening();
    } else if (peer.phase === 'running' && this.state !== 'running') this.setState('running');
  }

  invocationId(): string { return this.base.invocationId; }
  startLimitHit(): boolean { return this.base.startLimitHit; }

  /** Crash barrier: an event handler of this unit threw. Close everything and end failed (resources). */
  fail(result: 'resources'): void {
    if (this.state === 'dead' || this.state === 'failed') { this.res = result; this.setState('failed'); return; }
    try { this.enterStopPre(result); } catch { this.res = result; this.setState('failed'); }
  }

  onChildExit(pid: number, e: ExitInfo): void {
    if (pid <= 0 || pid !== this.controlPid) return;
    this.controlPid = 0;
    let f: SocketResult = isCleanExit(e, false, null) ? 'success' : e.signal === 0 ? 'exit-code' : e.core ? 'core-dump' : 'signal';
    const cc = this.controlCommand;
    if (cc) {
      const st = this.execStatus[cc.list][cc.index];
      if (st) { st.exit = this.base.ts(); st.code = cldCode(e); st.status = exitStatusNumber(e); }
      if (this.sock[cc.list][cc.index]?.ignoreFailure) f = 'success';
    }
    this.log(f === 'success' ? 'debug' : 'notice', `Control process exited, ${describeExit(e)}`);
    if (this.res === 'success') this.res = f;
    if (cc && f === 'success' && cc.index + 1 < this.sock[cc.list].length) {
      if (!this.spawn(cc.list, cc.index + 1)) this.enterSignal(STOPPING.has(this.state) ? 'final-sigterm' : 'stop-pre-sigterm', 'resources');
      return;
    }
    this.controlCommand = null;
    switch (this.state) {
      case 'start-pre': if (f === 'success') this.enterStartChown(); else this.enterSignal('final-sigterm', f); return;
      case 'start-chown': if (f === 'success') this.enterStartPost(); else this.enterStopPre(f); return;
      case 'start-post': if (f === 'success') this.enterListening(); else this.enterStopPre(f); return;
      case 'stop-pre': case 'stop-pre-sigterm': case 'stop-pre-sigkill': this.enterStopPost(f); return;
      case 'stop-post': case 'final-sigterm': case 'final-sigkill': this.enterDead(f); return;
      default: return;
    }
  }

  onTimer(key: string): void {
    if (key !== 'timeout' || this.timerAt === null) return;
    this.timerAt = null;
    const sk = this.cfg.kill.sendSIGKILL;
    switch (this.state) {
      case 'start-pre': this.log('warning', 'Starting timed out. Terminating.'); this.enterSignal('final-sigterm', 'timeout'); return;
      case 'start-chown': case 'start-post': this.log('warning', 'Starting timed out. Stopping.'); this.enterStopPre('timeout'); return;
      case 'stop-pre': this.log('warning', 'Stopping timed out. Terminating.'); this.enterSignal('stop-pre-sigterm', 'timeout'); return;
      case 'stop-pre-sigterm':
        if (sk) { this.log('warning', 'Stopping timed out. Killing.'); this.enterSignal('stop-pre-sigkill', 'timeout'); }
        else { this.log('warning', 'Stopping timed out. Skipping SIGKILL. Ignoring.'); this.enterStopPost('timeout'); }
        return;
      case 'stop-pre-sigkill': this.log('warning', 'Processes still around after SIGKILL. Ignoring.'); this.enterStopPost('timeout'); return;
      case 'stop-post': this.log('warning', 'Stopping timed out (2). Terminating.'); this.enterSignal('final-sigterm', 'timeout'); return;
      case 'final-sigterm':
        if (sk) { this.log('warning', 'Stopping timed out (2). Killing.'); this.enterSignal('final-sigkill', 'timeout'); }
        else { this.log('warning', 'Stopping timed out (2). Skipping SIGKILL. Ignoring.'); this.enterDead('timeout'); }
        return;
      case 'final-sigkill': this.log('warning', 'Still around after SIGKILL (2). Entering failed mode.'); this.enterDead('timeout'); return;
      default: return;
    }
  }

  properties(): Record<string, PropValue> {
    return {
      ...this.base.baseProperties(),
      ActiveState: this.activeState(),
      SubState: this.state,
      Result: this.res,
      ControlPID: this.controlPid,
      Accept: this.sock.accept,
      NAccepted: this.nAccepted,
      NConnections: this.nConnections,
      NRefused: this.nRefused,
      ExecStartPre: this.execStatus.execStartPre,
      ExecStartPost: this.execStatus.execStartPost,
      ExecStopPre: this.execStatus.execStopPre,
      ExecStopPost: this.execStatus.execStopPost,
    };
  }
}
