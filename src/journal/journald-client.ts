// The manager as a client of the image's own systemd-journald (when the image ships systemd-journald.socket,
// tsysd runs no journal of its own): the manager's unit messages ("Starting X...", "Started X.", failures,
// its warnings about a unit) go to /run/systemd/journal/socket in journald's native protocol with UNIT=,
// INVOCATION_ID=, MESSAGE_ID= and SYSLOG_IDENTIFIER=systemd, as systemd's log_unit_struct() sends them, so the
// real `journalctl -u UNIT` finds them through its `_PID=1 + UNIT=` match. The socket is tsysd's own
// (systemd-journald.socket), so datagrams sent before journald runs wait in its queue.
// Invariant: sending never blocks and never throws; a full queue or a missing socket drops the message.
import { loadNative } from '../platform/native';
import { messageIdFor, STATUS_MESSAGE_IDS } from './server';
import type { StatusKind } from '../units/types';

export const JOURNALD_NATIVE_SOCKET = '/run/systemd/journal/socket';

/** journald's native protocol: `KEY=value\n`, or `KEY\n<u64 LE length>value\n` when the value has a newline. */
export function encodeNativeFields(fields: Array<[string, string]>): Buffer {
  const parts: Buffer[] = [];
  for (const [k, v] of fields) {
    if (!v.includes('\n')) { parts.push(Buffer.from(`${k}=${v}\n`)); continue; }
    const val = Buffer.from(v);
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(val.length));
    parts.push(Buffer.from(`${k}\n`), len, val, Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

export function managerMessageFields(unit: string, priority: number, text: string, invocationId: string | null, unitResult?: string, kind?: StatusKind): Array<[string, string]> {
  const f: Array<[string, string]> = [['PRIORITY', String(priority & 7)], ['SYSLOG_FACILITY', '3'], ['SYSLOG_IDENTIFIER', 'systemd']];
  if (unit) f.push(['UNIT', unit]);
  const id = kind ? STATUS_MESSAGE_IDS[kind] : messageIdFor(text);
  if (id) f.push(['MESSAGE_ID', id]);
  if (unitResult) f.push(['UNIT_RESULT', unitResult]);
  if (unit && invocationId) f.push(['INVOCATION_ID', invocationId]);
  f.push(['MESSAGE', text]);
  return f;
}

export class JournaldClient {
  private fd = -1;
  constructor(private readonly path = JOURNALD_NATIVE_SOCKET) {}

  managerMessage(unit: string, priority: number, text: string, invocationId?: string | null, unitResult?: string, kind?: StatusKind): void {
    try {
      const n = loadNative().addon;
      if (this.fd < 0) this.fd = n.socket('unix', 'dgram', true);
      if (this.fd < 0) return;
      n.sendmsg(this.fd, encodeNativeFields(managerMessageFields(unit, priority, text, invocationId ?? null, unitResult, kind)), [], { family: 'unix', path: this.path, abstract: false });
    } catch { /* the journal must never break the manager */ }
  }

  stop(): void {
    if (this.fd < 0) return;
    try { loadNative().addon.close(this.fd); } catch { /* already gone */ }
    this.fd = -1;
  }
}
