// systemd's D-Bus face of a tsysd manager: the object tree (/org/freedesktop/systemd1 with the Manager
// interface, unit objects, job objects), the signals (JobNew, JobRemoved, UnitNew, UnitRemoved, Reloading,
// StartupFinished, PropertiesChanged) fed from the manager's event stream, and the private socket
// (/run/systemd/private: peer to peer, root only like systemd's).
//
// An adapter over ManagerApi + read access to the Manager; holds no unit
// state of its own beyond the signals it still owes.
// Invariants: every job returned by a method is followed by exactly one JobRemoved signal (the manager's
// own event, or, for a job that finished inside the call, one emitted here after the reply), so systemctl
// waiting for it never hangs; a listener exception never reaches the manager.
import createDebug from 'debug';
import * as fs from 'node:fs';
import type { Caller, ManagerApi } from '../../rpc/api';
import type { JobReply, RpcEvent } from '../../rpc/protocol';
import type { Manager } from '../../manager/manager';
import { parseUnitName } from '../../unit-file/names';
import { Dispatcher, signalMessage, type CallContext, type ObjectNode, type ObjectTree } from '../objects';
import { DbusServer } from '../server';
import type { Message } from '../wire';
import { unescapePathElement } from '../wire';
import { IFACE_MANAGER, ManagerInterface, isWriteMethod, toDbusError } from './manager-iface';
import { IFACE_UNIT, JOB_PREFIX, ROOT, UNIT_PREFIX, jobInterfaces, jobPath, unitInterfaces, unitPath } from './units';
import { Errors } from '../objects';
import { TransientUnits } from './transient';
import { activationRequest, type ActivationFailure } from './activator';

const debug = createDebug('tsysd:dbus');

export const SYSTEMD_VERSION = '252';
const NODES = new Set(['/', '/org', '/org/freedesktop', ROOT, `${ROOT}/unit`, `${ROOT}/job`]);

/** Unit-object methods → Manager methods with the unit's name first. */
const UNIT_METHODS: Record<string, string> = {
  Start: 'StartUnit', Stop: 'StopUnit', Reload: 'ReloadUnit', Restart: 'RestartUnit', TryRestart: 'TryRestartUnit',
  ReloadOrRestart: 'ReloadOrRestartUnit', ReloadOrTryRestart: 'ReloadOrTryRestartUnit', Kill: 'KillUnit', ResetFailed: 'ResetFailedUnit',
  SetProperties: 'SetUnitProperties', GetProcesses: 'GetUnitProcesses', Clean: 'CleanUnit', Freeze: 'FreezeUnit', Thaw: 'ThawUnit',
  Abandon: 'AbandonScope',
};

export interface FaceOptions {
  mgr: Manager;
  api: ManagerApi;
  machineId?: () => string;
  transient?: (args: unknown[], c: Caller) => Promise<unknown[]>;
  setProperties?: (args: unknown[], c: Caller) => Promise<unknown[]>;
}

export class SystemdFace {
  readonly dispatcher: Dispatcher;
  readonly manager: ManagerInterface;
  /** Where signals go, each with whether anyone is behind it right now (the private server's connections). */
  private readonly sinks = new Set<{ send: (m: Message) => void; live: () => boolean }>();
  private readonly off: () => void;
  /** Job ids whose JobRemoved was already sent, kept while a job method call is in progress. */
  private capturing = 0;
  private removedDuringCall = new Set<number>();

  private readonly transient: TransientUnits;

  constructor(private readonly o: FaceOptions) {
    this.transient = new TransientUnits(o.mgr, o.api, (fn) => this.runJob(fn));
    this.manager = new ManagerInterface(o.mgr, o.api, { runJob: (fn) => this.runJob(fn) }, `${SYSTEMD_VERSION} (tsysd)`,
      { transient: o.transient ?? ((a, c) => this.transient.start(a, c)), setProperties: o.setProperties ?? ((a, c) => this.transient.setProperties(a, c)) });
    const tree: ObjectTree = { lookup: (p, ctx) => this.lookup(p, ctx), children: (p) => this.children(p), isNode: (p) => NODES.has(p) };
    this.dispatcher = new Dispatcher({
      tree, machineId: o.machineId ?? machineId,
      // A bug behind a D-Bus call goes through the manager's crash barrier (logged, counted) like any event.
      onFault: (e, m) => o.mgr.guard('dbus', '', () => { throw e instanceof Error ? e : new Error(`${m.interface}.${m.member}: ${String(e)}`); }),
    });
    this.off = o.api.onEvent((e) => { try { this.onEvent(e); } catch (err) { debug('signal failed: %s', (err as Error).message); } });
  }

  /** Where signals go (the private server's broadcast, the system bus connection); `live` false: nobody to
   *  send to right now, so no signal is built for it. */
  addSink(fn: (m: Message) => void, live: () => boolean = () => true): () => void {
    const s = { send: fn, live };
    this.sinks.add(s);
    return () => this.sinks.delete(s);
  }

  /** Some sink has a receiver: with none (no client on the private socket, no system bus) the unit and job
   *  events of a 10,000-unit boot would build ~30,000 signal messages for nobody. */
  private listening(): boolean {
    for (const s of this.sinks) if (s.live()) return true;
    return false;
  }

  close(): void { this.off(); this.transient.close(); this.sinks.clear(); }

  /** dbus-daemon's ActivationRequest for `unit` (system bus only); `fail` gets the ActivationFailure body. */
  activate(unit: string, fail: (f: ActivationFailure) => void): void { activationRequest(this.o.mgr, this.o.api, unit, fail); }

  private emit(m: Message): void { for (const s of [...this.sinks]) if (s.live()) s.send(m); }

  private async runJob(fn: () => Promise<JobReply>): Promise<JobReply> {
    this.capturing++;
    let r: JobReply;
    try { r = await fn(); } finally { this.capturing--; }
    const sent = this.removedDuringCall.has(r.job);
    if (this.capturing === 0) this.removedDuringCall.clear();
    if (r.result !== undefined && !sent) {
      // Finished inside the call without an event: systemd would still have sent JobNew/JobRemoved.
      const job = r.job;
      setImmediate(() => this.emit(signalMessage(ROOT, IFACE_MANAGER, 'JobRemoved', 'uoss', [job, jobPath(job), r.unit, r.result ?? 'done'])));
    }
    return r;
  }

  private onEvent(e: RpcEvent): void {
    if (e.type === 'job' && e.phase !== 'new' && this.capturing > 0) this.removedDuringCall.add(e.job.id);
    if (!this.listening()) return;
    if (e.type === 'job') {
      const j = e.job;
      if (e.phase === 'new') this.emit(signalMessage(ROOT, IFACE_MANAGER, 'JobNew', 'uos', [j.id, jobPath(j.id), j.unit]));
      else {
        this.emit(signalMessage(ROOT, IFACE_MANAGER, 'JobRemoved', 'uoss', [j.id, jobPath(j.id), j.unit, e.result ?? 'done']));
      }
    } else if (e.type === 'unit') {
      const changed = { ActiveState: variantOf('s', e.activeState), SubState: variantOf('s', e.subState) };
      this.emit(signalMessage(unitPath(e.unit), 'org.freedesktop.DBus.Properties', 'PropertiesChanged', 'sa{sv}as', [IFACE_UNIT, changed, []]));
    } else if (e.type === 'manager') {
      if (e.what === 'reloading') this.emit(signalMessage(ROOT, IFACE_MANAGER, 'Reloading', 'b', [true]));
      if (e.what === 'reloaded') {
        this.emit(signalMessage(ROOT, IFACE_MANAGER, 'Reloading', 'b', [false]));
        this.emit(signalMessage(ROOT, IFACE_MANAGER, 'UnitFilesChanged', '', []));
      }
    }
  }

  /** Sent once the boot target is reached (the daemon calls it). */
  startupFinished(userspaceUs: number): void {
    const t = BigInt(Math.max(0, Math.round(userspaceUs)));
    this.emit(signalMessage(ROOT, IFACE_MANAGER, 'StartupFinished', 'tttttt', [0n, 0n, 0n, 0n, t, t]));
  }

  private lookup(path: string, ctx?: CallContext): ObjectNode | null {
    if (path === ROOT) return { interfaces: [this.manager.bound()] };
    if (path.startsWith(UNIT_PREFIX)) {
      // unit/self: the unit of the calling process (systemd-run --scope reads its scope's InvocationID so)
      const self = path === `${UNIT_PREFIX}self` && ctx && ctx.caller.pid > 0 ? this.o.mgr.findUnitByPid(ctx.caller.pid)?.id : undefined;
      const name = self ?? unescapePathElement(path.slice(UNIT_PREFIX.length));
      if (!name || !parseUnitName(name)) return null;
      return { interfaces: unitInterfaces(this.o.mgr, name, (unit, method, args, ctx) => this.unitCall(unit, method, args, ctx)) };
    }
    if (path.startsWith(JOB_PREFIX)) {
      const id = Number(path.slice(JOB_PREFIX.length));
      if (!Number.isSafeInteger(id) || id <= 0) return null;
      const ifs = jobInterfaces(this.o.mgr, id, async (job, ctx) => {
        if (!ctx.caller.privileged) throw Errors.accessDenied();
        try { await this.o.api.cancel({ job }, ctx.caller); } catch (e) { throw toDbusError(e); }
      });
      return ifs ? { interfaces: ifs } : null;
    }
    return null;
  }

  private async unitCall(unit: string, method: string, args: unknown[], ctx: CallContext): Promise<unknown[]> {
    const target = UNIT_METHODS[method];
    if (!target) return this.manager.bound().call?.(method, args, ctx) ?? [];
    if (isWriteMethod(target) && !ctx.caller.privileged) throw Errors.accessDenied();
    const r = await this.manager.bound().call?.(target, [unit, ...args], ctx);
    return r ?? [];
  }

  private children(path: string): string[] {
    if (path === '/') return ['org'];
    if (path === '/org') return ['freedesktop'];
    if (path === '/org/freedesktop') return ['systemd1'];
    if (path === ROOT) return ['unit', 'job'];
    if (path === ROOT + '/unit') return this.o.mgr.engine.graph.units().map((u) => unitPath(u.id).slice(UNIT_PREFIX.length));
    if (path === ROOT + '/job') return this.o.mgr.engine.listJobs().map((j) => String(j.id));
    return [];
  }

  /** Serve the private socket (peer to peer, like systemd's /run/systemd/private). */
  async servePrivate(path: string, opts: { userMode: boolean; managerUid: number }): Promise<DbusServer> {
    const allowed = (uid: number): boolean => uid === 0 || uid === opts.managerUid;
    const server = new DbusServer({
      path, dispatcher: this.dispatcher,
      accept: (cred) => allowed(cred.uid),
      privileged: (cred) => allowed(cred.uid),
      socketMode: opts.userMode ? 0o600 : 0o600,
    });
    await server.listen();
    const off = this.addSink((m) => server.broadcast(m), () => server.hasConnections());
    const close = server.close.bind(server);
    server.close = async () => { off(); await close(); };
    return server;
  }
}

function variantOf(sig: string, v: unknown): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../wire') as typeof import('../wire')).variant(sig, v);
}

let cachedMachineId = '';
function machineId(): string {
  if (cachedMachineId) return cachedMachineId;
  try { cachedMachineId = fs.readFileSync('/etc/machine-id', 'utf8').trim(); } catch { /* none */ }
  if (!/^[0-9a-f]{32}$/.test(cachedMachineId)) cachedMachineId = '0'.repeat(32);
  return cachedMachineId;
}

export { isWriteMethod };
