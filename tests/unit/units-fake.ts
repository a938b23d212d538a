// Test support for unit machines (not a test file): a manual clock + fake ServiceHost/SocketHost that
// records every effect, and UnitConfig builders independent of the directives tables.
import type {
  Condition, ExecCommand, ServiceSection, SocketSection, UnitConfig, UnitType,
} from '../../src/directives/types';
import type { ConditionEval, ServiceHost, SpawnRequest, SpawnResult } from '../../src/units/host';
import type { StateChange } from '../../src/units/types';

export const SEC = 1_000_000;
export const MS = 1_000;

export function cmd(line: string, ignoreFailure = false): ExecCommand {
  const argv = line.split(' ');
  return { path: argv[0] ?? '', argv, ignoreFailure, noEnvExpand: false, privileged: '', file: 'test.service', line: 1 };
}

export function serviceSection(over: Partial<ServiceSection> = {}): ServiceSection {
  const s: ServiceSection = {
    type: 'simple', remainAfterExit: false, guessMainPID: true, pidFile: '', busName: '',
    execCondition: [], execStartPre: [], execStart: [cmd('/bin/daemon')], execStartPost: [], execReload: [],
    execStop: [], execStopPost: [], restart: 'no', restartUs: 100 * MS, restartSteps: 0, restartMaxDelayUs: Infinity,
    restartPreventExitStatus: { statuses: [], signals: [] }, restartForceExitStatus: { statuses: [], signals: [] },
    successExitStatus: { statuses: [], signals: [] }, timeoutStartUs: 90 * SEC, timeoutStopUs: 90 * SEC,
    timeoutAbortUs: 90 * SEC, timeoutStartFailureMode: 'terminate', timeoutStopFailureMode: 'terminate',
    runtimeMaxUs: Infinity, watchdogUs: 0, notifyAccess: 'none', fileDescriptorStoreMax: 0, sockets: [],
    reloadSignal: 1, exitType: 'main',
  };
  Object.assign(s, over);
  if (over.type === 'oneshot' && over.timeoutStartUs === undefined) s.timeoutStartUs = Infinity;
  if ((s.type === 'notify' || s.type === 'notify-reload' || s.watchdogUs > 0) && over.notifyAccess === undefined) s.notifyAccess = 'main';
  return s;
}

export function socketSection(over: Partial<SocketSection> = {}): SocketSection {
  return {
    listen: [{ kind: 'stream', address: '8080', file: 't.socket', line: 1 }], accept: false, maxConnections: 64,
    maxConnectionsPerSource: 64, backlog: 4096, bindIPv6Only: 'default', bindToDevice: '', socketUser: '',
    socketGroup: '', socketMode: 0o666, directoryMode: 0o755, service: '', fileDescriptorName: '', removeOnStop: false,
    symlinks: [], reusePort: false, freeBind: false, transparent: false, keepAlive: false, keepAliveTimeUs: 0,
    keepAliveIntervalUs: 0, keepAliveProbes: 0, noDelay: false, receiveBuffer: 0, sendBuffer: 0,
    passCredentials: false, passSecurity: false, writable: false, timestamping: 'off',
    triggerLimitIntervalUs: 2 * SEC, triggerLimitBurst: over.accept ? 200 : 20, pollLimitIntervalUs: 2 * SEC,
    pollLimitBurst: 150, execStartPre: [], execStartPost: [], execStopPre: [], execStopPost: [], timeoutUs: 90 * SEC,
    ...over,
  };
}

export interface UnitOver {
  conditions?: Condition[];
  startLimitIntervalUs?: number;
  startLimitBurst?: number;
  failureAction?: UnitConfig['unit']['failureAction'];
  successAction?: UnitConfig['unit']['successAction'];
  startLimitAction?: UnitConfig['unit']['startLimitAction'];
  killMode?: UnitConfig['kill']['killMode'];
  sendSIGKILL?: boolean;
  sendSIGHUP?: boolean;
  killSignal?: number;
  finalKillSignal?: number;
}

export function unitConfig(id: string, type: UnitType, svc: ServiceSection | null, sock: SocketSection | null, o: UnitOver = {}): UnitConfig {
  const deps = {} as UnitConfig['unit']['deps'];
  return {
    id, names: [id], type, loadState: 'loaded', loadError: '', fragmentPath: `/test/${id}`, dropInPaths: [],
    prefix: id.split('.')[0] ?? id, instance: '',
    unit: {
      description: '', documentation: [], deps, defaultDependencies: true, stopWhenUnneeded: false,
      refuseManualStart: false, refuseManualStop: false, allowIsolate: false, ignoreOnIsolate: false,
      onFailureJobMode: 'replace', jobTimeoutUs: Infinity, jobTimeoutAction: 'none',
      startLimitIntervalUs: o.startLimitIntervalUs ?? 10 * SEC, startLimitBurst: o.startLimitBurst ?? 5,
      startLimitAction: o.startLimitAction ?? 'none', failureAction: o.failureAction ?? 'none',
      successAction: o.successAction ?? 'none', failureActionExitStatus: -1, successActionExitStatus: -1,
      conditions: o.conditions ?? [], collectMode: 'inactive', sourcePath: '',
    },
    install: { wantedBy: [], requiredBy: [], alias: [], also: [], defaultInstance: '' },
    wantsFromDirs: [], requiresFromDirs: [], service: svc, socket: sock,
    exec: {} as UnitConfig['exec'],
    kill: {
      killMode: o.killMode ?? 'control-group', killSignal: o.killSignal ?? 15, restartKillSignal: o.killSignal ?? 15,
      finalKillSignal: o.finalKillSignal ?? 9, watchdogSignal: 6, sendSIGKILL: o.sendSIGKILL ?? true,
      sendSIGHUP: o.sendSIGHUP ?? false,
    },
    diagnostics: [],
  };
}

export function svcConfig(over: Partial<ServiceSection> = {}, o: UnitOver = {}, id = 'test.service'): UnitConfig {
  return unitConfig(id, 'service', serviceSection(over), null, o);
}

export interface Spawned { pid: number; req: SpawnRequest }

/** Anything with onTimer: the machine under test. */
export interface TimerTarget { onTimer(key: string): void }

export class FakeHost implements ServiceHost {
  t = 1_000 * SEC;
  timers = new Map<string, number>();
  target: TimerTarget | null = null;
  nextPid = 100;
  spawned: Spawned[] = [];
  alive = new Set<number>();
  /** Processes of the unit that are neither main nor control (forked children). */
  others = new Set<number>();
  /** Pids alive but outside the unit. */
  outside = new Set<number>();
  signals: [number, number][] = [];
  othersSignals: number[] = [];
  /** Pids that ignore SIGTERM-like signals (only SIGKILL ends them) when autoDie is on. */
  stubborn = new Set<number>();
  /** When true, signalled processes are not reaped automatically (tests deliver exits explicitly). */
  states: StateChange[] = [];
  logs: string[] = [];
  actions: { action: string; status: number | null }[] = [];
  restartRequests = 0;
  stopJob = false;
  spawnFails = false;
  pidFile: number | null = null;
  pidFileRemoved = 0;
  guessed: number | null = null;
  closed: number[] = [];
  polled = new Map<number, boolean>();
  reloadsPropagated = 0;
  busWatched: string[] = [];
  conditionFn: (list: Condition[]) => ConditionEval = () => ({ ok: true, failed: null });
  invocations = 0;

  now(): number { return this.t; }
  realtime(): number { return 1_700_000_000 * SEC + this.t; }
  armTimer(key: string, at: number): void { this.timers.set(key, at); }
  clearTimer(key: string): void { this.timers.delete(key); }
  log(level: string, text: string): void { this.logs.push(`${level}: ${text}`); }
  stateChanged(c: StateChange): void { this.states.push(c); }
  evaluateConditions(list: Condition[]): ConditionEval { return this.conditionFn(list); }
  emergencyAction(action: string, status: number | null): void { this.actions.push({ action, status }); }
  newInvocationId(): string { return (++this.invocations).toString(16).padStart(32, '0'); }
  spawn(req: SpawnRequest): SpawnResult {
    if (this.spawnFails) return { error: 'fork failed', errno: 11 };
    const pid = this.nextPid++;
    this.spawned.push({ pid, req });
    this.alive.add(pid);
    return { pid };
  }
  signal(pid: number, sig: number): boolean {
    if (!this.alive.has(pid) && !this.outside.has(pid) && !this.others.has(pid)) return false;
    this.signals.push([pid, sig]);
    return true;
  }
  signalOthers(sig: number, exclude: number[]): number {
    const n = [...this.others].filter(p => !exclude.includes(p)).length;
    if (n > 0) this.othersSignals.push(sig);
    return n;
  }
  hasProcesses(): boolean { return this.alive.size + this.others.size > 0; }
  pidAlive(pid: number): boolean { return this.alive.has(pid) || this.others.has(pid) || this.outside.has(pid); }
  pidInUnit(pid: number): boolean { return this.alive.has(pid) || this.others.has(pid); }
  watchPid(): void { /* exits are delivered by the test */ }
  readPidFile(): number | null { return this.pidFile; }
  removePidFile(): void { this.pidFileRemoved++; }
  guessMainPid(): number | null { return this.guessed; }
  watchBusName(name: string): void { this.busWatched.push(name); }
  requestRestart(): void { this.restartRequests++; }
  hasStopJob(): boolean { return this.stopJob; }
  closeFd(fd: number): void { this.closed.push(fd); }
  /** fd → errno pollStoredFd answers with (as -errno), e.g. EPERM for an fd epoll refuses. */
  readonly pollErrors = new Map<number, number>();
  pollStoredFd(fd: number, on: boolean): number {
    const e = this.pollErrors.get(fd);
    if (on && e !== undefined) return -e;
    this.polled.set(fd, on);
    return 0;
  }
  propagateReload(): void { this.reloadsPropagated++; }

  /** Advance the clock by `us`, firing due timers in deadline order. */
  advance(us: number): void {
    const end = this.t + us;
    for (;;) {
      let best: [string, number] | null = null;
      for (const [k, at] of this.timers) if (at <= end && (best === null || at < best[1])) best = [k, at];
      if (!best) break;
      this.t = Math.max(this.t, best[1]);
      this.timers.delete(best[0]);
      this.target?.onTimer(best[0]);
    }
    this.t = end;
  }
  last(): Spawned {
    const s = this.spawned[this.spawned.length - 1];
    if (!s) throw new Error('nothing spawned');
    return s;
  }
  lastPid(): number { return this.last().pid; }
  signalsTo(pid: number): number[] { return this.signals.filter(([p]) => p === pid).map(([, s]) => s); }
  subStates(): string[] { return this.states.map(s => s.newSub); }
}

import type { AcceptResult, PeerInfo, SocketHost, TriggeredServiceInfo } from '../../src/units/host';

export class FakeSocketHost extends FakeHost implements SocketHost {
  openError: string | null = null;
  listenersOpen = false;
  removed = 0;
  polling = false;
  chown: { done: true } | { pid: number } | { error: string } = { done: true };
  acceptQueue: AcceptResult[] = [];
  service: TriggeredServiceInfo | null = { loaded: true, subState: 'dead', activeOrPending: false };
  serviceStarts = 0;
  instances: { name: string; fd: number; peer: PeerInfo }[] = [];
  openListeners(): { ok: true } | { error: string } {
    if (this.openError) return { error: this.openError };
    this.listenersOpen = true;
    return { ok: true };
  }
  closeListeners(removeOnStop: boolean): void { this.listenersOpen = false; if (removeOnStop) this.removed++; }
  chownListeners(): { done: true } | { pid: number } | { error: string } {
    if ('pid' in this.chown) this.alive.add(this.chown.pid);
    return this.chown;
  }
  setPolling(on: boolean): void { this.polling = on; }
  accept(): AcceptResult { return this.acceptQueue.shift() ?? 'again'; }
  serviceInfo(): TriggeredServiceInfo | null { return this.service; }
  requestServiceStart(): boolean { this.serviceStarts++; return true; }
  startInstance(name: string, fd: number, peer: PeerInfo): boolean { this.instances.push({ name, fd, peer }); return true; }
}
