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
import { planSandbox, needsMountNamespace, usesSeccomp } from './sandbox';
import { allocateDynamicUser, dynamicUidOf } from './dynamic-user';
import type { ExecRuntime, PrepareResult } from './types';

let localeCache: string[] | null = null;
/** Sandbox fallbacks already logged (once per unit and message for the manager's lifetime, as "say so once"). */
const SANDBOX_LOGGED = new Set<string>();

/** PrivateTmp= directories of a unit (named after the unit whose namespace it joins, so JoinsNamespaceOf=
 *  units share them); each holds `tmp/` (the service's /tmp) and an `invocation` marker. */
export function privateTmpDirs(rt: Pick<ExecRuntime, 'privateTmpBase' | 'unitName'>): { tmp: string; varTmp: string } {
  const base = rt.privateTmpBase ?? { tmp: '/tmp', varTmp: '/var/tmp' };
  const tag = `tsysd-private-${rt.unitName.replace(/[^A-Za-z0-9@._-]/g, '_')}`;
  return { tmp: `${base.tmp}/${tag}`, varTmp: `${base.varTmp}/${tag}` };
}

/** Remove PrivateTmp= directories of an activation (call when the unit is fully stopped). */
export function cleanupPrivateTmp(p: Platform, rt: ExecRuntime): void {
  const d = privateTmpDirs(rt);
  p.removeTree(d.tmp);
  p.removeTree(d.varTmp);
}

/** Where namespace pins and the inaccessible nodes live. */
export function sandboxStateDir(userMode: boolean, env: Record<string, string | undefined> = process.env): string {
  if (!userMode) return '/run/tsysd/sandbox';
  return `${env['XDG_RUNTIME_DIR'] || `/tmp/tsysd-${process.getuid?.() ?? 0}`}/tsysd/sandbox`;
}

/** Release the network/IPC namespaces pinned for a unit (call when the unit is fully stopped). */
export function releaseSandbox(p: Platform, unitName: string, userMode: boolean): void {
  const dir = sandboxStateDir(userMode);
  const name = unitName.replace(/[^A-Za-z0-9@._:-]/g, '_');
  for (const kind of ['netns', 'ipcns']) p.releaseNamespacePin(`${dir}/${kind}/${name}`);
}

/** RemoveIPC= when a unit is gone: the IPC objects of its (non-system) user and group, as systemd's
 *  clean_ipc() when the last unit of that uid stops (uids <= 999 are system users and are never cleaned). */
export function releaseIpc(p: Platform, ex: import('../directives/types').ExecContext, userMode: boolean): void {
  if (!ex.sandbox.removeIPC || userMode || !ex.user) return;
  const uid = ex.dynamicUser ? dynamicUidOf(ex.user) : p.getUser(ex.user)?.uid;
  if (uid === undefined || uid <= 999) return;
  const gid = ex.dynamicUser ? uid : (ex.group ? p.getGroup(ex.group)?.gid : p.getUser(ex.user)?.gid) ?? uid;
  p.removeIpc(uid, gid);
}

/** Anything in the unit that needs the sandbox planner (so plain units never probe the host). */
function wantsSandbox(ex: import('../directives/types').ExecContext): boolean {
  const s = ex.sandbox;
  return ex.privateTmp || needsMountNamespace(ex, false) || usesSeccomp(s) || s.privateNetwork || s.privateIPC || s.privateUsers
    || s.networkNamespacePath !== '' || s.ipcNamespacePath !== '' || s.keyringMode === 'private' || s.keyringMode === 'shared'
    || s.rootImage !== '';
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
  // DynamicUser= (system manager): a uid/gid pair allocated for the name (src/exec/dynamic-user.ts), a user
  // record with home / and no login shell as systemd synthesizes it; the helper gets the numbers.
  let dynamic: { uid: number; gid: number } | null = null;
  if (ex.dynamicUser && !rt.userMode && ex.user) {
    const r0 = dirRoots(rt, '/', processEnv);
    const suggested = [...ex.stateDirectory.map((n) => `${r0.state}/private/${n}`), ...ex.cacheDirectory.map((n) => `${r0.cache}/private/${n}`),
      ...ex.logsDirectory.map((n) => `${r0.logs}/private/${n}`)];
    const ids = allocateDynamicUser(p, ex.user, suggested, rt.sandboxDir ?? sandboxStateDir(rt.userMode, processEnv));
    if ('errno' in ids) return { ok: false, error: { stage: 'sandbox', errno: ids.errno, message: ids.message }, warnings };
    dynamic = ids;
    user = { name: ex.user, uid: ids.uid, gid: ids.gid, home: '/', shell: '/usr/sbin/nologin' };
  } else if (ex.group) gid = p.getGroup(ex.group)?.gid;
  const uid = dynamic ? dynamic.uid : ex.user && !rt.userMode ? user?.uid : undefined;
  if (dynamic) gid = dynamic.gid;
  if (gid === undefined && uid !== undefined) gid = user?.gid;

  // EnvironmentFile= (read just before each exec, like systemd).
  const files = loadEnvironmentFiles(p, ex.environmentFiles);
  warnings.push(...files.warnings);
  if (!files.ok) return { ok: false, error: { stage: 'environment-file', errno: files.errno, message: files.message }, warnings };

  const roots = dirRoots(rt, user?.home ?? '/root', processEnv);
  const dirs = setupDirectories(p, ex, roots, uid, gid, dynamic !== null);
  if ('errno' in dirs) return { ok: false, error: { stage: 'directory', errno: dirs.errno, message: dirs.message }, warnings };

  if (!localeCache) localeCache = systemLocale(p);
  const env = buildEnvironment({ ex, rt, user, dirEnv: dirs.env, fileEnv: files.assignments, processEnv, locale: localeCache, isMain });

  const argv = expandArgv(cmd.argv, envToMap(env), cmd.noEnvExpand);
  if (argv.length === 0) argv.push(cmd.path);

  let privateTmp: SpawnRequest['privateTmp'] = null;
  if (ex.privateTmp && sandbox && rt.privileged && !rt.userMode) {
    // JoinsNamespaceOf=: the first named unit's /tmp is shared (its directories, named after it).
    const joined = cfg.unit.deps.JoinsNamespaceOf[0];
    const d = privateTmpDirs(joined ? { ...rt, unitName: joined } : rt);
    for (const dir of [d.tmp, d.varTmp]) {
      // A fresh /tmp per activation (systemd makes new random directories): the owner wipes what an earlier
      // activation (or a manager that died) left; units joining its namespace never do.
      if (!joined && rt.invocationId && p.readFile(`${dir}/invocation`) !== rt.invocationId) p.removeTree(dir);
      let r = p.mkdirp(dir, 0o700, 0, 0);
      if (r >= 0 && !joined && rt.invocationId && !p.exists(`${dir}/invocation`)) r = p.writeFile(`${dir}/invocation`, rt.invocationId, 0o600);
      if (r >= 0) r = p.mkdirp(`${dir}/tmp`, 0o1777, 0, 0);
      if (r < 0) return { ok: false, error: { stage: 'private-tmp', errno: -r, message: `Failed to set up PrivateTmp= directory ${dir}: ${p.strerror(-r)}` }, warnings };
    }
    privateTmp = { tmp: `${d.tmp}/tmp`, varTmp: `${d.varTmp}/tmp` };
  } else if (ex.privateTmp && sandbox) {
    warnings.push('PrivateTmp= needs a privileged system manager; ignored');
  }

  let sandboxReq: SpawnRequest['sandbox'] = null;
  if (wantsSandbox(ex)) {
    const execDirectories: { source: string; destination: string; nosuid: boolean }[] = [];
    const priv = dynamic !== null;
    for (const [list, root, isPriv] of [[ex.runtimeDirectory, roots.runtime, false], [ex.stateDirectory, roots.state, priv], [ex.cacheDirectory, roots.cache, priv],
      [ex.logsDirectory, roots.logs, priv], [ex.configurationDirectory, roots.configuration, false]] as const) {
      for (const name of list) {
        const d = isPriv ? `${root}/private/${name}` : `${root}/${name}`;
        execDirectories.push({ source: d, destination: d, nosuid: ex.dynamicUser });
      }
    }
    const plan = planSandbox({
      ex, unitName: rt.unitName, joinsNamespaceOf: cfg.unit.deps.JoinsNamespaceOf, fullyPrivileged: !sandbox, userMode: rt.userMode,
      support: p.sandboxSupport(), resolve: (x) => p.resolvePath(x), privateTmp, execDirectories, emptyDirectories: dirs.privateRoots, execSymlinks: [],
      stateDir: rt.sandboxDir ?? sandboxStateDir(rt.userMode, processEnv), dynamicUser: applyUser ? dynamic : null,
    });
    for (const l of plan.logs) {
      const key = `${rt.unitName}\0${l.text}`;
      if (l.level === 'debug' || SANDBOX_LOGGED.has(key)) continue;
      SANDBOX_LOGGED.add(key);
      warnings.push(l.text);
    }
    if (!plan.ok) return { ok: false, error: { stage: 'sandbox', errno: plan.errno, message: plan.message }, warnings };
    sandboxReq = plan.req;
    if (sandboxReq && (sandboxReq.netns?.create || sandboxReq.ipcns?.create || sandboxReq.mountNs)) {
      const dir = rt.sandboxDir ?? sandboxStateDir(rt.userMode, processEnv);
      for (const sub of ['netns', 'ipcns']) p.mkdirp(`${dir}/${sub}`, 0o755);
    }
  }

  const limits: RLimitSpec[] = Object.entries(ex.limits).map(([name, l]) => ({ name: name.toUpperCase(), soft: l.soft, hard: l.hard }));
  // RestrictRealtime=: RLIMIT_RTPRIO 0 unless LimitRTPRIO= says otherwise (exec_child).
  if (sandbox && ex.sandbox.restrictRealtime && !ex.limits['RTPRIO']) limits.push({ name: 'RTPRIO', soft: 0, hard: 0 });
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
    user: applyUser && !dynamic ? ex.user : '',
    group: applyUser && !dynamic ? ex.group : '',
    supplementaryGroups: applyUser ? ex.supplementaryGroups : [],
    // systemd's default: '/' for the system manager, the user's home for the user manager.
    workingDirectory: ex.workingDirectory ?? { path: rt.userMode ? '~' : '/', optional: true },
    rootDirectory: sandbox ? ex.rootDirectory : '',
    umask: ex.umask,
    nice: ex.nice,
    oomScoreAdjust: ex.oomScoreAdjust,
    limits,
    noNewPrivileges: sandbox && ex.noNewPrivileges,
    secureBits: sandbox ? ex.secureBits : 0,
    capabilityBoundingSet: bset,
    ambientCapabilities: ambient,
    privateTmp,
    cgroup: rt.cgroup,
    cgroupLegacy: rt.cgroupLegacy ?? [],
    newSession: true,
    sandbox: sandboxReq,
  };
  return { ok: true, req, env, warnings };
}
