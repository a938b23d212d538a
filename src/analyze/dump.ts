// `analyze dump [PATTERN...]`: the manager's state as text in the layout of systemd 252's manager_dump()
// (src/core/manager-dump.c, unit_dump() in unit-serialize.c, job_dump() in job.c): a header (version,
// features, the boot timestamps that are set) when no pattern is given, then one "-> Unit X:" block per
// unit and one "-> Job N:" block per job. systemd calls it a debug interface that is not stable; tsysd
// prints the fields it has (from `show`), in systemd's order and wording, and leaves out the cgroup masks
// and the dependency origin masks it does not track.
// Invariant: pure; units and jobs are printed in the order given.
import { globMatch } from '../rpc/util';

export interface DumpUnit { id: string; props: ReadonlyMap<string, string> }
export interface DumpJob { id: number; unit: string; type: string; state: string }

const TIMESTAMP_NAMES: ReadonlyArray<[string, string]> = [
  ['Firmware', 'firmware'], ['Loader', 'loader'], ['Kernel', 'kernel'], ['InitRD', 'initrd'], ['Userspace', 'userspace'],
  ['Finish', 'finish'], ['SecurityStart', 'security-start'], ['SecurityFinish', 'security-finish'],
  ['GeneratorsStart', 'generators-start'], ['GeneratorsFinish', 'generators-finish'],
  ['UnitsLoadStart', 'units-load-start'], ['UnitsLoadFinish', 'units-load-finish'],
];

/** Dependency properties in systemd's UnitDependency order. */
const DEPS = ['Requires', 'Requisite', 'Wants', 'BindsTo', 'PartOf', 'Upholds', 'RequiredBy', 'RequisiteOf', 'WantedBy',
  'BoundBy', 'UpheldBy', 'ConsistsOf', 'Conflicts', 'ConflictedBy', 'Before', 'After', 'OnSuccess', 'OnSuccessOf',
  'OnFailure', 'OnFailureOf', 'Triggers', 'TriggeredBy', 'PropagatesReloadTo', 'ReloadPropagatedFrom', 'JoinsNamespaceOf'];

const na = (s: string | undefined): string => (s ? s : 'n/a');

export function dumpHeader(manager: ReadonlyMap<string, string>): string {
  let s = `Manager: tsysd ${manager.get('Version') ?? ''} (systemd 252 compatible)\n`;
  s += `Features: ${manager.get('Features') ?? ''}\n`;
  for (const [prop, name] of TIMESTAMP_NAMES) {
    const mono = manager.get(`${prop}TimestampMonotonic`) ?? '0';
    const real = manager.get(`${prop}Timestamp`) ?? '';
    if (mono !== '0' || real) s += `Timestamp ${name}: ${real || `${mono}us`}\n`;
  }
  return s;
}

export function dumpUnit(u: DumpUnit): string {
  const p = (k: string): string | undefined => u.props.get(k);
  const lines: string[] = [`-> Unit ${u.id}:`];
  for (const n of (p('Names') ?? '').split(' ').filter((x) => x && x !== u.id)) lines.push(`\tAlias: ${n}`);
  const instance = /@(.+)\.[a-z]+$/.exec(u.id)?.[1];
  lines.push(
    `\tDescription: ${p('Description') || u.id}`,
    `\tInstance: ${na(instance)}`,
    `\tUnit Load State: ${na(p('LoadState'))}`,
    `\tUnit Active State: ${na(p('ActiveState'))}`,
    `\tState Change Timestamp: ${na(p('StateChangeTimestamp'))}`,
    `\tInactive Exit Timestamp: ${na(p('InactiveExitTimestamp'))}`,
    `\tActive Enter Timestamp: ${na(p('ActiveEnterTimestamp'))}`,
    `\tActive Exit Timestamp: ${na(p('ActiveExitTimestamp'))}`,
    `\tInactive Enter Timestamp: ${na(p('InactiveEnterTimestamp'))}`,
    `\tNeed Daemon Reload: ${p('NeedDaemonReload') ?? 'no'}`,
    `\tTransient: ${p('Transient') ?? 'no'}`,
    `\tPerpetual: ${p('Perpetual') ?? 'no'}`,
    `\tGarbage Collection Mode: ${p('CollectMode') || 'inactive'}`,
  );
  if (p('Slice')) lines.push(`\tSlice: ${p('Slice')}`);
  if (p('ControlGroup')) lines.push(`\tCGroup: ${p('ControlGroup')}`);
  if (p('InvocationID')) lines.push(`\tInvocation ID: ${p('InvocationID')}`);
  for (const d of (p('Documentation') ?? '').split(' ').filter(Boolean)) lines.push(`\tDocumentation: ${d}`);
  if (p('FragmentPath')) lines.push(`\tFragment Path: ${p('FragmentPath')}`);
  if (p('SourcePath')) lines.push(`\tSource Path: ${p('SourcePath')}`);
  for (const d of (p('DropInPaths') ?? '').split(' ').filter(Boolean)) lines.push(`\tDropIn Path: ${d}`);
  if (p('FailureAction') && p('FailureAction') !== 'none') lines.push(`\tFailure Action: ${p('FailureAction')}`);
  if (p('SuccessAction') && p('SuccessAction') !== 'none') lines.push(`\tSuccess Action: ${p('SuccessAction')}`);
  if (p('ConditionTimestamp')) lines.push(`\tCondition Timestamp: ${p('ConditionTimestamp')}`, `\tCondition Result: ${p('ConditionResult') ?? 'no'}`);
  if (p('AssertTimestamp')) lines.push(`\tAssert Timestamp: ${p('AssertTimestamp')}`, `\tAssert Result: ${p('AssertResult') ?? 'no'}`);
  for (const d of DEPS) for (const o of (p(d) ?? '').split(' ').filter(Boolean)) lines.push(`\t${d}: ${o}`);
  if (p('LoadState') === 'loaded') {
    for (const k of ['StopWhenUnneeded', 'RefuseManualStart', 'RefuseManualStop', 'DefaultDependencies', 'OnSuccessJobMode', 'OnFailureJobMode', 'IgnoreOnIsolate']) {
      const v = p(k);
      if (v !== undefined && v !== '') lines.push(`\t${k}: ${v}`);
    }
  } else if (p('LoadError')) lines.push(`\tLoad Error Code: ${p('LoadError')}`);
  return lines.join('\n') + '\n';
}

export function dumpJob(j: DumpJob): string {
  return `-> Job ${j.id}:\n\tAction: ${j.unit} -> ${j.type}\n\tState: ${j.state}\n\tIrreversible: no\n\tMay GC: no\n`;
}

/** unit_name_mangle_with_suffix(GLOB, ".service"): a pattern without a type suffix gets ".service". */
export function manglePattern(p: string): string {
  if (/[*?[]/.test(p)) return p;
  return /\.(service|socket|target|device|mount|automount|swap|timer|path|slice|scope)$/.test(p) ? p : `${p}.service`;
}

export function renderDump(manager: ReadonlyMap<string, string>, units: readonly DumpUnit[], jobs: readonly DumpJob[], patterns: readonly string[]): string {
  const match = (id: string): boolean => patterns.length === 0 || patterns.some((g) => globMatch(g, id));
  let s = patterns.length ? '' : dumpHeader(manager);
  for (const u of units) if (match(u.id)) s += dumpUnit(u);
  for (const j of jobs) if (match(j.unit)) s += dumpJob(j);
  return s;
}
