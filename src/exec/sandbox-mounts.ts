// The mount table of a service's mount namespace, computed exactly as systemd 252's setup_namespace() does
// (src/core/namespace.c): the entries of ReadWritePaths=/ReadOnlyPaths=/InaccessiblePaths=/ExecPaths=/
// NoExecPaths=, the DynamicUser= private/ boundaries, BindPaths=, TemporaryFileSystem=, PrivateTmp=,
// PrivateDevices=, the ProtectKernel*=/ProtectControlGroups=/ProtectHome=/ProtectSystem= tables, the API
// file systems, ProtectHostname=, PrivateIPC= and /run/credentials; prefixed with RootDirectory= where
// systemd prefixes, symlinks in entry paths followed, then sorted (mount_path_compare), duplicates merged
// (the more restrictive mode wins, flags propagate), entries outside the root, below an inaccessible path or
// made redundant by a parent of the same mode dropped. The exec helper applies the result in order.
// Invariants: pure (symlinks are chased by the injected resolver); tables as Debian builds 252 (split-usr,
// split-bin: /lib, /lib64, /bin, /sbin are in the ProtectSystem= tables, /lib/modules in ProtectKernelModules=).
import type { SandboxContext } from '../directives/types';

/** MountMode of namespace.c, in its priority order (lower wins among duplicates). */
export const MOUNT_MODES = ['inaccessible', 'bind', 'rbind', 'private-tmp', 'private-dev', 'bind-dev', 'empty',
  'sysfs', 'procfs', 'read-only', 'read-write', 'noexec', 'exec', 'tmpfs', 'run', 'mqueuefs', 'rw-implicit'] as const;
export type MountMode = typeof MOUNT_MODES[number];

// MS_* flags (sys/mount.h)
export const MS = { RDONLY: 1, NOSUID: 2, NODEV: 4, NOEXEC: 8, RELATIME: 1 << 21, STRICTATIME: 1 << 24, SHARED: 1 << 20, SLAVE: 1 << 19, PRIVATE: 1 << 18 } as const;
const DEV_MOUNT_OPTIONS = MS.NOSUID | MS.STRICTATIME | MS.NOEXEC;

export interface MountEntry {
  mode: MountMode;
  path: string;
  source?: string;
  options?: string;
  flags: number;
  ignore: boolean;
  readOnly: boolean;
  nosuid: boolean;
  noexec: boolean;
  exec: boolean;
  /** Not yet prefixed with the root directory (systemd's has_prefix = false). */
  needsPrefix: boolean;
}

export interface MountPlanInput {
  sb: SandboxContext;
  /** Full sandboxing (false for '+' commands: only ReadWritePaths=, binds and exec directories apply). */
  sandboxing: boolean;
  /** The relaxed RootDirectory= case of '+' commands without DynamicUser= (ignore_protect_paths). */
  ignoreProtectPaths: boolean;
  rootDirectory: string;
  /** Host directories bind-mounted on /tmp and /var/tmp (PrivateTmp=), or null. */
  privateTmp: { tmp: string; varTmp: string } | null;
  noNewPrivileges: boolean;
  /** Exec directories (StateDirectory= ...) bind-mounted so they stay writable, DynamicUser= boundaries. */
  execBinds: { source: string; destination: string; nosuid: boolean }[];
  emptyDirectories: string[];
  /** Follows symlinks in a path as the helper will see it (CHASE_NONEXISTENT: the missing tail is kept). */
  resolve: (path: string) => string;
  /** MountAPIVFS= as systemd computes it (explicit setting, else on with RootDirectory=). */
  mountApiVfs: boolean;
}

const e = (mode: MountMode, path: string, over: Partial<MountEntry> = {}): MountEntry => ({
  mode, path, flags: 0, ignore: false, readOnly: false, nosuid: false, noexec: false, exec: false, needsPrefix: true, ...over,
});

const APIVFS: [string, MountMode, Partial<MountEntry>][] = [
  ['/proc', 'procfs', {}], ['/dev', 'bind-dev', {}], ['/sys', 'sysfs', {}],
  ['/run', 'run', { options: 'mode=755,size=20%,nr_inodes=800k', flags: MS.NOSUID | MS.NODEV | MS.STRICTATIME }],
];
const KERNEL_TUNABLES_PROC: [string, MountMode][] = [['/proc/acpi', 'read-only'], ['/proc/apm', 'read-only'], ['/proc/asound', 'read-only'],
  ['/proc/bus', 'read-only'], ['/proc/fs', 'read-only'], ['/proc/irq', 'read-only'], ['/proc/kallsyms', 'inaccessible'],
  ['/proc/kcore', 'inaccessible'], ['/proc/latency_stats', 'read-only'], ['/proc/mtrr', 'read-only'], ['/proc/scsi', 'read-only'],
  ['/proc/sys', 'read-only'], ['/proc/sysrq-trigger', 'read-only'], ['/proc/timer_stats', 'read-only']];
const KERNEL_TUNABLES_SYS: [string, MountMode, boolean][] = [['/sys', 'read-only', false], ['/sys/fs/bpf', 'read-only', true],
  ['/sys/fs/cgroup', 'rw-implicit', false], ['/sys/fs/selinux', 'rw-implicit', true], ['/sys/kernel/debug', 'read-only', true],
  ['/sys/kernel/tracing', 'read-only', true]];
const KERNEL_MODULES = ['/lib/modules', '/usr/lib/modules'];
const HOME_PATHS = ['/home', '/run/user', '/root'];
const SYSTEM_YES: [string, boolean][] = [['/usr', false], ['/boot', true], ['/efi', true], ['/lib', true], ['/lib64', true], ['/bin', true], ['/sbin', true]];
const SYSTEM_FULL: [string, boolean][] = [['/usr', false], ['/boot', true], ['/efi', true], ['/etc', false], ['/lib', true], ['/lib64', true], ['/bin', true], ['/sbin', true]];
const SYSTEM_STRICT: [string, MountMode, boolean][] = [['/', 'read-only', false], ['/proc', 'rw-implicit', false], ['/sys', 'rw-implicit', false],
  ['/dev', 'rw-implicit', false], ['/home', 'rw-implicit', true], ['/run/user', 'rw-implicit', true], ['/root', 'rw-implicit', true]];

/** systemd's path_compare(): component-wise, a prefix sorts before what is below it. */
export function pathCompare(a: string, b: string): number {
  const x = a.split('/').filter((s) => s !== '');
  const y = b.split('/').filter((s) => s !== '');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i] as string, q = y[i] as string;
    if (p !== q) return p < q ? -1 : 1;
  }
  return x.length - y.length;
}

/** path_startswith(): `path` is `prefix` or below it. */
export function pathUnder(path: string, prefix: string): boolean {
  const p = prefix.replace(/\/+$/, '');
  return p === '' || path === p || path.startsWith(`${p}/`);
}

const joinRoot = (root: string, p: string): string => (root.replace(/\/+$/, '') + (p.startsWith('/') ? p : `/${p}`)).replace(/\/+$/, '') || '/';

/** mount_option_mangle() for TemporaryFileSystem=: flags out of the option string, the rest kept. */
function mangle(options: string, flags: number): { flags: number; rest: string } {
  const map: Record<string, [number, boolean]> = {
    ro: [MS.RDONLY, false], rw: [MS.RDONLY, true], nosuid: [MS.NOSUID, false], suid: [MS.NOSUID, true], nodev: [MS.NODEV, false],
    dev: [MS.NODEV, true], noexec: [MS.NOEXEC, false], exec: [MS.NOEXEC, true], strictatime: [MS.STRICTATIME, false],
    nostrictatime: [MS.STRICTATIME, true], relatime: [MS.RELATIME, false], norelatime: [MS.RELATIME, true],
  };
  const rest: string[] = [];
  for (const w of options.split(',').filter((x) => x !== '')) {
    const m = map[w];
    if (!m) { if (!/^x-/i.test(w)) rest.push(w); continue; }
    flags = m[1] ? flags & ~m[0] : flags | m[0];
  }
  return { flags, rest: rest.join(',') };
}

function accessEntries(list: string[], mode: MountMode, hasRoot: boolean): MountEntry[] {
  return list.map((raw) => {
    let p = raw;
    const ignore = p.startsWith('-');
    if (ignore) p = p.slice(1);
    const plus = p.startsWith('+');
    if (plus) p = p.slice(1);
    return e(mode, p, { ignore, needsPrefix: hasRoot ? plus : false });
  });
}

/** The entry list the helper mounts, in order. */
export function planMounts(inp: MountPlanInput): MountEntry[] {
  const sb = inp.sb;
  const root = inp.rootDirectory;
  const hasRoot = root !== '';
  const s = inp.sandboxing;
  const ignoreProtect = inp.ignoreProtectPaths;
  const out: MountEntry[] = [
    ...accessEntries(sb.readWritePaths, 'read-write', hasRoot),
    ...(s ? accessEntries(sb.readOnlyPaths, 'read-only', hasRoot) : []),
    ...(s ? accessEntries(sb.inaccessiblePaths, 'inaccessible', hasRoot) : []),
    ...(s ? accessEntries(sb.execPaths, 'exec', hasRoot) : []),
    ...(s ? accessEntries(sb.noExecPaths, 'noexec', hasRoot) : []),
    ...inp.emptyDirectories.map((p) => e('empty', p, { readOnly: true, options: 'mode=755,size=4m,nr_inodes=1k', flags: MS.NOSUID | MS.NOEXEC | MS.NODEV | MS.STRICTATIME })),
    ...sb.bindMounts.map((b) => e(b.recursive ? 'rbind' : 'bind', b.destination, { source: b.source, readOnly: b.readOnly, ignore: b.ignoreMissing })),
    ...inp.execBinds.map((b) => e('rbind', b.destination, { source: b.source, nosuid: b.nosuid })),
    ...sb.temporaryFileSystem.map((t) => {
      const m = mangle(`mode=0755,size=10%,nr_inodes=400k,${t.options}`, MS.NODEV | MS.STRICTATIME);
      const ro = (m.flags & MS.RDONLY) !== 0;
      return e('tmpfs', t.path, { readOnly: ro, options: m.rest, flags: m.flags & ~MS.RDONLY });
    }),
  ];
  if (s && inp.privateTmp) {
    out.push(e('private-tmp', '/tmp', { source: inp.privateTmp.tmp }), e('private-tmp', '/var/tmp', { source: inp.privateTmp.varTmp }));
  }
  if (s) {
    if (sb.privateDevices) out.push(e('private-dev', '/dev', { flags: DEV_MOUNT_OPTIONS }));
    const ignoreProc = ignoreProtect || sb.procSubset === 'pid';
    if (sb.protectKernelTunables) {
      for (const [p, m] of KERNEL_TUNABLES_PROC) out.push(e(m, p, { ignore: true }));
      for (const [p, m, ig] of KERNEL_TUNABLES_SYS) out.push(e(m, p, { ignore: ig || ignoreProtect }));
    }
    if (sb.protectKernelModules) for (const p of KERNEL_MODULES) out.push(e('inaccessible', p, { ignore: true }));
    if (sb.protectKernelLogs) out.push(e('inaccessible', '/proc/kmsg', { ignore: true }), e('inaccessible', '/dev/kmsg', { ignore: true }));
    if (sb.protectControlGroups) out.push(e('read-only', '/sys/fs/cgroup'));
    if (sb.protectHome === 'read-only') for (const p of HOME_PATHS) out.push(e('read-only', p, { ignore: true }));
    if (sb.protectHome === 'yes') for (const p of HOME_PATHS) out.push(e('inaccessible', p, { ignore: true }));
    if (sb.protectHome === 'tmpfs') {
      for (const p of HOME_PATHS) {
        out.push(e('tmpfs', p, { ignore: true, readOnly: true, options: `mode=${p === '/root' ? '0700' : '0755'},size=4m,nr_inodes=1k`, flags: MS.NODEV | MS.STRICTATIME }));
      }
    }
    if (sb.protectSystem === 'yes') for (const [p, ig] of SYSTEM_YES) out.push(e('read-only', p, { ignore: ig || ignoreProtect }));
    if (sb.protectSystem === 'full') for (const [p, ig] of SYSTEM_FULL) out.push(e('read-only', p, { ignore: ig || ignoreProtect }));
    if (sb.protectSystem === 'strict') for (const [p, m, ig] of SYSTEM_STRICT) out.push(e(m, p, { ignore: ig || ignoreProtect }));
    const apivfs = inp.mountApiVfs || sb.protectControlGroups || sb.protectKernelTunables || sb.protectProc !== 'default' || sb.procSubset !== 'all';
    if (apivfs) {
      let procOpts: string | undefined;
      if (sb.protectProc !== 'default' || sb.procSubset !== 'all') {
        procOpts = `hidepid=${sb.protectProc === 'default' ? 'off' : sb.protectProc}${sb.procSubset === 'pid' ? ',subset=pid' : ''}`;
      }
      for (const [p, m, over] of APIVFS) out.push(e(m, p, { ...over, ignore: ignoreProtect, ...(m === 'procfs' && procOpts ? { options: procOpts } : {}) }));
    }
    if (sb.protectHostname) {
      out.push(e('read-only', '/proc/sys/kernel/hostname', { ignore: ignoreProc }), e('read-only', '/proc/sys/kernel/domainname', { ignore: ignoreProc }));
    }
    if (sb.privateIPC || sb.ipcNamespacePath) out.push(e('mqueuefs', '/dev/mqueue', { flags: MS.NOSUID | MS.NODEV | MS.NOEXEC | MS.RELATIME }));
  }
  out.push(e('inaccessible', '/run/credentials', { ignore: true }));

  for (const m of out) {
    if (hasRoot && m.needsPrefix) m.path = joinRoot(root, m.path);
    m.needsPrefix = false;
    m.path = inp.resolve(m.path);
  }
  return dropUnused(out, hasRoot ? root : '');
}

const readOnlyOf = (m: MountEntry): boolean => m.readOnly || m.mode === 'read-only' || m.mode === 'inaccessible';
const noexecOf = (m: MountEntry): boolean => m.noexec || m.mode === 'noexec' || m.mode === 'inaccessible' || m.mode === 'sysfs' || m.mode === 'procfs';
const execOf = (m: MountEntry): boolean => m.exec || m.mode === 'exec';

/** drop_unused_mounts(): sort, drop duplicates, outside the root, below inaccessible paths, redundant ones. */
export function dropUnused(list: MountEntry[], root: string): MountEntry[] {
  const sorted = [...list].sort((a, b) => pathCompare(a.path, b.path) || MOUNT_MODES.indexOf(a.mode) - MOUNT_MODES.indexOf(b.mode));
  const dedup: MountEntry[] = [];
  for (const f of sorted) {
    const prev = dedup[dedup.length - 1];
    if (prev && prev.path === f.path) {
      prev.readOnly = prev.readOnly || readOnlyOf(f);
      prev.noexec = prev.noexec || noexecOf(f);
      prev.exec = prev.exec || execOf(f);
      continue;
    }
    dedup.push(f);
  }
  const inRoot = root ? dedup.filter((m) => pathUnder(m.path, root)) : dedup;
  const visible: MountEntry[] = [];
  let clear: string | null = null;
  for (const f of inRoot) {
    if (clear !== null && pathUnder(f.path, clear)) continue;
    clear = f.mode === 'inaccessible' ? f.path : null;
    visible.push(f);
  }
  const kept: MountEntry[] = [];
  for (const f of visible) {
    if (f.mode === 'read-only' || f.mode === 'read-write' || f.mode === 'rw-implicit') {
      let parent: MountEntry | undefined;
      for (let i = kept.length - 1; i >= 0; i--) if (pathUnder(f.path, (kept[i] as MountEntry).path)) { parent = kept[i]; break; }
      if (parent && parent.mode === f.mode) continue;
    }
    kept.push(f);
  }
  return kept;
}
