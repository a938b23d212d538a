// Sandboxing, scheduling, logging and credential settings of systemd.exec(5), validated with systemd 252's
// messages. The sandboxing rows tsysd enforces store into cfg.exec.sandbox (src/exec/sandbox.ts plans what
// the exec helper applies); the others (`unenforced`) only validate, and `verify` reports them as "not
// enforced by tsysd". Invariant: unenforced rows never change UnitConfig except cfg.raw (filled by compile).
import { SYSCALL_GROUPS, SYSCALL_NAMES } from './syscalls';
import {
  specError, splitValue, type SpecStyle, type SplitMode,
  custom, pBool, pBoolOr, pEnum, pNsec, pSec, pUnsigned, pPathWord, scalar, unenforced, words, showRows, type Row, type SectionName, type Parsed,
} from './row';
import type { SandboxContext, UnitConfig } from './types';
import { applySyscallFilter, parseErrno } from './syscall-filter';
import { AF_NAMES } from './linux-names';
import { parseBoolean } from './values';

const SS: SectionName[] = ['Service', 'Socket', 'Mount', 'Swap'];
const ok = (v: string): Parsed<string> => ({ ok: true, value: v });
const bad = (message: string): Parsed<string> => ({ ok: false, message });

const fatalPath = (key: string): Row => custom(key, SS, false, (v, ctx) => {
  const e = ctx.expand(v);
  if (!e.ok) { ctx.fatal(specError('qF', v, e.error).message); return; }
  const p = e.value;
  if (!p.startsWith('/')) ctx.fatal(`${key}= path is not absolute: ${p}`);
}, () => undefined, { enforced: false, empty: 'reset' });
const absPath = (v: string, key: string): Parsed<string> => v.startsWith('/') ? ok(v) : bad(`${key}= path is not absolute, ignoring: ${v}`);

/** "0-3 5,7" style CPU sets (parse_cpu_set); message has no "ignoring" in 252. */
export function cpuSetWords(v: string): string | null {
  for (const word of splitValue(v, 'unquote') ?? [v]) {
    for (const w of word.split(',').filter((x) => x !== '')) if (!/^[0-9]+(-[0-9]+)?$/.test(w)) return w;
  }
  return null;
}
const pCpuSet = (v: string): Parsed<string> => {
  if (v === 'numa' || v === 'all') return ok(v);
  const badWord = cpuSetWords(v);
  return badWord === null ? ok(v) : bad(`Failed to parse CPU affinity '${badWord}'`);
};

const BOOLS = ['CPUSchedulingResetOnFork', 'TTYReset', 'TTYVHangup', 'TTYVTDisallocate'];
type SandboxBool = 'memoryDenyWriteExecute' | 'restrictRealtime' | 'restrictSUIDSGID' | 'lockPersonality' | 'privateDevices'
  | 'protectKernelTunables' | 'protectKernelModules' | 'protectKernelLogs' | 'protectClock' | 'protectControlGroups'
  | 'privateNetwork' | 'privateUsers' | 'privateMounts' | 'privateIPC' | 'protectHostname';
const SANDBOX_BOOLS: [string, SandboxBool][] = [['MemoryDenyWriteExecute', 'memoryDenyWriteExecute'],
  ['RestrictRealtime', 'restrictRealtime'], ['RestrictSUIDSGID', 'restrictSUIDSGID'], ['LockPersonality', 'lockPersonality'],
  ['PrivateDevices', 'privateDevices'], ['ProtectKernelTunables', 'protectKernelTunables'], ['ProtectKernelModules', 'protectKernelModules'],
  ['ProtectKernelLogs', 'protectKernelLogs'], ['ProtectClock', 'protectClock'], ['ProtectControlGroups', 'protectControlGroups'],
  ['PrivateNetwork', 'privateNetwork'], ['PrivateUsers', 'privateUsers'], ['PrivateMounts', 'privateMounts'],
  ['PrivateIPC', 'privateIPC'], ['ProtectHostname', 'protectHostname']];
const PATH_LISTS = ['ExtensionDirectories', 'ExtensionImages'];
type PathField = 'readWritePaths' | 'readOnlyPaths' | 'inaccessiblePaths' | 'execPaths' | 'noExecPaths';
/** ReadWritePaths= & co (and the deprecated *Directories= spellings, the same lists in systemd). */
const ACCESS_LISTS: [string, PathField][] = [['ReadWriteDirectories', 'readWritePaths'], ['ReadOnlyDirectories', 'readOnlyPaths'],
  ['InaccessibleDirectories', 'inaccessiblePaths'], ['ReadWritePaths', 'readWritePaths'], ['ReadOnlyPaths', 'readOnlyPaths'],
  ['InaccessiblePaths', 'inaccessiblePaths'], ['ExecPaths', 'execPaths'], ['NoExecPaths', 'noExecPaths']];
const sb = (c: UnitConfig): SandboxContext => c.exec.sandbox;

/** path_simplify(): no duplicate or trailing slashes, no "." components (keeps a leading -/+ prefix). */
export function simplifyPath(p: string): string {
  const m = /^[-+]*/.exec(p)?.[0] ?? '';
  const rest = p.slice(m.length).split('/').filter((x) => x !== '' && x !== '.');
  return `${m}/${rest.join('/')}`;
}

/** "[-]SRC[:DST[:rbind|norbind]]" of BindPaths=/BindReadOnlyPaths= (config_parse_bind_paths). */
function bindSpec(w: string, readOnly: boolean): SandboxContext['bindMounts'][number] | string | null {
  const ignoreMissing = w.startsWith('-');
  const parts = (ignoreMissing ? w.slice(1) : w).split(':');
  const src = parts[0] ?? '';
  if (!src.startsWith('/')) return null;
  let destination = src;
  let recursive = true;
  if (parts.length > 1) {
    destination = parts[1] ?? '';
    if (destination === '') return `Missing argument after ':', ignoring: ${src}`;
    if (!destination.startsWith('/')) return null;
    const o = parts.slice(2).join(':');
    if (parts.length > 2 && o !== '' && o !== 'rbind') {
      if (o === 'norbind') recursive = false; else return `Invalid option string, ignoring setting: ${o}`;
    }
  }
  return { source: simplifyPath(src), destination: simplifyPath(destination), readOnly, recursive, ignoreMissing };
}
const NS_FLAGS: Record<string, number> = { cgroup: 0x02000000, ipc: 0x08000000, net: 0x40000000, mnt: 0x00020000, pid: 0x20000000, user: 0x10000000, uts: 0x04000000 };
export const NS_ALL = Object.values(NS_FLAGS).reduce((a, b) => a | b, 0);
const PATH_SPEC: Record<string, { spec?: SpecStyle; split?: SplitMode; syntaxMsg?: (v: string, k: string) => string }> = {
  ExtensionDirectories: { spec: 'pN' }, ExtensionImages: { spec: 'dq', split: 'cunescape', syntaxMsg: (v, k) => `Invalid syntax in ${k}=, ignoring: ${v}` },
  BindPaths: { spec: 'dq' }, BindReadOnlyPaths: { spec: 'dq' }, TemporaryFileSystem: { spec: 'p' },
  ReadWriteDirectories: { spec: 'pN' }, ReadOnlyDirectories: { spec: 'pN' }, InaccessibleDirectories: { spec: 'pN' }, ReadWritePaths: { spec: 'pN' },
  ReadOnlyPaths: { spec: 'pN' }, InaccessiblePaths: { spec: 'pN' }, ExecPaths: { spec: 'pN' }, NoExecPaths: { spec: 'pN' },
};
const ANY = ['RestrictFileSystems'];
/** secure_bits_from_string(): bit numbers of <linux/securebits.h>; unknown words are ignored (debug only). */
const SECURE_BITS: Record<string, number> = {
  noroot: 0, 'noroot-locked': 1, 'no-setuid-fixup': 2, 'no-setuid-fixup-locked': 3, 'keep-caps': 4, 'keep-caps-locked': 5,
};
function pSecureBits(v: string): Parsed<number> {
  let bits = 0;
  for (const w of v.split(/\s+/)) if (w && SECURE_BITS[w] !== undefined) bits |= 1 << (SECURE_BITS[w] as number);
  return { ok: true, value: bits };
}
const COREDUMP = ['private-anonymous', 'shared-anonymous', 'private-file-backed', 'shared-file-backed', 'elf-headers',
  'private-huge', 'shared-huge', 'private-dax', 'shared-dax', 'default', 'all'];
const ARCHS = ['native', 'x86', 'x86-64', 'x32', 'arm', 'arm64', 'ia64', 'loongarch64', 'mips', 'mips-le', 'mips64', 'mips64-le',
  'mips64-n32', 'mips64-le-n32', 'parisc', 'parisc64', 'ppc', 'ppc64', 'ppc64-le', 'riscv32', 'riscv64', 's390', 's390x'];
const NAMESPACES = ['cgroup', 'ipc', 'net', 'mnt', 'pid', 'user', 'uts'];

export const SANDBOX_ROWS: Row[] = [
  custom('RootImage', SS, false, (v, ctx) => {
    const e = ctx.expand(v);
    if (!e.ok) { ctx.fatal(specError('qF', v, e.error).message); return; }
    if (!e.value.startsWith('/')) { ctx.fatal(`RootImage= path is not absolute: ${e.value}`); return; }
    sb(ctx.cfg).rootImage = e.value;
  }, (c) => { sb(c).rootImage = ''; }, { empty: 'reset' }),
  fatalPath('RootVerity'),
  unenforced('RootHash', SS, (v) => (v.startsWith('/') || /^[0-9a-fA-F]{32,}$/.test(v)) ? ok(v) : bad(`Failed to decode RootHash=, ignoring: ${v}`), false, { empty: 'reset' }),
  unenforced('RootHashSignature', SS, (v) => (v.startsWith('/') || v.startsWith('base64:')) ? ok(v)
    : bad(`Failed to decode RootHashSignature=, not a path but doesn't start with 'base64:', ignoring: ${v}`), false, { empty: 'reset' }),
  ...BOOLS.map((k) => unenforced(k, SS, pBool)),
  ...SANDBOX_BOOLS.map(([k, f]) => scalar(k, SS, pBool, (c, v) => { sb(c)[f] = v; })),
  scalar('MountAPIVFS', SS, pBool, (c, v) => { sb(c).mountAPIVFS = v; }, { empty: 'reset', reset: (c) => { sb(c).mountAPIVFS = null; } }),
  unenforced('RootImageOptions', SS, (v, k) => (splitValue(v, 'cunescape') ? ok(v) : bad(`Failed to parse ${k}, ignoring: ${v}`)), false, { specifiers: true, spec: 'p' }),
  unenforced('UtmpIdentifier', SS, ok, false, { specifiers: true }),
  ...['SELinuxContext', 'AppArmorProfile', 'SmackProcessLabel'].map((k) => unenforced(k, SS, ok, false, { specifiers: true, spec: 'qF' })),
  ...PATH_LISTS.map((k) => unenforced(k, SS, (w, key) => pPathWord(w.split(':')[0] ?? w, key), true, PATH_SPEC[k] ?? {})),
  ...ACCESS_LISTS.map(([k, f]) => words(k, SS, (w, key) => {
    const r = pPathWord(w.split(':')[0] ?? w, key);
    return r.ok ? ok(simplifyPath(w)) : r;
  }, (c, v) => { sb(c)[f].push(...v); }, (c) => { sb(c)[f] = []; }, { ...PATH_SPEC[k], aliasOf: k.endsWith('Directories') ? k.replace('Directories', 'Paths') : undefined })),
  words('TemporaryFileSystem', SS, (w, key) => w.startsWith('/') ? ok(w) : bad(`${key}= path is not absolute, ignoring: ${w.split(':')[0]}`),
    (c, v) => { for (const w of v) { const i = w.indexOf(':'); sb(c).temporaryFileSystem.push({ path: simplifyPath(i < 0 ? w : w.slice(0, i)), options: i < 0 ? '' : w.slice(i + 1) }); } },
    (c) => { sb(c).temporaryFileSystem = []; }, PATH_SPEC['TemporaryFileSystem'] ?? {}),
  ...(['BindPaths', 'BindReadOnlyPaths'] as const).map((k) => custom(k, SS, true, (v, ctx) => {
    const ws = splitValue(v, 'unquote');
    if (!ws) { ctx.warn(`Invalid syntax, ignoring: ${v}`); return; }
    for (const raw of ws) {
      const e = ctx.expand(raw);
      if (!e.ok) { ctx.warn(specError('dq', raw, e.error).message); continue; }
      const chk = pPathWord(e.value.split(':')[0] ?? e.value, k);
      if (!chk.ok) { ctx.warn(chk.message); continue; }
      const spec = bindSpec(e.value, k === 'BindReadOnlyPaths');
      if (typeof spec === 'string') { ctx.warn(spec); continue; }
      if (spec) sb(ctx.cfg).bindMounts.push(spec);
    }
  }, (c) => { sb(c).bindMounts = []; })),   // one list for both keys in systemd: either empty value resets it
  ...ANY.map((k) => unenforced(k, SS, ok)),
  // config_parse_exec_secure_bits: each assignment replaces the mask; empty resets it.
  scalar('SecureBits', SS, pSecureBits, (c, v) => { c.exec.secureBits = v; }),
  custom('MountImages', SS, true, (v, ctx) => {
    const ws = splitValue(v, 'cunescape');
    if (!ws) { ctx.warn(`Invalid syntax in MountImages=, ignoring: ${v}`); return; }
    for (const raw of ws) {
      const e = ctx.expand(raw);
      if (!e.ok) { ctx.warn(specError('dq', raw, e.error).message); continue; }
      const w = e.value;
      const src = w.replace(/^-/, '').split(':')[0] ?? '';
      if (!src.startsWith('/')) { ctx.warn(`MountImages= path is not absolute, ignoring: ${src}`); continue; }
      if (!w.includes(":")) { ctx.warn(`Missing destination in MountImages, ignoring: ${v}`); continue; }
    }
  }, () => undefined, { enforced: false }),
  unenforced('CoredumpFilter', SS, (v) => v.split(/\s+/).every((w) => COREDUMP.includes(w) || /^(0x)?[0-9a-fA-F]+$/.test(w))
    ? ok(v) : bad(`Failed to parse the CoredumpFilter=${v}, ignoring: ${/^-[0-9]/.test(v) ? 'Numerical result out of range' : 'Invalid argument'}`), false, { empty: 'reset' }),
  unenforced('CPUAffinity', SS, pCpuSet, false, { empty: 'reset', specifiers: true }),
  unenforced('IOSchedulingClass', SS, (v) => ['realtime', 'best-effort', 'idle', 'none', '0', '1', '2', '3'].includes(v) ? ok(v) : bad(`Failed to parse IO scheduling class, ignoring: ${v}`), false, { empty: 'reset' }),
  unenforced('IOSchedulingPriority', SS, (v) => /^[0-7]$/.test(v) ? ok(v) : bad(`Failed to parse IO priority, ignoring: ${v}`), false, { empty: 'reset' }),
  unenforced('CPUSchedulingPolicy', SS, (v) => (['other', 'batch', 'idle', 'fifo', 'rr'].includes(v) || /^[0-9]+$/.test(v)) ? ok(v) : bad(`Failed to parse CPU scheduling policy, ignoring: ${v}`), false, { empty: 'reset' }),
  unenforced('ExecSearchPath', SS, (raw, k) => (splitValue(raw, 'escape') ?? [raw]).join(' ').split(':').every((p) => p.startsWith('/')) ? ok(raw) : bad(`${k}= path is not absolute, ignoring: ${(splitValue(raw, 'escape') ?? [raw]).join(' ')}`), false, { empty: 'reset', specifiers: true }),
  unenforced('CPUSchedulingPriority', SS, (v) => /^[0-9]+$/.test(v) && Number(v) <= 99 ? ok(v)
    : bad(/^[+-]?[0-9]+$/.test(v) ? `CPU scheduling priority is out of range, ignoring: ${v}` : `Failed to parse CPU scheduling priority, ignoring: ${v}`)),

  unenforced('NUMAPolicy', SS, (v) => ['default', 'preferred', 'bind', 'interleave', 'local'].includes(v) ? ok(v) : bad(`Invalid NUMA policy type, ignoring: ${v}`), false, { empty: 'reset' }),
  custom('NUMAMask', SS, false, (v, ctx) => {
    const r = pCpuSet(v);
    if (!r.ok) { ctx.warn(r.message); ctx.warn(`Failed to parse NUMA node mask, ignoring: ${v}`); }
  }, () => undefined, { enforced: false, empty: 'reset' }),
  unenforced('TTYRows', SS, pUnsigned, false, { empty: 'reset' }),
  unenforced('TTYColumns', SS, pUnsigned, false, { empty: 'reset' }),
  unenforced('LogRateLimitIntervalSec', SS, pSec),
  unenforced('LogRateLimitBurst', SS, pUnsigned),
  unenforced('LogExtraFields', SS, (w) => w.includes('=') ? ok(w) : bad(`Log field lacks '=' character, ignoring: ${w}`), true, { spec: 'p', split: 'cunescape' }),
  unenforced('LogNamespace', SS, (v) => /^[A-Za-z0-9_.-]{1,64}$/.test(v) ? ok(v) : bad(`Specified log namespace name is not valid, ignoring: ${v}`), false, { empty: 'reset', specifiers: true, spec: 'p' }),
  unenforced('TimerSlackNSec', SS, pNsec),
  scalar('KeyringMode', SS, pEnum(['inherit', 'private', 'shared'] as const, 'keyring mode'), (c, v) => { sb(c).keyringMode = v; }),
  scalar('ProtectProc', SS, pEnum(['noaccess', 'invisible', 'ptraceable', 'default'] as const, '/proc/ protection mode'), (c, v) => { sb(c).protectProc = v; }),
  scalar('ProcSubset', SS, pEnum(['all', 'pid'] as const, '/proc/ subset mode'), (c, v) => { sb(c).procSubset = v; }),
  ...(['SystemCallFilter', 'SystemCallLog'] as const).map((k) => custom(k, SS, true, (v, ctx) => {
    const ws = splitValue(v, 'escape') ?? [];
    if (ws[0] === '~') ws.shift();
    const good: string[] = [];
    ws.forEach((w, i) => {
      const word = i === 0 ? w.replace(/^~/, '') : w;
      const name = word.split(':')[0] ?? '';
      if (!(SYSCALL_GROUPS.has(name) || SYSCALL_NAMES.has(name))) ctx.warn(`Failed to parse system call, ignoring: ${name}`);
      else good.push(word);
    });
    const c = sb(ctx.cfg);
    const r = applySyscallFilter(k === 'SystemCallFilter' ? c.systemCallFilter : c.systemCallLog, v, good, k === 'SystemCallLog');
    for (const m of r.warnings) ctx.warn(m);
    if (k === 'SystemCallFilter') c.systemCallFilter = r.list; else c.systemCallLog = r.list;
  }, (c) => { if (k === 'SystemCallFilter') sb(c).systemCallFilter = null; else sb(c).systemCallLog = null; })),
  words('SystemCallArchitectures', SS, (w) => ARCHS.includes(w) ? ok(w)
    : bad(`Failed to parse system call architecture "${w}", ignoring: Invalid argument`), (c, v) => {
    for (const a of v) if (!sb(c).systemCallArchitectures.includes(a)) sb(c).systemCallArchitectures.push(a);
  }, (c) => { sb(c).systemCallArchitectures = []; }, { specifiers: false }),
  scalar('SystemCallErrorNumber', SS, (v) => {
    if (v === 'kill') return { ok: true, value: parseErrno('kill') ?? 0 };
    const e = /^(E[A-Z0-9]+|log)$/.test(v) ? parseErrno(v) : null;
    if (e !== null) return { ok: true, value: e };
    if (/^(E[A-Z0-9]+|log)$/.test(v)) return { ok: false, message: `Failed to parse error number, ignoring: ${v}` };
    return /^[0-9]+$/.test(v) ? (Number(v) >= 1 && Number(v) <= 4095 ? { ok: true, value: Number(v) } : { ok: false, message: `Invalid error number, ignoring: ${v}` })
      : { ok: false, message: `Failed to parse error number, ignoring: ${v}` };
  }, (c, v) => { sb(c).systemCallErrorNumber = v; }, { empty: 'reset', reset: (c) => { sb(c).systemCallErrorNumber = parseErrno('kill') ?? 0; } }),
  ...['LoadCredential', 'LoadCredentialEncrypted'].map((k) => unenforced(k, SS, (v) => {
    const name = v.split(':')[0] ?? '';
    return (name === '' || name.includes('/') || name === '.' || name === '..' || name.length > 255) ? bad(`Credential name "${name}" not valid, ignoring.`) : ok(v);
  }, false, { empty: 'reset', specifiers: true, spec: 'dq' })),
  custom('RestrictNamespaces', SS, false, (v, ctx) => {
    const c = sb(ctx.cfg);
    const b = parseBoolean(v);
    if (b !== null) { c.restrictNamespaces = b ? 0 : NS_ALL; return; }
    const invert = v.startsWith('~');
    const ws = v.replace(/^~/, '').split(/\s+/).filter((x) => x !== '');
    if (!((ws.length > 0 || v === '~') && ws.every((w) => NAMESPACES.includes(w)))) { ctx.warn(`Failed to parse namespace type string, ignoring: ${v}`); return; }
    const flags = ws.reduce((a, w) => a | (NS_FLAGS[w] ?? 0), 0);
    if (c.restrictNamespaces === null) c.restrictNamespaces = invert ? (~flags & NS_ALL) : flags;
    else c.restrictNamespaces = invert ? (c.restrictNamespaces & ~flags) : (c.restrictNamespaces | flags);
  }, (c) => { sb(c).restrictNamespaces = null; }, { empty: 'reset' }),
  custom('RestrictAddressFamilies', SS, true, (v, ctx) => {
    const c = sb(ctx.cfg);
    if (v === 'none') { c.restrictAddressFamilies = { allowList: true, families: [] }; return; }
    const invert = v.startsWith('~');
    const ws = splitValue(invert ? v.slice(1) : v, 'unquote');
    if (!ws) { ctx.warn(`Invalid syntax, ignoring: ${v}`); return; }
    c.restrictAddressFamilies ??= { allowList: !invert, families: [] };
    const cur = c.restrictAddressFamilies;
    for (const w of ws) {
      const af = AF_NAMES[w];
      if (af === undefined) { ctx.warn(`Failed to parse address family, ignoring: ${w}`); continue; }
      if (!invert === cur.allowList) { if (!cur.families.includes(af)) cur.families.push(af); }
      else cur.families = cur.families.filter((x) => x !== af);
    }
  }, (c) => { sb(c).restrictAddressFamilies = null; }),
  scalar('NetworkNamespacePath', SS, absPath, (c, v) => { sb(c).networkNamespacePath = v; }, { empty: 'reset', specifiers: true, reset: (c) => { sb(c).networkNamespacePath = ''; } }),
  scalar('IPCNamespacePath', SS, absPath, (c, v) => { sb(c).ipcNamespacePath = v; }, { empty: 'reset', specifiers: true, reset: (c) => { sb(c).ipcNamespacePath = ''; } }),
  scalar('ProtectSystem', SS, pBoolOr(['strict', 'full'], 'protect system value'), (c, v) => { sb(c).protectSystem = v as SandboxContext['protectSystem']; }),
  scalar('ProtectHome', SS, pBoolOr(['read-only', 'tmpfs'], 'protect home value'), (c, v) => { sb(c).protectHome = v as SandboxContext['protectHome']; }),
  scalar('MountFlags', SS, pEnum(['shared', 'slave', 'private'] as const, 'mount flag'), (c, v) => { sb(c).mountFlags = v; }, { empty: 'reset', reset: (c) => { sb(c).mountFlags = ''; } }),
  unenforced('Personality', SS, pEnum(['x86', 'x86-64', 'arm64', 'arm', 's390', 's390x', 'ppc', 'ppc64', 'ppc64-le'] as const, 'personality'), false, { empty: 'reset' }),
  unenforced('SetCredential', SS, (v) => v.includes(':') ? ok(v) : bad(`Invalid syntax, ignoring: ${v}`), false, { empty: 'reset' }),
  unenforced('SetCredentialEncrypted', SS, (v) => v.includes(':') ? ok(v) : bad(`Invalid syntax, ignoring: ${v}`), false, { empty: 'reset' }),
  unenforced('TimeoutCleanSec', SS, pSec),
  unenforced('UtmpMode', SS, pEnum(['init', 'login', 'user'] as const, 'utmp mode')),
];

// Not shown: tsysd has no properties for the sandboxing settings yet.
showRows(SANDBOX_ROWS, {}, [
  'RootImage', 'RootVerity', 'RootHash', 'RootHashSignature', 'CPUSchedulingResetOnFork', 'TTYReset', 'TTYVHangup',
  'TTYVTDisallocate', 'MemoryDenyWriteExecute', 'RestrictRealtime', 'RestrictSUIDSGID', 'LockPersonality',
  'PrivateDevices', 'ProtectKernelTunables', 'ProtectKernelModules', 'ProtectKernelLogs', 'ProtectClock',
  'ProtectControlGroups', 'PrivateNetwork', 'PrivateUsers', 'PrivateMounts', 'PrivateIPC', 'ProtectHostname',
  'MountAPIVFS', 'RootImageOptions', 'UtmpIdentifier', 'SELinuxContext', 'AppArmorProfile', 'SmackProcessLabel',
  'ExtensionDirectories', 'ExtensionImages', 'ReadWriteDirectories', 'ReadOnlyDirectories',
  'InaccessibleDirectories', 'ReadWritePaths', 'ReadOnlyPaths', 'InaccessiblePaths', 'ExecPaths', 'NoExecPaths',
  'TemporaryFileSystem', 'BindPaths', 'BindReadOnlyPaths', 'SecureBits', 'RestrictFileSystems', 'MountImages',
  'CoredumpFilter', 'CPUAffinity', 'IOSchedulingClass', 'IOSchedulingPriority', 'CPUSchedulingPolicy',
  'ExecSearchPath', 'CPUSchedulingPriority', 'NUMAPolicy', 'NUMAMask', 'TTYRows', 'TTYColumns',
  'LogRateLimitIntervalSec', 'LogRateLimitBurst', 'LogExtraFields', 'LogNamespace', 'TimerSlackNSec', 'KeyringMode',
  'ProtectProc', 'ProcSubset', 'SystemCallFilter', 'SystemCallLog', 'SystemCallArchitectures',
  'SystemCallErrorNumber', 'LoadCredential', 'LoadCredentialEncrypted', 'RestrictNamespaces',
  'RestrictAddressFamilies', 'NetworkNamespacePath', 'IPCNamespacePath', 'ProtectSystem', 'ProtectHome',
  'MountFlags', 'Personality', 'SetCredential', 'SetCredentialEncrypted', 'TimeoutCleanSec', 'UtmpMode',
]);
