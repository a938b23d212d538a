// syslog_parse_priority() of systemd (src/basic/syslog-util.c): a leading "<N>", "<NN>" or "<NNN>".
// With the facility (syslog datagrams) the number is facility*8+level; without it (stream level prefixes,
// kmsg) only "<0>".."<7>" are accepted and replace the level, keeping the facility.
// Pure: never throws.

export function parseSyslogPriority(b: Uint8Array, priority: number, withFacility: boolean): { priority: number; consumed: number } {
  if (b[0] !== 0x3c) return { priority, consumed: 0 };
  let k = -1;
  for (let i = 1; i < b.length && i <= 4; i++) if (b[i] === 0x3e) { k = i; break; }
  if (k < 2 || k > 4) return { priority, consumed: 0 };
  let a = 0, bb = 0, c = 0;
  const dig = (x: number | undefined): number => (x !== undefined && x >= 0x30 && x <= 0x39 ? x - 0x30 : -1);
  if (k === 2) c = dig(b[1]);
  else if (k === 3) { bb = dig(b[1]); c = dig(b[2]); }
  else { a = dig(b[1]); bb = dig(b[2]); c = dig(b[3]); }
  if (a < 0 || bb < 0 || c < 0 || (!withFacility && (a || bb || c > 7))) return { priority, consumed: 0 };
  return { priority: withFacility ? a * 100 + bb * 10 + c : (priority & ~7) | c, consumed: k + 1 };
}

export const PRIORITY_NAMES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];
