// RuntimeDirectory=/StateDirectory=/CacheDirectory=/LogsDirectory=/ConfigurationDirectory=: creation with
// their *Mode=, ownership by User=/Group=, the *_DIRECTORY environment variables, and removal of runtime
// directories on stop honouring RuntimeDirectoryPreserve=. With DynamicUser= the state, cache and logs
// directories live below <root>/private/ (0700) with <root>/NAME a symlink to private/NAME, as systemd lays
// them out (setup_exec_directory()); the environment names the public path.
// Invariants: all OS access goes through Platform; only the LAST component gets the mode/owner (parents
// are created 0755 root-owned like systemd); names are relative (validated by the directive tables).
import type { ExecContext } from '../directives/types';
import type { Platform } from '../platform/types';
import type { DirRoots, ExecRuntime } from './types';

const KINDS = [
  { key: 'runtime', list: 'runtimeDirectory', mode: 'runtimeDirectoryMode', env: 'RUNTIME_DIRECTORY' },
  { key: 'state', list: 'stateDirectory', mode: 'stateDirectoryMode', env: 'STATE_DIRECTORY' },
  { key: 'cache', list: 'cacheDirectory', mode: 'cacheDirectoryMode', env: 'CACHE_DIRECTORY' },
  { key: 'logs', list: 'logsDirectory', mode: 'logsDirectoryMode', env: 'LOGS_DIRECTORY' },
  { key: 'configuration', list: 'configurationDirectory', mode: 'configurationDirectoryMode', env: 'CONFIGURATION_DIRECTORY' },
] as const;

export function dirRoots(rt: Pick<ExecRuntime, 'userMode' | 'dirRoots'>, home: string, env: Record<string, string | undefined> = process.env): DirRoots {
  const base: DirRoots = rt.userMode
    ? {
      runtime: env['XDG_RUNTIME_DIR'] || `/run/user/${process.getuid?.() ?? 0}`,
      state: env['XDG_STATE_HOME'] || `${home}/.local/state`,
      cache: env['XDG_CACHE_HOME'] || `${home}/.cache`,
      logs: `${env['XDG_STATE_HOME'] || `${home}/.local/state`}/log`,
      configuration: env['XDG_CONFIG_HOME'] || `${home}/.config`,
    }
    : { runtime: '/run', state: '/var/lib', cache: '/var/cache', logs: '/var/log', configuration: '/etc' };
  return { ...base, ...rt.dirRoots };
}

/** Creates the directories; returns the env assignments or an error (systemd exit 233/238..241 stage). */
export function setupDirectories(p: Platform, ex: ExecContext, roots: DirRoots, uid: number | undefined, gid: number | undefined,
  dynamic = false): { env: string[]; privateDirs: string[]; privateRoots: string[] } | { errno: number; message: string; exitCode: number } {
  const env: string[] = [];
  const privateDirs: string[] = [];
  const privateRoots: string[] = [];
  const codes: Record<string, number> = { runtime: 233, state: 238, cache: 239, logs: 240, configuration: 241 };
  for (const k of KINDS) {
    const names = ex[k.list];
    if (names.length === 0) continue;
    const paths: string[] = [];
    const priv = dynamic && (k.key === 'state' || k.key === 'cache' || k.key === 'logs');
    if (priv) {
      const pr = `${roots[k.key]}/private`;
      const rp = p.mkdirp(pr, 0o700);
      if (rp < 0) return { errno: -rp, message: `Failed to set up ${k.key} directory ${pr}: ${p.strerror(-rp)}`, exitCode: codes[k.key] ?? 233 };
      privateRoots.push(pr);
    }
    for (const name of names) {
      const pub = `${roots[k.key]}/${name}`;
      const full = priv ? `${roots[k.key]}/private/${name}` : pub;
      const parent = full.slice(0, full.lastIndexOf('/'));
      if (parent && !p.exists(parent)) {
        const rp = p.mkdirp(parent, 0o755);
        if (rp < 0) return { errno: -rp, message: `Failed to set up ${k.key} directory ${full}: ${p.strerror(-rp)}`, exitCode: codes[k.key] ?? 233 };
      }
      // ConfigurationDirectory= is not chowned by systemd; the others are owned by User=/Group=.
      const own = k.key === 'configuration' ? {} : { uid, gid };
      const r = p.mkdirp(full, ex[k.mode], own.uid, own.gid);
      if (r < 0) return { errno: -r, message: `Failed to set up ${k.key} directory ${full}: ${p.strerror(-r)}`, exitCode: codes[k.key] ?? 233 };
      if (priv) {
        // <root>/NAME -> private/NAME (relative, as systemd's symlink_idempotent(..., true)); an existing real
        // directory there is left alone (systemd would migrate it into private/).
        const rel = `${'../'.repeat(name.split('/').length - 1)}private/${name}`;
        if (!(p.exists(pub) && p.resolvePath(pub) === pub)) {
          const rs = p.symlink(rel, pub);
          if (rs < 0) return { errno: -rs, message: `Failed to set up ${k.key} directory ${pub}: ${p.strerror(-rs)}`, exitCode: codes[k.key] ?? 233 };
        }
        privateDirs.push(full);
      }
      paths.push(pub);
    }
    env.push(`${k.env}=${paths.join(':')}`);
  }
  return { env, privateDirs, privateRoots };
}

/** Remove RuntimeDirectory= entries at stop: preserve=no always, preserve=restart unless restarting. */
export function removeRuntimeDirectories(p: Platform, ex: ExecContext, roots: DirRoots, restarting: boolean): void {
  if (ex.runtimeDirectoryPreserve === 'yes') return;
  if (ex.runtimeDirectoryPreserve === 'restart' && restarting) return;
  for (const name of ex.runtimeDirectory) p.removeTree(`${roots.runtime}/${name}`);
}

export const CLEAN_KINDS = ['runtime', 'state', 'cache', 'logs', 'configuration'] as const;

/** exec_context_get_clean_directories(): the paths `systemctl clean --what=KINDS` removes (with
 *  DynamicUser= also the private/ twins of state, cache and logs), whether or not they exist. */
export function cleanDirectories(ex: ExecContext, roots: DirRoots, kinds: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const k of KINDS) {
    if (!kinds.has(k.key)) continue;
    for (const name of ex[k.list]) {
      out.push(`${roots[k.key]}/${name}`);
      if (ex.dynamicUser && (k.key === 'state' || k.key === 'cache' || k.key === 'logs')) out.push(`${roots[k.key]}/private/${name}`);
    }
  }
  return out;
}
