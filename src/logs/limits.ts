// Bounds on what the manager logs about units (issue 12 #6): messages cut to a byte length at a UTF-8
// boundary (systemd formats its own messages into a LINE_MAX buffer, so they end there), and a filter
// that lets the same set of load diagnostics of one unit file be logged once, not at every query that
// loads the unit again (an unreferenced unit is garbage-collected after a query and reloaded at the next).
// Owner: reliability. Pure: no imports.

/** systemd's LINE_MAX: the longest message the manager writes about a unit. */
export const LINE_MAX = 2048;

/** `text` cut to at most `maxBytes` UTF-8 bytes, never inside a character. */
export function cutUtf8(text: string, maxBytes: number): string {
  if (text.length * 3 <= maxBytes) return text;            // cannot exceed: 3 bytes per UTF-16 unit at most
  if (Buffer.byteLength(text) <= maxBytes) return text;
  // Walk code points: bounded by maxBytes, not by the length of text.
  let bytes = 0;
  let i = 0;
  while (i < text.length) {
    const cp = text.codePointAt(i) as number;
    const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + n > maxBytes) break;
    bytes += n;
    i += cp >= 0x10000 ? 2 : 1;
  }
  return text.slice(0, i);
}

/** Remembers recently seen keys (bounded, oldest forgotten first): `firstTime(k)` is true once per key
 *  until it is forgotten or `clear()`ed (daemon-reload logs everything again, as systemd does). */
export class RepeatFilter {
  private readonly seen = new Set<string>();
  constructor(private readonly capacity = 4096) {}
  firstTime(key: string): boolean {
    if (this.seen.has(key)) return false;
    if (this.seen.size >= this.capacity) this.seen.delete(this.seen.values().next().value as string);
    this.seen.add(key);
    return true;
  }
  clear(): void { this.seen.clear(); }
  get size(): number { return this.seen.size; }
}
