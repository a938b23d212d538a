// Unit file syntax, exactly as systemd 252's conf-parser.c reads it (semantics reference §1).
// Owns: physical line splitting (read_line: \n, \r, \r\n, \n\r, NUL each end a line), UTF-8 BOM,
// comment lines (`#`/`;` after leading whitespace, also inside a continuation), backslash continuation
// (the trailing backslash becomes a space; a blank line ends it), trimming, section headers, and the
// split at the first '='. It knows nothing of what keys mean and never throws.
// Invariants: assignments are in file order; `line` is the line systemd reports (the LAST physical line of a
// continued logical line), `firstLine` the line where it started; a fatal result stops parsing at that line
// (assignments before it are kept, as systemd applies them before failing).
import type { Diagnostic } from '../diag';
import type { Assignment } from './types';

export interface SectionHeader { name: string; file: string; line: number }
export interface ParseResult {
  assignments: Assignment[];
  sections: SectionHeader[];
  diagnostics: Diagnostic[];
  fatal: boolean;
}

/** systemd's LONG_LINE_MAX (1 MiB): a longer physical or continued line fails the file. */
export const LONG_LINE_MAX = 1 << 20;

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** Length of a valid UTF-8 sequence at buf[i] by systemd's rules (utf8_encoded_valid_unichar), or -1. */
export function utf8SeqLen(buf: Uint8Array, i: number, end: number): number {
  const c = buf[i]!;
  if (c < 0x80) return 1;
  let len: number;
  if ((c & 0xe0) === 0xc0) len = 2;
  else if ((c & 0xf0) === 0xe0) len = 3;
  else if ((c & 0xf8) === 0xf0) len = 4;
  else if ((c & 0xfc) === 0xf8) len = 5;
  else if ((c & 0xfe) === 0xfc) len = 6;
  else return -1;
  if (i + len > end) return -1;
  let u = c & (0xff >> (len + 1));
  for (let k = 1; k < len; k++) {
    const b = buf[i + k]!;
    if ((b & 0xc0) !== 0x80) return -1;
    u = u * 64 + (b & 0x3f);
  }
  const enc = u < 0x80 ? 1 : u < 0x800 ? 2 : u < 0x10000 ? 3 : u < 0x200000 ? 4 : u < 0x4000000 ? 5 : 6;
  if (enc !== len) return -1;
  if (u >= 0x110000) return -1;
  if ((u & 0xfffff800) === 0xd800) return -1;
  if (u >= 0xfdd0 && u <= 0xfdef) return -1;
  if ((u & 0xfffe) === 0xfffe) return -1;
  return len;
}

/** True when buf[s..e) is UTF-8 clean by systemd's definition. */
export function utf8Valid(buf: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e;) {
    if (buf[i]! < 0x80) { i++; continue; }
    const n = utf8SeqLen(buf, i, e);
    if (n < 0) return false;
    i += n;
  }
  return true;
}

const UTF8_DEC = new TextDecoder('utf-8', { ignoreBOM: true });

/** Decode with every invalid byte replaced by U+FFFD (systemd's utf8_escape_invalid). */
export function utf8EscapeInvalid(buf: Uint8Array, s: number, e: number): string {
  let out = '';
  let runStart = s;
  for (let i = s; i < e;) {
    const n = buf[i]! < 0x80 ? 1 : utf8SeqLen(buf, i, e);
    if (n > 0) { i += n; continue; }
    out += UTF8_DEC.decode(buf.subarray(runStart, i)) + '\uFFFD';
    i++;
    runStart = i;
  }
  return out + UTF8_DEC.decode(buf.subarray(runStart, e));
}

/** systemd's string_is_safe(): no control characters, quotes, backslash or DEL. */
function stringIsSafe(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0x22 || c === 0x27 || c === 0x5c) return false;
  }
  return true;
}

function strip(s: string): string {
  let a = 0, b = s.length;
  while (a < b && WS.has(s.charCodeAt(a))) a++;
  while (b > a && WS.has(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** Parse unit file text (a JS string; encoded to UTF-8 first). */
export function parseUnitText(text: string, file: string, unit: string): ParseResult {
  return parseUnitBytes(new TextEncoder().encode(text), file, unit);
}

/** Parse raw bytes exactly like systemd's config_parse(). Never throws. */
export function parseUnitBytes(buf: Uint8Array, file: string, unit: string): ParseResult {
  const res: ParseResult = { assignments: [], sections: [], diagnostics: [], fatal: false };
  const diag = (line: number, level: 'error' | 'warning', fatal: boolean, message: string): void => {
    res.diagnostics.push({ file, line, unit, level, fatal, message });
    if (fatal) res.fatal = true;
  };
  let section: string | null = null;
  let sectionIgnored = false; // kept for parity; unknown sections are judged by the directive layer
  let bomSeen = false;
  // continuation: pieces of raw bytes joined (the trailing backslash of each replaced by a space)
  let cont: Uint8Array[] | null = null;
  let contLen = 0;
  let contFirst = 0;
  const n = buf.length;
  let pos = 0;
  let line = 0;

  const parseLogical = (bytes: Uint8Array, lineNo: number, firstLine: number): boolean => {
    // strip (bytes level for the whitespace set, which is ASCII)
    let s = 0, e = bytes.length;
    while (s < e && WS.has(bytes[s]!)) s++;
    while (e > s && WS.has(bytes[e - 1]!)) e--;
    if (s === e) return true;
    if (!utf8Valid(bytes, s, e)) {
      diag(lineNo, 'error', true, `String is not UTF-8 clean, ignoring assignment: ${utf8EscapeInvalid(bytes, s, e)}`);
      return false;
    }
    const l = UTF8_DEC.decode(bytes.subarray(s, e));
    if (l.charCodeAt(0) === 0x5b /* [ */) {
      if (l.charCodeAt(l.length - 1) !== 0x5d /* ] */) {
        diag(lineNo, 'error', true, `Invalid section header '${l}'`);
        return false;
      }
      const name = l.slice(1, -1);
      if (!stringIsSafe(name)) {
        diag(lineNo, 'error', true, `Bad characters in section header '${l}'`);
        return false;
      }
      section = name;
      sectionIgnored = false;
      res.sections.push({ name, file, line: lineNo });
      return true;
    }
    if (section === null) {
      if (!sectionIgnored) diag(lineNo, 'warning', false, 'Assignment outside of section. Ignoring.');
      return true;
    }
    const eq = l.indexOf('=');
    if (eq < 0) { diag(lineNo, 'warning', false, "Missing '=', ignoring line."); return true; }
    if (eq === 0) { diag(lineNo, 'warning', false, "Missing key name before '=', ignoring line."); return true; }
    const a: Assignment = { section, key: strip(l.slice(0, eq)), value: strip(l.slice(eq + 1)), file, line: lineNo };
    if (firstLine !== lineNo) a.firstLine = firstLine;
    res.assignments.push(a);
    return true;
  };

  const joinCont = (): Uint8Array => {
    if (!cont) return new Uint8Array(0);
    if (cont.length === 1) return cont[0]!;
    const out = new Uint8Array(contLen);
    let o = 0;
    for (const p of cont) { out.set(p, o); o += p.length; }
    return out;
  };

  while (pos < n) {
    // read_line(): content up to the first EOL char, then a run of EOL chars with each kind at most once,
    // a NUL ending the run.
    const start = pos;
    while (pos < n) { const c = buf[pos]!; if (c === 0x0a || c === 0x0d || c === 0) break; pos++; }
    const end = pos;
    let seen = 0;
    while (pos < n) {
      const c = buf[pos]!;
      const kind = c === 0x0a ? 1 : c === 0x0d ? 2 : c === 0 ? 4 : 0;
      if (kind === 0 || (seen & 4) || (seen & kind)) break;
      seen |= kind;
      pos++;
    }
    line++;
    if (end - start >= LONG_LINE_MAX) { diag(line, 'error', true, 'Line too long'); return res; }

    let ls = start;
    while (ls < end && WS.has(buf[ls]!)) ls++;
    if (ls < end && (buf[ls] === 0x23 || buf[ls] === 0x3b)) continue; // comment, also inside a continuation

    let s = start;
    if (!bomSeen && end - start >= 3 && buf[s] === 0xef && buf[s + 1] === 0xbb && buf[s + 2] === 0xbf) {
      s += 3;
      bomSeen = true;
    }
    let piece: Uint8Array = buf.subarray(s, end);
    // trailing unescaped backslash?
    let bs = 0;
    for (let i = end - 1; i >= s && buf[i] === 0x5c; i--) bs++;
    const escaped = (bs & 1) === 1;
    if (cont && contLen + piece.length > LONG_LINE_MAX) {
      diag(line, 'error', true, 'Continuation line too long');
      return res;
    }
    if (escaped) {
      const copy = new Uint8Array(piece.length);
      copy.set(piece);
      copy[copy.length - 1] = 0x20;
      if (!cont) { cont = []; contLen = 0; contFirst = line; }
      cont.push(copy);
      contLen += copy.length;
      continue;
    }
    let first = line;
    if (cont) {
      cont.push(piece);
      contLen += piece.length;
      piece = joinCont();
      first = contFirst;
      cont = null;
      contLen = 0;
    }
    if (!parseLogical(piece, line, first)) return res;
  }
  if (cont) parseLogical(joinCont(), line, contFirst);
  return res;
}
