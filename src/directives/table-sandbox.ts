// Sandboxing, scheduling, logging and credential settings of systemd.exec(5) that tsysd parses and validates
// (with systemd 252's messages) but does not enforce. `verify` reports each as "not enforced by tsysd".
// Invariant: these rows never change UnitConfig except cfg.raw (filled by compile).
import { SYSCALL_GROUPS, SYSCALL_NAMES } from './syscalls';
import {
  specError, splitValue, type SpecStyle, type SplitMode,
  custom, pBool, pBoolOr, pEnum, pNsec, pSec, pUnsigned, pPathWord, unenforced, type Row, type SectionName, type Parsed,
} from './row';

const SS: SectionName[] = ['Service', 'Socket'];
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

const BOOLS = ['CPUSchedulingResetOnFork', 'TTYReset', 'TTYVHangup', 'TTYVTDisallocate', 'MemoryDenyWriteExecute',
  'RestrictRealtime', 'RestrictSUIDSGID', 'LockPersonality', 'PrivateDevices', 'ProtectKernelTunables',
  'ProtectKernelModules', 'ProtectKernelLogs', 'ProtectClock', 'ProtectControlGroups', 'PrivateNetwork', 'PrivateUsers',
  'PrivateMounts', 'PrivateIPC', 'ProtectHostname', 'MountAPIVFS'];
const PATH_LISTS = ['ExtensionDirectories', 'ExtensionImages', 'ReadWriteDirectories', 'ReadOnlyDirectories',
  'InaccessibleDirectories', 'ReadWritePaths', 'ReadOnlyPaths', 'InaccessiblePaths', 'ExecPaths', 'NoExecPaths',
  'BindPaths', 'BindReadOnlyPaths', 'TemporaryFileSystem'];
const PATH_SPEC: Record<string, { spec?: SpecStyle; split?: SplitMode; syntaxMsg?: (v: string, k: string) => string }> = {
  ExtensionDirectories: { spec: 'pN' }, ExtensionImages: { spec: 'dq', split: 'cunescape', syntaxMsg: (v, k) => `Invalid syntax in ${k}=, ignoring: ${v}` },
  BindPaths: { spec: 'dq' }, BindReadOnlyPaths: { spec: 'dq' }, TemporaryFileSystem: { spec: 'p' },
  ReadWriteDirectories: { spec: 'pN' }, ReadOnlyDirectories: { spec: 'pN' }, InaccessibleDirectories: { spec: 'pN' }, ReadWritePaths: { spec: 'pN' },
  ReadOnlyPaths: { spec: 'pN' }, InaccessiblePaths: { spec: 'pN' }, ExecPaths: { spec: 'pN' }, NoExecPaths: { spec: 'pN' },
};
const ANY = ['SecureBits', 'RestrictFileSystems'];
const COREDUMP = ['private-anonymous', 'shared-anonymous', 'private-file-backed', 'shared-file-backed', 'elf-headers',
  'private-huge', 'shared-huge', 'private-dax', 'shared-dax', 'default', 'all'];
const ARCHS = ['native', 'x86', 'x86-64', 'x32', 'arm', 'arm64', 'ia64', 'loongarch64', 'mips', 'mips-le', 'mips64', 'mips64-le',
  'mips64-n32', 'mips64-le-n32', 'parisc', 'parisc64', 'ppc', 'ppc64', 'ppc64-le', 'riscv32', 'riscv64', 's390', 's390x'];
const NAMESPACES = ['cgroup', 'ipc', 'net', 'mnt', 'pid', 'user', 'uts'];

export const SANDBOX_ROWS: Row[] = [
  fatalPath('RootImage'), fatalPath('RootVerity'),
  unenforced('RootHash', SS, (v) => (v.startsWith('/') || /^[0-9a-fA-F]{32,}$/.test(v)) ? ok(v) : bad(`Failed to decode RootHash=, ignoring: ${v}`), false, { empty: 'reset' }),
  unenforced('RootHashSignature', SS, (v) => (v.startsWith('/') || v.startsWith('base64:')) ? ok(v)
    : bad(`Failed to decode RootHashSignature=, not a path but doesn't start with 'base64:', ignoring: ${v}`), false, { empty: 'reset' }),
  ...BOOLS.map((k) => unenforced(k, SS, pBool, false, { empty: k === 'MountAPIVFS' ? 'reset' : 'parse' })),
  unenforced('RootImageOptions', SS, (v, k) => (splitValue(v, 'cunescape') ? ok(v) : bad(`Failed to parse ${k}, ignoring: ${v}`)), false, { specifiers: true, spec: 'p' }),
  unenforced('UtmpIdentifier', SS, ok, false, { specifiers: true }),
  ...['SELinuxContext', 'AppArmorProfile', 'SmackProcessLabel'].map((k) => unenforced(k, SS, ok, false, { specifiers: true, spec: 'qF' })),
  ...PATH_LISTS.map((k) => unenforced(k, SS, (w, key) => {
    if (key === 'TemporaryFileSystem') return w.startsWith('/') ? ok(w) : bad(`${key}= path is not absolute, ignoring: ${w.split(':')[0]}`);
    return pPathWord(w.split(':')[0] ?? w, key);
  }, true, PATH_SPEC[k] ?? {})),
  ...ANY.map((k) => unenforced(k, SS, ok)),
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
  unenforced('KeyringMode', SS, pEnum(['inherit', 'private', 'shared'] as const, 'keyring mode')),
  unenforced('ProtectProc', SS, pEnum(['noaccess', 'invisible', 'ptraceable', 'default'] as const, '/proc/ protection mode')),
  unenforced('ProcSubset', SS, pEnum(['all', 'pid'] as const, '/proc/ subset mode')),
  ...['SystemCallFilter', 'SystemCallLog'].map((k) => custom(k, SS, true, (v, ctx) => {
    const ws = splitValue(v, 'escape') ?? [];
    if (ws[0] === '~') ws.shift();
    ws.forEach((w, i) => {
      const name = (i === 0 ? w.replace(/^~/, '') : w).split(':')[0] ?? '';
      if (!(SYSCALL_GROUPS.has(name) || SYSCALL_NAMES.has(name))) ctx.warn(`Failed to parse system call, ignoring: ${name}`);
    });
  }, () => undefined, { enforced: false })),
  unenforced('SystemCallArchitectures', SS, (w) => ARCHS.includes(w) ? ok(w)
    : bad(`Failed to parse system call architecture "${w}", ignoring: Invalid argument`), true, { specifiers: false }),
  unenforced('SystemCallErrorNumber', SS, (v) => /^(E[A-Z0-9]+|kill|log)$/.test(v) ? ok(v)
    : /^[0-9]+$/.test(v) ? (Number(v) >= 1 && Number(v) <= 4095 ? ok(v) : bad(`Invalid error number, ignoring: ${v}`)) : bad(`Failed to parse error number, ignoring: ${v}`), false, { empty: 'reset' }),
  ...['LoadCredential', 'LoadCredentialEncrypted'].map((k) => unenforced(k, SS, (v) => {
    const name = v.split(':')[0] ?? '';
    return (name === '' || name.includes('/') || name === '.' || name === '..' || name.length > 255) ? bad(`Credential name "${name}" not valid, ignoring.`) : ok(v);
  }, false, { empty: 'reset', specifiers: true, spec: 'dq' })),
  unenforced('RestrictNamespaces', SS, (v) => {
    if (pBool(v, '').ok || v === '~') return ok(v);
    const ws = v.replace(/^~/, '').split(/\s+/).filter((x) => x !== '');
    return ws.length > 0 && ws.every((w) => NAMESPACES.includes(w)) ? ok(v) : bad(`Failed to parse namespace type string, ignoring: ${v}`);
  }, false, { empty: 'reset' }),
  unenforced('RestrictAddressFamilies', SS, (w) => /^~?(AF_[A-Z0-9_]+|none)?$/.test(w) ? ok(w) : bad(`Failed to parse address family, ignoring: ${w}`), true, { specifiers: false }),
  unenforced('NetworkNamespacePath', SS, absPath, false, { empty: 'reset', specifiers: true }),
  unenforced('IPCNamespacePath', SS, absPath, false, { empty: 'reset', specifiers: true }),
  unenforced('ProtectSystem', SS, pBoolOr(['strict', 'full'], 'protect system value')),
  unenforced('ProtectHome', SS, pBoolOr(['read-only', 'tmpfs'], 'protect home value')),
  unenforced('MountFlags', SS, pEnum(['shared', 'slave', 'private'] as const, 'mount flag'), false, { empty: 'reset' }),
  unenforced('Personality', SS, pEnum(['x86', 'x86-64', 'arm64', 'arm', 's390', 's390x', 'ppc', 'ppc64', 'ppc64-le'] as const, 'personality'), false, { empty: 'reset' }),
  unenforced('SetCredential', SS, (v) => v.includes(':') ? ok(v) : bad(`Invalid syntax, ignoring: ${v}`), false, { empty: 'reset' }),
  unenforced('SetCredentialEncrypted', SS, (v) => v.includes(':') ? ok(v) : bad(`Invalid syntax, ignoring: ${v}`), false, { empty: 'reset' }),
  unenforced('TimeoutCleanSec', SS, pSec),
  unenforced('UtmpMode', SS, pEnum(['init', 'login', 'user'] as const, 'utmp mode')),
];
