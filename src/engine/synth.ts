// Synthesized UnitConfig objects the engine needs without a loader: not-found placeholders (when the
// loader returns nothing) and implicit slices. Also the base for tests/unit/engine-factory.ts.
// Invariant: every field of the UnitConfig contract is filled with systemd's default.
import type { ExecContext, KillContext, LoadState, ServiceSection, SocketSection, UnitConfig, UnitType, DepKind } from '../directives/types';
import { DEP_KINDS } from '../directives/types';

export function unitTypeOf(name: string): UnitType {
  const dot = name.lastIndexOf('.');
  return (dot < 0 ? 'service' : name.slice(dot + 1)) as UnitType;
}

export function splitName(name: string): { prefix: string; instance: string } {
  const dot = name.lastIndexOf('.');
  const base = dot < 0 ? name : name.slice(0, dot);
  const at = base.indexOf('@');
  return at < 0 ? { prefix: base, instance: '' } : { prefix: base.slice(0, at), instance: base.slice(at + 1) };
}

export function emptyDeps(): Record<DepKind, string[]> {
  const d = {} as Record<DepKind, string[]>;
  for (const k of DEP_KINDS) d[k] = [];
  return d;
}

export function defaultExec(): ExecContext {
  return {
    workingDirectory: null, rootDirectory: '', user: '', group: '', supplementaryGroups: [], dynamicUser: false,
    umask: 0o022, nice: null, oomScoreAdjust: null, limits: {}, environment: [], environmentFiles: [],
    passEnvironment: [], unsetEnvironment: [], standardInput: 'null', standardOutput: 'journal', standardError: 'inherit',
    standardInputData: '', ttyPath: '', syslogIdentifier: '', runtimeDirectory: [], stateDirectory: [], cacheDirectory: [],
    logsDirectory: [], configurationDirectory: [], runtimeDirectoryMode: 0o755, stateDirectoryMode: 0o755,
    cacheDirectoryMode: 0o755, logsDirectoryMode: 0o755, configurationDirectoryMode: 0o755,
    runtimeDirectoryPreserve: 'no', privateTmp: false, noNewPrivileges: false, capabilityBoundingSet: null,
    ambientCapabilities: [], pamName: '',
  };
}

export function defaultKill(): KillContext {
  return { killMode: 'control-group', killSignal: 15, restartKillSignal: 15, finalKillSignal: 9, watchdogSignal: 6, sendSIGKILL: true, sendSIGHUP: false };
}

export function defaultService(): ServiceSection {
  const none = { statuses: [], signals: [] };
  return {
    type: 'simple', remainAfterExit: false, guessMainPID: true, pidFile: '', busName: '', execCondition: [], execStartPre: [],
    execStart: [], execStartPost: [], execReload: [], execStop: [], execStopPost: [], restart: 'no', restartUs: 100_000,
    restartSteps: 0, restartMaxDelayUs: Infinity, restartPreventExitStatus: none, restartForceExitStatus: none,
    successExitStatus: none, timeoutStartUs: 90_000_000, timeoutStopUs: 90_000_000, timeoutAbortUs: 90_000_000,
    timeoutStartFailureMode: 'terminate', timeoutStopFailureMode: 'terminate', runtimeMaxUs: Infinity, watchdogUs: 0,
    notifyAccess: 'none', fileDescriptorStoreMax: 0, sockets: [], reloadSignal: 1, exitType: 'main',
  };
}

export function defaultSocket(): SocketSection {
  return {
    listen: [], accept: false, maxConnections: 64, maxConnectionsPerSource: 64, backlog: 4096, bindIPv6Only: 'default',
    bindToDevice: '', socketUser: '', socketGroup: '', socketMode: 0o666, directoryMode: 0o755, service: '',
    fileDescriptorName: '', removeOnStop: false, symlinks: [], reusePort: false, freeBind: false, transparent: false,
    keepAlive: false, keepAliveTimeUs: 0, keepAliveIntervalUs: 0, keepAliveProbes: 0, noDelay: false, receiveBuffer: 0,
    sendBuffer: 0, passCredentials: false, passSecurity: false, writable: false, timestamping: 'off',
    triggerLimitIntervalUs: 2_000_000, triggerLimitBurst: 20, pollLimitIntervalUs: 2_000_000, pollLimitBurst: 150,
    execStartPre: [], execStartPost: [], execStopPre: [], execStopPost: [], timeoutUs: 90_000_000,
  };
}

/** A UnitConfig with every default; `loadState` other than 'loaded' gives the placeholder systemd shows. */
export function synthesizeUnit(name: string, loadState: LoadState = 'not-found', loadError = ''): UnitConfig {
  const type = unitTypeOf(name);
  const { prefix, instance } = splitName(name);
  return {
    id: name, names: [name], type, loadState, loadError,
    fragmentPath: loadState === 'masked' ? '/dev/null' : '', dropInPaths: [], prefix, instance,
    unit: {
      description: '', documentation: [], deps: emptyDeps(), defaultDependencies: true, stopWhenUnneeded: false,
      refuseManualStart: false, refuseManualStop: false, allowIsolate: false, ignoreOnIsolate: false,
      onFailureJobMode: 'replace', jobTimeoutUs: Infinity, jobTimeoutAction: 'none', startLimitIntervalUs: 10_000_000,
      startLimitBurst: 5, startLimitAction: 'none', failureAction: 'none', successAction: 'none',
      failureActionExitStatus: -1, successActionExitStatus: -1, conditions: [], collectMode: 'inactive', sourcePath: '',
    },
    install: { wantedBy: [], requiredBy: [], alias: [], also: [], defaultInstance: '' },
    wantsFromDirs: [], requiresFromDirs: [],
    service: type === 'service' ? defaultService() : null,
    socket: type === 'socket' ? defaultSocket() : null,
    exec: defaultExec(), kill: defaultKill(), diagnostics: [],
  };
}
