// Value syntax shared by the Condition*= checks, as systemd 252 parses it: compare operators
// (parse_compare_operator), version order (strverscmp_improved), fnmatch(3), extract_first_word's
// quoting, sizes (parse_size, base 1024), permyriads (parse_permyriad), booleans, and the capability and
// cgroup-controller name tables; and the raw result type of one check (CheckResult, passIf).
// Invariant: pure functions of their arguments.

import { CAPABILITY_NAMES } from '../exec/caps';

export type CompareOp = '<' | '<=' | '==' | '!=' | '>=' | '>' | 'str=' | 'str!=' | '$=' | '!$=';

/** parse_compare_operator(): the operator at the start of `s` and the rest, or null. `fnmatch` allows
 *  $= and !$= (else they are invalid); `byString` makes = and != string comparisons. */
export function parseCompareOperator(s: string, fnmatchOk: boolean, byString: boolean): { op: CompareOp; rest: string } | null | 'invalid' {
  const table: [string, CompareOp, 'fnmatch' | 'string' | ''][] = [
    ['$=', '$=', 'fnmatch'], ['!$=', '!$=', 'fnmatch'], ['<>', '!=', ''], ['<=', '<=', ''], ['>=', '>=', ''],
    ['<', '<', ''], ['>', '>', ''], ['==', '==', ''], ['=', 'str=', 'string'], ['=', '==', ''], ['!=', 'str!=', 'string'], ['!=', '!=', ''],
  ];
  for (const [str, op, need] of table) {
    if (need === 'string' && !byString) continue;
    if (!s.startsWith(str)) continue;
    if (need === 'fnmatch' && !fnmatchOk) return 'invalid';
    return { op, rest: s.slice(str.length) };
  }
  return null;
}

export function testOrder(k: number, op: CompareOp): boolean | null {
  switch (op) {
    case '<': return k < 0; case '<=': return k <= 0; case '==': return k === 0;
    case '!=': return k !== 0; case '>=': return k >= 0; case '>': return k > 0;
    default: return null;
  }
}

/** version_or_fnmatch_compare(): null on an invalid pattern/operator. */
export function versionOrFnmatchCompare(op: CompareOp, a: string, b: string): boolean | null {
  switch (op) {
    case 'str=': return a === b;
    case 'str!=': return a !== b;
    case '$=': return fnmatch(b, a);
    case '!$=': return !fnmatch(b, a);
    default: return testOrder(strverscmpImproved(a, b), op);
  }
}

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isAlpha = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const validVersionChar = (c: string): boolean => isDigit(c) || isAlpha(c) || c === '~' || c === '-' || c === '^' || c === '.';
const cmp = (x: number | string, y: number | string): number => (x < y ? -1 : x > y ? 1 : 0);

/** systemd's strverscmp_improved() ('~' pre-release < end < '-' < '^' < '.', numbers > letters). */
export function strverscmpImproved(sa: string, sb: string): number {
  let i = 0, j = 0;
  const at = (s: string, k: number): string => (k < s.length ? s[k]! : '');
  for (;;) {
    while (at(sa, i) !== '' && !validVersionChar(at(sa, i))) i++;
    while (at(sb, j) !== '' && !validVersionChar(at(sb, j))) j++;
    let a = at(sa, i), b = at(sb, j);
    if (a === '~' || b === '~') {
      const r = cmp(a !== '~' ? 1 : 0, b !== '~' ? 1 : 0);
      if (r) return r;
      i++; j++; a = at(sa, i); b = at(sb, j);
    }
    if (a === '' || b === '') return cmp(a === '' ? 0 : a.charCodeAt(0), b === '' ? 0 : b.charCodeAt(0));
    for (const sep of ['-', '^', '.']) {
      if (a === sep || b === sep) {
        const r = cmp(a !== sep ? 1 : 0, b !== sep ? 1 : 0);
        if (r) return r;
        i++; j++; a = at(sa, i); b = at(sb, j);
      }
    }
    let ii = i, jj = j;
    if (isDigit(a) || isDigit(b)) {
      while (isDigit(at(sa, ii))) ii++;
      while (isDigit(at(sb, jj))) jj++;
      let r = cmp(ii !== i ? 1 : 0, jj !== j ? 1 : 0);
      if (r) return r;
      while (at(sa, i) === '0') i++;
      while (at(sb, j) === '0') j++;
      r = cmp(ii - i, jj - j);
      if (r) return r;
      r = cmp(sa.slice(i, ii), sb.slice(j, jj));
      if (r) return r;
    } else {
      while (isAlpha(at(sa, ii))) ii++;
      while (isAlpha(at(sb, jj))) jj++;
      const n = Math.min(ii - i, jj - j);
      let r = cmp(sa.slice(i, i + n), sb.slice(j, j + n));
      if (r) return r;
      r = cmp(ii - i, jj - j);
      if (r) return r;
    }
    i = ii; j = jj;
  }
}

/** fnmatch(3) without flags (or FNM_CASEFOLD): * ? [...] [!...] and backslash escapes. */
export function fnmatch(pattern: string, s: string, casefold = false): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) { re += escapeRe(pattern[++i]!); continue; }
    if (c === '*') { re += '[\\s\\S]*'; continue; }
    if (c === '?') { re += '[\\s\\S]'; continue; }
    if (c === '[') {
      let k = i + 1;
      if (pattern[k] === '!' || pattern[k] === '^') k++;
      if (pattern[k] === ']') k++;
      const end = pattern.indexOf(']', k);
      if (end < 0) { re += '\\['; continue; }
      let body = pattern.slice(i + 1, end);
      let neg = false;
      if (body.startsWith('!') || body.startsWith('^')) { neg = true; body = body.slice(1); }
      re += `[${neg ? '^' : ''}${body.replace(/[\\\]^]/g, (m) => '\\' + m)}]`;
      i = end;
      continue;
    }
    re += escapeRe(c);
  }
  return new RegExp(re + '$', casefold ? 'i' : '').test(s);
}

function escapeRe(c: string): string { return c.replace(/[.*+?^${}()|[\]\\/-]/g, (m) => '\\' + m); }

/** extract_first_word() over a whole string: words split on whitespace; with `unquote`, '…' and "…" group
 *  and backslash escapes the next character. null when quotes are unbalanced (EINVAL) unless `relax`. */
export function splitWords(s: string, unquote: boolean, relax = false): string[] | null {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i]!)) i++;
    if (i >= s.length) break;
    let w = '';
    let q = '';
    for (; i < s.length; i++) {
      const c = s[i]!;
      if (q) {
        if (c === q) { q = ''; continue; }
        if (c === '\\' && unquote && i + 1 < s.length) { w += s[++i]; continue; }
        w += c;
        continue;
      }
      if (/\s/.test(c)) break;
      if (unquote && (c === '"' || c === "'")) { q = c; continue; }
      if (unquote && c === '\\' && i + 1 < s.length) { w += s[++i]; continue; }
      w += c;
    }
    if (q && !relax) return null;
    out.push(w);
  }
  return out;
}

/** parse_boolean(). */
export function parseBoolean(s: string): boolean | null {
  const v = s.toLowerCase();
  if (['1', 'yes', 'y', 'true', 't', 'on'].includes(v)) return true;
  if (['0', 'no', 'n', 'false', 'f', 'off'].includes(v)) return false;
  return null;
}

/** parse_size(s, 1024): "1G", "512 M", "1.5K", "1G 512M" (parts add up); bytes, or null. */
export function parseSize(s: string): number | null {
  const units: Record<string, number> = { B: 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40, P: 2 ** 50, E: 2 ** 60, '': 1 };
  let p = s.trim();
  if (p === '' || p.startsWith('-')) return null;
  let total = 0;
  while (p !== '') {
    const m = /^([0-9]+)(?:\.([0-9]*))?\s*([BKMGTPE]?)/.exec(p);
    if (!m || (m[1] === undefined)) return null;
    const mult = units[m[3] ?? ''] ?? 1;
    const frac = m[2] ? Number(`0.${m[2]}`) : 0;
    if (m[2] !== undefined && m[3] === '') return null;   // a fraction needs a unit
    total += Number(m[1]) * mult + Math.floor(frac * mult);
    p = p.slice(m[0].length).trimStart();
    if (m[0].length === 0) return null;
  }
  return total;
}

/** parse_permyriad(): "12%", "12.3%", "12.34%", "123‰", "12.3‰", "1234‱" → 0..10000, or null. */
export function parsePermyriad(s: string): number | null {
  const whole = (t: string): number | null => (/^[0-9]+$/.test(t) ? Number(t) : null);
  let v: number | null = null;
  if (s.endsWith('‱')) v = whole(s.slice(0, -1));
  else if (s.endsWith('‰')) {
    const m = /^([0-9]+)(?:\.([0-9]))?‰$/.exec(s);
    v = m ? Number(m[1]) * 10 + Number(m[2] ?? 0) : null;
  } else if (s.endsWith('%')) {
    const m = /^([0-9]+)(?:\.([0-9])([0-9])?)?%$/.exec(s);
    v = m ? Number(m[1]) * 100 + Number(m[2] ?? 0) * 10 + Number(m[3] ?? 0) : null;
  }
  return v === null || v > 10000 ? null : v;
}

/** capability_from_name(): a number 0..63 or a (case-insensitive) name; null = invalid. */
export function capabilityFromName(s: string): number | null {
  if (/^[+-]?[0-9]+$/.test(s.trim())) { const n = Number(s); return n >= 0 && n < 64 ? n : null; }
  const i = CAPABILITY_NAMES.indexOf(s.toLowerCase());
  return i < 0 ? null : i;
}

/** cgroup_controller_to_string() names (the BPF ones are pseudo-controllers, never "supported"). */
export const CGROUP_CONTROLLERS = ['cpu', 'cpuacct', 'cpuset', 'io', 'blkio', 'memory', 'devices', 'pids', 'bpf-firewall',
  'bpf-devices', 'bpf-foreign', 'bpf-socket-bind', 'bpf-restrict-network-interfaces'];
export const CGROUP_V1_CONTROLLERS = ['cpu', 'cpuacct', 'blkio', 'memory', 'devices', 'pids'];
export const CGROUP_V2_CONTROLLERS = ['cpu', 'cpuset', 'io', 'memory', 'pids'];

/** The architecture names of systemd 252 (architecture_to_string) for `uname -m` values. */
export function architectureFromMachine(m: string): string | null {
  const t: [RegExp, string][] = [
    [/^x86_64$/, 'x86-64'], [/^i[3-6]86$/, 'x86'], [/^aarch64$/, 'arm64'], [/^aarch64_be$/, 'arm64-be'], [/^armv?\d.*b$/, 'arm-be'],
    [/^arm/, 'arm'], [/^ppc64le$/, 'ppc64-le'], [/^ppc64$/, 'ppc64'], [/^ppcle$/, 'ppc-le'], [/^ppc$/, 'ppc'], [/^s390x$/, 's390x'],
    [/^s390$/, 's390'], [/^riscv64$/, 'riscv64'], [/^riscv32$/, 'riscv32'], [/^loongarch64$/, 'loongarch64'], [/^mips64el$/, 'mips64-le'],
    [/^mips64$/, 'mips64'], [/^mipsel$/, 'mips-le'], [/^mips$/, 'mips'], [/^sparc64$/, 'sparc64'], [/^sparc$/, 'sparc'], [/^ia64$/, 'ia64'],
    [/^parisc64$/, 'parisc64'], [/^parisc$/, 'parisc'], [/^alpha$/, 'alpha'], [/^m68k$/, 'm68k'], [/^sh64$/, 'sh64'], [/^sh/, 'sh'],
  ];
  for (const [re, n] of t) if (re.test(m)) return n;
  return null;
}

export const ARCHITECTURES = new Set(['x86', 'x86-64', 'ppc', 'ppc-le', 'ppc64', 'ppc64-le', 'ia64', 'parisc', 'parisc64', 's390', 's390x',
  'sparc', 'sparc64', 'mips', 'mips-le', 'mips64', 'mips64-le', 'alpha', 'arm', 'arm-be', 'arm64', 'arm64-be', 'sh', 'sh64', 'm68k',
  'tilegx', 'cris', 'nios2', 'riscv32', 'riscv64', 'arc', 'arc-be', 'loongarch64']);

/** CPUID feature names systemd 252 knows (virt.c), mapped to /proc/cpuinfo's spelling. */
export const CPU_FEATURES: Record<string, string> = Object.fromEntries([
  'fpu', 'vme', 'de', 'pse', 'tsc', 'msr', 'pae', 'mce', 'cx8', 'apic', 'sep', 'mtrr', 'pge', 'mca', 'cmov', 'pat', 'pse36', 'clflush',
  'mmx', 'fxsr', 'sse', 'sse2', 'ht', 'monitor', 'ssse3', 'cx16', 'sse4_1', 'sse4_2', 'movbe', 'popcnt', 'aes', 'xsave',
  'osxsave', 'avx', 'f16c', 'rdrand', 'bmi1', 'avx2', 'bmi2', 'rdseed', 'adx', 'sha_ni', 'syscall', 'rdtscp', 'lm', 'lahf_lm', 'abm',
  'constant_tsc',
].map((n) => [n, n]).concat([['pni', 'pni'], ['pclmul', 'pclmulqdq'], ['fma3', 'fma']]));

/** The raw result of one condition check, before '!' negation. */
export type CheckResult = 'pass' | 'fail' | 'error';
export const passIf = (x: boolean): CheckResult => (x ? 'pass' : 'fail');
