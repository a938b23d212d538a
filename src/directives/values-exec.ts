// Exec*= command-line parsing (config_parse_exec of systemd 252) and Environment= assignment parsing.
// Invariants: pure; diagnostics are returned as data with systemd's wording; `fatal` is set exactly where
// systemd returns -ENOEXEC (the unit becomes bad-setting); a '-' prefix turns those errors into warnings.
import type { ExecCommand } from './types';
import { extractFirstWord, extractWordWarn } from './values';

export type Expand = (s: string) => { ok: true; value: string } | { ok: false; error: string };
export interface ValueIssue { level: 'warning' | 'error'; message: string; fatal: boolean }

const WS = ' \t\n\r';

function filenameIsValid(s: string): boolean {
  return s !== '' && s !== '.' && s !== '..' && !s.includes('/') && s.length <= 255;
}
function pathImpliesDirectory(s: string): boolean {
  return s.endsWith('/') || s.endsWith('/.') || s.endsWith('/..') || s === '.' || s === '..';
}
function stringIsSafe(s: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[\x00-\x1f\x7f'"\\]/.test(s);
}

/** Parse one Exec*= value into commands (possibly several, separated by a lone ';'). */
export function parseExecLine(rvalue: string, file: string, line: number, expand: Expand):
  { commands: ExecCommand[]; issues: ValueIssue[]; fatal: boolean } {
  const commands: ExecCommand[] = [];
  const issues: ValueIssue[] = [];
  let p = rvalue;
  const fail = (ignore: boolean, msg: string): { commands: ExecCommand[]; issues: ValueIssue[]; fatal: boolean } => {
    issues.push({ level: ignore ? 'warning' : 'error', message: msg, fatal: !ignore });
    return { commands, issues, fatal: !ignore };
  };
  for (;;) {
    const fw = extractWordWarn(p, { unquote: true, cunescape: true }, rvalue);
    if (!fw.ok) { issues.push({ level: 'error', message: fw.error, fatal: false }); return { commands, issues, fatal: false }; }
    if (fw.warning) issues.push({ level: 'warning', message: fw.warning, fatal: false });
    if (fw.word === null) break;
    p = fw.rest;
    const firstword = fw.word;
    if (firstword === ';') continue;
    let f = firstword;
    let ignore = false; let separateArgv0 = false; let noEnv = false;
    let priv: '' | '+' | '!' | '!!' = '';
    for (;;) {
      const c = f[0];
      if (c === '-' && !ignore) ignore = true;
      else if (c === '@' && !separateArgv0) separateArgv0 = true;
      else if (c === ':' && !noEnv) noEnv = true;
      else if (c === '+' && priv === '') priv = '+';
      else if (c === '!' && priv === '') priv = '!';
      else if (c === '!' && priv === '!') priv = '!!';
      else break;
      f = f.slice(1);
    }
    const ign = ignore ? ', ignoring' : '';
    const ep = expand(f);
    if (!ep.ok) return fail(ignore, `Failed to resolve unit specifiers in '${f}'${ign}: ${ep.error}`);
    const path = ep.value;
    if (path === '') return fail(ignore, `Empty path in command line${ign}: '${rvalue}'`);
    if (!stringIsSafe(path)) return fail(ignore, `Executable name contains special characters${ign}: ${path}`);
    if (pathImpliesDirectory(path)) return fail(ignore, `Executable path specifies a directory${ign}: ${path}`);
    if (!path.startsWith('/') && !filenameIsValid(path)) return fail(ignore, `Neither a valid executable name nor an absolute path${ign}: ${path}`);
    const argv: string[] = separateArgv0 ? [] : [path];
    let semicolon = false;
    while (p !== '') {
      if (p[0] === ';' && (p.length === 1 || WS.includes(p[1]!))) {
        p = p.slice(1).replace(/^[ \t\n\r]+/, '');
        semicolon = true;
        break;
      }
      if (p[0] === '\\' && p[1] === ';' && (p.length === 2 || WS.includes(p[2]!))) {
        argv.push(';');
        p = p.slice(2).replace(/^[ \t\n\r]+/, '');
        continue;
      }
      const w = extractWordWarn(p, { unquote: true, cunescape: true }, rvalue);
      if (!w.ok) {
        issues.push({ level: 'error', message: w.error, fatal: !ignore });
        return { commands, issues, fatal: !ignore };
      }
      if (w.warning) issues.push({ level: 'warning', message: w.warning, fatal: false });
      p = w.rest;
      if (w.word === null) break;
      const ew = expand(w.word);
      if (!ew.ok) return fail(ignore, `Failed to resolve unit specifiers in ${w.word}${ign}: ${ew.error}`);
      argv.push(ew.value);
    }
    if (argv.length === 0 || argv[0] === '') return fail(ignore, `Empty executable name or zeroeth argument${ign}: ${rvalue}`);
    commands.push({ path, argv, ignoreFailure: ignore, noEnvExpand: noEnv, privileged: priv, file, line });
    if (!semicolon) break;
  }
  return { commands, issues, fatal: false };
}

/** env_name_is_valid() */
export function envNameIsValid(n: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(n);
}
/** env_assignment_is_valid() */
export function envAssignmentIsValid(s: string): boolean {
  const eq = s.indexOf('=');
  if (eq <= 0) return false;
  if (!envNameIsValid(s.slice(0, eq))) return false;
  // eslint-disable-next-line no-control-regex
  return !/[\x00-\x08\x0b-\x1f\x7f]/.test(s.slice(eq + 1));
}

/** config_parse_environ(): words (quotes, C escapes); a syntax error drops the whole line. */
export function parseEnvironmentLine(rvalue: string, expand: Expand): { assignments: string[]; issues: ValueIssue[] } {
  const out: string[] = [];
  const issues: ValueIssue[] = [];
  let p = rvalue;
  for (;;) {
    const r = extractFirstWord(p, { unquote: true, cunescape: true });
    if (!r.ok) return { assignments: [], issues: [{ level: 'warning', message: `Invalid syntax, ignoring: ${rvalue}`, fatal: false }] };
    if (r.word === null) break;
    p = r.rest;
    const e = expand(r.word);
    if (!e.ok) { issues.push({ level: 'warning', message: `Failed to resolve specifiers in ${r.word}, ignoring: ${e.error}`, fatal: false }); continue; }
    if (!envAssignmentIsValid(e.value)) { issues.push({ level: 'warning', message: `Invalid environment assignment, ignoring: ${e.value}`, fatal: false }); continue; }
    out.push(e.value);
  }
  return { assignments: out, issues };
}

/** Merge K=V assignments: later wins, keeping first-seen order of keys (strv_env_replace semantics). */
export function mergeEnv(list: string[], add: string[]): string[] {
  const res = [...list];
  for (const a of add) {
    const k = a.slice(0, a.indexOf('='));
    const idx = res.findIndex((x) => x.slice(0, x.indexOf('=')) === k);
    if (idx >= 0) res[idx] = a; else res.push(a);
  }
  return res;
}
