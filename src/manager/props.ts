// What `show` and `status` print for a unit: the configuration properties from the directive tables
// (src/directives/show.ts) overlaid with the live state of the unit's machine, the engine's effective
// dependencies and the manager's own facts (Names, UnitFileState, NeedDaemonReload, Job).
// Invariant: read-only over the manager; property names/formats are systemctl's (timestamps
// `Sun 2026-11-22 01:34:40 UTC`, pids 0 when none, yes/no booleans, µs spans as systemctl prints them).
import { listProperties } from '../dbus/systemd/show-quote';
import { fillShow } from '../directives/show-fill';
import { IFACES } from '../dbus/systemd/spec252';
import { formatExecCommand, propertyValue, showProperties, type Runtime } from '../directives/show';
import { RUNTIME_LISTS, SHOW_LAYOUT, showSegments, type ShowSegment } from '../directives/show-layout';
import { sliceOf } from '../exec/resources';
import { isExtrinsicMount } from '../units/mount/deps';
import { typeSupported } from './mount-host';
import { formatTimespan } from '../directives/values';
import type { ExecCommand, UnitConfig, UnitType } from '../directives/types';
import type { ShowReply, StatusReply, UnitFileStateName, ExecRecord } from '../rpc/protocol';
import { unitFileState } from '../unit-file/install';
import type { DualTimestamp, ExecStatus, PropValue } from '../units/types';
import { signalName } from '../units/exit-status';
import type { Manager } from './manager';
import { listenDescriptions } from './socket-host';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

// The zone's abbreviation per UTC offset (building an Intl formatter per timestamp dominated `show`).
const TZ_NAMES = new Map<number, string>();
function tzName(d: Date): string {
  const off = d.getTimezoneOffset();
  const known = TZ_NAMES.get(off);
  if (known !== undefined) return known;
  let n = 'UTC';
  try {
    const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName');
    n = part?.value ?? 'UTC';
    if (n === 'GMT') n = 'UTC';
  } catch { /* UTC */ }
  if (TZ_NAMES.size < 64) TZ_NAMES.set(off, n);
  return n;
}

/** systemd's FORMAT_TIMESTAMP: `Sun 2026-11-22 01:34:40 UTC`; '' for 0. */
export function formatTimestamp(us: number): string {
  if (!us) return '';
  const d = new Date(Math.floor(us / 1000));
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return `${DAYS[d.getDay()] ?? 'Sun'} ${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())} ${tzName(d)}`;
}

function isDual(v: PropValue): v is DualTimestamp {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'realtime' in v;
}

const EXEC_LISTS = ['ExecCondition', 'ExecStartPre', 'ExecStart', 'ExecStartPost', 'ExecReload', 'ExecStop', 'ExecStopPost'];

// systemctl 252 print_property: `status=N` for code=exited, `status=N/SIGNAME` otherwise (no exit-status names).
function execRunString(s: ExecStatus): string {
  const code = s.code === 1 ? 'exited' : s.code === 2 ? 'killed' : s.code === 3 ? 'dumped' : '(null)';
  const st = s.start.realtime ? `[${formatTimestamp(s.start.realtime)}]` : '[n/a]';
  const et = s.exit.realtime ? `[${formatTimestamp(s.exit.realtime)}]` : '[n/a]';
  return `start_time=${st} ; stop_time=${et} ; pid=${s.pid} ; code=${code} ; status=${s.status}${s.code === 1 ? '' : `/${signalName(s.status)}`} }`;
}

function execStatusString(s: ExecStatus): string {
  return `{ path=${s.path} ; argv[]=${s.argv.join(' ')} ; ignore_errors=${s.ignoreFailure ? 'yes' : 'no'} ; ${execRunString(s)}`;
}

/** systemd's property order for a unit type: its type interface, then org.freedesktop.systemd1.Unit (GetAll's). */
const ORDERS = new Map<string, string[]>();
function showOrder(type: string): string[] {
  let o = ORDERS.get(type);
  if (!o) {
    const names = (iface: string): string[] => (IFACES[iface]?.properties ?? []).map((p) => p.name);
    o = [...names(`org.freedesktop.systemd1.${type[0]?.toUpperCase() ?? ''}${type.slice(1)}`), ...names('org.freedesktop.systemd1.Unit')];
    ORDERS.set(type, o);
  }
  return o;
}

/** Unit types that have a cgroup in systemd (a target's status has no CGroup: line). */
const CGROUP_TYPES = new Set(['service', 'socket', 'slice', 'scope', 'mount', 'swap']);
const STOPPED = new Set(['inactive', 'failed']);

/** Machine properties → `show` strings (timestamps get their Monotonic twin). */
function runtimeStrings(props: Record<string, PropValue>): { rt: Runtime; exec: Map<string, ExecStatus[]> } {
  const rt: Runtime = {};
  const exec = new Map<string, ExecStatus[]>();
  for (const [k, v] of Object.entries(props)) {
    if (isDual(v)) { rt[k] = formatTimestamp(v.realtime); rt[`${k}Monotonic`] = String(v.monotonic); continue; }
    if (Array.isArray(v)) {
      if (EXEC_LISTS.includes(k)) { exec.set(k, v as ExecStatus[]); continue; }
      rt[k] = (v as string[]).join(' ');
      continue;
    }
    if (typeof v === 'boolean') { rt[k] = v ? 'yes' : 'no'; continue; }
    if (k.endsWith('USec') && typeof v === 'number') { rt[k] = formatTimespan(v); continue; }
    rt[k] = String(v);
  }
  return { rt, exec };
}

/** UnitFileState of a loaded unit, computed once per loaded configuration as systemd's unit_get_unit_file_state()
 *  caches it per unit object: a daemon-reload (and every enable/disable/mask through the manager, which
 *  reloads) loads new configurations and so recomputes it; GetUnitFileState and is-enabled always scan afresh.
 *  The scan reads every search directory (~8 ms per call with 10,000 unit files in one directory). */
const fileStates = new WeakMap<UnitConfig, UnitFileStateName | ''>();
export function unitFileStateOf(mgr: Manager, id: string): UnitFileStateName | '' {
  const cfg = mgr.engine.graph.peek(id)?.config;
  const cached = cfg ? fileStates.get(cfg) : undefined;
  if (cached !== undefined) return cached;
  let state: UnitFileStateName | '' = '';
  try {
    const r = unitFileState(id, { unitPaths: mgr.opts.unitPaths.length ? mgr.opts.unitPaths : undefined, userMode: mgr.userMode });
    state = 'state' in r ? r.state : '';
  } catch { /* unreadable: '' */ }
  if (cfg) fileStates.set(cfg, state);
  return state;
}

const DEP_PROPS = ['Requires', 'Requisite', 'Wants', 'BindsTo', 'PartOf', 'Upholds', 'RequiredBy', 'RequisiteOf', 'WantedBy',
  'BoundBy', 'UpheldBy', 'ConsistsOf', 'Conflicts', 'ConflictedBy', 'Before', 'After', 'OnSuccess', 'OnSuccessOf', 'OnFailure',
  'OnFailureOf', 'Triggers', 'TriggeredBy', 'PropagatesReloadTo', 'ReloadPropagatedFrom', 'PropagatesStopTo', 'StopPropagatedFrom', 'JoinsNamespaceOf'] as const;

/** Is `fragment` a file of the transient directory (systemd's, or <runtime-dir>/transient with --unit-path)? */
export function isTransientFragment(mgr: Manager, fragment: string): boolean {
  const dir = fragment.slice(0, fragment.lastIndexOf('/'));
  return dir === '/run/systemd/transient' || dir === `${mgr.opts.runtimeDir}/transient`;
}

const ACCOUNTING = ['MemoryCurrent', 'TasksCurrent', 'CPUUsageNSec', 'IOReadBytes', 'IOWriteBytes'];

/** The full ordered property list of a unit, as `systemctl show --all` prints it. With `wanted`, the
 *  properties that cost file reads (UnitFileState, the cgroup's accounting) are left out unless wanted. */
export function unitProperties(mgr: Manager, name: string, wanted?: ReadonlySet<string>): [string, string][] {
  const u = mgr.engine.graph.unit(name);
  const rtm = mgr.peekRuntime(u.id);
  const { rt, exec } = rtm ? runtimeStrings(rtm.machine.properties()) : { rt: {} as Runtime, exec: new Map<string, ExecStatus[]>() };
  const deps = mgr.engine.graph.effectiveDeps(u, [...DEP_PROPS]);
  for (const k of DEP_PROPS) rt[k] = (deps[k] ?? []).join(' ');
  rt.Id = u.id;
  rt.Names = [...u.names].sort().join(' ');
  rt.LoadState = u.loadState;
  // Without a runtime the engine's state holds (inactive, or active for the perpetual -.slice/system.slice).
  rt.ActiveState = rtm ? rtm.machine.activeState() : u.activeState;
  rt.SubState = rtm ? rtm.machine.subState() : (u.activeState === 'active' ? 'active' : 'dead');
  rt.CanReload = u.canReload ? 'yes' : 'no';
  // unit_can_start()/unit_can_stop(): false for a type this machine does not support
  const supported = typeSupported(mgr, u.type);
  rt.CanStart = u.canStart && supported ? 'yes' : 'no';
  rt.CanStop = u.canStop && supported ? 'yes' : 'no';
  // A scope may be started only once (systemd's once_only): CanStart=no after its first start.
  if (u.config.type === 'scope' && (rt.InactiveExitTimestampMonotonic ?? '0') !== '0') rt.CanStart = 'no';
  // unit_get_unit_file_state(): any unit with a fragment, masked ones included (UnitFileState=masked).
  if ((!wanted || wanted.has('UnitFileState')) && (u.loadState === 'loaded' || u.loadState === 'masked' || u.config.fragmentPath)) rt.UnitFileState = unitFileStateOf(mgr, u.id);
  // A unit made by StartTransientUnit (src/dbus/systemd/transient.ts writes it there): Transient=yes, and
  // its unit file state is "transient" (status: "Loaded: loaded (PATH; transient)").
  if (isTransientFragment(mgr, u.config.fragmentPath)) { rt.Transient = 'yes'; rt.UnitFileState = 'transient'; }
  rt.NeedDaemonReload = mgr.needsReload(u.id) ? 'yes' : 'no';
  const job = u.job;
  rt.Job = job ? `${job.id}` : '';
  if (rtm) {
    // The cgroup interface: placement and accounting (src/exec/unit-resources.ts).
    const res = rtm.host.resources;
    rt.Slice = res.slice;
    // systemd prunes a stopped unit's cgroup: ControlGroup is empty once the unit is inactive or failed
    if (rtm.host.procs.cgroup && !STOPPED.has(rtm.machine.activeState())) rt.ControlGroup = `/${res.rel}`;
    // Accounting while the unit has processes, as `status` shows it (an idle socket has no "CPU:" line).
    const pids = rtm.machine.activeState() !== 'inactive' && (!wanted || ACCOUNTING.some((k) => wanted.has(k))) ? rtm.host.pids().length : 0;
    if (pids > 0) {
      const st = res.stats();
      if (st.memoryCurrent !== null) rt.MemoryCurrent = String(st.memoryCurrent);
      // without the pids controller: the processes in the cgroup, as status counts them
      rt.TasksCurrent = String(st.tasksCurrent ?? pids);
      if (st.cpuUsageNSec !== null) rt.CPUUsageNSec = String(st.cpuUsageNSec);
      if (st.ioReadBytes !== null) rt.IOReadBytes = String(st.ioReadBytes);
      if (st.ioWriteBytes !== null) rt.IOWriteBytes = String(st.ioWriteBytes);
    }
  } else if (['service', 'socket', 'slice', 'mount', 'swap'].includes(u.config.type)) {
    rt.Slice = sliceOf(u.id, u.config.type, u.config.resource, mgr.userMode, isExtrinsicMount(u.config));
  }
  // A mounted file system: What=/Options=/Type= as the kernel's table has them (systemd's
  // parameters_proc_self_mountinfo win over the unit file's).
  const mounted = u.config.type === 'mount' ? mgr.mounts.entryFor(u.id) : undefined;
  if (mounted) { rt.What = mounted.what; rt.Options = mounted.options; rt.Type = mounted.fstype; }
  const tl = tasksLimit(mgr, u.config);
  if (tl !== null) rt.TasksMax = String(tl);
  if (rtm) {
    const m = rtm.machine.properties();
    for (const k of ['NAccepted', 'NConnections', 'NRefused']) { const v = m[k]; if (typeof v === 'number' || typeof v === 'string') rt[k] = String(v); }
  }
  const props = fillShow(showProperties(u.config, rt), u.config, showOrder(u.config.type));
  // Exec*= lines carry the status of their last run.
  const seen = new Map<string, number>();
  return props.map(([k, v]) => {
    // ExecFooEx= lines: the config's flags, the same run status as ExecFoo=.
    const ex = k.endsWith('Ex') && EXEC_LISTS.includes(k.slice(0, -2));
    const list = exec.get(ex ? k.slice(0, -2) : k);
    if (!list || v === '') return [k, v];
    const i = seen.get(k) ?? 0;
    seen.set(k, i + 1);
    const st = list[i];
    if (!st) return [k, v];
    if (!ex) return [k, execStatusString(st)];
    const at = v.indexOf(' ; start_time=');
    return at < 0 ? [k, v] : [k, `${v.slice(0, at)} ; ${execRunString(st)}`];
  });
}

/** Properties unitProperties() sets itself (from the engine, the unit files, the cgroup, the mount table) or
 *  rewrites (the Exec*= run status, the *ActionExitStatus filter): never answered by liveProperties(). */
const MANAGER_SET = new Set<string>([...DEP_PROPS, 'Id', 'Names', 'LoadState', 'ActiveState', 'SubState', 'CanReload',
  'CanStart', 'CanStop', 'UnitFileState', 'Transient', 'NeedDaemonReload', 'Job', 'Slice', 'ControlGroup', ...ACCOUNTING,
  'What', 'Options', 'Type', 'TasksMax', 'NAccepted', 'NConnections', 'NRefused', 'FailureActionExitStatus',
  'SuccessActionExitStatus', ...EXEC_LISTS, ...EXEC_LISTS.map((k) => `${k}Ex`)]);

/** name -> [segment, position] of a unit type's show layout (built once per type). */
const LAYOUT_INDEX = new Map<UnitType, Map<string, [ShowSegment, number]>>();
function layoutIndex(type: UnitType): Map<string, [ShowSegment, number]> {
  let m = LAYOUT_INDEX.get(type);
  if (!m) {
    m = new Map();
    let i = 0;
    for (const seg of showSegments(type)) for (const n of SHOW_LAYOUT[seg]) if (!m.has(n)) m.set(n, [seg, i++]);
    LAYOUT_INDEX.set(type, m);
  }
  return m;
}

/** `show -p` of properties that only the unit's machine provides (StatusText, MainPID, Result, timestamps…):
 *  read from the machine alone, in show's order, instead of building all ~300 properties (a poll of
 *  StatusText cost ~0.6 ms). null when any wanted name is not such a property: the full path answers. Each
 *  value is the one unitProperties() prints, since there the machine's value overrides a single-valued
 *  layout entry (showProperties) and nothing later touches it (tests/e2e/show-live compares both). */
function liveProperties(mgr: Manager, name: string, want: ReadonlySet<string>): [string, string][] | null {
  const u = mgr.engine.graph.unit(name);
  const rtm = mgr.peekRuntime(u.id);
  if (!rtm) return null;
  const layout = layoutIndex(u.config.type);
  const { rt } = runtimeStrings(rtm.machine.properties());
  const out: [string, string, number][] = [];
  for (const k of want) {
    const at = layout.get(k);
    const v = rt[k];
    if (!at || v === undefined || MANAGER_SET.has(k) || RUNTIME_LISTS.has(k) || typeof propertyValue(at[0], k, u.config) !== 'string') return null;
    out.push([k, v, at[1]]);
  }
  return out.sort((a, b) => a[2] - b[2]).map(([k, v]) => [k, v]);
}

export function showUnit(mgr: Manager, name: string, wanted: string[] | undefined, all: boolean): ShowReply {
  const u = mgr.engine.graph.unit(name);
  const live = wanted && wanted.length ? liveProperties(mgr, name, new Set(wanted)) : null;
  if (live) return { unit: u.id, properties: live, lists: [...listProperties(u.id)].filter((k) => live.some(([n]) => n === k)) };
  // systemctl prints Failure/SuccessActionExitStatus only when set (>= 0), or as [not set] with --all.
  const want = wanted && wanted.length ? new Set(wanted) : undefined;
  const props = unitProperties(mgr, name, want).flatMap(([k, v]): [string, string][] =>
    ((k === 'FailureActionExitStatus' || k === 'SuccessActionExitStatus') && Number(v) < 0 ? (all ? [[k, '[not set]']] : []) : [[k, v]]));
  let out: [string, string][];
  if (want) {
    out = props.filter(([k]) => want.has(k));
    // Asked-for properties print even when the manager does not know them (systemctl prints them empty? no:
    // unknown names are silently skipped) — keep only known ones.
  } else out = all ? props : props.filter(([, v]) => v !== '');
  return { unit: u.id, properties: out, lists: [...listProperties(u.id)].filter((k) => out.some(([n]) => n === k)) };
}


export function statusOf(mgr: Manager, name: string, lines: number): StatusReply {
  const u = mgr.engine.graph.unit(name);
  const rtm = mgr.peekRuntime(u.id);
  const p = rtm ? rtm.machine.properties() : {};
  const num = (k: string): number => (typeof p[k] === 'number' ? p[k] as number : 0);
  const ts = (k: string): number => { const v = p[k]; return v && isDual(v) ? v.realtime : 0; };
  const mainPid = num('MainPID');
  const controlPid = num('ControlPID');
  const code = num('ExecMainCode');
  const execs: ExecRecord[] = [];
  // every command that ran (status prints the exited ones, ExecStart= of any type included, as systemctl does)
  for (const k of EXEC_LISTS) {
    const v = p[k];
    if (!Array.isArray(v)) continue;
    for (const s of v as ExecStatus[]) {
      if (!s.pid) continue;
      execs.push({ kind: k, pid: s.pid, argv: s.argv, path: s.path, code: s.code === 1 ? 'exited' : s.code === 2 ? 'killed' : s.code === 3 ? 'dumped' : '', status: s.status, startTs: s.start.realtime, exitTs: s.exit.realtime });
    }
  }
  const processes = rtm ? rtm.host.pids().sort((a, b) => (a === mainPid ? -1 : b === mainPid ? 1 : a - b)).map((pid) => ({ pid, cmdline: mgr.platform.procCmdline(pid) })) : [];
  const job = u.job;
  const triggers = (kind: 'Triggers' | 'TriggeredBy'): { unit: string; activeState: import('../rpc/protocol').ActiveState }[] =>
    [...u.get(kind)].map((o) => ({ unit: o.id, activeState: mgr.peekRuntime(o.id)?.machine.activeState() ?? o.activeState }));
  const failedCond = u.config.unit.conditions.find((c) => !c.assert);
  const cg = rtm && rtm.machine.activeState() !== 'inactive' ? rtm.host.resources.stats() : null;
  const memMax = u.config.resource?.memoryMax ?? null;
  const transient = isTransientFragment(mgr, u.config.fragmentPath);
  const logLines = mgr.logs.tail(u.id, lines).map((l) => ({ seq: l.seq, ts: l.ts, unit: l.unit, pid: l.pid, ident: l.ident, stream: l.stream, priority: l.priority, message: l.text }));
  return {
    id: u.id,
    names: [...u.names].sort(),
    description: u.config.unit.description || u.id,
    loadState: u.loadState,
    loadError: u.config.loadError,
    fragmentPath: u.config.fragmentPath,
    dropInPaths: u.config.dropInPaths,
    unitFileState: u.loadState !== 'loaded' ? '' : transient ? 'transient' : unitFileStateOf(mgr, u.id),
    ...(transient ? { transient } : {}),
    unitFilePreset: '',
    activeState: rtm ? rtm.machine.activeState() : u.activeState,
    subState: rtm ? rtm.machine.subState() : (u.activeState === 'active' ? 'active' : 'dead'),
    result: rtm ? rtm.machine.result() : 'success',
    stateChangeTs: ts('StateChangeTimestamp'),
    activeEnterTs: ts('ActiveEnterTimestamp'),
    activeExitTs: ts('ActiveExitTimestamp'),
    inactiveEnterTs: ts('InactiveEnterTimestamp'),
    inactiveExitTs: ts('InactiveExitTimestamp'),
    conditionResult: p.ConditionResult !== false || ts('ConditionTimestamp') === 0,
    conditionTs: ts('ConditionTimestamp'),
    failedCondition: p.ConditionResult === false && failedCond ? `Condition${failedCond.kind}=${failedCond.negate ? '!' : ''}${failedCond.value}` : '',
    documentation: u.config.unit.documentation,
    triggeredBy: triggers('TriggeredBy'),
    triggers: triggers('Triggers'),
    listen: listenDescriptions(u.config, mgr.platform.exists('/proc/net/if_inet6')),
    timer: u.type === 'timer' ? timerNext(rtm?.machine.timerSchedule?.()) : null,
    accept: u.config.socket?.accept ? { accepted: num('NAccepted'), connected: num('NConnections'), refused: num('NRefused') } : null,
    mainPid,
    mainComm: mainPid ? mgr.platform.procComm(mainPid) : '',
    execMainPid: num('ExecMainPID'),
    execMainCode: code === 1 ? 'exited' : code === 2 ? 'killed' : code === 3 ? 'dumped' : '',
    execMainStatus: num('ExecMainStatus'),
    execMainStartTs: ts('ExecMainStartTimestamp'),
    execMainExitTs: ts('ExecMainExitTimestamp'),
    controlPid,
    controlComm: controlPid ? mgr.platform.procComm(controlPid) : '',
    statusText: typeof p.StatusText === 'string' ? p.StatusText : '',
    statusErrno: num('StatusErrno'),
    tasks: rtm && processes.length > 0 ? (cg?.tasksCurrent ?? processes.length) : null,
    tasksMax: rtm && processes.length > 0 ? tasksLimit(mgr, u.config) : null,
    memoryBytes: rtm && processes.length > 0 ? cg?.memoryCurrent ?? null : null,
    memoryMax: memMax && 'value' in memMax && memMax.value !== Infinity ? memMax.value : null,
    cpuNSec: rtm && processes.length > 0 ? cg?.cpuUsageNSec ?? null : null,
    // below the manager's own cgroup, as `show` prints ControlGroup= (systemd's view from a container's root)
    cgroup: rtm?.host.procs.cgroup && CGROUP_TYPES.has(u.type) && !STOPPED.has(rtm.machine.activeState()) ? `/${rtm.host.resources.rel}` : '',
    processes,
    execs,
    job: job ? { id: job.id, unit: u.id, type: job.type === 'try-reload' ? 'reload' : job.type, state: job.state } : null,
    needDaemonReload: mgr.needsReload(u.id),
    invocationId: typeof p.InvocationID === 'string' ? p.InvocationID : '',
    logs: logLines,
  };
}

export function execCommandString(c: ExecCommand): string { return formatExecCommand(c); }

/** TasksMax= as a number (a percentage of the system's task limit resolved), null for infinity/unset. */
function tasksLimit(mgr: Manager, cfg: import('../directives/types').UnitConfig): number | null {
  const t = cfg.resource?.tasksMax;
  if (!t) return null;
  if ('value' in t) return t.value === Infinity ? null : t.value;
  return Math.floor((mgr.platform.resourceSupport().tasksMaxSystem * t.percent) / 100);
}

/** A timer's next elapse for status (0 = none on that clock). */
function timerNext(s: { nextRealtime: number; nextMonotonic: number } | undefined): { nextRealtime: number; nextMonotonic: number } {
  const fin = (n: number | undefined): number => (n !== undefined && Number.isFinite(n) ? n : 0);
  return { nextRealtime: fin(s?.nextRealtime), nextMonotonic: fin(s?.nextMonotonic) };
}
