// Admission of connections to the manager's stream sockets (the control socket today; the D-Bus private
// socket reuses it): a global cap, a per-uid share, and a reserve that only privileged peers (root, or the
// user manager's own uid) may use — so no unprivileged user can lock root out by holding connections, as
// the system D-Bus caps connections per user (max_connections_per_user). Owner: reliability (issue 12).
// The numbers live in LIMITS (src/rpc/protocol.ts), the one place for every bound of the control API.
// Invariant: admit() and release() are paired per accepted connection; counts never go negative.

export interface AdmissionLimits {
  /** Connections of unprivileged peers over all uids. */
  maxConnections: number;
  /** Connections of one unprivileged uid (unknown peers share the bucket of uid -1). */
  maxConnectionsPerUid: number;
  /** Extra connections only privileged peers may take once the others hold maxConnections. */
  privilegedReserve: number;
}

export class ConnectionAdmission {
  private readonly perUid = new Map<number, number>();
  private unprivileged = 0;
  private privileged = 0;
  constructor(private readonly limits: AdmissionLimits) {}

  get total(): number { return this.unprivileged + this.privileged; }
  /** The hard cap a listener may use as its own backstop. */
  get hardCap(): number { return this.limits.maxConnections + this.limits.privilegedReserve; }

  /** May a peer of `uid` connect now? On true the connection is counted until release(). */
  admit(uid: number, privileged: boolean): boolean {
    if (privileged) {
      if (this.total >= this.hardCap) return false;
      this.privileged++;
      return true;
    }
    const n = this.perUid.get(uid) ?? 0;
    if (n >= this.limits.maxConnectionsPerUid || this.unprivileged >= this.limits.maxConnections || this.total >= this.limits.maxConnections + this.privileged) return false;
    this.perUid.set(uid, n + 1);
    this.unprivileged++;
    return true;
  }

  release(uid: number, privileged: boolean): void {
    if (privileged) { if (this.privileged > 0) this.privileged--; return; }
    const n = this.perUid.get(uid) ?? 0;
    if (n <= 1) this.perUid.delete(uid); else this.perUid.set(uid, n - 1);
    if (this.unprivileged > 0) this.unprivileged--;
  }

  countOf(uid: number): number { return this.perUid.get(uid) ?? 0; }
}
