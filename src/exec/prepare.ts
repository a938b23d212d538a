// prepareExec(): the one function the manager calls to turn an Exec*= command of a unit into a
// SpawnRequest for Platform.spawn (environment, $VAR expansion, directories, PrivateTmp dirs, the exec
// context for the helper), or an ExecPrepError when systemd would fail the spawn itself
// (EnvironmentFile= missing → "Failed to load environment files", Result=resources).
// Invariants: OS access only through Platform; the helper, not this code, resolves User=/Group= for the
// credential switch (so an unknown user fails with 217 in the helper, as in systemd); prefixes:
// '+' = no User/Group/caps/NoNewPrivileges/PrivateTmp/RootDirectory, '!' = no User/Group/
// SupplementaryGroups, '!!' = as normal (ambient capabilities exist on every supported kernel).
import type { ExecCommand, UnitConfig } from '../directives/types';
import type { Platform, SpawnRequest, UserInfo, RLimitSpec } from '../platform/types';
import { expandArgv, envToMap, SYSTEMD_EXEC_PATH } from './cmdline';
import { buildEnvironment, loadEnvironmentFiles, systemLocale } from './environment';
import { dirRoots, setupDirectories } from './dirs';
import { capsToMask } from './caps';
import type { ExecRuntime, PrepareResult } from './types';

let localeCache: string[] | null = null;

export function privateTmpDirs(rt: ExecRuntime): { tmp: string; varTmp: string } {
  const base = rt.privateTmpBase ?? { tmp: '/tmp', varTmp: '/var/tmp' };
  const tag = `tsysd-private-${rt.invocationId || 'x'}-${rt.unitName.replace(/[^A-Za-z0-9@._-]/g, '_')}`;
  return { tmp: `${base.tmp}/${tag}`, varTmp: `${base.varTmp}/${tag}` };
}

/** Remove PrivateTmp= directories of an activation (call when the unit is fully stopped). */
export function cleanupPrivateTmp(p: Platform, rt: ExecRuntime): void {
  const d = privateTmpDirs(rt);
  p.removeTree(d.tmp);
  p.removeTree(d.varTmp);
}

export function prepareExec(p: Platform, cmd: ExecCommand, cfg: UnitConfig, rt: ExecRuntime,
  processEnv: Record<string, string | undefined> = process.env): PrepareResult {
  const ex = cfg.exec;
  const warnings: string[] = [];
  const isMain = rt.kind === 'start';
  const privileged = cmd.privileged;
  const applyUser = !rt.userMode && privileged !== '+' && privileged !== '!';
  const sandbox = privileged !== '+';

  // Credentials for the environment and directory ownership (the helper re-resolves for the switch).
  let user: UserInfo | null = null;
  let gid: number | undefined;
  if (rt.userMode) user = p.getUser(String(process.getuid?.() ?? 0));
  else if (ex.user) user = p.getUser(ex.user);
  if (ex.group) gid = p.getGroup(ex.group)?.gid;
  const uid = ex.user && !rt.userMode ? user?.uid : undefined;
  if (gid === undefined && uid !== undefined) gid = user?.gid;

  // EnvironmentFile= (read just before each exec, like systemd).
  const files = loadEnvironmentFiles(p, ex.environmentFiles);
  warnings.push(...files.warnings);
  if (!files.ok) return { ok: false, error: { stage: 'environment-file', errno: files.errno, message: files.message }, warnings };

  const roots = dirRoots(rt, user?.home ?? '/root', processEnv);
  const dirs = setupDirectories(p, ex, roots, uid, gid);
  if ('errno' in dirs) return { ok: false, error: { stage: 'directory', errno: dirs.errno, message: dirs.message }, warnings };

  if (!localeCache) localeCache = systemLocale(p);
  const env = buildEnvironment({ ex, rt, user, dirEnv: dirs.env, fileEnv: files.assignments, processEnv, locale: localeCache, isMain });

  const argv = expandArgv(cmd.argv, envToMap(env), cmd.noEnvExpand);
  if (argv.length === 0) argv.push(cmd.path);

  let privateTmp: SpawnRequest['privateTmp'] = null;
  if (ex.privateTmp && sandbox && rt.privileged && !rt.userMode) {
    const d = privateTmpDirs(rt);
    for (const dir of [d.tmp, d.varTmp]) {
      let r = p.mkdirp(dir, 0o700, 0, 0);
      if (r >= 0) r = p.mkdirp(`${dir}/tmp`, 0o1777, 0, 0);
      if (r < 0) return { ok: false, error: { stage: 'private-tmp', errno: -r, message: `Failed to set up PrivateTmp= directory ${dir}: ${p.strerror(-r)}` }, warnings };
    }
    privateTmp = { tmp: `${d.tmp}/tmp`, varTmp: `${d.varTmp}/tmp` };
  } else if (ex.privateTmp && sandbox) {
    warnings.push('PrivateTmp= needs a privileged system manager; ignored');
  }

  const limits: RLimitSpec[] = Object.entries(ex.limits).map(([name, l]) => ({ name: name.toUpperCase(), soft: l.soft, hard: l.hard }));
  let bset: bigint | null = null;
  let ambient = 0n;
  if (sandbox && ex.capabilityBoundingSet !== null) {
    const c = capsToMask(ex.capabilityBoundingSet);
    if (c.unknown.length) warnings.push(`unknown capabilities ignored: ${c.unknown.join(' ')}`);
    bset = c.mask;
  }
  if (sandbox && ex.ambientCapabilities.length > 0 && rt.privileged) {
    const c = capsToMask(ex.ambientCapabilities);
    if (c.unknown.length) warnings.push(`unknown capabilities ignored: ${c.unknown.join(' ')}`);
    ambient = c.mask;
  }

  const req: SpawnRequest = {
    path: cmd.path,
    argv,
    env,
    stdin: rt.stdin,
    stdout: rt.stdout,
    stderr: rt.stderr,
    listenFds: isMain ? rt.listenFds : [],
    setExecPid: true,
    setWatchdogPid: isMain && rt.watchdogUs > 0,
    ignoreSigpipe: true,   // IgnoreSIGPIPE= defaults to yes (the directive is not modelled in ExecContext)
    controllingTty: /^tty/.test(ex.standardInput),
    searchPath: SYSTEMD_EXEC_PATH,
    user: applyUser ? ex.user : '',
    group: applyUser ? ex.group : '',
    supplementaryGroups: applyUser ? ex.supplementaryGroups : [],
    // systemd's default: '/' for the system manager, the user's home for the user manager.
    workingDirectory: ex.workingDirectory ?? { path: rt.userMode ? '~' : '/', optional: true },
    rootDirectory: sandbox ? ex.rootDirectory : '',
    umask: ex.umask,
    nice: ex.nice,
    oomScoreAdjust: ex.oomScoreAdjust,
    limits,
    noNewPrivileges: sandbox && ex.noNewPrivileges,
    capabilityBoundingSet: bset,
    ambientCapabilities: ambient,
    privateTmp,
    cgroup: rt.cgroup,
    newSession: true,
  };
  return { ok: true, req, env, warnings };
}
