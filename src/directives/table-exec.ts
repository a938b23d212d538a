// Shared exec settings (systemd.exec(5)) that tsysd enforces, for [Service] and [Socket], plus the Exec*=
// command rows. Sandboxing/scheduling settings tsysd only validates live in table-sandbox.ts.
// Invariants: list settings reset on an empty value; Exec lines with a fatal error mark the unit bad-setting.
import { ALL_CAPS_252 } from './show-fill';
import type { ExecCommand, RLimit, StdInput, StdOutput, UnitConfig } from './types';
import {
  custom, pBool, pMode, scalar, words, specError, splitValue, type ApplyCtx, showRows, type Row, type SectionName, type Parsed,
} from './row';
import { parseExecLine, parseEnvironmentLine, mergeEnv, envNameIsValid } from './values-exec';
import { parseInt32, parseSize, parseTimespan, parseUnsigned, cUnescape, parseBoolean } from './values';
import { ALL_CAPS, CAP_NAMES, capsToMask } from '../exec/caps';
import { octal, words as joinWords, yn } from './show-format';

const SS: SectionName[] = ['Service', 'Socket', 'Mount', 'Swap'];

/** User=/Group=: invalid names are fatal; "nobody"/"nogroup" are accepted with systemd's warning. */
function userGroupRow(key: string, set: (c: UnitConfig, v: string) => void): Row {
  return custom(key, SS, false, (v, ctx) => {
    const r = pUserGroup(v);
    if (!r.ok) { ctx.fatal(r.message); return; }
    if (v === 'nobody' || v === 'nogroup') ctx.warn(`Special user ${v} configured, this is not safe!`);
    set(ctx.cfg, v);
  }, (c) => set(c, ''), { specifiers: true, spec: 'pF', empty: 'reset' });
}

/** valid_user_group_name(RELAX|ALLOW_NUMERIC) of 252: fatal when invalid. */
export const pUserGroup = (v: string): Parsed<string> => {
  // eslint-disable-next-line no-control-regex
  const bad = v === '' || /^-[0-9]*$/.test(v) || /[/:\x00-\x1f\x7f]/.test(v) || v === '.' || v === '..' || /^\s|\s$/.test(v)
    || (/^[0-9]+$/.test(v) && Number(v) >= 4294967295);
  return bad ? { ok: false, message: `Invalid user/group name or numeric ID: ${v}`, fatal: true } : { ok: true, value: v };
};

/** An Exec*= row: appends parsed commands; a fatal parse error marks the unit bad-setting. */
export function execRow(key: string, sections: SectionName[], get: (c: UnitConfig) => ExecCommand[] | null,
  set: (c: UnitConfig, v: ExecCommand[]) => void): Row {
  return custom(key, sections, true, (v: string, ctx: ApplyCtx) => {
    const r = parseExecLine(v, ctx.file, ctx.line, ctx.expand);
    for (const i of r.issues) { if (i.fatal) ctx.fatal(i.message); else ctx.warn(i.message); }
    const list = get(ctx.cfg);
    if (list) set(ctx.cfg, [...list, ...r.commands]);
  }, (c) => { if (get(c)) set(c, []); });
}

function pEnumOrNum<T extends string>(values: readonly T[], what: string): (v: string) => Parsed<string> {
  return (v) => ((values as readonly string[]).includes(v) || /^[0-9]+$/.test(v)) ? { ok: true, value: v } : { ok: false, message: `Failed to parse ${what}, ignoring: ${v}` };
}

export const RLIMITS = ['CPU', 'FSIZE', 'DATA', 'STACK', 'CORE', 'RSS', 'NOFILE', 'AS', 'NPROC', 'MEMLOCK', 'LOCKS',
  'SIGPENDING', 'MSGQUEUE', 'NICE', 'RTPRIO', 'RTTIME'] as const;
const SIZE_LIMITS = new Set(['FSIZE', 'DATA', 'STACK', 'CORE', 'RSS', 'AS', 'MEMLOCK', 'MSGQUEUE']);

function rlimitValue(res: string, s: string): number | null {
  if (s === 'infinity') return res === 'NICE' ? null : Infinity;
  if (res === 'CPU') { const t = parseTimespan(s); return t === null ? null : (t === Infinity ? Infinity : Math.ceil(t / 1e6)); }
  if (res === 'RTTIME') { const t = parseTimespan(s + (/^[0-9]+$/.test(s) ? 'us' : '')); return t; }
  if (SIZE_LIMITS.has(res)) return parseSize(s, 1024);
  if (res === 'NICE') {
    if (/^[+-]/.test(s)) { const n = parseInt32(s); return n === null || n < -20 || n > 19 ? null : 20 - n; }
    const n = parseUnsigned(s); return n === null || n > 40 ? null : n;
  }
  return parseUnsigned(s, Number.MAX_SAFE_INTEGER);
}

/** rlimit_parse(): "soft:hard" or a single value for both. */
export function parseRlimit(res: string, v: string): RLimit | null {
  const parts = v.split(':');
  if (parts.length > 2) return null;
  const soft = rlimitValue(res, parts[0]!);
  const hard = parts.length === 2 ? rlimitValue(res, parts[1]!) : soft;
  if (soft === null || hard === null) return null;
  return { soft, hard };
}

const STD_IN = ['null', 'tty', 'tty-force', 'tty-fail', 'data', 'socket'];
const STD_OUT = ['inherit', 'null', 'tty', 'journal', 'kmsg', 'journal+console', 'kmsg+console', 'syslog', 'syslog+console', 'socket'];
const pStdIn = (v: string, key: string): Parsed<StdInput> => {
  if (STD_IN.includes(v) || /^(file:\/|fd:)/.test(v)) return { ok: true, value: v as StdInput };
  if (v.startsWith('file:')) return { ok: false, message: `${key}= path is not absolute: ${v.slice(5)}` };
  return { ok: false, message: `Failed to parse input specifier, ignoring: ${v}` };
};
const pStdOut = (v: string, key: string): Parsed<StdOutput> => {
  if (STD_OUT.includes(v) || /^((file|append|truncate):\/|fd:)/.test(v)) return { ok: true, value: v as StdOutput };
  const m = /^(file|append|truncate):(.*)$/.exec(v);
  if (m) return { ok: false, message: `${key}= path is not absolute: ${m[2]}` };
  return { ok: false, message: `Failed to parse output specifier, ignoring: ${v}` };
};

type DirField = 'runtimeDirectory' | 'stateDirectory' | 'cacheDirectory' | 'logsDirectory' | 'configurationDirectory';
type ModeField = 'runtimeDirectoryMode' | 'stateDirectoryMode' | 'cacheDirectoryMode' | 'logsDirectoryMode' | 'configurationDirectoryMode';
function dirRows(key: string, field: DirField, modeField: ModeField): Row[] {
  return [
    words(key, SS, (w, k) => (w.startsWith('/') ? { ok: false, message: `${k}= path is absolute, ignoring: ${w}` } : { ok: true, value: w }), (c, v) => { for (const d of v) if (!c.exec[field].includes(d)) c.exec[field].push(d); },
      (c) => { c.exec[field] = []; }, { spec: 'dq', split: 'cunescape', syntaxMsg: (v, k) => `Invalid syntax in ${k}=, ignoring: ${v}` }),
    scalar(`${key}Mode`, SS, pMode, (c, v) => { c.exec[modeField] = v; }),
  ];
}

/** config_parse_capability_set(): an empty value or the first assignment replaces the set ("" = no
 *  capabilities, "~" = all), later ones merge (add, or remove with "~"). Stored as the explicit list of
 *  names kept (null for an untouched bounding set = all). */
function capRow(key: string, set: (c: UnitConfig, caps: string[] | null) => void, get: (c: UnitConfig) => string[] | null): Row {
  const bset = key === 'CapabilityBoundingSet';
  return custom(key, SS, true, (v, ctx) => {
    const invert = v.startsWith('~');
    const sum = capsToMask((invert ? v.slice(1) : v).split(/[ \t\n\r]+/).filter((x) => x !== '')).mask;
    const initial = bset ? ALL_CAPS : 0n;
    const curList = get(ctx.cfg);
    const cur = curList === null ? (bset ? ALL_CAPS : 0n) : capsToMask(curList).mask;
    let next: bigint;
    if (sum === 0n || cur === initial) next = invert ? ALL_CAPS & ~sum : sum;
    else next = invert ? cur & ~sum : cur | sum;
    set(ctx.cfg, bset && next === ALL_CAPS ? null : CAP_NAMES.filter((_, i) => (next >> BigInt(i)) & 1n));
  }, (c) => set(c, null), { specifiers: false, empty: 'parse' });
}

export const EXEC_ROWS: Row[] = [
  custom('WorkingDirectory', SS, false, (v, ctx) => {
    const optional = v.startsWith('-');
    const p = optional ? v.slice(1) : v;
    if (p === '~') { ctx.cfg.exec.workingDirectory = { path: '~', optional }; return; }
    const e = ctx.expand(p);
    if (!e.ok) { ctx.fatal(`Failed to resolve unit specifiers in working directory path '${p}': ${e.error}`); return; }
    if (!e.value.startsWith('/')) {
      if (optional) ctx.warn(`WorkingDirectory= path is not absolute, ignoring: ${e.value}`); else ctx.fatal(`WorkingDirectory= path is not absolute: ${e.value}`);
      return;
    }
    ctx.cfg.exec.workingDirectory = { path: e.value, optional };
  }, (c) => { c.exec.workingDirectory = null; }, { empty: 'reset' }),
  scalar('RootDirectory', SS, (v, k) => v.startsWith('/') ? { ok: true, value: v } : { ok: false, message: `${k}= path is not absolute: ${v}`, fatal: true },
    (c, v) => { c.exec.rootDirectory = v; }, { specifiers: true, spec: 'qF', empty: 'reset', reset: (c) => { c.exec.rootDirectory = ''; } }),
  userGroupRow('User', (c, v) => { c.exec.user = v; }),
  userGroupRow('Group', (c, v) => { c.exec.group = v; }),
  custom('SupplementaryGroups', SS, true, (v, ctx) => {
    for (const w of splitValue(v, 'unquote') ?? []) {
      const r = pUserGroup(w);
      if (!r.ok) { ctx.fatal(r.message); return; }
      ctx.cfg.exec.supplementaryGroups.push(w);
    }
  }, (c) => { c.exec.supplementaryGroups = []; }, { specifiers: true, spec: 'pF' }),
  scalar('DynamicUser', SS, (v) => { const b = parseBoolean(v); return b === null ? { ok: false, message: `Failed to parse boolean value: ${v}`, fatal: true } : { ok: true, value: b }; },
    (c, v) => { c.exec.dynamicUser = v; }),
  scalar('UMask', SS, pMode, (c, v) => { c.exec.umask = v; }),
  scalar('Nice', SS, (v) => {
    const n = parseInt32(v);
    if (n === null) return { ok: false, message: `Failed to parse nice priority '${v}', ignoring: Invalid argument` };
    if (n < -20 || n > 19) return { ok: false, message: `Nice priority out of range, ignoring: ${v}` };
    return { ok: true, value: n };
  }, (c, v) => { c.exec.nice = v; }, { empty: 'reset', reset: (c) => { c.exec.nice = null; } }),
  scalar('OOMScoreAdjust', SS, (v) => {
    const n = parseInt32(v);
    if (n === null) return { ok: false, message: `Failed to parse the OOM score adjust value '${v}', ignoring: Invalid argument` };
    if (n < -1000 || n > 1000) return { ok: false, message: `OOM score adjust value out of range, ignoring: ${v}` };
    return { ok: true, value: n };
  }, (c, v) => { c.exec.oomScoreAdjust = v; }, { empty: 'reset', reset: (c) => { c.exec.oomScoreAdjust = null; } }),
  ...RLIMITS.map((res) => scalar(`Limit${res}`, SS, (v) => {
    const r = parseRlimit(res, v);
    if (r && r.soft > r.hard) return { ok: false, message: `Soft resource limit chosen higher than hard limit, ignoring: ${v}` };
    return r ? { ok: true, value: r } : { ok: false, message: `Failed to parse resource value, ignoring: ${v}` };
  }, (c, v) => { c.exec.limits[res] = v; })),
  custom('Environment', SS, true, (v, ctx) => {
    const r = parseEnvironmentLine(v, ctx.expand);
    for (const i of r.issues) ctx.warn(i.message);
    ctx.cfg.exec.environment = mergeEnv(ctx.cfg.exec.environment, r.assignments);
  }, (c) => { c.exec.environment = []; }),
  custom('EnvironmentFile', SS, true, (v, ctx) => {
    const optional = v.startsWith('-');
    const e = ctx.expand(optional ? v.slice(1) : v);
    if (!e.ok) { ctx.warn(`Failed to resolve unit specifiers in '${v}', ignoring: ${e.error}`); return; }
    if (!e.value.startsWith('/')) { ctx.warn(`EnvironmentFile= path is not absolute, ignoring: ${e.value}`); return; }
    ctx.cfg.exec.environmentFiles.push({ path: e.value, optional });
  }, (c) => { c.exec.environmentFiles = []; }),
  words('PassEnvironment', SS, (w, k) => envNameIsValid(w) ? { ok: true, value: w } : { ok: false, message: `Invalid environment name for ${k}, ignoring: ${w}` },
    (c, v) => { for (const n of v) if (!c.exec.passEnvironment.includes(n)) c.exec.passEnvironment.push(n); }, (c) => { c.exec.passEnvironment = []; }, { spec: 'env' }),
  words('UnsetEnvironment', SS, (w, k) => (envNameIsValid(w) || envNameIsValid(w.split('=')[0] ?? '')) ? { ok: true, value: w } : { ok: false, message: `Invalid environment name or assignment ${k}, ignoring: ${w}` },
    (c, v) => { for (const n of v) if (!c.exec.unsetEnvironment.includes(n)) c.exec.unsetEnvironment.push(n); }, (c) => { c.exec.unsetEnvironment = []; }, { spec: 'p', split: 'cunescape', syntaxMsg: (v, k) => `Trailing garbage in ${k}, ignoring: ${v}` }),
  scalar('StandardInput', SS, pStdIn, (c, v) => { c.exec.standardInput = v; }),
  scalar('StandardOutput', SS, pStdOut, (c, v) => { c.exec.standardOutput = v; }),
  scalar('StandardError', SS, pStdOut, (c, v) => { c.exec.standardError = v; }),
  custom('StandardInputText', SS, true, (v, ctx) => {
    const e = ctx.expand(v);
    if (!e.ok) { ctx.warn(specError('q', v, e.error).message); return; }
    const t = cUnescape(e.value);
    if (t === null) { ctx.warn(`Failed to decode C escaped text '${v}', ignoring: Invalid argument`); return; }
    ctx.cfg.exec.standardInputData += t + '\n';
  }, (c) => { c.exec.standardInputData = ''; }),
  custom('StandardInputData', SS, true, (v, ctx) => {
    const s = v.replace(/[ \t\n\r]/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) { ctx.warn(`Failed to decode base64 data, ignoring: ${v}`); return; }
    ctx.cfg.exec.standardInputData += atob(s);
  }, (c) => { c.exec.standardInputData = ''; }),
  scalar('TTYPath', SS, (v, k) => v.startsWith('/') ? { ok: true, value: v } : { ok: false, message: `${k}= path is not absolute, ignoring: ${v}` },
    (c, v) => { c.exec.ttyPath = v; }, { specifiers: true, empty: 'reset', reset: (c) => { c.exec.ttyPath = ''; } }),
  scalar('SyslogIdentifier', SS, (v) => ({ ok: true, value: v }), (c, v) => { c.exec.syslogIdentifier = v; }, { specifiers: true }),
  ...dirRows('RuntimeDirectory', 'runtimeDirectory', 'runtimeDirectoryMode'),
  ...dirRows('StateDirectory', 'stateDirectory', 'stateDirectoryMode'),
  ...dirRows('CacheDirectory', 'cacheDirectory', 'cacheDirectoryMode'),
  ...dirRows('LogsDirectory', 'logsDirectory', 'logsDirectoryMode'),
  ...dirRows('ConfigurationDirectory', 'configurationDirectory', 'configurationDirectoryMode'),
  scalar('RuntimeDirectoryPreserve', SS, (v) => {
    const b = parseBoolean(v);
    if (b !== null) return { ok: true, value: b ? 'yes' as const : 'no' as const };
    return v === 'restart' ? { ok: true, value: 'restart' as const } : { ok: false, message: `Failed to parse runtime directory preserve mode, ignoring: ${v}` };
  }, (c, v) => { c.exec.runtimeDirectoryPreserve = v; }),
  scalar('PrivateTmp', SS, pBool, (c, v) => { c.exec.privateTmp = v; }),
  scalar('NoNewPrivileges', SS, pBool, (c, v) => { c.exec.noNewPrivileges = v; }),
  capRow('CapabilityBoundingSet', (c, v) => { c.exec.capabilityBoundingSet = v; }, (c) => c.exec.capabilityBoundingSet),
  capRow('AmbientCapabilities', (c, v) => { c.exec.ambientCapabilities = v ?? []; }, (c) => c.exec.ambientCapabilities),
  scalar('PAMName', SS, (v) => ({ ok: true, value: v }), (c, v) => { c.exec.pamName = v; }, { specifiers: true, enforced: false }),
  scalar('IgnoreSIGPIPE', SS, pBool, () => undefined, { enforced: false }),
  scalar('RemoveIPC', SS, pBool, (c, v) => { c.exec.sandbox.removeIPC = v; }),
  scalar('SyslogLevelPrefix', SS, pBool, () => undefined, { enforced: false }),
  scalar('SyslogFacility', SS, pEnumOrNum(['kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp',
    'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'] as const, 'log facility'), () => undefined, { enforced: false }),
  scalar('SyslogLevel', SS, pEnumOrNum(['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const, 'log level'), () => undefined, { enforced: false }),
  scalar('LogLevelMax', SS, pEnumOrNum(['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const, 'log level'), () => undefined, { enforced: false }),
];

/** systemd's limits where a unit sets none: [hard, soft] (the manager's own, as Debian's systemd 252 shows). */
const DEFAULT_LIMITS: Record<string, [string, string]> = { NOFILE: ['524288', '1024'], NPROC: ['infinity', 'infinity'], MEMLOCK: ['8388608', '8388608'], STACK: ['infinity', '8388608'], CORE: ['infinity', '0'] };
function limit(c: UnitConfig, res: string, soft: 0 | 1): string {
  const l = c.exec.limits[res];
  const pair = l ? [l.hard === Infinity ? 'infinity' : String(l.hard), l.soft === Infinity ? 'infinity' : String(l.soft)] : (DEFAULT_LIMITS[res] ?? ['infinity', 'infinity']);
  return pair[soft] ?? '';
}
/** StandardOutput= as shown: unset, it follows StandardInput= (socket/tty → inherit) instead of the default. */
function showStdout(c: UnitConfig): string {
  const e = c.exec;
  const explicit = (c.raw?.['Service.StandardOutput']?.length ?? 0) > 0 || (c.raw?.['Socket.StandardOutput']?.length ?? 0) > 0;
  return explicit ? e.standardOutput : (e.standardInput === 'socket' || e.standardInput.startsWith('tty') ? 'inherit' : 'journal');
}

// How `systemctl show` prints these rows (the exec context of org.freedesktop.systemd1.Service/Socket).
showRows(EXEC_ROWS, {
  Environment: { Environment: (c) => joinWords(c.exec.environment) },
  EnvironmentFile: { EnvironmentFiles: (c) => c.exec.environmentFiles.map((f) => `${f.path} (ignore_errors=${yn(f.optional)})`).join(' ') },
  PassEnvironment: { PassEnvironment: (c) => joinWords(c.exec.passEnvironment) },
  UnsetEnvironment: { UnsetEnvironment: (c) => joinWords(c.exec.unsetEnvironment) },
  UMask: { UMask: (c) => octal(c.exec.umask) },
  WorkingDirectory: { WorkingDirectory: (c) => { const wd = c.exec.workingDirectory; return wd ? `${wd.optional ? '!' : ''}${wd.path}` : ''; } },
  RootDirectory: { RootDirectory: (c) => c.exec.rootDirectory },
  OOMScoreAdjust: { OOMScoreAdjust: (c) => String(c.exec.oomScoreAdjust ?? 0) },
  Nice: { Nice: (c) => String(c.exec.nice ?? 0) },
  StandardInput: { StandardInput: (c) => c.exec.standardInput },
  StandardOutput: { StandardOutput: showStdout },
  StandardError: { StandardError: (c) => c.exec.standardError },
  TTYPath: { TTYPath: (c) => c.exec.ttyPath },
  SyslogIdentifier: { SyslogIdentifier: (c) => c.exec.syslogIdentifier },
  // unset: every capability, as systemd 252 prints it; set: lower-case names
  CapabilityBoundingSet: { CapabilityBoundingSet: (c) => c.exec.capabilityBoundingSet === null ? ALL_CAPS_252 : c.exec.capabilityBoundingSet.map((x) => x.toLowerCase()).join(' ') },
  AmbientCapabilities: { AmbientCapabilities: (c) => joinWords(c.exec.ambientCapabilities) },
  User: { User: (c) => c.exec.user },
  Group: { Group: (c) => c.exec.group },
  DynamicUser: { DynamicUser: (c) => yn(c.exec.dynamicUser) },
  SupplementaryGroups: { SupplementaryGroups: (c) => joinWords(c.exec.supplementaryGroups) },
  PAMName: { PAMName: (c) => c.exec.pamName },
  PrivateTmp: { PrivateTmp: (c) => yn(c.exec.privateTmp) },
  NoNewPrivileges: { NoNewPrivileges: (c) => yn(c.exec.noNewPrivileges) },
  RuntimeDirectoryPreserve: { RuntimeDirectoryPreserve: (c) => c.exec.runtimeDirectoryPreserve },
  RuntimeDirectory: { RuntimeDirectory: (c) => joinWords(c.exec.runtimeDirectory) },
  RuntimeDirectoryMode: { RuntimeDirectoryMode: (c) => octal(c.exec.runtimeDirectoryMode) },
  StateDirectory: { StateDirectory: (c) => joinWords(c.exec.stateDirectory) },
  StateDirectoryMode: { StateDirectoryMode: (c) => octal(c.exec.stateDirectoryMode) },
  CacheDirectory: { CacheDirectory: (c) => joinWords(c.exec.cacheDirectory) },
  CacheDirectoryMode: { CacheDirectoryMode: (c) => octal(c.exec.cacheDirectoryMode) },
  LogsDirectory: { LogsDirectory: (c) => joinWords(c.exec.logsDirectory) },
  LogsDirectoryMode: { LogsDirectoryMode: (c) => octal(c.exec.logsDirectoryMode) },
  ConfigurationDirectory: { ConfigurationDirectory: (c) => joinWords(c.exec.configurationDirectory) },
  ConfigurationDirectoryMode: { ConfigurationDirectoryMode: (c) => octal(c.exec.configurationDirectoryMode) },
  LimitCPU: { LimitCPU: (c) => limit(c, 'CPU', 0), LimitCPUSoft: (c) => limit(c, 'CPU', 1) },
  LimitFSIZE: { LimitFSIZE: (c) => limit(c, 'FSIZE', 0), LimitFSIZESoft: (c) => limit(c, 'FSIZE', 1) },
  LimitDATA: { LimitDATA: (c) => limit(c, 'DATA', 0), LimitDATASoft: (c) => limit(c, 'DATA', 1) },
  LimitSTACK: { LimitSTACK: (c) => limit(c, 'STACK', 0), LimitSTACKSoft: (c) => limit(c, 'STACK', 1) },
  LimitCORE: { LimitCORE: (c) => limit(c, 'CORE', 0), LimitCORESoft: (c) => limit(c, 'CORE', 1) },
  LimitRSS: { LimitRSS: (c) => limit(c, 'RSS', 0), LimitRSSSoft: (c) => limit(c, 'RSS', 1) },
  LimitNOFILE: { LimitNOFILE: (c) => limit(c, 'NOFILE', 0), LimitNOFILESoft: (c) => limit(c, 'NOFILE', 1) },
  LimitAS: { LimitAS: (c) => limit(c, 'AS', 0), LimitASSoft: (c) => limit(c, 'AS', 1) },
  LimitNPROC: { LimitNPROC: (c) => limit(c, 'NPROC', 0), LimitNPROCSoft: (c) => limit(c, 'NPROC', 1) },
  LimitMEMLOCK: { LimitMEMLOCK: (c) => limit(c, 'MEMLOCK', 0), LimitMEMLOCKSoft: (c) => limit(c, 'MEMLOCK', 1) },
  LimitLOCKS: { LimitLOCKS: (c) => limit(c, 'LOCKS', 0), LimitLOCKSSoft: (c) => limit(c, 'LOCKS', 1) },
  LimitSIGPENDING: { LimitSIGPENDING: (c) => limit(c, 'SIGPENDING', 0), LimitSIGPENDINGSoft: (c) => limit(c, 'SIGPENDING', 1) },
  LimitMSGQUEUE: { LimitMSGQUEUE: (c) => limit(c, 'MSGQUEUE', 0), LimitMSGQUEUESoft: (c) => limit(c, 'MSGQUEUE', 1) },
  LimitNICE: { LimitNICE: (c) => limit(c, 'NICE', 0), LimitNICESoft: (c) => limit(c, 'NICE', 1) },
  LimitRTPRIO: { LimitRTPRIO: (c) => limit(c, 'RTPRIO', 0), LimitRTPRIOSoft: (c) => limit(c, 'RTPRIO', 1) },
  LimitRTTIME: { LimitRTTIME: (c) => limit(c, 'RTTIME', 0), LimitRTTIMESoft: (c) => limit(c, 'RTTIME', 1) },
}, [
  'StandardInputText', 'StandardInputData', 'IgnoreSIGPIPE', 'RemoveIPC', 'SyslogLevelPrefix', 'SyslogFacility',
  'SyslogLevel', 'LogLevelMax',
]);
