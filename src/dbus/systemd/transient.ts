// Transient units (Manager.StartTransientUnit, what `systemd-run` calls) and runtime property changes
// (Manager.SetUnitProperties, `systemctl set-property`): D-Bus property assignments → unit-file text,
// written where systemd writes them (/run/systemd/transient/NAME, /run/systemd/system.control/NAME.d/ and
// /etc/systemd/system.control/NAME.d/), then loaded through the ordinary unit-file path.
//
// `assignmentsToUnit` is pure; `TransientUnits` does the file work.
// A scope's PIDs= are not unit-file text: they are checked here and handed to the scope's start through
// Manager.scopePids (src/manager/scope-host.ts moves them into the scope).
// Invariants: a property tsysd cannot express is refused with systemd's InvalidArgs error before anything is
// written; a transient unit file is removed again once its unit is inactive (a failed one stays until
// reset-failed, as systemd keeps failed transient units) and the unit is unloaded; nothing outside the
// transient/control directories is ever written. With --unit-path (no /run/systemd/transient in the search path) the
// transient directory is <runtime-dir>/transient, put first in the search path.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Caller, ManagerApi } from '../../rpc/api';
import type { JobMode, JobReply, RpcEvent } from '../../rpc/protocol';
import type { Manager } from '../../manager/manager';
import { UnitFileIndex } from '../../unit-file/load';
import { parseUnitName } from '../../unit-file/names';
import { DbusError, Errors } from '../objects';
import { isVariant, type VariantLike } from '../wire';
import { jobPath } from './units';

const UNIT_KEYS = new Set(['Description', 'Documentation', 'After', 'Before', 'Requires', 'Requisite', 'Wants', 'BindsTo', 'PartOf',
  'Conflicts', 'OnFailure', 'OnSuccess', 'DefaultDependencies', 'CollectMode', 'StopWhenUnneeded', 'RefuseManualStart', 'RefuseManualStop',
  'JobTimeoutUSec', 'JobRunningTimeoutUSec', 'StartLimitIntervalUSec', 'StartLimitBurst', 'SuccessAction', 'FailureAction', 'SourcePath',
  'Upholds', 'PropagatesReloadTo', 'ReloadPropagatedFrom', 'JoinsNamespaceOf', 'IgnoreOnIsolate', 'AllowIsolate']);
/** Accepted and ignored (they only matter to systemd's bookkeeping). */
const IGNORED = new Set(['AddRef']);
/** Types whose section takes Slice= (systemd-run --slice); for the others it is accepted and ignored. */
const SLICED = new Set(['service', 'socket', 'scope']);
const SECTION: Record<string, string> = { service: 'Service', socket: 'Socket', timer: 'Timer', path: 'Path', mount: 'Mount', scope: 'Scope', slice: 'Slice', swap: 'Swap', automount: 'Automount' };

/** Quote one word for a unit file (systemd's unquoting rules). */
function q(w: string): string {
  const e = w.replace(/%/g, '%%');
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(e) ? e : `"${e.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}
function line(s: string): string { return s.replace(/%/g, '%%').replace(/\n/g, ' '); }

function usecKey(name: string): [string, string] | null {
  if (name.endsWith('USec')) return [`${name.slice(0, -4)}Sec`, 'us'];
  if (name.endsWith('NSec')) return [`${name.slice(0, -4)}NSec`, 'ns'];
  return null;
}

/** `[section] key=value` lines for one (name, value) D-Bus assignment, or an error message. */
export function assignmentLines(name: string, v: VariantLike): { section: 'Unit' | 'Type'; lines: string[] } | { error: string } {
  const sig = v.signature;
  const val = v.value;
  const section = UNIT_KEYS.has(name) || name.startsWith('Condition') || name.startsWith('Assert') ? 'Unit' as const : 'Type' as const;
  const ok = (lines: string[]): { section: 'Unit' | 'Type'; lines: string[] } => ({ section, lines });
  if (/^Exec[A-Za-z]+$/.test(name) && (sig === 'a(sasb)' || sig === 'a(sasas)')) {
    const base = name.endsWith('Ex') ? name.slice(0, -2) : name;
    return ok((val as Array<[string, string[], boolean | string[]]>).map(([p, argv, f]) => {
      const flags = Array.isArray(f) ? f : f ? ['ignore-failure'] : [];
      const prefix = (flags.includes('ignore-failure') ? '-' : '') + (flags.includes('privileged') ? '+' : '') + (flags.includes('no-env-expand') ? ':' : '');
      return `${base}=${prefix}@${q(p)} ${(argv.length ? argv : [p]).map(q).join(' ')}`;
    }));
  }
  if (name === 'TimersCalendar' && sig === 'a(ss)') return ok((val as Array<[string, string]>).map(([k, s]) => `${k}=${line(s)}`));
  if (name === 'TimersMonotonic' && sig === 'a(st)') return ok((val as Array<[string, bigint]>).map(([k, t]) => `${k.replace(/USec$/, 'Sec')}=${String(t)}us`));
  if (name === 'Environment' && sig === 'as') return ok([`Environment=${(val as string[]).map(q).join(' ')}`]);
  if (name === 'EnvironmentFiles' && sig === 'a(sb)') return ok((val as Array<[string, boolean]>).map(([p, opt]) => `EnvironmentFile=${opt ? '-' : ''}${line(p)}`));
  if (name === 'Listen' || name.startsWith('Listen')) {
    if (sig === 'a(ss)') return ok((val as Array<[string, string]>).map(([k, a]) => `Listen${k}=${line(a)}`));
  }
  switch (sig) {
    case 's': return ok([`${name}=${line(String(val))}`]);
    case 'b': return ok([`${name}=${val ? 'yes' : 'no'}`]);
    case 'as': return ok([`${name}=${(val as string[]).map(q).join(' ')}`]);
    case 't': case 'x': case 'u': case 'i': case 'q': case 'n': case 'y': {
      const u = usecKey(name);
      const n = typeof val === 'bigint' ? val : BigInt(Math.trunc(Number(val)));
      if (u) return ok([`${u[0]}=${n === 0xffffffffffffffffn ? 'infinity' : `${String(n)}${u[1]}`}`]);
      if (name === 'UMask' || name.endsWith('Mode')) return ok([`${name}=${n.toString(8).padStart(4, '0')}`]);
      return ok([`${name}=${n === 0xffffffffffffffffn ? 'infinity' : String(n)}`]);
    }
    default: return { error: `Cannot set property ${name}, or unknown property.` };
  }
}

/** The unit file for a transient unit of `type` from its D-Bus assignments. */
export function assignmentsToUnit(type: string, props: Array<[string, unknown]>): { text: string } | { error: string } {
  const unit: string[] = [];
  const own: string[] = [];
  for (const [name, v] of props) {
    if (IGNORED.has(name) || (name === 'Slice' && !SLICED.has(type))) continue;
    if (!isVariant(v)) return { error: `Invalid property ${name}` };
    const r = assignmentLines(name, v);
    if ('error' in r) return r;
    (r.section === 'Unit' ? unit : own).push(...r.lines);
  }
  const section = SECTION[type];
  let text = '# Transient unit written by tsysd (StartTransientUnit)\n[Unit]\n' + unit.map((l) => `${l}\n`).join('');
  if (section) text += `[${section}]\n${own.map((l) => `${l}\n`).join('')}`;
  else if (own.length) return { error: `Unit type ${type} does not take ${own[0]?.split('=')[0]}=` };
  return { text };
}

export class TransientUnits {
  private readonly dir: string;
  private readonly controlRun: string;
  private readonly controlEtc: string;
  private readonly mine = new Set<string>();
  /** Transient units a client holds a reference on (AddRef=yes): their file goes, the unit stays loaded. */
  private readonly referenced = new Set<string>();
  private readonly off: () => void;

  constructor(private readonly mgr: Manager, private readonly api: ManagerApi, private readonly runJob: (fn: () => Promise<JobReply>) => Promise<JobReply>) {
    const sp = mgr.searchPath;
    if (sp.includes('/run/systemd/transient')) this.dir = '/run/systemd/transient';
    else {
      this.dir = path.join(mgr.opts.runtimeDir, 'transient');
      sp.unshift(this.dir);
    }
    this.controlRun = sp.includes('/run/systemd/system.control') ? '/run/systemd/system.control' : this.dir;
    this.controlEtc = sp.includes('/etc/systemd/system.control') ? '/etc/systemd/system.control' : this.dir;
    this.off = api.onEvent((e) => this.onEvent(e));
  }

  close(): void { this.off(); }

  private refresh(name: string): void {
    this.mgr.index = new UnitFileIndex(this.mgr.searchPath, false);
    const g = this.mgr.engine.graph;
    const u = g.peek(name);
    if (u && !u.job && !this.mgr.peekRuntime(u.id)) g.collect(u);
  }

  /** StartTransientUnit(ssa(sv)a(sa(sv))) → o */
  async start(args: unknown[], c: Caller): Promise<unknown[]> {
    const [name, mode, props, aux] = args as [string, string, Array<[string, unknown]>, Array<[string, Array<[string, unknown]>]>];
    const all: Array<[string, Array<[string, unknown]>]> = [[name, props], ...aux];
    const files: Array<[string, string]> = [];
    const scopes: Array<[string, number[]]> = [];
    for (const [n, p] of all) {
      const parsed = parseUnitName(n);
      if (!parsed || parsed.isTemplate) throw Errors.invalidArgs(`Invalid unit name or type.`);
      const g = this.mgr.engine.graph.peek(n);
      if (g && g.loadState !== 'not-found') throw new DbusError('org.freedesktop.systemd1.UnitExists', `Unit ${n} already exists.`);
      const own = parsed.type === 'scope' ? this.scopePids(p, c) : null;
      if (own) scopes.push([n, own.pids]);
      const r = assignmentsToUnit(parsed.type, own ? own.rest : p);
      if ('error' in r) throw Errors.invalidArgs(r.error);
      files.push([n, r.text]);
    }
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o755 });
    for (const [n, text] of files) { fs.writeFileSync(path.join(this.dir, n), text); this.mine.add(n); }
    // AddRef=yes (systemd-run --wait, -P): the client reads the unit after it ended, so it is not unloaded.
    for (const [n, p] of all) if (p.some(([k, v]) => k === 'AddRef' && isVariant(v) && v.value === true)) this.referenced.add(n);
    for (const [n] of files) this.refresh(n);
    for (const [n, pids] of scopes) this.mgr.scopePids.set(n, pids);
    try {
      const r = await this.runJob(() => this.api.start({ unit: name, mode: (mode || 'fail') as JobMode }, c));
      return [jobPath(r.job)];
    } finally {
      for (const [n] of scopes) this.mgr.scopePids.delete(n);   // taken by the scope's start, or never used
    }
  }

  /** A scope's PIDs= (au; 0 = the caller), checked as systemd's unit_pid_attachable(), and its other
   *  properties. systemd 252 has no PIDFDs=. */
  private scopePids(props: Array<[string, unknown]>, c: Caller): { pids: number[]; rest: Array<[string, unknown]> } {
    const pids: number[] = [];
    const rest: Array<[string, unknown]> = [];
    const p = this.mgr.platform;
    for (const [k, v] of props) {
      if (k !== 'PIDs') { rest.push([k, v]); continue; }
      if (!isVariant(v) || v.signature !== 'au' || !Array.isArray(v.value)) throw Errors.invalidArgs('Invalid PIDs= property, expecting an array of process ids.');
      for (const raw of v.value as unknown[]) {
        const pid = Number(raw) === 0 ? c.pid : Number(raw);
        if (!Number.isInteger(pid) || pid <= 0) throw Errors.invalidArgs(`Process identifier ${String(raw)} is not valid.`);
        if (pid === 1 || pid === p.pid()) throw Errors.invalidArgs(`Process ${pid} is a manager process, refusing.`);
        const st = p.procStat(pid);
        if (!st) throw new DbusError('org.freedesktop.DBus.Error.UnixProcessIdUnknown', `Process with ID ${pid} does not exist.`);
        if (!pids.includes(pid)) pids.push(pid);
      }
    }
    if (pids.length === 0) throw Errors.invalidArgs('Scope has no PIDs. Refusing.');
    return { pids, rest };
  }

  /** SetUnitProperties(sba(sv)): one drop-in per property, then reload. */
  async setProperties(args: unknown[], _c: Caller): Promise<unknown[]> {
    const [name, runtime, props] = args as [string, boolean, Array<[string, unknown]>];
    const parsed = parseUnitName(name);
    if (!parsed) throw Errors.invalidArgs(`Unit name ${name} is not valid.`);
    const u = this.mgr.engine.graph.unit(name);
    if (u.loadState === 'not-found') throw new DbusError('org.freedesktop.systemd1.NoSuchUnit', `Unit ${name} not found.`);
    const writes: Array<[string, string]> = [];
    for (const [k, v] of props) {
      if (!isVariant(v)) throw Errors.invalidArgs(`Invalid property ${k}`);
      const r = assignmentLines(k, v);
      if ('error' in r) throw Errors.invalidArgs(r.error);
      const section = r.section === 'Unit' ? 'Unit' : SECTION[parsed.type] ?? 'Unit';
      writes.push([k, `# This is a drop-in unit file extension, created via "systemctl set-property"\n# or an equivalent operation. Do not edit.\n[${section}]\n${r.lines.join('\n')}\n`]);
    }
    const dir = path.join(runtime ? this.controlRun : this.controlEtc, `${u.id}.d`);
    fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    for (const [k, text] of writes) fs.writeFileSync(path.join(dir, `50-${k}.conf`), text);
    this.mgr.reload();
    return [];
  }

  /** A transient unit that is inactive with no job left (its stop or start job is done) is collected. */
  private onEvent(e: RpcEvent): void {
    const id = e.type === 'unit' ? e.unit : e.type === 'job' && e.phase === 'removed' ? e.job.unit : null;
    if (id === null || !this.mine.has(id)) return;
    if (e.type === 'unit' && e.activeState !== 'inactive') return;
    this.mgr.defer(() => this.collect(id), id);
  }

  private collect(id: string): void {
    const rt = this.mgr.runtimes.peek(id);
    const g = this.mgr.engine.graph.peek(id);
    if (!this.mine.has(id) || g?.job || (rt ? rt.machine.activeState() : g?.activeState ?? 'inactive') !== 'inactive') return;
    this.mine.delete(id);
    try { fs.unlinkSync(path.join(this.dir, id)); } catch { /* gone */ }
    // systemd's unit GC: an inactive transient unit is unloaded (its name is free for the next systemd-run).
    if (this.referenced.delete(id)) return;
    if (rt) this.mgr.runtimes.drop(rt);
    if (g) this.mgr.engine.graph.collect(g);
  }

}
