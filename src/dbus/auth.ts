// The server half of D-Bus's SASL handshake, as sd-bus's server does it (bus_socket_auth_verify_server):
// a leading NUL byte, then CRLF-terminated lines: `AUTH EXTERNAL [hex(uid)]` (the uid must be the one
// SO_PEERCRED reported), `DATA [hex(uid)]` after our `DATA` challenge, `NEGOTIATE_UNIX_FD`, `BEGIN`.
// Clients (systemctl) send everything in one write; the bytes after `BEGIN\r\n` are the first message and
// are handed back to the caller.
//
// Pure: no I/O, no Node imports beyond Buffer.
// Invariants: at most MAX_AUTH_BYTES of handshake are buffered (sd-bus's BUS_AUTH_SIZE_MAX is 1 MiB; ours is
// smaller, lines are short); a violation yields `{ fail }` and the caller closes the connection. Unix fd
// passing is refused (`ERROR`): Node's stream sockets cannot receive SCM_RIGHTS, and sd-bus then simply
// does not send fds (can_fds = false).

export const MAX_AUTH_BYTES = 16384;

export interface AuthStep {
  /** Bytes to write back (may be empty). */
  out: string;
  /** Set once BEGIN was accepted: the bytes that followed it (the start of the message stream). */
  done?: Buffer;
  /** Set when the peer broke the protocol: close the connection. */
  fail?: string;
}

type Mech = 'none' | 'external' | 'anonymous';

export class AuthServer {
  private buf: Buffer = Buffer.alloc(0);
  private sawNul = false;
  private mech: Mech = 'none';
  private authed = false;

  /** @param peerUid the uid from SO_PEERCRED (-1 unknown: EXTERNAL then fails)
   *  @param guid 32 hex digits, the server id sent with OK
   *  @param allowAnonymous accept AUTH ANONYMOUS (never on the private socket) */
  constructor(private readonly peerUid: number, private readonly guid: string, private readonly allowAnonymous = false) {}

  get authenticated(): boolean { return this.authed; }

  feed(chunk: Buffer): AuthStep {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    let out = '';
    if (!this.sawNul) {
      if (this.buf.length < 1) return { out };
      if (this.buf[0] !== 0) return { out, fail: 'handshake does not start with a NUL byte' };
      this.sawNul = true;
      this.buf = this.buf.subarray(1);
    }
    for (;;) {
      const e = this.buf.indexOf('\r\n');
      if (e < 0) {
        if (this.buf.length > MAX_AUTH_BYTES) return { out, fail: 'handshake too long' };
        return { out };
      }
      const line = this.buf.subarray(0, e).toString('latin1');
      this.buf = this.buf.subarray(e + 2);
      if (line === 'BEGIN') {
        if (!this.authed) { out += 'ERROR\r\n'; continue; }
        return { out, done: this.buf };
      }
      out += this.line(line);
    }
  }

  private ok(): string { this.authed = true; return `OK ${this.guid}\r\n`; }

  private line(line: string): string {
    const word = (w: string): boolean => line === w || line.startsWith(`${w} `);
    if (word('AUTH EXTERNAL')) {
      this.authed = false;
      const arg = line.slice('AUTH EXTERNAL'.length);
      if (!this.externalOk(arg)) { this.mech = 'none'; return 'REJECTED EXTERNAL\r\n'; }
      this.mech = 'external';
      return arg === '' ? 'DATA\r\n' : this.ok();
    }
    if (word('AUTH ANONYMOUS')) {
      this.authed = false;
      if (!this.allowAnonymous) { this.mech = 'none'; return 'REJECTED EXTERNAL\r\n'; }
      this.mech = 'anonymous';
      return line.length > 'AUTH ANONYMOUS'.length ? this.ok() : 'DATA\r\n';
    }
    if (word('AUTH')) { this.mech = 'none'; this.authed = false; return `REJECTED EXTERNAL${this.allowAnonymous ? ' ANONYMOUS' : ''}\r\n`; }
    if (line === 'CANCEL' || word('ERROR')) { this.mech = 'none'; this.authed = false; return 'REJECTED EXTERNAL\r\n'; }
    if (word('DATA')) {
      if (this.mech === 'none') return 'ERROR\r\n';
      if (this.mech === 'anonymous') return this.ok();
      if (!this.externalOk(line.slice(4))) { this.mech = 'none'; this.authed = false; return 'REJECTED EXTERNAL\r\n'; }
      return this.ok();
    }
    if (line === 'NEGOTIATE_UNIX_FD') return 'ERROR\r\n';
    return 'ERROR\r\n';
  }

  /** EXTERNAL: no identity given (the socket's credentials count), or hex of the decimal uid = SO_PEERCRED's. */
  private externalOk(arg: string): boolean {
    if (this.peerUid < 0) return false;
    if (arg === '') return true;
    if (!arg.startsWith(' ')) return false;
    const hex = arg.slice(1);
    if (hex === '') return true;
    if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(hex)) return false;
    const text = Buffer.from(hex, 'hex').toString('latin1');
    if (!/^[0-9]{1,10}$/.test(text)) return false;
    return Number(text) === this.peerUid;
  }
}
