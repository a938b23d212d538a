// Engine vocabulary: job types/modes/results, active states, dependency kinds with their inverses and
// "atoms" (which behaviour a dependency kind carries, as systemd 252's unit-dependency-atom table), and
// the stable error codes of a refused transaction. Pure data, no Node imports.

export type ActiveState = 'active' | 'reloading' | 'inactive' | 'failed' | 'activating' | 'deactivating' | 'maintenance';

/** Job types that can exist in a transaction / be installed. try-restart, try-reload and reload-or-start
 * are collapsed (job_type_collapse) into restart/reload/start/nop against the unit's current state. */
export type JobType = 'start' | 'verify-active' | 'stop' | 'reload' | 'restart'
  | 'try-restart' | 'try-reload' | 'reload-or-start' | 'nop';

/** Job types as systemctl / RPC callers request them (reload-or-restart is systemctl's flavour). */
export type RequestedJobType = JobType | 'reload-or-restart' | 'try-reload-or-restart';

export type JobMode = 'replace' | 'fail' | 'isolate' | 'ignore-dependencies' | 'ignore-requirements' | 'flush'
  | 'replace-irreversibly' | 'triggering';

export type JobResult = 'done' | 'canceled' | 'timeout' | 'failed' | 'dependency' | 'skipped' | 'invalid'
  | 'assert' | 'unsupported' | 'collected' | 'once';

export type JobState = 'waiting' | 'running';

/** Every dependency kind the graph stores (systemd's UnitDependency, minus slices/references bookkeeping). */
export const DEP_TYPES = [
  'Requires', 'Requisite', 'Wants', 'BindsTo', 'PartOf', 'Upholds',
  'RequiredBy', 'RequisiteOf', 'WantedBy', 'BoundBy', 'ConsistsOf', 'UpheldBy',
  'Conflicts', 'ConflictedBy', 'Before', 'After', 'OnSuccess', 'OnSuccessOf', 'OnFailure', 'OnFailureOf',
  'Triggers', 'TriggeredBy', 'PropagatesReloadTo', 'ReloadPropagatedFrom', 'JoinsNamespaceOf',
  'PropagatesStopTo', 'StopPropagatedFrom', 'References', 'ReferencedBy', 'InSlice', 'SliceOf',
] as const;
export type DepType = typeof DEP_TYPES[number];

export const INVERSE: Record<DepType, DepType> = {
  Requires: 'RequiredBy', RequiredBy: 'Requires',
  Requisite: 'RequisiteOf', RequisiteOf: 'Requisite',
  Wants: 'WantedBy', WantedBy: 'Wants',
  BindsTo: 'BoundBy', BoundBy: 'BindsTo',
  PartOf: 'ConsistsOf', ConsistsOf: 'PartOf',
  Upholds: 'UpheldBy', UpheldBy: 'Upholds',
  Conflicts: 'ConflictedBy', ConflictedBy: 'Conflicts',
  Before: 'After', After: 'Before',
  OnSuccess: 'OnSuccessOf', OnSuccessOf: 'OnSuccess',
  OnFailure: 'OnFailureOf', OnFailureOf: 'OnFailure',
  Triggers: 'TriggeredBy', TriggeredBy: 'Triggers',
  PropagatesReloadTo: 'ReloadPropagatedFrom', ReloadPropagatedFrom: 'PropagatesReloadTo',
  PropagatesStopTo: 'StopPropagatedFrom', StopPropagatedFrom: 'PropagatesStopTo',
  JoinsNamespaceOf: 'JoinsNamespaceOf',
  References: 'ReferencedBy', ReferencedBy: 'References',
  InSlice: 'SliceOf', SliceOf: 'InSlice',
};

/** Behaviour facets ("atoms"), named as in systemd; each atom lists the dep kinds carrying it, in the
 * fixed order the engine iterates them (deterministic, unlike systemd's hashmaps). */
export const ATOM = {
  pullInStart: ['Requires', 'BindsTo'],              // start, matters
  pullInStartIgnored: ['Wants', 'Upholds'],          // start, errors ignored
  pullInVerify: ['Requisite'],                       // verify-active, matters
  pullInStop: ['Conflicts'],                         // stop, matters, conflicts link
  pullInStopIgnored: ['ConflictedBy'],               // stop, does not matter
  propagateStop: ['RequiredBy', 'RequisiteOf', 'BoundBy', 'ConsistsOf'],
  propagateRestart: ['RequiredBy', 'RequisiteOf', 'BoundBy', 'ConsistsOf'],
  propagateStartFailure: ['RequiredBy', 'RequisiteOf', 'BoundBy'],
  propagateInactiveStartAsFailure: ['RequisiteOf'],
  propagateStopFailure: ['ConflictedBy'],
  retroactiveStartReplace: ['Requires', 'BindsTo', 'Upholds'],
  retroactiveStartFail: ['Wants'],
  retroactiveStopOnStart: ['Conflicts', 'ConflictedBy'],
  retroactiveStopOnStop: ['BoundBy', 'PropagatesStopTo'],  // systemd 252: PropagatesStopTo= also pulls down on an unexpected stop
  propagateStopGraceful: ['PropagatesStopTo'],            // a stop job (not a restart) adds a stop job
  cannotBeActiveWithout: ['BindsTo'],
  pinsStopWhenUnneeded: ['RequiredBy', 'RequisiteOf', 'WantedBy', 'BoundBy', 'UpheldBy'],
  addStopWhenUnneededQueue: ['Requires', 'Requisite', 'Wants', 'BindsTo', 'Upholds'],
  startSteadily: ['UpheldBy'],
  defaultTargetDeps: ['Requires', 'Requisite', 'Wants', 'BindsTo', 'Upholds'],
  before: ['Before'],
  after: ['After'],
  onFailure: ['OnFailure'],
  onSuccess: ['OnSuccess'],
  propagatesReloadTo: ['PropagatesReloadTo'],
  triggeredBy: ['TriggeredBy'],
} as const satisfies Record<string, readonly DepType[]>;

/** Where an edge came from (systemd's UnitDependencyMask, simplified). */
export type DepOrigin = 'file' | 'implicit' | 'default' | 'dirs';

/** Stable error codes of a refused request, with systemd's D-Bus error names. */
export type EngineErrorCode =
  | 'not-found'           // org.freedesktop.systemd1.NoSuchUnit  "Unit X not found." / stop of an unknown unit: "Unit X not loaded."
  | 'masked'              // UnitMasked                            "Unit X is masked."
  | 'bad-setting'         // LoadFailed                            "Unit X has a bad unit file setting."
  | 'load-error'          // LoadFailed                            "Unit X failed to load properly..."
  | 'not-applicable'      // JobTypeNotApplicable                  "Job type T is not applicable for unit X."
  | 'cyclic'              // TransactionOrderIsCyclic
  | 'conflicting-jobs'    // TransactionJobsConflicting
  | 'destructive'         // TransactionIsDestructive
  | 'no-isolation'        // NoIsolation
  | 'only-by-dependency'  // OnlyByDependency (RefuseManualStart/Stop)
  | 'invalid-mode';       // InvalidArgs

export const DBUS_ERROR: Record<EngineErrorCode, string> = {
  'not-found': 'org.freedesktop.systemd1.NoSuchUnit',
  'masked': 'org.freedesktop.systemd1.UnitMasked',
  'bad-setting': 'org.freedesktop.systemd1.LoadFailed',
  'load-error': 'org.freedesktop.systemd1.LoadFailed',
  'not-applicable': 'org.freedesktop.systemd1.JobTypeNotApplicable',
  'cyclic': 'org.freedesktop.systemd1.TransactionOrderIsCyclic',
  'conflicting-jobs': 'org.freedesktop.systemd1.TransactionJobsConflicting',
  'destructive': 'org.freedesktop.systemd1.TransactionIsDestructive',
  'no-isolation': 'org.freedesktop.systemd1.NoIsolation',
  'only-by-dependency': 'org.freedesktop.systemd1.OnlyByDependency',
  'invalid-mode': 'org.freedesktop.DBus.Error.InvalidArgs',
};

export class EngineError extends Error {
  constructor(public readonly code: EngineErrorCode, message: string) { super(message); this.name = 'EngineError'; }
}

export function isActiveOrReloading(s: ActiveState): boolean { return s === 'active' || s === 'reloading'; }
export function isInactiveOrFailed(s: ActiveState): boolean { return s === 'inactive' || s === 'failed'; }
export function isActiveOrActivating(s: ActiveState): boolean { return s === 'active' || s === 'reloading' || s === 'activating'; }
export function isInactiveOrDeactivating(s: ActiveState): boolean { return s === 'inactive' || s === 'failed' || s === 'deactivating'; }

/** A log line the engine wants emitted (the caller routes it to its logger/console). */
export interface EngineLog { level: 'debug' | 'info' | 'notice' | 'warning' | 'error'; unit: string; message: string; console?: string }
