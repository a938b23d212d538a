// Command-line variable expansion as systemd applies it to Exec*= argv just before spawning:
//  - a word that is exactly `$NAME` becomes the variable's value split on whitespace (quotes and
//    backslashes in the value are honoured, like EXTRACT_UNQUOTE|EXTRACT_RELAX); unset → no word;
//  - `${NAME}` inside any word is replaced by the value as one piece (unset → empty);
//    `${NAME:-default}` and `${NAME:+alt}` are supported;
//  - `$$` becomes `$`; a braceless `$NAME` inside a longer word stays literal;
//  - the ':' prefix (ExecCommand.noEnvExpand) disables all of this.
// Also systemd's fixed-PATH lookup helper for bare executable names.
// Invariant: pure functions of their inputs.

export type EnvMap = Map<string, string>;

export function envToMap(env: readonly string[]): EnvMap {
  const m: EnvMap = new Map();
  for (const kv of env) {
    const i = kv.indexOf('=');
    if (i > 0) m.set(kv.slice(0, i), kv.slice(i + 1));
  }
  return m;
}

/** Split like extract_first_word(WHITESPACE, EXTRACT_RELAX|EXTRACT_UNQUOTE). */
export function splitWords(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '' | '"' | '\'' = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (quote) {
      if (c === quote) { quote = ''; continue; }
      if (c === '\\' && quote === '"' && i + 1 < s.length) { cur += s[++i]; continue; }
      cur += c;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inWord) { out.push(cur); cur = ''; inWord = false; }
      continue;
    }
    inWord = true;
    if (c === '"' || c === '\'') { quote = c; continue; }
    if (c === '\\' && i + 1 < s.length) { cur += s[++i]; continue; }
    cur += c;
  }
  if (inWord) out.push(cur);
  return out;
}

/** replace_env() on one word: ${NAME}, ${NAME:-x}, ${NAME:+x}, $$. */
export function replaceEnvInWord(word: string, env: EnvMap): string {
  let out = '';
  let i = 0;
  while (i < word.length) {
    const c = word[i];
    if (c !== '$') { out += c; i++; continue; }
    const d = word[i + 1];
    if (d === '$') { out += '$'; i += 2; continue; }
    if (d === '{') {
      const close = word.indexOf('}', i + 2);
      if (close < 0) { out += word.slice(i); break; }
      const inner = word.slice(i + 2, close);
      const m = /^([^:]*)(?::([-+])(.*))?$/s.exec(inner);
      const name = m?.[1] ?? inner;
      const val = env.get(name);
      if (m?.[2] === '-') out += val !== undefined && val !== '' ? val : (m[3] ?? '');
      else if (m?.[2] === '+') out += val !== undefined && val !== '' ? (m[3] ?? '') : '';
      else out += val ?? '';
      i = close + 1;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/** Expand an argv (argv[0] included) against the final environment. */
export function expandArgv(argv: readonly string[], env: EnvMap, noEnvExpand: boolean): string[] {
  if (noEnvExpand) return [...argv];
  const out: string[] = [];
  for (const w of argv) {
    if (w.startsWith('$') && w[1] !== '{' && w[1] !== '$') {
      const v = env.get(w.slice(1));
      if (v !== undefined) out.push(...splitWords(v));
      continue;
    }
    out.push(replaceEnvInWord(w, env));
  }
  return out;
}

/** systemd's fixed search path for the system manager on split-usr Debian. */
export const SYSTEMD_EXEC_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Resolve a bare name against a search path with an `isExecutable` probe; absolute paths pass through. */
export function findExecutable(name: string, searchPath: string, isExecutable: (p: string) => boolean): string | null {
  if (name.includes('/')) return isExecutable(name) ? name : null;
  for (const dir of searchPath.split(':')) {
    if (!dir) continue;
    const p = `${dir}/${name}`;
    if (isExecutable(p)) return p;
  }
  return null;
}
