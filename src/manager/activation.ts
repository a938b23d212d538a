// Activation for the manager: sockets starting their services (Accept=no) or one instance per connection
// (Accept=yes, with the connection fd and REMOTE_* environment owned here until the instance stops), timer
// and path units starting what they trigger (with TRIGGER_* environment), and the listening fds a service
// gets from the sockets that trigger it. The manager's SocketManager/TriggerManager methods forward here.
// Invariant: a connection fd is closed exactly once: when its instance stops, or when the manager exits.
import createDebug from 'debug';
import type { PeerInfo, StartTriggeredResult, TriggeredServiceInfo, TriggerTarget } from '../units/host';
import type { ActiveState } from '../units/types';
import type { Manager } from './manager';
import { monotonicOf } from './trigger-host';

const debug = createDebug('tsysd:manager');

export interface Connection { fd: number; env: string[]; socket: string; peer: PeerInfo }

export class Activation {
  /** Accept=yes instances: connection fd and REMOTE_* environment, owned until the instance stops. */
  readonly connections = new Map<string, Connection>();
  /** TRIGGER_* environment of the activation a timer/path queued, per triggered unit, until it stops. */
  private readonly activation = new Map<string, string[]>();

  constructor(private readonly m: Manager) {}

  // ---- sockets ----------------------------------------------------------------------------------------
  socketServiceInfo(_socket: string, service: string): TriggeredServiceInfo {
    const u = this.m.engine.graph.unit(service);
    const rt = this.m.runtimes.peek(u.id);
    const a = rt ? rt.machine.activeState() : 'inactive';
    const pendingStart = !!u.job && u.job.type !== 'stop';
    return {
      loaded: u.loadState === 'loaded',
      subState: rt ? rt.machine.subState() : 'dead',
      activeOrPending: a === 'active' || a === 'reloading' || a === 'activating' || pendingStart,
    };
  }

  startService(socket: string, service: string): boolean {
    if (this.m.shuttingDown) return false;
    const r = this.m.engine.enqueue(service, 'start', 'replace');
    if (!r.ok) this.m.unitLog(socket, 'warning', `Failed to queue service startup job (Maybe the service file is missing or not a non-template unit?): ${r.message}`);
    return r.ok;
  }

  startAcceptInstance(socket: string, name: string, fd: number, peer: PeerInfo, env: string[]): boolean {
    if (this.m.shuttingDown) return false;
    this.connections.set(name, { fd, env, socket, peer });
    const r = this.m.engine.enqueue(name, 'start', 'replace');
    if (!r.ok) {
      this.connections.delete(name);
      this.m.unitLog(socket, 'warning', `Failed to queue service startup job for ${name}: ${r.message}`);
      return false;
    }
    return true;
  }

  // ---- timers and paths -------------------------------------------------------------------------------
  triggerTargetOf(id: string): TriggerTarget | null {
    const u = this.m.engine.graph.peek(id);
    const t = u?.get('Triggers')[0];
    if (!t) return null;
    const rt = this.m.runtimes.peek(t.id);
    const props = rt ? rt.machine.properties() : {};
    return {
      id: t.id,
      loaded: t.loadState === 'loaded',
      activeState: rt ? rt.machine.activeState() : 'inactive',
      inactiveExitMonotonic: monotonicOf(props['InactiveExitTimestamp']),
      inactiveEnterMonotonic: monotonicOf(props['InactiveEnterTimestamp']),
      hasJob: !!t.job,
      startLimitHit: rt?.machine.startLimitHit?.() ?? false,
    };
  }

  startTriggered(from: string, target: string, env: Record<string, string>): StartTriggeredResult {
    if (this.m.shuttingDown) return { ok: false, error: 'Transaction is destructive.' };
    // set before queueing: the job may run (and spawn) at once
    const prev = this.activation.get(target);
    this.activation.set(target, Object.entries(env).map(([k, v]) => `${k}=${v}`));
    const r = this.m.engine.enqueue(target, 'start', 'replace');
    if (!r.ok) {
      if (prev) this.activation.set(target, prev); else this.activation.delete(target);
      return { ok: false, error: r.message };
    }
    debug('%s queued start of %s', from, target);
    return { ok: true };
  }

  activationEnvFor(unit: string): string[] { return this.activation.get(unit) ?? []; }

  /** Socket fds (and names) handed to `unit`'s ExecStart by the sockets that trigger it. */
  listenFdsFor(unit: string): { fds: number[]; names: string[] } {
    const fds: number[] = [];
    const names: string[] = [];
    const u = this.m.engine.graph.peek(unit);
    if (!u) return { fds, names };
    for (const s of u.get('TriggeredBy')) {
      const l = this.m.runtimes.peek(s.id)?.host.passedFds();
      if (!l) continue;
      fds.push(...l.fds);
      names.push(...l.names);
    }
    return { fds, names };
  }

  connectionFor(unit: string): { fd: number; env: string[] } | null {
    const c = this.connections.get(unit);
    return c ? { fd: c.fd, env: c.env } : null;
  }

  /** `id` reached inactive/failed: forget its trigger environment, release its Accept=yes connection and
   *  collect the stopped instance. */
  unitStopped(id: string, state: ActiveState): void {
    this.activation.delete(id);
    const conn = this.connections.get(id);
    if (conn) {
      this.connections.delete(id);
      this.m.platform.close(conn.fd);
      const srt = this.m.runtimes.peek(conn.socket);
      if (srt?.machine.onConnectionClosed) this.m.barrier.guard('deferred', srt.id, () => srt.machine.onConnectionClosed?.(conn.peer));
      // Accept=yes instances are garbage-collected once they are inactive (failed ones stay until reset-failed).
      if (state === 'inactive') {
        const rt = this.m.runtimes.peek(id);
        if (rt) this.m.defer(() => {
          const u = this.m.engine.graph.peek(id);
          if (rt.machine.activeState() !== 'inactive' || u?.job) return;
          this.m.runtimes.drop(rt);
          const gone = u ? this.m.engine.graph.collect(u) : false;
          debug('garbage-collect %s: %s (job %s)', id, gone ? 'unloaded' : 'still referenced', u?.job ? u.job.id : 'none');
          this.m.logs.drop(id);
        }, id);
      }
    }
  }

  /** The manager exits: close every connection. */
  closeAll(): void {
    for (const c of this.connections.values()) this.m.platform.close(c.fd);
    this.connections.clear();
  }
}
