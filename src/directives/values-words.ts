// C-style unescaping (cunescape) and systemd's word splitting (extract_first_word, with the UNQUOTE,
// CUNESCAPE, RELAX, CUNESCAPE_RELAX and RETAIN_ESCAPE behaviours), systemd 252 semantics.
// Invariants: pure and total — errors are returned as values, never thrown.

const WS = ' \t\n\r';

// ---------- C unescaping ----------
/** cunescape_one(): returns [decoded text, consumed length after the backslash] or null when invalid. */
function cunescapeOne(s: string, i: number): [string, number] | null {
  const c = s[i];
  switch (c) {
    case 'a': return ['\x07', 1];
    case 'b': return ['\b', 1];
    case 'f': return ['\f', 1];
    case 'n': return ['\n', 1];
    case 'r': return ['\r', 1];
    case 't': return ['\t', 1];
    case 'v': return ['\v', 1];
    case '\\': return ['\\', 1];
    case '"': return ['"', 1];
    case '\'': return ['\'', 1];
    case 's': return [' ', 1];
    case 'x': {
      const h = s.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) return null;
      const v = parseInt(h, 16);
      return v === 0 ? null : [String.fromCharCode(v), 3];
    }
    case 'u': case 'U': {
      const len = c === 'u' ? 4 : 8;
      const h = s.slice(i + 1, i + 1 + len);
      if (h.length !== len || !/^[0-9a-fA-F]+$/.test(h)) return null;
      const v = parseInt(h, 16);
      if (v === 0 || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return null;
      return [String.fromCodePoint(v), 1 + len];
    }
    default: {
      if (c !== undefined && c >= '0' && c <= '7') {
        const o = s.slice(i, i + 3);
        if (!/^[0-7]{3}$/.test(o)) return null;
        const v = parseInt(o, 8);
        return v === 0 || v > 255 ? null : [String.fromCharCode(v), 3];
      }
      return null;
    }
  }
}

/** cunescape(): decode all C escapes; null on an invalid one (or relaxed: keep it literally). */
export function cUnescape(s: string, relax = false): string | null {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch !== '\\') { out += ch; continue; }
    const r = cunescapeOne(s, i + 1);
    if (!r) {
      if (!relax) return null;
      out += ch;
      continue;
    }
    out += r[0];
    i += r[1];
  }
  return out;
}

// ---------- extract_first_word ----------
export interface ExtractFlags { unquote?: boolean; cunescape?: boolean; relax?: boolean; cunescapeRelax?: boolean; retainEscape?: boolean; separators?: string }
export type ExtractResult = { ok: true; word: string | null; rest: string } | { ok: false; reason: 'escape' | 'quote' };

/** extract_first_word(): one word from the front of s. word null = nothing left. */
export function extractFirstWord(s: string, f: ExtractFlags): ExtractResult {
  const seps = f.separators ?? WS;
  let i = 0;
  while (i < s.length && seps.includes(s[i]!)) i++;
  if (i >= s.length) return { ok: true, word: null, rest: '' };
  let word = '';
  let quote: '' | '"' | '\'' = '';
  for (; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\') {
      if (i + 1 >= s.length) {
        if (f.relax) { word += '\\'; continue; }
        return { ok: false, reason: 'escape' };
      }
      if (f.retainEscape) {
        word += '\\' + s[i + 1];
        i += 1;
        continue;
      }
      if (f.cunescape) {
        const r = cunescapeOne(s, i + 1);
        if (!r) {
          if (!f.cunescapeRelax) return { ok: false, reason: 'escape' };
          word += '\\' + s[i + 1];
          i += 1;
          continue;
        }
        word += r[0];
        i += r[1];
      } else {
        word += s[i + 1];
        i += 1;
      }
      continue;
    }
    if (quote) {
      if (c === quote) { quote = ''; continue; }
      word += c;
      continue;
    }
    if (f.unquote && (c === '"' || c === '\'')) { quote = c; continue; }
    if (seps.includes(c)) {
      let j = i + 1;
      while (j < s.length && seps.includes(s[j]!)) j++;
      return { ok: true, word, rest: s.slice(j) };
    }
    word += c;
  }
  if (quote) {
    if (f.relax) return { ok: true, word, rest: '' };
    return { ok: false, reason: 'quote' };
  }
  return { ok: true, word, rest: '' };
}

/** extract_first_word_and_warn(): retries with relaxed unescaping; returns the word and an optional warning/error. */
export function extractWordWarn(s: string, f: ExtractFlags, rvalue: string):
  { ok: true; word: string | null; rest: string; warning?: string } | { ok: false; error: string } {
  const r = extractFirstWord(s, f);
  if (r.ok) return r;
  if (!f.cunescapeRelax) {
    const r2 = extractFirstWord(s, { ...f, cunescapeRelax: true });
    if (r2.ok) return { ...r2, warning: `Ignoring unknown escape sequences: "${r2.word ?? ''}"` };
    return { ok: false, error: `Unbalanced quoting, ignoring: "${rvalue}"` };
  }
  return { ok: false, error: `Unable to decode word "${rvalue}", ignoring: Invalid argument` };
}

/** Split a whole value into words (systemd strv_split_full with UNQUOTE|CUNESCAPE); null on bad quoting/escape. */
export function splitWords(s: string, f: ExtractFlags = { unquote: true, cunescape: true }): string[] | null {
  const out: string[] = [];
  let rest = s;
  for (;;) {
    const r = extractFirstWord(rest, f);
    if (!r.ok) return null;
    if (r.word === null) return out;
    out.push(r.word);
    rest = r.rest;
  }
}
