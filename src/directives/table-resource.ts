// Resource-control settings (systemd.resource-control(5), systemd 252) for [Service], [Socket], [Mount], [Swap],
// [Slice] and [Scope] (systemd's CGROUP_CONTEXT_CONFIG_ITEMS sections),
// validated with systemd's messages. Slice=, Memory*=, CPUWeight=, CPUQuota*=, AllowedCPUs=/MemoryNodes=,
// TasksMax=, IOWeight= and Delegate= store into cfg.resource (applied by src/exec/resources.ts +
// src/platform/cgroup.ts); the rest is only validated and reported "not enforced".
// Invariant: deprecated keys warn as 252 does; an invalid value leaves the setting as it was.
import { custom, pBool, pEnum, scalar, unenforced, specError, splitValue, showRows, type Row, type SectionName, type Parsed } from './row';
import { parseSize, parseTimespan, parseBoolean } from './values';
import { cpuSetWords } from './table-sandbox';
import type { ResourceContext, ResourceLimit, UnitConfig } from './types';
import { defaultResource } from './defaults';
import { lim, usec, yn } from './show-format';

const SS: SectionName[] = ['Service', 'Socket', 'Mount', 'Swap', 'Slice', 'Scope'];
/** Unit types whose vtable has can_set_managed_oom in systemd 252. */
const MANAGED_OOM_TYPES: ReadonlySet<string> = new Set(['service', 'slice', 'scope']);
const res = (c: UnitConfig): ResourceContext => (c.resource ??= defaultResource());
/** A validated memory/tasks value as a limit (the checks above accepted it). */
function limitOf(v: string, base: 1024 | 1000 = 1024): ResourceLimit {
  if (v === 'infinity') return { value: Infinity };
  if (v.endsWith('%')) return { percent: Number(v.slice(0, -1)) };
  if (v.endsWith('‰')) return { percent: Number(v.slice(0, -1)) / 10 };
  return { value: parseSize(v, base) ?? 0 };
}
const ok = (v: string): Parsed<string> => ({ ok: true, value: v });
const bad = (message: string): Parsed<string> => ({ ok: false, message });

const isPercent = (v: string): boolean => /^[0-9]+(\.[0-9]+)?%$/.test(v) && Number(v.slice(0, -1)) <= 100;
const inRange = (v: string, lo: number, hi: number): boolean => /^[0-9]+$/.test(v) && Number(v) >= lo && Number(v) <= hi;

/** A deprecated setting: warns on every use (even empty), then validates. */
function deprecated(key: string, instead: string, check: (v: string) => string | null): Row {
  return custom(key, SS, false, (v, ctx) => {
    ctx.warn(`Unit uses ${key}=; please use ${instead} instead. Support for ${key}= will be removed soon.`);
    if (v === '') return;
    const m = check(v);
    if (m) ctx.warn(m);
  }, () => undefined, { enforced: false, empty: 'parse' });
}

const memory = (v: string): string | null =>
  (v === 'infinity' || isPercent(v) || parseSize(v, 1024) !== null) ? null
    : `Invalid memory limit '${v}', ignoring: ${/^-[0-9]/.test(v) ? 'Numerical result out of range' : 'Invalid argument'}`;
const memoryNonZero = (v: string): string | null => (/^0+$/.test(v) ? `Memory limit '${v}' out of range, ignoring.` : memory(v));
function devicePair(v: string, check: (val: string) => string | null, missing: string): string | null {
  const [path, val, extra] = splitValue(v, 'unquote') ?? [];
  if (!path || val === undefined || extra !== undefined) return missing;
  return check(val);
}
const ioLimit = (v: string): string | null => devicePair(v, (x) => (x === 'infinity' || parseSize(x, 1000) !== null) ? null : `Invalid IO limit '${x}', ignoring.`,
  `Invalid device node or bandwidth specified in '${v}', ignoring.`);
const CONTROLLERS = ['cpu', 'cpuacct', 'cpuset', 'io', 'blkio', 'memory', 'devices', 'pids', 'bpf-firewall', 'bpf-devices',
  'bpf-foreign', 'bpf-socket-bind', 'bpf-restrict-network-interfaces'];
const IP_WORD = /^(any|localhost|link-local|multicast|[0-9]{1,3}(\.[0-9]{1,3}){3}(\/[0-9]{1,2})?|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*(\/[0-9]{1,3})?)$/;

const check = (key: string, f: (v: string) => string | null): Row =>
  unenforced(key, SS, (v) => { const m = f(v); return m ? bad(m) : ok(v); }, false, { empty: 'reset' });
/** A validated setting tsysd applies: `set` stores the accepted value, an empty value resets it. */
const store = <K extends keyof ResourceContext>(key: string, field: K, f: (v: string) => string | null, conv: (v: string) => ResourceContext[K]): Row =>
  scalar(key, SS, (v) => { const m = f(v); return m ? bad(m) : ok(v); }, (c, v) => { res(c)[field] = conv(v); },
    { empty: 'reset', reset: (c) => { res(c)[field] = defaultResource()[field]; } });

export const RESOURCE_ROWS: Row[] = [
  custom('Slice', SS, false, (raw, ctx) => {
    const e = ctx.expand(raw);
    if (!e.ok) { ctx.warn(specError('p', raw, e.error).message); return; }
    const v = e.value;
    if (!/^[A-Za-z0-9:_.\\@-]+\.[a-z]+$/.test(v)) { ctx.warn(`Failed to load slice unit ${v}, ignoring: Unit name ${v} is not valid.`); return; }
    // unit_set_slice(): a slice's parent follows from its name, never from Slice=
    if (!v.endsWith('.slice') || ctx.cfg.type === 'slice') { ctx.warn(`Failed to assign slice ${v} to unit ${ctx.cfg.id}, ignoring: Invalid argument`); return; }
    res(ctx.cfg).slice = v;
  }, () => undefined, { empty: 'parse' }),
  ...(['AllowedCPUs', 'AllowedMemoryNodes'] as const).map((k) => scalar(k, SS, (v) => {
    const w = cpuSetWords(v);
    return w === null ? ok(v) : bad(`Failed to parse CPU affinity '${w}'`);
  }, (c, v) => { res(c)[k === 'AllowedCPUs' ? 'allowedCPUs' : 'allowedMemoryNodes'] = v; },
  { empty: 'reset', specifiers: true, reset: (c) => { res(c)[k === 'AllowedCPUs' ? 'allowedCPUs' : 'allowedMemoryNodes'] = ''; } })),
  ...['StartupAllowedCPUs', 'StartupAllowedMemoryNodes'].map((k) => unenforced(k, SS, (v) => {
    const w = cpuSetWords(v);
    return w === null ? ok(v) : bad(`Failed to parse CPU affinity '${w}'`);
  }, false, { empty: 'reset', specifiers: true })),
  ...['CPUAccounting', 'MemoryAccounting', 'IOAccounting', 'BlockIOAccounting', 'TasksAccounting', 'IPAccounting'].map((k) => unenforced(k, SS, pBool)),
  store('CPUWeight', 'cpuWeight', (v) => (v === 'idle' || inRange(v, 1, 10000)) ? null : `Invalid CPU weight, ignoring: ${v}`, (v) => (v === 'idle' ? 'idle' : Number(v))),
  store('StartupCPUWeight', 'startupCPUWeight', (v) => (v === 'idle' || inRange(v, 1, 10000)) ? null : `Invalid CPU weight, ignoring: ${v}`, (v) => (v === 'idle' ? 'idle' : Number(v))),
  deprecated('CPUShares', 'CPUWeight=', (v) => inRange(v, 2, 262144) ? null : `Invalid CPU shares, ignoring: ${v}`),
  deprecated('StartupCPUShares', 'CPUWeight=', (v) => inRange(v, 2, 262144) ? null : `Invalid CPU shares, ignoring: ${v}`),
  store('CPUQuota', 'cpuQuotaPercent', (v) => /^[0-9]+(\.[0-9]+)?%$/.test(v) && Number(v.slice(0, -1)) > 0 ? null : `Invalid CPU quota '${v}', ignoring.`, (v) => Number(v.slice(0, -1))),
  store('CPUQuotaPeriodSec', 'cpuQuotaPeriodUs', (v) => parseTimespan(v) !== null ? null : `Failed to parse sec_def_infinity value, ignoring: ${v}`, (v) => parseTimespan(v)),
  ...['DefaultMemoryMin', 'DefaultMemoryLow'].map((k) => check(k, memory)),
  store('MemoryMin', 'memoryMin', memory, (v) => limitOf(v)),
  store('MemoryLow', 'memoryLow', memory, (v) => limitOf(v)),
  store('MemorySwapMax', 'memorySwapMax', memory, (v) => limitOf(v)),
  store('MemoryHigh', 'memoryHigh', memoryNonZero, (v) => limitOf(v)),
  store('MemoryMax', 'memoryMax', memoryNonZero, (v) => limitOf(v)),
  custom('MemoryLimit', SS, false, (v, ctx) => {
    const m = v === '' ? null : memoryNonZero(v);
    if (m) { ctx.warn(m); return; }
    ctx.warn('Unit uses MemoryLimit=; please use MemoryMax= instead. Support for MemoryLimit= will be removed soon.');
    if (v !== '') res(ctx.cfg).memoryMax = limitOf(v);
  }, () => undefined, { empty: 'parse' }),
  custom('DeviceAllow', SS, true, (v, ctx) => {
    const e = ctx.expand(v);
    if (!e.ok) { ctx.warn(specError('q', v, e.error).message); return; }
    const [path, rights] = splitValue(e.value, 'unquote') ?? [];
    if (!path || !(path.startsWith('/dev/') || path.startsWith('char-') || path.startsWith('block-'))) { ctx.warn(`Invalid device node path '${path ?? ''}', ignoring.`); return; }
    if (rights !== undefined && !/^[rwm]*$/.test(rights)) ctx.warn(`Invalid device rights '${rights}', ignoring.`);
  }, () => undefined, { enforced: false }),
  unenforced('DevicePolicy', SS, pEnum(['auto', 'closed', 'strict'] as const, 'device policy')),
  store('IOWeight', 'ioWeight', (v) => inRange(v, 1, 10000) ? null : `Invalid weight, ignoring: ${v}`, (v) => Number(v)),
  check('StartupIOWeight', (v) => inRange(v, 1, 10000) ? null : `Invalid weight, ignoring: ${v}`),
  check('IODeviceWeight', (v) => devicePair(v, (x) => inRange(x, 1, 10000) ? null : `IO weight '${x}' invalid, ignoring: Invalid argument`,
    `Invalid device path or weight specified in '${v}', ignoring.`)),
  ...['IOReadBandwidthMax', 'IOWriteBandwidthMax', 'IOReadIOPSMax', 'IOWriteIOPSMax'].map((k) => check(k, ioLimit)),
  check('IODeviceLatencyTargetSec', (v) => devicePair(v, (x) => parseTimespan(x) !== null ? null : `Failed to parse timer value, ignoring: ${x}`,
    `Invalid device path or latency specified in '${v}', ignoring.`)),
  check('BlockIOWeight', (v) => inRange(v, 10, 1000) ? null : `Invalid block IO weight, ignoring: ${v}`),
  check('StartupBlockIOWeight', (v) => inRange(v, 10, 1000) ? null : `Invalid block IO weight, ignoring: ${v}`),
  deprecated('BlockIODeviceWeight', 'IO*= settings', (v) => devicePair(v, (x) => inRange(x, 10, 1000) ? null : `Invalid block IO weight '${x}', ignoring: Invalid argument`,
    `Invalid device node or weight specified in '${v}', ignoring.`)),
  deprecated('BlockIOReadBandwidth', 'IO*= settings', (v) => devicePair(v, (x) => parseSize(x, 1000) !== null ? null : `Invalid Block IO Bandwidth '${x}', ignoring.`,
    `Invalid device node or bandwidth specified in '${v}', ignoring.`)),
  deprecated('BlockIOWriteBandwidth', 'IO*= settings', (v) => devicePair(v, (x) => parseSize(x, 1000) !== null ? null : `Invalid Block IO Bandwidth '${x}', ignoring.`,
    `Invalid device node or bandwidth specified in '${v}', ignoring.`)),
  store('TasksMax', 'tasksMax', (v) => (/^0+$/.test(v) ? `Maximum tasks value '${v}' out of range, ignoring.` : (v === 'infinity' || isPercent(v) || /^[0-9]+$/.test(v)) ? null
    : `Invalid maximum tasks value '${v}', ignoring: ${/^-[0-9]/.test(v) ? 'Numerical result out of range' : 'Invalid argument'}`), (v) => (v === 'infinity' ? { value: Infinity } : isPercent(v) ? { percent: Number(v.slice(0, -1)) } : { value: Number(v) })),
  custom('Delegate', SS, false, (v, ctx) => {
    if (ctx.cfg.type !== 'service' && ctx.cfg.type !== 'scope') { ctx.warn('Delegate= setting not supported for this unit type, ignoring.'); return; }
    const b = parseBoolean(v);
    res(ctx.cfg).delegate = b ?? true;
    if (b !== null) return;
    for (const w of splitValue(v, 'unquote') ?? []) if (!CONTROLLERS.includes(w)) ctx.warn(`Invalid controller name '${w}', ignoring`);
  }, () => undefined, { enforced: false, empty: 'parse' }),
  check('DisableControllers', (v) => v.split(/\s+/).every((w) => CONTROLLERS.includes(w)) ? null : `Invalid cgroup string: ${v}, ignoring`),
  unenforced('IPAddressAllow', SS, (w) => IP_WORD.test(w) ? ok(w) : bad(`Address prefix is invalid, ignoring assignment: ${w}`), true, { specifiers: false, split: 'escape' }),
  unenforced('IPAddressDeny', SS, (w) => IP_WORD.test(w) ? ok(w) : bad(`Address prefix is invalid, ignoring assignment: ${w}`), true, { specifiers: false, split: 'escape' }),
  unenforced('IPIngressFilterPath', SS, (v, k) => v.startsWith('/') ? ok(v) : bad(`${k}= path is not absolute, ignoring: ${v}`), false, { empty: 'reset', specifiers: true }),
  unenforced('IPEgressFilterPath', SS, (v, k) => v.startsWith('/') ? ok(v) : bad(`${k}= path is not absolute, ignoring: ${v}`), false, { empty: 'reset', specifiers: true }),
  ...([['ManagedOOMSwap', (v: string) => ['auto', 'kill'].includes(v) ? null : `Invalid syntax, ignoring: ${v}`],
    ['ManagedOOMMemoryPressure', (v: string) => ['auto', 'kill'].includes(v) ? null : `Invalid syntax, ignoring: ${v}`],
    ['ManagedOOMMemoryPressureLimit', (v: string) => isPercent(v) ? null : `Failed to parse memory pressure limit value, ignoring: ${v}`]] as const)
    .map(([k, f]) => custom(k, SS, false, (v, ctx) => {
      if (!MANAGED_OOM_TYPES.has(ctx.cfg.type)) { ctx.warn(`${k}= is not supported for this unit type, ignoring.`); return; }
      if (v === '') return;
      const m = f(v);
      if (m) ctx.warn(m);
    }, () => undefined, { enforced: false, empty: 'parse' })),
  unenforced('ManagedOOMPreference', SS, (v) => ['none', 'avoid', 'omit'].includes(v) ? ok(v) : bad(`Failed to parse ManagedOOMPreference=, ignoring: ${v}`)),
  check('BPFProgram', (v) => /^[a-z_]+:\/.+$/.test(v) ? null : `Invalid syntax in BPFProgram=, ignoring: ${v}`),
  check('SocketBindAllow', (v) => /^((ipv4|ipv6):)?((tcp|udp):)?(any|[1-9][0-9]*(-[1-9][0-9]*)?)$/.test(v) ? null : `Unable to parse SocketBindAllow= assignment, ignoring: ${v}`),
  check('SocketBindDeny', (v) => /^((ipv4|ipv6):)?((tcp|udp):)?(any|[1-9][0-9]*(-[1-9][0-9]*)?)$/.test(v) ? null : `Unable to parse SocketBindDeny= assignment, ignoring: ${v}`),
  unenforced('RestrictNetworkInterfaces', SS, (w) => {
    const n = w.replace(/^~/, '');
    if (w === '~') return ok(w);
    return (n.length > 0 && n.length < 16 && !/[/:%\s]/.test(n) && !/^[0-9]+$/.test(n)) ? ok(w) : bad(`Invalid interface name, ignoring: ${n}`);
  }, true, { specifiers: false }),
];

// How `systemctl show` prints these rows (org.freedesktop.systemd1.Service/Socket/Slice cgroup part; the
// accounting values are the manager's, show-layout.ts).
showRows(RESOURCE_ROWS, {
  Slice: 'runtime',
  Delegate: { Delegate: (c) => yn(!!c.resource?.delegate) },
  CPUWeight: { CPUWeight: (c) => (c.resource?.cpuWeight == null ? '[not set]' : String(c.resource.cpuWeight)) },
  StartupCPUWeight: { StartupCPUWeight: (c) => (c.resource?.startupCPUWeight == null ? '[not set]' : String(c.resource.startupCPUWeight)) },
  CPUQuota: { CPUQuotaPerSecUSec: (c) => { const q = c.resource?.cpuQuotaPercent ?? null; return q === null ? 'infinity' : usec(Math.round(q * 10_000)); } },
  CPUQuotaPeriodSec: { CPUQuotaPeriodUSec: (c) => (c.resource?.cpuQuotaPeriodUs == null ? 'infinity' : usec(c.resource.cpuQuotaPeriodUs)) },
  AllowedCPUs: { AllowedCPUs: (c) => c.resource?.allowedCPUs ?? '' },
  AllowedMemoryNodes: { AllowedMemoryNodes: (c) => c.resource?.allowedMemoryNodes ?? '' },
  IOWeight: { IOWeight: (c) => (c.resource?.ioWeight == null ? '[not set]' : String(c.resource.ioWeight)) },
  MemoryMin: { MemoryMin: (c) => lim(c.resource?.memoryMin ?? null, '0') },
  MemoryLow: { MemoryLow: (c) => lim(c.resource?.memoryLow ?? null, '0') },
  MemoryHigh: { MemoryHigh: (c) => lim(c.resource?.memoryHigh ?? null, 'infinity') },
  MemoryMax: { MemoryMax: (c) => lim(c.resource?.memoryMax ?? null, 'infinity') },
  MemorySwapMax: { MemorySwapMax: (c) => lim(c.resource?.memorySwapMax ?? null, 'infinity') },
  TasksMax: { TasksMax: (c) => lim(c.resource?.tasksMax ?? null, 'infinity') },
}, [
  'StartupAllowedCPUs', 'StartupAllowedMemoryNodes', 'CPUAccounting', 'MemoryAccounting', 'IOAccounting',
  'BlockIOAccounting', 'TasksAccounting', 'IPAccounting', 'CPUShares', 'StartupCPUShares', 'DefaultMemoryMin',
  'DefaultMemoryLow', 'MemoryLimit', 'DeviceAllow', 'DevicePolicy', 'StartupIOWeight', 'IODeviceWeight',
  'IOReadBandwidthMax', 'IOWriteBandwidthMax', 'IOReadIOPSMax', 'IOWriteIOPSMax', 'IODeviceLatencyTargetSec',
  'BlockIOWeight', 'StartupBlockIOWeight', 'BlockIODeviceWeight', 'BlockIOReadBandwidth', 'BlockIOWriteBandwidth',
  'DisableControllers', 'IPAddressAllow', 'IPAddressDeny', 'IPIngressFilterPath', 'IPEgressFilterPath',
  'ManagedOOMSwap', 'ManagedOOMMemoryPressure', 'ManagedOOMMemoryPressureLimit', 'ManagedOOMPreference',
  'BPFProgram', 'SocketBindAllow', 'SocketBindDeny', 'RestrictNetworkInterfaces',
]);
