// THE documentation of tsysd's control API: JSON-RPC 2.0 over the manager's unix stream socket.
//
// Pure data and types, no Node imports: the CLI's fast path (src/rpc/client.ts) loads it.
// This file owns the wire rules below, error codes, limits, the method table (MethodTypes, METHODS) and
// the runtime param validation (checkParams); the vocabulary, each method's params and results, and the
// events are protocol-types.ts, re-exported here (import from this module).
// Invariants:
//  * Framing: one JSON value (a request object or a batch array) per line ('\n'-terminated), UTF-8.
//    Many requests per connection; responses come back one per line, NOT necessarily in request order
//    (match them by `id`). A batch gets one line holding the array of its responses.
//  * Every method's params are ONE object (by-name). Unknown keys are ignored; missing required keys or
//    wrong types give INVALID_PARAMS (-32602) with `data.field` naming the offending key.
//  * Times are MICROSECONDS since the Unix epoch (CLOCK_REALTIME) as numbers; 0 means "never / n/a".
//    Durations are microseconds; `Infinity` cannot be sent in JSON, so USEC_INFINITY is -1 on the wire.
//  * Unit names in params are full names (`foo.service`); the CLI adds `.service` the way systemctl does.
//  * Errors: `{code, message, data}` where `code` is one of ErrorCode below (stable), `message` is the text
//    systemctl would print after "Failed to <verb> <unit>: " and `data` is ErrorData (unit, job result...).
//  * State-changing methods (METHODS[m].write === true) need a privileged caller: uid 0, or the manager's
//    own uid in user mode (SO_PEERCRED). Others get ACCESS_DENIED. Read-only methods are open to anyone
//    who can connect.
//  * Events: after `subscribe`, the server sends JSON-RPC notifications (no id) with method "event" and
//    params RpcEvent. A connection whose unread output exceeds the server's buffer bound is dropped.

import type {
  AddDependencyParams, CancelParams, CleanParams, DefaultTargetReply, DependencyGraph, Empty, EnvironmentReply,
  ExitParams, JobInfo, JobParams, JobReply, JobResultCode, JobType, KillParams, ListDependenciesParams, ListTriggersParams,
  ListUnitFilesParams, ListUnitsParams, LogSettingParams, LogSettingReply, LogsParams, LogsReply, ManagerInfoReply,
  OptionalUnitParams, PathEntry, PresetAllParams, PresetParams, SetDefaultParams, SetEnvironmentParams,
  SetPropertyParams, ShowParams, ShowReply, SocketEntry, StatusParams, StatusReply, SubscribeParams, SubscribeReply,
  SystemStateReply, TimerEntry, UnitFileChangesReply, UnitFileEntry, UnitFileParams, UnitFileStateReply,
  UnitListEntry, UnitParams, UnitState, UnitStatesParams, UnsetEnvironmentParams, UnsubscribeParams,
} from './protocol-types';

export * from './protocol-types';

// ---------------------------------------------------------------------------------------------------
// Error codes
// ---------------------------------------------------------------------------------------------------

export const ErrorCode = {
  // JSON-RPC 2.0 standard codes
  PARSE_ERROR: -32700,        // malformed JSON line
  INVALID_REQUEST: -32600,    // not a JSON-RPC 2.0 request object, or the line exceeds the size bound
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,     // data.field = offending key
  INTERNAL_ERROR: -32603,
  // tsysd application codes (stable). For job verbs tsysctl maps them to systemctl's exit codes as noted
  // (translate_bus_error_to_exit_status, src/cli/ctl/common.ts exitCodeFor); other verbs exit 1 on any error.
  NO_SUCH_UNIT: 1,            // "Unit X not found."                                  → rc 5
  UNIT_MASKED: 2,             // "Unit X is masked."                                  → rc 1
  JOB_FAILED: 3,              // only with wait:true; data.result = job result (failed, dependency, timeout, canceled...),
                              // data.unitResult = the unit's Result= (exit-code, signal, ...)   → rc 1
  ACCESS_DENIED: 4,           // "Access denied"                                      → rc 4
  NOT_LOADED: 5,              // stop/kill/reload of a unit that is not loaded: "Unit X not loaded." → rc 5
  BAD_SETTING: 6,             // unit failed to load (bad-setting/error): "Unit X has a bad unit file setting." → rc 6
  DESTRUCTIVE_TRANSACTION: 7, // job mode fail: "Transaction for X/start is destructive (...)." → rc 4
  JOB_NOT_APPLICABLE: 8,      // "Job type reload is not applicable for unit X."      → rc 3
  UNIT_INACTIVE: 9,           // reload of an inactive unit: "Unit X is not active, cannot reload." → rc 1
  REFUSE_MANUAL: 10,          // RefuseManualStart/Stop: "Operation refused, unit X may be requested by dependency only (it is configured to refuse manual start/stop)." → rc 4
  NO_ISOLATION: 11,           // isolate without AllowIsolate: "Operation refused, unit may not be isolated." → rc 4
  TRANSACTION_CYCLIC: 12,     // "Transaction order is cyclic. See system logs for details." → rc 1
  TRANSACTION_CONFLICT: 13,   // "Transaction contains conflicting jobs 'start' and 'stop' for X. Probably contradicting requirement dependencies configured." → rc 1
  NO_SUCH_JOB: 14,            // cancel of an unknown job id                          → rc 1
  UNIT_FILE_ERROR: 15,        // enable/disable/mask/... failed; data.path, message = systemctl's text → rc 1
  SHUTTING_DOWN: 16,          // the manager refuses new jobs while shutting down     → rc 1
  OVERLOADED: 17,             // per-connection queue full; the request was not run   → rc 1
  INVALID_ARGUMENT: 18,       // semantically invalid (bad unit name, unknown signal) → rc 1
  UNSUPPORTED: 19,            // the manager does not implement this operation here   → rc 1
} as const;
export type ErrorCodeValue = typeof ErrorCode[keyof typeof ErrorCode];

export interface ErrorData {
  unit?: string;
  job?: number;
  /** JOB_FAILED: the job result (JobResultCode). */
  result?: JobResultCode;
  /** JOB_FAILED: the unit's Result= when the job finished ('success', 'exit-code', 'signal', 'timeout', ...). */
  unitResult?: string;
  /** JOB_FAILED: the job type that failed ('start', 'stop', ...). */
  jobType?: JobType;
  /** INVALID_PARAMS: the key that is missing or has a wrong type. */
  field?: string;
  /** UNIT_FILE_ERROR: the path concerned. */
  path?: string;
  /** UNIT_FILE_ERROR: the exact lines systemctl prints on stderr (install.ts InstallResult.stderr);
   *  tsysctl prints them verbatim instead of "Failed to <verb> unit: <message>". */
  lines?: string[];
  /** UNIT_FILE_ERROR: the first failed change (errno name such as EEXIST, path, source), for the D-Bus face. */
  change?: { type: string; path: string; source: string };
}

export interface RpcErrorObject { code: number; message: string; data?: ErrorData }

/** Hard limits the server enforces (documented so clients can stay under them). */
export const LIMITS = {
  maxRequestBytes: 1 << 20,        // one line (request or batch); longer → INVALID_REQUEST and the connection closes
  maxBatchLength: 256,             // more → INVALID_REQUEST
  maxInFlightPerConnection: 64,    // queued + running requests per connection; more → OVERLOADED for the extra ones
  maxOutputBufferBytes: 4 << 20,   // unread responses/events per connection; more → connection dropped
  maxReplyBytes: 16 << 20,         // replies being built + unread output per connection: a result that would
                                   // exceed it is replaced by OVERLOADED (a batch of 256 list-units cannot build 38 MB)
  maxTotalReplyBytes: 64 << 20,    // the same over all connections
  maxConnections: 1024,            // unprivileged peers over all uids; more → new connections are closed at once
  maxConnectionsPerUid: 256,       // one unprivileged uid (the system D-Bus default max_connections_per_user)
  privilegedReserve: 256,          // connections only root (user mode: the manager's uid) may use beyond the caps
  idleTimeoutMs: 60_000,           // a connection with no request, job wait or subscription for this long is closed
  maxTotalInputBytes: 64 << 20,    // unprocessed input over all connections; a connection holding >64 KiB that
                                   // would exceed it gets INVALID_REQUEST and is closed
  maxSubscriptionsPerConnection: 16,
} as const;

// ---------------------------------------------------------------------------------------------------
// The method table: name → params, result, write?, and a small runtime param schema the server validates.
// ---------------------------------------------------------------------------------------------------

export interface MethodTypes {
  'start': [JobParams, JobReply];
  'stop': [JobParams, JobReply];
  'restart': [JobParams, JobReply];
  'try-restart': [JobParams, JobReply];
  'reload': [JobParams, JobReply];
  'reload-or-restart': [JobParams, JobReply];
  'try-reload-or-restart': [JobParams, JobReply];
  'isolate': [JobParams, JobReply];
  'cancel': [CancelParams, Empty];
  'kill': [KillParams, Empty];
  'reset-failed': [OptionalUnitParams, Empty];
  'show': [ShowParams, ShowReply];
  'unit-states': [UnitStatesParams, UnitState[]];
  'status': [StatusParams, StatusReply];
  'list-units': [ListUnitsParams, UnitListEntry[]];
  'list-unit-files': [ListUnitFilesParams, UnitFileEntry[]];
  'list-sockets': [Empty, SocketEntry[]];
  'list-timers': [ListTriggersParams, TimerEntry[]];
  'list-paths': [ListTriggersParams, PathEntry[]];
  'list-jobs': [Empty, JobInfo[]];
  'list-dependencies': [ListDependenciesParams, DependencyGraph];
  'is-system-running': [Empty, SystemStateReply];
  'manager-info': [Empty, ManagerInfoReply];
  'get-unit-file-state': [UnitParams, UnitFileStateReply];
  'enable': [UnitFileParams, UnitFileChangesReply];
  'disable': [UnitFileParams, UnitFileChangesReply];
  'reenable': [UnitFileParams, UnitFileChangesReply];
  'mask': [UnitFileParams, UnitFileChangesReply];
  'unmask': [UnitFileParams, UnitFileChangesReply];
  'preset': [PresetParams, UnitFileChangesReply];
  'preset-all': [PresetAllParams, UnitFileChangesReply];
  'get-default': [Empty, DefaultTargetReply];
  'set-default': [SetDefaultParams, UnitFileChangesReply];
  'link': [UnitFileParams, UnitFileChangesReply];
  'revert': [UnitFileParams, UnitFileChangesReply];
  'add-dependency': [AddDependencyParams, UnitFileChangesReply];
  'log-setting': [LogSettingParams, LogSettingReply];
  'set-property': [SetPropertyParams, Empty];
  'clean': [CleanParams, Empty];
  'daemon-reload': [Empty, Empty];
  'daemon-reexec': [Empty, Empty];
  'show-environment': [Empty, EnvironmentReply];
  'set-environment': [SetEnvironmentParams, Empty];
  'unset-environment': [UnsetEnvironmentParams, Empty];
  'poweroff': [Empty, Empty];
  'halt': [Empty, Empty];
  'reboot': [Empty, Empty];
  'exit': [ExitParams, Empty];
  'logs': [LogsParams, LogsReply];
  'subscribe': [SubscribeParams, SubscribeReply];
  'unsubscribe': [UnsubscribeParams, Empty];
}
export type MethodName = keyof MethodTypes;
export type ParamsOf<M extends MethodName> = MethodTypes[M][0];
export type ResultOf<M extends MethodName> = MethodTypes[M][1];

/** Param schema: key → type tag; a trailing '?' marks optional. Tags: string, number, integer, boolean,
 *  string[], or a '|'-separated list of allowed string literals (e.g. 'all|main|control'). */
export type ParamSchema = Record<string, string>;
export interface MethodSpec { write: boolean; params: ParamSchema }

const JOB_MODES = 'replace|fail|isolate|ignore-dependencies|ignore-requirements|flush|replace-irreversibly';
const JOB: MethodSpec = { write: true, params: { unit: 'string', mode: `${JOB_MODES}?`, wait: 'boolean?' } };
const FILES: MethodSpec = { write: true, params: { units: 'string[]', runtime: 'boolean?', force: 'boolean?' } };
const NONE_R: MethodSpec = { write: false, params: {} };
const NONE_W: MethodSpec = { write: true, params: {} };
const PRESET = 'full|enable-only|disable-only';
const EVENTS = 'unit|job|log|manager';

export const METHODS: { readonly [M in MethodName]: MethodSpec } = {
  'start': JOB, 'stop': JOB, 'restart': JOB, 'try-restart': JOB, 'reload': JOB, 'reload-or-restart': JOB,
  'try-reload-or-restart': JOB, 'isolate': JOB,
  'cancel': { write: true, params: { job: 'integer' } },
  'kill': { write: true, params: { unit: 'string', signal: 'integer?', whom: 'all|main|control?' } },
  'reset-failed': { write: true, params: { unit: 'string?' } },
  'show': { write: false, params: { unit: 'string?', properties: 'string[]?', all: 'boolean?' } },
  'unit-states': { write: false, params: { units: 'string[]' } },
  'status': { write: false, params: { unit: 'string', lines: 'integer?' } },
  'list-units': { write: false, params: { all: 'boolean?', types: 'string[]?', states: 'string[]?', patterns: 'string[]?' } },
  'list-unit-files': { write: false, params: { types: 'string[]?', states: 'string[]?', patterns: 'string[]?' } },
  'list-sockets': NONE_R, 'list-jobs': NONE_R,
  'list-timers': { write: false, params: { all: 'boolean?', patterns: 'string[]?' } },
  'list-paths': { write: false, params: { all: 'boolean?', patterns: 'string[]?' } },
  'list-dependencies': { write: false, params: { unit: 'string', reverse: 'boolean?', order: 'after|before?' } },
  'is-system-running': NONE_R, 'manager-info': NONE_R,
  'get-unit-file-state': { write: false, params: { unit: 'string' } },
  'enable': FILES, 'disable': FILES, 'reenable': FILES, 'mask': FILES, 'unmask': FILES,
  'preset': { write: true, params: { units: 'string[]', runtime: 'boolean?', force: 'boolean?', mode: `${PRESET}?` } },
  'preset-all': { write: true, params: { runtime: 'boolean?', force: 'boolean?', mode: `${PRESET}?` } },
  'get-default': NONE_R,
  'set-default': { write: true, params: { unit: 'string', force: 'boolean?' } },
  'clean': { write: true, params: { unit: 'string', what: 'string[]?' } },
  'set-property': { write: true, params: { unit: 'string', assignments: 'string[]', runtime: 'boolean?' } },
  'log-setting': { write: true, params: { name: 'level|target', value: 'string?' } },
  'link': FILES, 'revert': { write: true, params: { units: 'string[]' } },
  'add-dependency': { write: true, params: { target: 'string', units: 'string[]', dep: 'wants|requires', runtime: 'boolean?', force: 'boolean?' } },
  'daemon-reload': NONE_W, 'daemon-reexec': NONE_W,
  'show-environment': NONE_R,
  'set-environment': { write: true, params: { assignments: 'string[]' } },
  'unset-environment': { write: true, params: { names: 'string[]' } },
  'poweroff': NONE_W, 'halt': NONE_W, 'reboot': NONE_W,
  'exit': { write: true, params: { code: 'integer?' } },
  'logs': { write: false, params: { unit: 'string?', lines: 'integer?', since: 'number?', afterSeq: 'integer?' } },
  'subscribe': { write: false, params: { events: `${EVENTS}[]?`, units: 'string[]?' } },
  'unsubscribe': { write: false, params: { subscription: 'integer' } },
};

/** Validate params against a schema. Returns the offending key, or null when valid. */
export function checkParams(schema: ParamSchema, params: unknown): string | null {
  if (params === undefined || params === null) params = {};
  if (typeof params !== 'object' || Array.isArray(params)) return '(params)';
  const obj = params as Record<string, unknown>;
  for (const [key, tag0] of Object.entries(schema)) {
    const optional = tag0.endsWith('?');
    const tag = optional ? tag0.slice(0, -1) : tag0;
    const v = obj[key];
    if (v === undefined || v === null) { if (optional) continue; return key; }
    if (!matchTag(tag, v)) return key;
  }
  return null;
}

function matchTag(tag: string, v: unknown): boolean {
  if (tag.endsWith('[]')) {
    if (!Array.isArray(v) || v.length > 10000) return false;
    const inner = tag.slice(0, -2);
    return v.every((x) => matchTag(inner, x));
  }
  switch (tag) {
    case 'string': return typeof v === 'string' && v.length <= 65536;
    case 'number': return typeof v === 'number' && Number.isFinite(v);
    case 'integer': return typeof v === 'number' && Number.isSafeInteger(v);
    case 'boolean': return typeof v === 'boolean';
    default: return typeof v === 'string' && tag.split('|').includes(v);
  }
}
