// fnmatch(3) without flags (what systemd's strv_fnmatch() calls for list-units/list-unit-files patterns and
// preset rules), in bounded time. Owner: reliability (issue 12). Pure: no imports.
//
// Semantics: glibc's fnmatch in the C locale, on code points: `*` (any run, '/' and leading '.' included),
// `?`, `\x` (escape; a trailing `\` never matches), bracket expressions `[...]`, `[!...]`, `[^...]` with a
// leading `]` as a member, ranges `a-z` (an inverted range such as `[z-a]` matches nothing), `\` escapes
// inside, `[:class:]`, `[=c=]`, `[.c.]`; an unterminated `[` is a literal `[`. glibc decides some
// ill-formed brackets while matching (an unknown class name, `[.ab.]`, an unterminated bracket that already
// matched: "no match"); this module returns the same answers (checked against a C fnmatch(3) fixture on
// random patterns, tests/unit/fuzz-fnmatch.test.ts).
// Invariants: never throws, never builds a RegExp; the matcher is the iterative "restart at the last star"
// algorithm (Russ Cox, "Glob Matching Can Be Simple And Fast Too"): at most |s| restarts, so the work is
// O(|s| * longest star-free segment) element steps, and a bracket's answer per (position, character) is
// memoised in the compiled matcher, so a long bracket is parsed once per distinct character.

const CHAR_CLASS_MAX_LENGTH = 256;

const CLASSES: Record<string, (c: number) => boolean> = {
  alnum: (c) => isAlpha(c) || isDigit(c),
  alpha: (c) => isAlpha(c),
  blank: (c) => c === 32 || c === 9,
  cntrl: (c) => c < 32 || c === 127,
  digit: (c) => isDigit(c),
  graph: (c) => c > 32 && c < 127,
  lower: (c) => c >= 97 && c <= 122,
  print: (c) => c >= 32 && c < 127,
  punct: (c) => c > 32 && c < 127 && !isAlpha(c) && !isDigit(c),
  space: (c) => c === 32 || (c >= 9 && c <= 13),
  upper: (c) => c >= 65 && c <= 90,
  xdigit: (c) => isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70),
};
function isAlpha(c: number): boolean { return (c >= 65 && c <= 90) || (c >= 97 && c <= 122); }
function isDigit(c: number): boolean { return c >= 48 && c <= 57; }

const END = -1;
const BRACKET = 91, BSLASH = 92, CLOSE = 93, STAR = 42, QMARK = 63, BANG = 33, CARET = 94, COLON = 58,
  EQ = 61, DOT = 46, DASH = 45, A = 97, Z = 122;

/** Outcome of one bracket expression against one character: next pattern index when it matched, MISMATCH
 *  when it did not, FAIL when glibc gives up on the whole attempt, LITERAL when the `[` is unterminated. */
const MISMATCH = -2, FAIL = -3, LITERAL = -4;

export type GlobMatcher = (s: string) => boolean;

/** Compile `pattern` once; the matcher may be called for many strings (list-units over every unit). */
export function compileGlob(pattern: string): GlobMatcher {
  const p = codePoints(pattern);
  const at = (i: number): number => (i < p.length ? p[i] as number : END);
  const memo = new Map<number, number>();

  /** One bracket expression starting at p[start] === '[' against character fn. */
  function bracket(start: number, fn: number): number {
    const key = start * 0x110000 + fn;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    const r = evalBracket(start, fn);
    if (memo.size < 1 << 20) memo.set(key, r);
    return r;
  }

  function evalBracket(start: number, fn: number): number {
    let q = start + 1;
    const not = at(q) === BANG || at(q) === CARET;
    if (not) q++;
    let c = at(q++);
    let matched = false;
    for (;;) {
      let cold: number;
      if (c === BSLASH) {
        if (at(q) === END) return FAIL;
        c = at(q++);
        const r = normal(c);
        if (r.hit) { matched = true; break; }
        cold = r.cold;
      } else if (c === BRACKET && at(q) === COLON) {
        const startp = q;
        let name = '';
        let asNormal = false;
        for (;;) {
          if (name.length === CHAR_CLASS_MAX_LENGTH) return FAIL;
          const x = at(++q);
          if (x === COLON && at(q + 1) === CLOSE) { q += 2; break; }
          if (x < A || x >= Z) { q = startp; asNormal = true; break; }
          name += String.fromCharCode(x);
        }
        if (asNormal) {
          const r = normal(BRACKET);
          if (r.hit) { matched = true; break; }
          cold = r.cold;
        } else {
          const cls = Object.prototype.hasOwnProperty.call(CLASSES, name) ? CLASSES[name] : undefined;
          if (!cls) return FAIL;
          if (cls(fn)) { matched = true; break; }
          c = at(q++);
          if (c === CLOSE) break;
          continue;
        }
      } else if (c === BRACKET && at(q) === EQ) {
        const startp = q;
        const ch = at(q + 1);
        if (ch !== END && at(q + 2) === EQ && at(q + 3) === CLOSE) {
          q += 4;
          if (fn === ch) { matched = true; break; }
          c = at(q++);
          if (c === CLOSE) break;
          continue;
        }
        q = startp;
        const r = normal(BRACKET);
        if (r.hit) { matched = true; break; }
        cold = r.cold;
      } else if (c === END) {
        return LITERAL;
      } else if (c === BRACKET && at(q) === DOT) {
        const startp = q;
        let n = 0;
        for (;;) {
          const x = at(++q);
          if (x === DOT && at(q + 1) === CLOSE) { q += 2; break; }
          if (x === END) return FAIL;
          n++;
        }
        const isRange = at(q) === DASH && at(q + 1) !== END;
        if (n !== 1) return FAIL;
        const sym = at(startp + 1);
        if (!isRange && fn === sym) { matched = true; break; }
        cold = sym;
        c = at(q++);
      } else {
        const r = normal(c);
        if (r.hit) { matched = true; break; }
        cold = r.cold;
      }
      // After a single member: a range `cold-cend`?
      if (c === DASH && at(q) !== CLOSE) {
        let cend = at(q++);
        if (cend === BRACKET && at(q) === DOT) {
          const startp = q;
          let n = 0;
          for (;;) {
            const x = at(++q);
            if (x === DOT && at(q + 1) === CLOSE) { q += 2; break; }
            if (x === END) return FAIL;
            n++;
          }
          if (n !== 1) return FAIL;
          cend = at(startp + 1);
        } else {
          if (cend === BSLASH) cend = at(q++);
          if (cend === END) return FAIL;
        }
        if (cold <= fn && fn <= cend) { matched = true; break; }
        c = at(q++);
      }
      if (c === CLOSE) break;
    }
    if (!matched) return not ? q : MISMATCH;
    // Skip the rest of a bracket that already matched.
    for (;;) {
      const x = at(q++);
      if (x === CLOSE) break;
      if (x === END) return LITERAL;
      if (x === BSLASH) {
        if (at(q) === END) return FAIL;
        q++;
      } else if (x === BRACKET && at(q) === COLON) {
        const startp = q;
        let n = 0;
        for (;;) {
          const y = at(++q);
          if (++n === CHAR_CLASS_MAX_LENGTH) return FAIL;
          if (y === COLON && at(q + 1) === CLOSE) break;
          if (y < A || y >= Z) { q = startp - 2; break; }
        }
        q += 2;
      } else if (x === BRACKET && at(q) === EQ) {
        if (at(++q) === END) return FAIL;
        const y = at(++q);
        if (y !== EQ || at(q + 1) !== CLOSE) return FAIL;
        q += 2;
      } else if (x === BRACKET && at(q) === DOT) {
        for (;;) {
          const y = at(++q);
          if (y === END) return FAIL;
          if (y === DOT && at(q + 1) === CLOSE) break;
        }
        q += 2;
      }
    }
    return not ? MISMATCH : q;

    // A plain member `c` (the character after it decides whether it starts a range).
    function normal(ch: number): { hit: boolean; cold: number } {
      const isRange = at(q) === DASH && at(q + 1) !== END && at(q + 1) !== CLOSE;
      if (!isRange && ch === fn) return { hit: true, cold: ch };
      c = at(q++);
      return { hit: false, cold: ch };
    }
  }

  /** Element at pattern index i against character ch (never '*'): next pattern index, or MISMATCH/FAIL. */
  function element(i: number, ch: number): number {
    const c = p[i] as number;
    if (c === QMARK) return i + 1;
    if (c === BSLASH) {
      if (i + 1 >= p.length) return FAIL;      // trailing backslash loses
      return p[i + 1] === ch ? i + 2 : MISMATCH;
    }
    if (c === BRACKET) {
      const r = bracket(i, ch);
      if (r === LITERAL) return ch === BRACKET ? i + 1 : MISMATCH;
      return r;
    }
    return c === ch ? i + 1 : MISMATCH;
  }

  return (str: string): boolean => {
    const s = codePoints(str);
    let i = 0, j = 0, starI = -1, starJ = -1;
    while (i < p.length || j < s.length) {
      if (i < p.length) {
        if (p[i] === STAR) { starI = i; starJ = j; i++; continue; }
        if (j < s.length) {
          const next = element(i, s[j] as number);
          if (next >= 0) { i = next; j++; continue; }
        }
      }
      if (starI >= 0 && starJ < s.length) { starJ++; i = starI + 1; j = starJ; continue; }
      return false;
    }
    return true;
  };
}

function codePoints(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) out.push(ch.codePointAt(0) as number);
  return out;
}

const cache = new Map<string, GlobMatcher>();

/** fnmatch(pattern, s, 0) === 0. Compiled matchers of recent patterns are reused. */
export function fnmatch(pattern: string, s: string): boolean {
  let m = cache.get(pattern);
  if (!m) {
    m = compileGlob(pattern);
    if (pattern.length <= 4096) {
      if (cache.size >= 256) cache.delete(cache.keys().next().value as string);
      cache.set(pattern, m);
    }
  }
  return m(s);
}
