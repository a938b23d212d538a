// [Unit] directive table (systemd.unit(5), systemd 252): description, dependencies, ordering, job and
// start-limit settings, emergency actions, conditions and asserts.
// Invariants: dependency keys never reset (an empty value is silently ignored); invalid names are skipped one
// by one with systemd's message; self-dependencies are dropped; lists keep order without duplicates.
import type { DepKind, EmergencyAction, UnitConfig } from './types';
import {
  custom, pBool, pEnum, pSec, pTimeout, pUnsigned, scalar, unenforced, words as wordList, specError, splitValue, type ApplyCtx, showRows, type Row, type SectionName,
} from './row';
import { parseExitStatus } from './values';
import { usec, words, yn } from './show-format';

const U: SectionName[] = ['Unit'];
const UNIT_SUFFIXES = ['service', 'socket', 'target', 'device', 'mount', 'automount', 'swap', 'timer', 'path', 'slice', 'scope'];

/** unit_name_is_valid(name, PLAIN|INSTANCE): `prefix[@instance].type`, ≤255 chars, no template. */
export function unitNameIsValid(n: string, allowTemplate = false): boolean {
  if (n.length === 0 || n.length > 255) return false;
  const dot = n.lastIndexOf('.');
  if (dot <= 0) return false;
  if (!UNIT_SUFFIXES.includes(n.slice(dot + 1))) return false;
  const base = n.slice(0, dot);
  if (!/^[A-Za-z0-9:_.\\@-]+$/.test(base)) return false;
  const at = base.indexOf('@');
  if (at === 0) return false;
  if (at > 0 && at === base.length - 1 && !allowTemplate) return false;
  return true;
}

// The Set of the dependency list filled last, kept for the next line: a target may list 10,000 Wants= on
// 160 lines, and a Set rebuilt per line made that quadratic (61 ms of a 10,000-unit daemon-reload). One
// list at a time, so no Set outlives the parse for long.
let lastList: string[] | null = null;
let lastSet: Set<string> = new Set();
function addUnique(list: string[], items: string[]): void {
  if (items.length === 0) return;
  if (lastList !== list || lastSet.size !== list.length) { lastList = list; lastSet = new Set(list); }
  for (const i of items) if (!lastSet.has(i)) { lastSet.add(i); list.push(i); }
}

/** config_parse_unit_deps(): words, specifiers, name check, self-dependency dropped. */
function depRow(key: string, kind: DepKind | null, obsolete?: string): Row {
  return custom(key, U, true, (v: string, ctx: ApplyCtx) => {
    if (obsolete) ctx.warn(`Unit dependency type ${key}= is obsolete, replacing by ${obsolete}=, please update your unit file`);
    const names: string[] = [];
    for (const w of v.split(/[ \t\n\r]+/).filter((x) => x !== '')) {
      const e = ctx.expand(w);
      if (!e.ok) { ctx.warn(`Failed to resolve unit specifiers in '${w}', ignoring: ${e.error}`); continue; }
      if (!unitNameIsValid(e.value, true)) { ctx.warn(`Failed to add dependency on ${e.value}, ignoring: Invalid argument`); continue; }
      if (ctx.cfg.names.includes(e.value) || e.value === ctx.cfg.id) continue;
      names.push(e.value);
    }
    if (kind) addUnique(ctx.cfg.unit.deps[kind], names);
  }, () => undefined, { empty: obsolete ? 'parse' : 'ignore', enforced: kind !== null, aliasOf: obsolete ?? undefined });
}

const ACTIONS: EmergencyAction[] = ['none', 'reboot', 'reboot-force', 'reboot-immediate', 'poweroff', 'poweroff-force',
  'poweroff-immediate', 'exit', 'exit-force', 'halt', 'halt-force', 'halt-immediate', 'kexec', 'kexec-force'];
const pAction = (key: string) => pEnumMsg(ACTIONS, (v) => `Failed to parse ${key}=, ignoring: ${v}`);
function pEnumMsg<T extends string>(values: readonly T[], msg: (v: string) => string) {
  return (v: string) => (values as readonly string[]).includes(v)
    ? { ok: true as const, value: v as T } : { ok: false as const, message: msg(v) };
}
const JOB_MODES = ['fail', 'replace', 'replace-irreversibly', 'isolate', 'flush', 'ignore-dependencies', 'ignore-requirements'] as const;

function exitStatusRow(key: string, set: (c: UnitConfig, n: number) => void): Row {
  return scalar(key, U, (v) => {
    if (v === '') return { ok: true, value: -1 };
    const n = parseExitStatus(v);
    if (n !== null) return { ok: true, value: n };
    const why = /^[+-]?[0-9]+$/.test(v.trim()) ? 'Numerical result out of range' : 'Invalid argument';
    return { ok: false, message: `Failed to parse exit status '${v}', ignoring: ${why}` };
  }, set);
}

const URL_RE = /^(https?:\/\/[^\s]+|file:\/?[^\s]+|info:[^\s]+|man:[^\s]+)$/;

export const CONDITION_KINDS = [
  'PathExists', 'PathExistsGlob', 'PathIsDirectory', 'PathIsSymbolicLink', 'PathIsMountPoint', 'PathIsReadWrite',
  'PathIsEncrypted', 'DirectoryNotEmpty', 'FileNotEmpty', 'FileIsExecutable', 'NeedsUpdate', 'FirstBoot',
  'Architecture', 'Firmware', 'Virtualization', 'Host', 'KernelCommandLine', 'KernelVersion', 'Credential', 'Security',
  'Capability', 'ACPower', 'Memory', 'CPUFeature', 'CPUs', 'Environment', 'User', 'Group', 'ControlGroupController',
  'OSRelease', 'MemoryPressure', 'CPUPressure', 'IOPressure',
] as const;
export const PATH_CONDITIONS: ReadonlySet<string> = new Set(['PathExists', 'PathExistsGlob', 'PathIsDirectory', 'PathIsSymbolicLink', 'PathIsMountPoint',
  'PathIsReadWrite', 'PathIsEncrypted', 'DirectoryNotEmpty', 'FileNotEmpty', 'FileIsExecutable', 'NeedsUpdate']);

function conditionRow(kind: string, assert: boolean): Row {
  const key = (assert ? 'Assert' : 'Condition') + kind;
  return custom(key, U, true, (v, ctx) => {
    let p = v;
    let trigger = false; let negate = false;
    if (p.startsWith('|')) { trigger = true; p = p.slice(1).replace(/^[ \t]+/, ''); }
    if (p.startsWith('!')) { negate = true; p = p.slice(1).replace(/^[ \t]+/, ''); }
    const e = ctx.expand(p);
    if (!e.ok) { ctx.warn(specError(PATH_CONDITIONS.has(kind) ? 'p' : 'q', p, e.error).message); return; }
    if (PATH_CONDITIONS.has(kind) && !e.value.startsWith('/')) { ctx.warn(`${key}= path is not absolute, ignoring: ${e.value}`); return; }
    ctx.cfg.unit.conditions.push({ kind, assert, trigger, negate, value: e.value, file: ctx.file, line: ctx.line });
  }, (cfg) => { cfg.unit.conditions = cfg.unit.conditions.filter((c) => c.assert !== assert); });
}

export const UNIT_ROWS: Row[] = [
  scalar('Description', U, (v) => ({ ok: true, value: v }), (c, v) => { c.unit.description = v; }, { specifiers: true, empty: 'parse' }),
  custom('Documentation', U, true, (v, ctx) => {
    for (const w of splitValue(v, 'retain') ?? []) {
      const e = ctx.expand(w);
      if (!e.ok) { ctx.warn(specError('q', w, e.error).message); continue; }
      const u = e.value;
      if (!URL_RE.test(u)) { ctx.warn(`Invalid URL, ignoring: ${u}`); continue; }
      if (!ctx.cfg.unit.documentation.includes(u)) ctx.cfg.unit.documentation.push(u);
    }
  }, (c) => { c.unit.documentation = []; }),
  scalar('SourcePath', U, (v) => v.startsWith('/') ? { ok: true, value: v } : { ok: false, message: `SourcePath= path is not absolute, ignoring: ${v}` },
    (c, v) => { c.unit.sourcePath = v; }, { specifiers: true, empty: 'reset', reset: (c) => { c.unit.sourcePath = ''; } }),
  depRow('Requires', 'Requires'), depRow('Requisite', 'Requisite'), depRow('Wants', 'Wants'),
  depRow('BindsTo', 'BindsTo'), depRow('BindTo', 'BindsTo'), depRow('Upholds', 'Upholds'),
  depRow('Conflicts', 'Conflicts'), depRow('Before', 'Before'), depRow('After', 'After'),
  depRow('OnSuccess', 'OnSuccess'), depRow('OnFailure', 'OnFailure'),
  depRow('PropagatesReloadTo', 'PropagatesReloadTo'), depRow('PropagateReloadTo', 'PropagatesReloadTo'),
  depRow('ReloadPropagatedFrom', 'ReloadPropagatedFrom'), depRow('PropagateReloadFrom', 'ReloadPropagatedFrom'),
  depRow('PropagatesStopTo', 'PropagatesStopTo'), depRow('StopPropagatedFrom', 'StopPropagatedFrom'),
  depRow('PartOf', 'PartOf'), depRow('JoinsNamespaceOf', 'JoinsNamespaceOf'),
  depRow('RequiresOverridable', 'Requires', 'Requires'), depRow('RequisiteOverridable', 'Requisite', 'Requisite'),
  // Applied by the graph from the raw values (src/units/mount/deps.ts: Requires=/After= on the mount units).
  wordList('RequiresMountsFor', U, (v, key) => v.startsWith('/') ? { ok: true, value: v } : { ok: false, message: `${key}= path is not absolute, ignoring: ${v}` }, () => undefined, () => undefined, { specifiers: true }),
  scalar('StopWhenUnneeded', U, pBool, (c, v) => { c.unit.stopWhenUnneeded = v; }),
  scalar('RefuseManualStart', U, pBool, (c, v) => { c.unit.refuseManualStart = v; }),
  scalar('RefuseManualStop', U, pBool, (c, v) => { c.unit.refuseManualStop = v; }),
  scalar('AllowIsolate', U, pBool, (c, v) => { c.unit.allowIsolate = v; }),
  scalar('DefaultDependencies', U, pBool, (c, v) => { c.unit.defaultDependencies = v; }),
  unenforced('OnSuccessJobMode', U, pEnum(JOB_MODES, 'job mode')),
  scalar('OnFailureJobMode', U, pEnum(JOB_MODES, 'job mode'), (c, v) => { c.unit.onFailureJobMode = v; }),
  scalar('OnFailureIsolate', U, (v) => { const b = pBool(v, ''); return b.ok ? b : { ok: false, message: `Failed to parse boolean, ignoring: ${v}` }; },
    (c, v) => { if (v) c.unit.onFailureJobMode = 'isolate'; }),
  scalar('IgnoreOnIsolate', U, pBool, (c, v) => { c.unit.ignoreOnIsolate = v; }),
  scalar('JobTimeoutSec', U, pTimeout((v, k) => `Failed to parse ${k}= parameter, ignoring: ${v}`), (c, v) => { c.unit.jobTimeoutUs = v; }),
  unenforced('JobRunningTimeoutSec', U, pTimeout((v, k) => `Failed to parse ${k}= parameter, ignoring: ${v}`)),
  scalar('JobTimeoutAction', U, pAction('JobTimeoutAction'), (c, v) => { c.unit.jobTimeoutAction = v; }),
  unenforced('JobTimeoutRebootArgument', U, (v) => ({ ok: true, value: v }), false, { specifiers: true }),
  scalar('StartLimitIntervalSec', U, pSec, (c, v) => { c.unit.startLimitIntervalUs = v; }),
  scalar('StartLimitInterval', U, pSec, (c, v) => { c.unit.startLimitIntervalUs = v; }, { aliasOf: 'StartLimitIntervalSec' }),
  scalar('StartLimitBurst', U, pUnsigned, (c, v) => { c.unit.startLimitBurst = v; }),
  scalar('StartLimitAction', U, pAction('StartLimitAction'), (c, v) => { c.unit.startLimitAction = v; }),
  scalar('FailureAction', U, pAction('FailureAction'), (c, v) => { c.unit.failureAction = v; }),
  scalar('SuccessAction', U, pAction('SuccessAction'), (c, v) => { c.unit.successAction = v; }),
  exitStatusRow('FailureActionExitStatus', (c, n) => { c.unit.failureActionExitStatus = n; }),
  exitStatusRow('SuccessActionExitStatus', (c, n) => { c.unit.successActionExitStatus = n; }),
  unenforced('RebootArgument', U, (v) => ({ ok: true, value: v }), false, { specifiers: true }),
  scalar('CollectMode', U, pEnum(['inactive', 'inactive-or-failed'] as const, 'garbage collection mode'), (c, v) => { c.unit.collectMode = v; }, { enforced: false }),
  ...CONDITION_KINDS.map((k) => conditionRow(k, false)),
  // systemd 252's gperf table has ConditionFirmware= but no AssertFirmware= ("Unknown key" there)
  ...CONDITION_KINDS.filter((k) => k !== 'Firmware').map((k) => conditionRow(k, true)),
];

// How `systemctl show` prints these rows (org.freedesktop.systemd1.Unit; order in show-layout.ts). Conditions
// and asserts are evaluated, not shown (systemd's Conditions/Asserts properties are not implemented).
showRows(UNIT_ROWS, {
  Description: { Description: (c) => c.unit.description || c.id },
  Documentation: { Documentation: (c) => words(c.unit.documentation) },
  SourcePath: { SourcePath: (c) => c.unit.sourcePath },
  Requires: { Requires: (c) => words(c.unit.deps.Requires) },
  Requisite: { Requisite: (c) => words(c.unit.deps.Requisite) },
  Wants: { Wants: (c) => words(c.unit.deps.Wants) },
  BindsTo: { BindsTo: (c) => words(c.unit.deps.BindsTo) },
  Upholds: { Upholds: (c) => words(c.unit.deps.Upholds) },
  Conflicts: { Conflicts: (c) => words(c.unit.deps.Conflicts) },
  Before: { Before: (c) => words(c.unit.deps.Before) },
  After: { After: (c) => words(c.unit.deps.After) },
  OnSuccess: { OnSuccess: (c) => words(c.unit.deps.OnSuccess) },
  OnFailure: { OnFailure: (c) => words(c.unit.deps.OnFailure) },
  PropagatesReloadTo: { PropagatesReloadTo: (c) => words(c.unit.deps.PropagatesReloadTo) },
  ReloadPropagatedFrom: { ReloadPropagatedFrom: (c) => words(c.unit.deps.ReloadPropagatedFrom) },
  PropagatesStopTo: { PropagatesStopTo: (c) => words(c.unit.deps.PropagatesStopTo) },
  StopPropagatedFrom: { StopPropagatedFrom: (c) => words(c.unit.deps.StopPropagatedFrom) },
  PartOf: { PartOf: (c) => words(c.unit.deps.PartOf) },
  JoinsNamespaceOf: { JoinsNamespaceOf: (c) => words(c.unit.deps.JoinsNamespaceOf) },
  BindTo: { BindsTo: (c) => words(c.unit.deps.BindsTo) },
  PropagateReloadTo: { PropagatesReloadTo: (c) => words(c.unit.deps.PropagatesReloadTo) },
  PropagateReloadFrom: { ReloadPropagatedFrom: (c) => words(c.unit.deps.ReloadPropagatedFrom) },
  RequiresMountsFor: { RequiresMountsFor: (c) => words(c.raw?.['Unit.RequiresMountsFor'] ?? []) },
  StopWhenUnneeded: { StopWhenUnneeded: (c) => yn(c.unit.stopWhenUnneeded) },
  RefuseManualStart: { RefuseManualStart: (c) => yn(c.unit.refuseManualStart) },
  RefuseManualStop: { RefuseManualStop: (c) => yn(c.unit.refuseManualStop) },
  AllowIsolate: { AllowIsolate: (c) => yn(c.unit.allowIsolate) },
  DefaultDependencies: { DefaultDependencies: (c) => yn(c.unit.defaultDependencies) },
  OnSuccessJobMode: { OnSuccessJobMode: (c) => c.raw?.['Unit.OnSuccessJobMode']?.at(-1) ?? 'fail' },
  OnFailureJobMode: { OnFailureJobMode: (c) => c.unit.onFailureJobMode },
  OnFailureIsolate: { OnFailureJobMode: (c) => c.unit.onFailureJobMode },
  IgnoreOnIsolate: { IgnoreOnIsolate: (c) => yn(c.unit.ignoreOnIsolate) },
  JobTimeoutSec: { JobTimeoutUSec: (c) => usec(c.unit.jobTimeoutUs) },
  JobRunningTimeoutSec: { JobRunningTimeoutUSec: () => usec(Infinity) },
  JobTimeoutAction: { JobTimeoutAction: (c) => c.unit.jobTimeoutAction },
  JobTimeoutRebootArgument: { JobTimeoutRebootArgument: () => '' },
  StartLimitIntervalSec: { StartLimitIntervalUSec: (c) => usec(c.unit.startLimitIntervalUs) },
  StartLimitInterval: { StartLimitIntervalUSec: (c) => usec(c.unit.startLimitIntervalUs) },
  StartLimitBurst: { StartLimitBurst: (c) => String(c.unit.startLimitBurst) },
  StartLimitAction: { StartLimitAction: (c) => c.unit.startLimitAction },
  FailureAction: { FailureAction: (c) => c.unit.failureAction },
  SuccessAction: { SuccessAction: (c) => c.unit.successAction },
  FailureActionExitStatus: { FailureActionExitStatus: (c) => String(c.unit.failureActionExitStatus) },
  SuccessActionExitStatus: { SuccessActionExitStatus: (c) => String(c.unit.successActionExitStatus) },
  RebootArgument: { RebootArgument: () => '' },
  CollectMode: { CollectMode: (c) => c.unit.collectMode },
}, [
  'RequiresOverridable', 'RequisiteOverridable', 'ConditionPathExists', 'ConditionPathExistsGlob',
  'ConditionPathIsDirectory', 'ConditionPathIsSymbolicLink', 'ConditionPathIsMountPoint', 'ConditionPathIsReadWrite',
  'ConditionPathIsEncrypted', 'ConditionDirectoryNotEmpty', 'ConditionFileNotEmpty', 'ConditionFileIsExecutable',
  'ConditionNeedsUpdate', 'ConditionFirstBoot', 'ConditionArchitecture', 'ConditionFirmware',
  'ConditionVirtualization', 'ConditionHost', 'ConditionKernelCommandLine', 'ConditionKernelVersion',
  'ConditionCredential', 'ConditionSecurity', 'ConditionCapability', 'ConditionACPower', 'ConditionMemory',
  'ConditionCPUFeature', 'ConditionCPUs', 'ConditionEnvironment', 'ConditionUser', 'ConditionGroup',
  'ConditionControlGroupController', 'ConditionOSRelease', 'ConditionMemoryPressure', 'ConditionCPUPressure',
  'ConditionIOPressure', 'AssertPathExists', 'AssertPathExistsGlob', 'AssertPathIsDirectory',
  'AssertPathIsSymbolicLink', 'AssertPathIsMountPoint', 'AssertPathIsReadWrite', 'AssertPathIsEncrypted',
  'AssertDirectoryNotEmpty', 'AssertFileNotEmpty', 'AssertFileIsExecutable', 'AssertNeedsUpdate', 'AssertFirstBoot',
  'AssertArchitecture', 'AssertVirtualization', 'AssertHost', 'AssertKernelCommandLine',
  'AssertKernelVersion', 'AssertCredential', 'AssertSecurity', 'AssertCapability', 'AssertACPower', 'AssertMemory',
  'AssertCPUFeature', 'AssertCPUs', 'AssertEnvironment', 'AssertUser', 'AssertGroup', 'AssertControlGroupController',
  'AssertOSRelease', 'AssertMemoryPressure', 'AssertCPUPressure', 'AssertIOPressure',
]);

/** The [Service] copies of StartLimitInterval, StartLimitBurst, StartLimitAction, FailureAction, RebootArgument (deprecated locations). */
export const SERVICE_COMPAT_UNIT_ROWS: Row[] = UNIT_ROWS
  .filter((r) => ['StartLimitInterval', 'StartLimitBurst', 'StartLimitAction', 'FailureAction', 'RebootArgument'].includes(r.key))
  .map((r) => ({ ...r, sections: ['Service'] }));
