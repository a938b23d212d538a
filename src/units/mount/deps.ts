// Implicit and default dependencies systemd 252 gives mount, swap and automount units (mount.c, swap.c,
// automount.c) and the "requires mounts for" paths of every unit (unit_require_mounts_for callers:
// RequiresMountsFor=, WorkingDirectory=, RootDirectory=, State/Cache/Logs/Runtime/ConfigurationDirectory=,
// PrivateTmp= (/var/tmp), unix socket paths, a mount's parent directory and bind/loop source, an
// automount's parent, a swap file). For each such path, every prefix that has a loaded mount unit gets
// After=, plus Requires= when that mount unit comes from a file (unit_add_mount_dependencies).
// Invariant: pure; the graph supplies what is loaded.
import type { DepKind, UnitConfig } from '../../directives/types';
import { pathSimplify, unitNameFromPath, unitNamePathEscape, unitNamePathUnescape } from '../../unit-file/names';

export interface TypeDep { kind: DepKind | 'Triggers'; name: string; origin: 'implicit' | 'default' | 'file' }

/** PATH_FOREACH_PREFIX_MORE: "/", "/a", "/a/b" for "/a/b". */
export function pathPrefixes(p: string): string[] {
  const s = pathSimplify(p);
  const out = ['/'];
  const parts = s.split('/').filter(Boolean);
  for (let i = 1; i <= parts.length; i++) out.push('/' + parts.slice(0, i).join('/'));
  return [...new Set(out)];
}

function parentDir(p: string): string | null {
  const s = pathSimplify(p);
  if (s === '/') return null;
  const i = s.lastIndexOf('/');
  return i <= 0 ? '/' : s.slice(0, i);
}

/** The path a mount unit manages (Where=, else from the unit name). */
export function mountWhere(cfg: UnitConfig): string {
  const w = cfg.mount?.where || cfg.automount?.where;
  if (w) return w;
  return unitNamePathUnescape(cfg.id.slice(0, cfg.id.lastIndexOf('.'))) ?? '/';
}

const NETWORK_FS = new Set(['cifs', 'smb3', 'smbfs', 'sshfs', 'ncpfs', 'ncp', 'nfs', 'nfs4', 'gfs', 'gfs2', 'glusterfs', 'gpfs',
  'pvfs2', 'ocfs2', 'lustre', 'davfs', 'ceph', 'afs']);

function hasOption(opts: string, o: string): boolean { return opts.split(',').some((x) => x === o); }

export function mountIsNetwork(cfg: UnitConfig): boolean {
  const m = cfg.mount;
  if (!m) return false;
  return hasOption(m.options, '_netdev') || NETWORK_FS.has(m.type) || (m.type.startsWith('fuse.') && NETWORK_FS.has(m.type.slice(5)));
}

export function mountIsBind(cfg: UnitConfig): boolean {
  const m = cfg.mount;
  return !!m && (['bind', 'rbind'].some((o) => hasOption(m.options, o)) || m.type === 'bind' || m.type === 'rbind');
}

/** fstab_is_extrinsic(): /, /usr, /etc, /run/initramfs, API file systems, x-initrd.mount. */
/** A mount unit systemd keeps out of system.slice and never unmounts at shutdown. */
export function isExtrinsicMount(cfg: UnitConfig): boolean {
  return cfg.type === 'mount' && !!cfg.mount && mountIsExtrinsic(mountWhere(cfg), cfg.mount.options);
}

export function mountIsExtrinsic(where: string, options: string): boolean {
  if (['/', '/usr', '/etc'].includes(where)) return true;
  if (['/run/initramfs', '/proc', '/sys', '/dev'].some((p) => where === p || where.startsWith(p + '/'))) return true;
  return hasOption(options, 'x-initrd.mount');
}

const isDevicePath = (p: string): boolean => p.startsWith('/dev/') || p.startsWith('/sys/');

/** Paths whose mount units this unit is ordered after (and requires, when they come from files). */
export function requiresMountsFor(cfg: UnitConfig, userMode: boolean): string[] {
  if (cfg.loadState !== 'loaded') return [];
  const out: string[] = [];
  const add = (p: string | null | undefined): void => { if (p && p.startsWith('/')) out.push(pathSimplify(p)); };
  for (const v of cfg.raw?.['Unit.RequiresMountsFor'] ?? []) for (const w of v.split(/\s+/)) add(w);
  const e = cfg.exec;
  const hasExec = cfg.type === 'service' || cfg.type === 'socket' || cfg.type === 'mount' || cfg.type === 'swap';
  if (hasExec) {
    if (e.workingDirectory && !e.workingDirectory.optional && e.workingDirectory.path !== '~') add(e.workingDirectory.path);
    add(e.rootDirectory);
    const prefixes: [string[], string][] = userMode ? [] : [[e.runtimeDirectory, '/run'], [e.stateDirectory, '/var/lib'],
      [e.cacheDirectory, '/var/cache'], [e.logsDirectory, '/var/log'], [e.configurationDirectory, '/etc']];
    for (const [dirs, pre] of prefixes) for (const d of dirs) add(`${pre}/${d}`);
    if (!userMode && e.privateTmp) add('/var/tmp');
  }
  if (cfg.type === 'socket' && cfg.socket) for (const l of cfg.socket.listen) if (l.address.startsWith('/')) add(l.address);
  if (cfg.type === 'mount' && cfg.mount) {
    add(parentDir(mountWhere(cfg)));
    const what = cfg.mount.what;
    if (what.startsWith('/') && (mountIsBind(cfg) || hasOption(cfg.mount.options, 'loop') || !mountIsNetwork(cfg))) add(what);
  }
  if (cfg.type === 'automount') add(parentDir(mountWhere(cfg)));
  if (cfg.type === 'swap' && cfg.swap) add(swapWhat(cfg));
  return [...new Set(out)];
}

/** The mount unit names for every prefix of every path (unit_add_mount_dependencies' candidates). */
export function mountUnitsFor(paths: string[], self: string): string[] {
  const out: string[] = [];
  for (const p of paths) for (const pre of pathPrefixes(p)) {
    const n = unitNameFromPath(pre, '.mount');
    if (n && n !== self && !out.includes(n)) out.push(n);
  }
  return out;
}

/** Facts about the manager that change these edges (systemd asks detect_container() and device_supported()). */
export interface MountDepEnv {
  userMode: boolean;
  /** In a container: swap units get no default dependencies. */
  container: boolean;
  /** Device units are supported (/sys writable): else no .device / blockdev@.target edges. */
  devices: boolean;
}

const JOURNALISH = new Set(['journal', 'journal+console', 'kmsg', 'kmsg+console']);

function execEdges(cfg: UnitConfig, env: MountDepEnv, out: TypeDep[]): void {
  // unit_set_default_slice (extrinsic mounts go to -.slice) and unit_add_exec_dependencies' journald rule
  const e = cfg.exec;
  const extrinsic = env.userMode || (cfg.type === 'mount' && cfg.mount && mountIsExtrinsic(mountWhere(cfg), cfg.mount.options));
  const slice = extrinsic ? '-.slice' : env.userMode ? 'app.slice' : 'system.slice';
  out.push({ kind: 'Requires', name: slice, origin: 'implicit' }, { kind: 'After', name: slice, origin: 'implicit' });
  const ttyIn = e.standardInput.startsWith('tty');
  const o = e.standardOutput === 'inherit' ? (ttyIn ? 'tty' : 'journal') : e.standardOutput;
  const er = e.standardError === 'inherit' ? o : e.standardError;
  if (!env.userMode && (JOURNALISH.has(o) || JOURNALISH.has(er))) out.push({ kind: 'After', name: 'systemd-journald.socket', origin: 'implicit' });
  // the system manager's writable-/var and PrivateTmp= orderings, as for services
  if (!env.userMode && (e.stateDirectory.length || e.cacheDirectory.length || e.logsDirectory.length)) out.push({ kind: 'After', name: 'systemd-remount-fs.service', origin: 'implicit' });
  if (!env.userMode && e.privateTmp) out.push({ kind: 'After', name: 'systemd-tmpfiles-setup.service', origin: 'implicit' });
}

function nodeEdges(what: string, kind: 'Requires' | 'BindsTo', env: MountDepEnv, out: TypeDep[]): void {
  if (!env.devices || !isDevicePath(what)) return;
  const dev = unitNameFromPath(what, '.device');
  if (!dev) return;
  out.push({ kind: env.userMode ? 'Wants' : kind, name: dev, origin: 'implicit' }, { kind: 'After', name: dev, origin: 'implicit' });
  if (what.startsWith('/dev/')) {
    const esc = unitNamePathEscape(what);
    if (esc) out.push({ kind: 'After', name: `blockdev@${esc}.target`, origin: 'implicit' });
  }
}

/** Type-specific edges (implicit ones always, default ones with DefaultDependencies=yes). */
export function typeDependencies(cfg: UnitConfig, env: MountDepEnv): TypeDep[] {
  if (cfg.loadState !== 'loaded') return [];
  const out: TypeDep[] = [];
  const dd = cfg.unit.defaultDependencies;
  const sys = !env.userMode;
  if (cfg.type === 'mount' && cfg.mount) {
    const where = mountWhere(cfg);
    const what = cfg.mount.what;
    execEdges(cfg, env, out);
    if (what && !mountIsBind(cfg) && !['/dev/root', '/dev/nfs'].includes(what) && where !== '/') nodeEdges(what, 'Requires', env, out);
    if (dd && sys && !mountIsExtrinsic(where, cfg.mount.options)) {
      const net = mountIsNetwork(cfg);
      if (!hasOption(cfg.mount.options, 'nofail')) out.push({ kind: 'Before', name: net ? 'remote-fs.target' : 'local-fs.target', origin: 'default' });
      out.push({ kind: 'After', name: net ? 'remote-fs-pre.target' : 'local-fs-pre.target', origin: 'default' });
      out.push({ kind: 'Before', name: 'umount.target', origin: 'default' }, { kind: 'Conflicts', name: 'umount.target', origin: 'default' });
      if (net) out.push({ kind: 'After', name: 'network.target', origin: 'default' }, { kind: 'Wants', name: 'network-online.target', origin: 'default' }, { kind: 'After', name: 'network-online.target', origin: 'default' });
      if (cfg.mount.type === 'tmpfs') out.push({ kind: 'After', name: 'swap.target', origin: 'default' });
    }
  }
  if (cfg.type === 'automount') {
    const m = `${cfg.id.slice(0, -'.automount'.length)}.mount`;
    out.push({ kind: 'Before', name: m, origin: 'implicit' }, { kind: 'Triggers', name: m, origin: 'implicit' });
    if (dd && sys) {
      out.push({ kind: 'Before', name: 'local-fs.target', origin: 'default' }, { kind: 'After', name: 'local-fs-pre.target', origin: 'default' });
      out.push({ kind: 'Before', name: 'umount.target', origin: 'default' }, { kind: 'Conflicts', name: 'umount.target', origin: 'default' });
    }
  }
  if (cfg.type === 'swap' && cfg.swap) {
    const what = swapWhat(cfg);
    execEdges(cfg, env, out);
    if (isDevicePath(what)) nodeEdges(what, 'Requires', env, out);
    else out.push({ kind: 'After', name: 'systemd-remount-fs.service', origin: 'implicit' });
    if (dd && sys && !env.container) {
      out.push({ kind: 'Before', name: 'swap.target', origin: 'default' });
      out.push({ kind: 'Before', name: 'umount.target', origin: 'default' }, { kind: 'Conflicts', name: 'umount.target', origin: 'default' });
    }
  }
  return out;
}

export function swapWhat(cfg: UnitConfig): string {
  return cfg.swap?.what || (unitNamePathUnescape(cfg.id.slice(0, -'.swap'.length)) ?? '');
}
