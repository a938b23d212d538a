// Default UnitConfig values (systemd 252 defaults) for every unit type, used by compileUnit before the tables
// run and by synthesizeUnit for not-found/masked/error units. Invariant: returns fresh objects every call.
import { DEP_KINDS } from './types';
import { SECCOMP_KILL } from './types';
import type {
  AutomountSection, MountSection, SwapSection,
  DepKind, ExecContext, ExitStatusSet, InstallSection, KillContext, PathSection, ResourceContext, SandboxContext, ScopeSection, ServiceSection, SocketSection, TimerSection,
  UnitConfig, UnitSection, UnitType,
} from './types';

export const UNIT_TYPES: UnitType[] = ['service', 'socket', 'target', 'mount', 'device', 'timer', 'path', 'slice', 'scope', 'swap', 'automount'];

export function emptyDeps(): Record<DepKind, string[]> {
  const d = {} as Record<DepKind, string[]>;
  for (const k of DEP_KINDS) d[k] = [];
  return d;
}

export function defaultUnitSection(): UnitSection {
  return {
    description: '', documentation: [], deps: emptyDeps(), defaultDependencies: true, stopWhenUnneeded: false,
    refuseManualStart: false, refuseManualStop: false, allowIsolate: false, ignoreOnIsolate: false,
    onFailureJobMode: 'replace', jobTimeoutUs: Infinity, jobTimeoutAction: 'none', startLimitIntervalUs: 10_000_000,
    startLimitBurst: 5, startLimitAction: 'none', failureAction: 'none', successAction: 'none',
    failureActionExitStatus: -1, successActionExitStatus: -1, conditions: [], collectMode: 'inactive', sourcePath: '',
  };
}

export function defaultInstall(): InstallSection {
  return { wantedBy: [], requiredBy: [], alias: [], also: [], defaultInstance: '' };
}

export function defaultExec(): ExecContext {
  return {
    workingDirectory: null, rootDirectory: '', user: '', group: '', supplementaryGroups: [], dynamicUser: false,
    umask: 0o022, nice: null, oomScoreAdjust: null, limits: {}, environment: [], environmentFiles: [],
    passEnvironment: [], unsetEnvironment: [], standardInput: 'null', standardOutput: 'inherit', standardError: 'inherit',
    standardInputData: '', ttyPath: '', syslogIdentifier: '', runtimeDirectory: [], stateDirectory: [], cacheDirectory: [],
    logsDirectory: [], configurationDirectory: [], runtimeDirectoryMode: 0o755, stateDirectoryMode: 0o755,
    cacheDirectoryMode: 0o755, logsDirectoryMode: 0o755, configurationDirectoryMode: 0o755,
    runtimeDirectoryPreserve: 'no', privateTmp: false, noNewPrivileges: false, secureBits: 0, capabilityBoundingSet: null,
    ambientCapabilities: [], pamName: '', sandbox: defaultSandbox(),
  };
}

export function defaultResource(): ResourceContext {
  return {
    slice: '', memoryMin: null, memoryLow: null, memoryHigh: null, memoryMax: null, memorySwapMax: null, cpuWeight: null,
    startupCPUWeight: null, cpuQuotaPercent: null, cpuQuotaPeriodUs: null, allowedCPUs: '', allowedMemoryNodes: '', tasksMax: null,
    ioWeight: null, delegate: false,
  };
}

export function defaultSandbox(): SandboxContext {
  return {
    protectSystem: 'no', protectHome: 'no', readWritePaths: [], readOnlyPaths: [], inaccessiblePaths: [], execPaths: [],
    noExecPaths: [], temporaryFileSystem: [], bindMounts: [], privateDevices: false, privateNetwork: false,
    privateIPC: false, privateUsers: false, privateMounts: false, protectKernelTunables: false, protectKernelModules: false,
    protectKernelLogs: false, protectControlGroups: false, protectClock: false, protectHostname: false,
    protectProc: 'default', procSubset: 'all', mountAPIVFS: null, rootImage: '', networkNamespacePath: '',
    ipcNamespacePath: '', restrictNamespaces: null, restrictAddressFamilies: null, restrictRealtime: false,
    restrictSUIDSGID: false, lockPersonality: false, memoryDenyWriteExecute: false, systemCallFilter: null,
    systemCallLog: null, systemCallArchitectures: [], systemCallErrorNumber: SECCOMP_KILL, keyringMode: '',
    mountFlags: '', removeIPC: false, personality: '',
  };
}

export function defaultKill(): KillContext {
  return { killMode: 'control-group', killSignal: 15, restartKillSignal: 15, finalKillSignal: 9, watchdogSignal: 6, sendSIGKILL: true, sendSIGHUP: false };
}

const emptySet = (): ExitStatusSet => ({ statuses: [], signals: [] });

export function defaultService(): ServiceSection {
  return {
    type: 'simple', remainAfterExit: false, guessMainPID: true, pidFile: '', busName: '', execCondition: [],
    execStartPre: [], execStart: [], execStartPost: [], execReload: [], execStop: [], execStopPost: [],
    restart: 'no', restartUs: 100_000, restartSteps: 0, restartMaxDelayUs: Infinity,
    restartPreventExitStatus: emptySet(), restartForceExitStatus: emptySet(), successExitStatus: emptySet(),
    timeoutStartUs: 90_000_000, timeoutStopUs: 90_000_000, timeoutAbortUs: 90_000_000,
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

export function defaultMount(): MountSection {
  return { what: '', where: '', type: '', options: '', sloppyOptions: false, lazyUnmount: false, forceUnmount: false,
    readWriteOnly: false, directoryMode: 0o755, timeoutUs: 90_000_000 };
}
export function defaultSwap(): SwapSection { return { what: '', priority: -1, options: '', timeoutUs: 90_000_000 }; }
export function defaultAutomount(): AutomountSection { return { where: '', extraOptions: '', directoryMode: 0o755, timeoutIdleUs: 0 }; }
/** Scope defaults (scope_init(): the manager's DefaultTimeoutStopSec=, no runtime limit). */
export function defaultScope(): ScopeSection {
  return { runtimeMaxUs: Infinity, runtimeRandomizedExtraUs: 0, timeoutStopUs: 90_000_000 };
}
export function defaultTimer(): TimerSection {
  return {
    values: [], accuracyUs: 60_000_000, randomizedDelayUs: 0, fixedRandomDelay: false, onClockChange: false,
    onTimezoneChange: false, persistent: false, wakeSystem: false, remainAfterElapse: true, unit: '',
  };
}

export function defaultPath(): PathSection {
  return { specs: [], makeDirectory: false, directoryMode: 0o755, triggerLimitIntervalUs: 2_000_000, triggerLimitBurst: 200, unit: '' };
}

export function unitTypeOf(name: string): UnitType {
  const suf = name.slice(name.lastIndexOf('.') + 1);
  return (UNIT_TYPES as string[]).includes(suf) ? (suf as UnitType) : 'service';
}

/** A fresh default UnitConfig for `id` (no assignments applied). */
export function defaultConfig(id: string): UnitConfig {
  const type = unitTypeOf(id);
  const at = id.indexOf('@');
  const dot = id.lastIndexOf('.');
  const prefix = at >= 0 ? id.slice(0, at) : id.slice(0, dot >= 0 ? dot : id.length);
  const instance = at >= 0 ? id.slice(at + 1, dot >= 0 ? dot : id.length) : '';
  const unit = defaultUnitSection();
  // mount_init(), swap_init(), automount_init(), device_init(), scope_init(): isolate leaves these units alone
  if (type === 'mount' || type === 'swap' || type === 'automount' || type === 'device' || type === 'scope') unit.ignoreOnIsolate = true;
  return {
    id, names: [id], type, loadState: 'loaded', loadError: '', fragmentPath: '', dropInPaths: [], prefix, instance,
    unit, install: defaultInstall(), wantsFromDirs: [], requiresFromDirs: [],
    service: type === 'service' ? defaultService() : null, socket: type === 'socket' ? defaultSocket() : null,
    mount: type === 'mount' ? defaultMount() : null, swap: type === 'swap' ? defaultSwap() : null,
    automount: type === 'automount' ? defaultAutomount() : null,
    timer: type === 'timer' ? defaultTimer() : null, path: type === 'path' ? defaultPath() : null,
    scope: type === 'scope' ? defaultScope() : null,
    exec: defaultExec(), kill: defaultKill(), resource: defaultResource(), diagnostics: [], raw: {},
  };
}
