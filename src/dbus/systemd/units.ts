// The unit objects (/org/freedesktop/systemd1/unit/<escaped name>: org.freedesktop.systemd1.Unit plus the
// type's interface, .Service, .Socket, ...) and job objects (/org/freedesktop/systemd1/job/<id>:
// org.freedesktop.systemd1.Job), with systemd 252's exact property signatures (spec252.ts).
//
// Reads the manager through src/manager/props.ts (the `show` path) and the
// engine graph; never changes state except through the Manager interface's methods (./manager-iface.ts).
// Invariants: reading a unit that is not loaded loads it and collects it again afterwards (as `show` does),
// so an unknown name answers LoadState=not-found, never an error; values are built per call (no cache) and
// always match their signature (values.ts falls back to systemd's default for anything tsysd cannot say).
import type { UnitConfig } from '../../directives/types';
import { LISTEN_NAMES } from '../../directives/show';
import type { Manager } from '../../manager/manager';
import { unitProperties } from '../../manager/props';
import { parseUnitName } from '../../unit-file/names';
import type { ExecStatus, PropValue } from '../../units/types';
import type { BoundInterface, CallContext, InterfaceSpec } from '../objects';
import { escapePathElement } from '../wire';
import { DEFAULTS, IFACES } from './spec252';
import { UINT64_MAX, execExTuples, execTuples, fromShow, timestampValue, zero } from './values';

export const ROOT = '/org/freedesktop/systemd1';
export const UNIT_PREFIX = `${ROOT}/unit/`;
export const JOB_PREFIX = `${ROOT}/job/`;
export const IFACE_UNIT = 'org.freedesktop.systemd1.Unit';
export const IFACE_JOB = 'org.freedesktop.systemd1.Job';

export function unitPath(id: string): string { return UNIT_PREFIX + escapePathElement(id); }
export function jobPath(id: number): string { return `${JOB_PREFIX}${id}`; }

/** The type interface of a unit name (`foo.service` → org.freedesktop.systemd1.Service), if systemd has one. */
export function typeInterface(name: string): InterfaceSpec | undefined {
  const t = parseUnitName(name)?.type;
  if (!t) return undefined;
  return IFACES[`org.freedesktop.systemd1.${t[0]?.toUpperCase()}${t.slice(1)}`];
}

/** Load `name` for the duration of `fn` (collected again if it was not loaded and got no job or runtime). */
export function withUnit<T>(mgr: Manager, name: string, fn: () => T): T {
  const g = mgr.engine.graph;
  const fresh = !g.peek(name);
  try { return fn(); } finally {
    if (fresh) {
      const u = g.peek(name);
      if (u && !u.job && !mgr.peekRuntime(u.id)) g.collect(u);
    }
  }
}

const EXEC_KEYS = new Set(['ExecCondition', 'ExecStartPre', 'ExecStart', 'ExecStartPost', 'ExecReload', 'ExecStop', 'ExecStopPost', 'ExecStopPre']);

type CmdList = Array<{ path: string; argv: string[]; ignoreFailure: boolean; noEnvExpand?: boolean; privileged?: string }>;

function execList(cfg: UnitConfig, key: string): CmdList | null {
  const s = cfg.service as unknown as Record<string, CmdList> | undefined;
  const k = cfg.socket as unknown as Record<string, CmdList> | undefined;
  const field = key[0]?.toLowerCase() + key.slice(1);
  return s?.[field] ?? k?.[field] ?? null;
}

function loadErrorValue(s: string): [string, string] {
  const m = /^(\S+) "(.*)"$/.exec(s);
  return m ? [m[1] as string, m[2] as string] : ['', ''];
}

/** Every property of one interface of a loaded unit, in spec order. */
export class UnitSnapshot {
  readonly show = new Map<string, string>();
  readonly machine: Record<string, PropValue>;
  private readonly cfg: UnitConfig;
  private readonly u: ReturnType<Manager['engine']['graph']['unit']>;
  constructor(readonly mgr: Manager, readonly id: string) {
    for (const [k, v] of unitProperties(mgr, id)) if (!this.show.has(k)) this.show.set(k, v);
    this.machine = mgr.peekRuntime(id)?.machine.properties() ?? {};
    this.u = mgr.engine.graph.unit(id);
    this.cfg = this.u.config;
  }

  value(iface: InterfaceSpec, name: string, type: string): unknown {
    const special = this.special(name, type);
    if (special !== undefined) return special;
    const s = this.show.get(name);
    if (s !== undefined) {
      const v = fromShow(name, type, s);
      if (v !== null) return v;
    }
    const d = DEFAULTS[iface.name]?.[name];
    return d !== undefined ? d : zero(type);
  }

  private special(name: string, type: string): unknown {
    if (type === 't' && (name.endsWith('Timestamp') || name.endsWith('TimestampMonotonic'))) return timestampValue(name, this.machine) ?? undefined;
    const cfg = this.cfg;
    const u = this.u;
    switch (name) {
      case 'LoadError': {
        const v = loadErrorValue(this.show.get('LoadError') ?? '');
        if (v[0] || u.loadState === 'loaded') return v;
        const names: Record<string, string> = { 'not-found': 'org.freedesktop.systemd1.NoSuchUnit', masked: 'org.freedesktop.systemd1.UnitMasked',
          'bad-setting': 'org.freedesktop.systemd1.BadUnitSetting' };
        const text = this.show.get('LoadError') || cfg.loadError || `Unit ${u.id} failed to load properly.`;
        return [names[u.loadState] ?? 'org.freedesktop.DBus.Error.InvalidArgs', text];
      }
      case 'Job': return u.job ? [u.job.id, jobPath(u.job.id)] : [0, '/'];
      case 'Names': return [...u.names].sort();
      case 'Following': return '';
      case 'Conditions': case 'Asserts': {
        const want = name === 'Asserts';
        return cfg.unit.conditions.filter((c) => c.assert === want).map((c) => [`${want ? 'Assert' : 'Condition'}${c.kind}`, c.trigger, c.negate, c.value, 0]);
      }
      case 'Listen': return (cfg.socket?.listen ?? []).map((l) => [LISTEN_NAMES[l.kind], l.address]);
      case 'EnvironmentFiles': return cfg.exec.environmentFiles.map((f) => [f.path, f.optional]);
      case 'InvocationID': {
        const v = this.machine.InvocationID;
        return typeof v === 'string' && /^[0-9a-f]{32}$/.test(v) ? [...Buffer.from(v, 'hex')] : [];
      }
      case 'SuccessExitStatus': case 'RestartPreventExitStatus': case 'RestartForceExitStatus': {
        const field = name[0]?.toLowerCase() + name.slice(1);
        const s = (cfg.service as unknown as Record<string, { statuses: number[]; signals: number[] }> | undefined)?.[field];
        return s ? [s.statuses, s.signals] : undefined;
      }
      case 'NextElapseUSecRealtime': case 'NextElapseUSecMonotonic': case 'LastTriggerUSec': case 'LastTriggerUSecMonotonic':
      case 'TimersMonotonic': case 'TimersCalendar': return this.timer(name);
      default: break;
    }
    const ex = name.endsWith('Ex') ? name.slice(0, -2) : name;
    if (EXEC_KEYS.has(ex) && (type === 'a(sasbttttuii)' || type === 'a(sasasttttuii)')) {
      const list = execList(cfg, ex) ?? [];
      const st = this.machine[ex] as ExecStatus[] | undefined;
      return ex === name ? execTuples(list, Array.isArray(st) ? st : undefined) : execExTuples(list, Array.isArray(st) ? st : undefined);
    }
    return undefined;
  }

  /** org.freedesktop.systemd1.Timer's schedule from the timer machine (µs; Infinity → USEC_INFINITY). */
  private timer(name: string): unknown {
    const s = this.mgr.peekRuntime(this.id)?.machine.timerSchedule?.();
    const us = (n: number): bigint => (n === Infinity || n >= 2 ** 64 - 1 ? UINT64_MAX : BigInt(Math.max(0, Math.round(n))));
    if (!s) {
      // not running: the configured entries with no next elapse
      const vals = this.cfg.timer?.values ?? [];
      if (name === 'TimersMonotonic') return vals.filter((v) => v.base !== 'OnCalendar').map((v) => [v.base.replace(/Sec$/, 'USec'), us(v.valueUs), 0n]);
      if (name === 'TimersCalendar') return vals.filter((v) => v.base === 'OnCalendar').map((v) => ['OnCalendar', v.calendar, 0n]);
      return name.startsWith('NextElapse') ? UINT64_MAX : 0n;
    }
    switch (name) {
      case 'NextElapseUSecRealtime': return us(s.nextRealtime);
      case 'NextElapseUSecMonotonic': return us(s.nextMonotonic);
      case 'LastTriggerUSec': return us(s.lastTrigger);
      case 'LastTriggerUSecMonotonic': return us(s.lastTriggerMonotonic);
      case 'TimersMonotonic': return s.entries.filter((e) => e.base !== 'OnCalendar').map((e) => [e.base.replace(/Sec$/, 'USec'), us(e.valueUs), us(e.nextElapse)]);
      default: return s.entries.filter((e) => e.base === 'OnCalendar').map((e) => ['OnCalendar', e.calendar, us(e.nextElapse)]);
    }
  }
}

export type UnitMethod = (unit: string, method: string, args: unknown[], ctx: CallContext) => Promise<unknown[]>;

/** The bound interfaces of the unit object `name` (Unit first, as systemd lists them last but order is free). */
export function unitInterfaces(mgr: Manager, name: string, call: UnitMethod): BoundInterface[] {
  const specs: InterfaceSpec[] = [];
  const t = typeInterface(name);
  if (t) specs.push(t);
  const unitSpec = IFACES[IFACE_UNIT];
  if (unitSpec) specs.push(unitSpec);
  return specs.map((spec) => ({
    spec,
    get: (prop) => {
      const p = spec.properties.find((x) => x.name === prop);
      if (!p) return undefined;
      return withUnit(mgr, name, () => { const u = mgr.engine.graph.unit(name); return new UnitSnapshot(mgr, u.id).value(spec, prop, p.type); });
    },
    getAll: () => withUnit(mgr, name, () => {
      const u = mgr.engine.graph.unit(name);
      const snap = new UnitSnapshot(mgr, u.id);
      return spec.properties.filter((p) => p.access !== 'write').map((p): [string, unknown] => [p.name, snap.value(spec, p.name, p.type)]);
    }),
    call: (method, args, ctx) => call(name, method, args, ctx),
  }));
}

/** The job object `id`, or null when no such job is installed. */
export function jobInterfaces(mgr: Manager, id: number, cancel: (id: number, ctx: CallContext) => Promise<void>): BoundInterface[] | null {
  const spec = IFACES[IFACE_JOB];
  const job = () => mgr.engine.listJobs().find((j) => j.id === id);
  if (!spec || !job()) return null;
  return [{
    spec,
    get: (prop) => {
      const j = job();
      if (!j) return undefined;
      switch (prop) {
        case 'Id': return j.id;
        case 'Unit': return [j.unit, unitPath(j.unit)];
        case 'JobType': return j.type === 'try-reload' ? 'reload' : j.type;
        case 'State': return j.state;
        case 'ActivationDetails': return [];
        default: return undefined;
      }
    },
    call: async (method, _args, ctx) => {
      if (method === 'Cancel') { await cancel(id, ctx); return []; }
      return [[]];   // GetAfter / GetBefore: tsysd does not expose job ordering
    },
  }];
}
