// Sandbox planning: from a unit's sandboxing settings, the command's privilege prefix and what this host
// lets the manager do (Platform.sandboxSupport(), probed once), decide what the exec helper applies and
// what systemd 252 would log about it. Mirrors execute.c: exec_needs_mount_namespace(),
// insist_on_sandboxing() (which mount settings fail the unit when no namespace can be made, and which are
// skipped with "assuming containerized execution"), the shareable network/IPC namespaces (a privilege error
// is a warning), ProtectHostname= (UTS namespace, then the seccomp half), context_has_no_new_privileges()
// (seccomp settings imply NoNewPrivileges= for a process without CAP_SYS_ADMIN) and the seccomp filters in
// exec_child()'s order. Invariants: pure (OS facts come in through the input); never widens privilege: when
// something cannot be applied the plan either skips it exactly where systemd does, or fails the spawn.
import type { ExecContext, SandboxContext } from '../directives/types';
import { SECCOMP_KILL } from '../directives/types';
import { expandGroup } from '../directives/syscall-filter';
import { NS_ALL } from '../directives/table-sandbox';
import type { SandboxRequest, SandboxSupport } from '../platform/types';
import { planMounts, MS, type MountEntry } from './sandbox-mounts';

export interface SandboxInput {
  ex: ExecContext;
  unitName: string;
  /** JoinsNamespaceOf= units (their network/IPC namespace and /tmp are shared). */
  joinsNamespaceOf: string[];
  /** The command's '+' prefix: no sandboxing at all (only ReadWritePaths=, binds, exec directories). */
  fullyPrivileged: boolean;
  userMode: boolean;
  support: SandboxSupport;
  resolve: (path: string) => string;
  /** PrivateTmp= host directories (already created), or null. */
  privateTmp: { tmp: string; varTmp: string } | null;
  /** Absolute exec directories (RuntimeDirectory= ...), bind-mounted when a mount namespace is made. */
  execDirectories: { source: string; destination: string; nosuid: boolean }[];
  emptyDirectories: string[];
  execSymlinks: [string, string][];
  /** Where namespace pins and the inaccessible nodes live (e.g. /run/tsysd/sandbox). */
  stateDir: string;
  dynamicUser: { uid: number; gid: number } | null;
}

export interface SandboxLog { level: 'debug' | 'info' | 'warning' | 'error'; text: string }

export type SandboxPlan = { ok: true; req: SandboxRequest | null; logs: SandboxLog[] }
  | { ok: false; errno: number; message: string; logs: SandboxLog[] };

const ERRNO = { EPERM: 1, EOPNOTSUPP: 95 } as const;

/** exec_needs_mount_namespace() (252). */
export function needsMountNamespace(ex: ExecContext, privateTmp: boolean): boolean {
  const s = ex.sandbox;
  if (s.rootImage) return true;
  if (s.readWritePaths.length || s.readOnlyPaths.length || s.inaccessiblePaths.length || s.execPaths.length || s.noExecPaths.length) return true;
  if (s.bindMounts.length || s.temporaryFileSystem.length) return true;
  if (s.mountFlags !== '' && s.mountFlags !== 'shared') return true;
  if (privateTmp) return true;
  if (s.privateDevices || s.privateMounts || s.protectSystem !== 'no' || s.protectHome !== 'no' || s.protectKernelTunables
    || s.protectKernelModules || s.protectKernelLogs || s.protectControlGroups || s.protectProc !== 'default'
    || s.procSubset !== 'all' || s.privateIPC || s.ipcNamespacePath) return true;
  const dirs = ex.runtimeDirectory.length + ex.stateDirectory.length + ex.cacheDirectory.length + ex.logsDirectory.length + ex.configurationDirectory.length;
  if (ex.rootDirectory && (effectiveMountApiVfs(ex) || dirs > 0)) return true;
  if (ex.dynamicUser && (ex.stateDirectory.length || ex.cacheDirectory.length || ex.logsDirectory.length)) return true;
  return false;
}

/** exec_context_get_effective_mount_apivfs(). */
export function effectiveMountApiVfs(ex: ExecContext): boolean {
  return ex.sandbox.mountAPIVFS ?? (ex.rootDirectory !== '' || ex.sandbox.rootImage !== '');
}

/** insist_on_sandboxing(): settings that rearrange the file system, so no namespace = no start. */
export function insistOnSandboxing(ex: ExecContext, binds: { source: string; destination: string }[]): boolean {
  const s = ex.sandbox;
  if (s.temporaryFileSystem.length > 0 || ex.rootDirectory || s.rootImage || ex.dynamicUser) return true;
  return binds.some((b) => b.source !== b.destination);
}

/** Settings that load a seccomp filter (context_has_no_new_privileges() minus NoNewPrivileges= itself). */
export function usesSeccomp(s: SandboxContext): boolean {
  return s.lockPersonality || s.memoryDenyWriteExecute || s.privateDevices || s.protectClock || s.protectHostname
    || s.protectKernelTunables || s.protectKernelModules || s.protectKernelLogs || s.restrictAddressFamilies !== null
    || (s.restrictNamespaces !== null && (s.restrictNamespaces & NS_ALL) !== NS_ALL) || s.restrictRealtime || s.restrictSUIDSGID
    || s.systemCallArchitectures.length > 0 || s.systemCallFilter !== null || s.systemCallLog !== null;
}

const act = (errno: number): string => (errno === SECCOMP_KILL ? 'kill' : `e${errno}`);
const SEP = '\x1f';

/** A syscall set op: listed calls get `action`, per-call errno overrides, everything else `dflt`. */
function setOp(dflt: string, action: string, calls: Iterable<[string, number]>): string {
  const items: string[] = [];
  for (const [n, e] of calls) items.push(e >= 0 ? `${n}=${act(e)}` : n);
  return ['set', dflt, action, items.join(',')].join(SEP);
}
const denyGroup = (group: string, errno = ERRNO.EPERM): string => setOp('allow', `e${errno}`, expandGroup(group).map((n): [string, number] => [n, -1]));

/** The seccomp ops in exec_child()'s order (apply_protect_hostname()'s filter first). */
export function seccompOps(s: SandboxContext): string[] {
  const ops: string[] = [];
  if (s.protectHostname) ops.push(setOp('allow', 'e1', [['sethostname', -1], ['setdomainname', -1]]));
  const af = s.restrictAddressFamilies;
  if (af) ops.push(['af', af.allowList ? 'allow' : 'deny', af.families.join(',')].join(SEP));
  if (s.memoryDenyWriteExecute) ops.push('mdwe');
  if (s.restrictRealtime) ops.push('realtime');
  if (s.restrictSUIDSGID) ops.push('suidsgid');
  if (s.restrictNamespaces !== null && (s.restrictNamespaces & NS_ALL) !== NS_ALL) ops.push(`ns${SEP}${s.restrictNamespaces}`);
  if (s.protectKernelTunables) ops.push(setOp('allow', 'e1', [['_sysctl', -1]]));
  if (s.protectKernelModules) ops.push(denyGroup('@module'));
  if (s.protectKernelLogs) ops.push(setOp('allow', 'e1', [['syslog', -1]]));
  if (s.protectClock) ops.push(denyGroup('@clock'));
  if (s.privateDevices) ops.push(denyGroup('@raw-io'));
  if (s.systemCallArchitectures.length > 0) ops.push(`archs${SEP}${s.systemCallArchitectures.join(',')}`);
  if (s.lockPersonality) ops.push(`personality${SEP}-1`);
  const log = s.systemCallLog;
  if (log && (log.calls.size > 0 || !log.allowList)) ops.push(log.allowList ? setOp('allow', 'log', log.calls) : setOp('log', 'allow', log.calls));
  const f = s.systemCallFilter;
  if (f) {
    const neg = act(s.systemCallErrorNumber);
    if (f.allowList) ops.push(setOp(neg, 'allow', f.calls));
    else if (f.calls.size > 0) ops.push(setOp('allow', neg, f.calls));
  }
  return ops;
}

const PROPAGATION: Record<string, number> = { '': 0, shared: MS.SHARED, slave: MS.SLAVE, private: MS.PRIVATE };
const pinName = (unit: string): string => unit.replace(/[^A-Za-z0-9@._:-]/g, '_');

/** Everything the helper applies for one command, or why the spawn must fail. */
export function planSandbox(inp: SandboxInput): SandboxPlan {
  const ex = inp.ex;
  const s = ex.sandbox;
  const logs: SandboxLog[] = [];
  const sandboxing = !inp.fullyPrivileged;
  // Without CAP_SYS_ADMIN, PrivateUsers= makes its user namespace first (exec_child()), and the namespaces
  // after it are created inside that one, where they are allowed: no "containerized execution" fallback.
  const inUserNs = sandboxing && ex.sandbox.privateUsers && !inp.support.capSysAdmin && inp.support.user;
  const sup = inUserNs ? { ...inp.support, mnt: true, uts: true } : inp.support;
  if (s.rootImage && sandboxing) {
    return { ok: false, errno: ERRNO.EOPNOTSUPP, message: `RootImage=${s.rootImage} is not supported by tsysd (no disk image dissection); use RootDirectory= on an unpacked tree`, logs };
  }
  for (const p of [...s.readWritePaths, ...s.readOnlyPaths, ...s.inaccessiblePaths, ...s.bindMounts.flatMap((b) => [b.source, b.destination])]) {
    if (p.includes(SEP)) return { ok: false, errno: 22, message: `Invalid path in sandboxing settings: ${JSON.stringify(p)}`, logs };
  }
  const req: SandboxRequest = {
    mountNs: null, mounts: [], inaccessibleDir: `${inp.stateDir}/inaccessible`, mountNosuid: false, propagation: PROPAGATION[s.mountFlags] ?? 0,
    mountRoot: '', execSymlinks: [], netns: null, ipcns: null, protectHostname: false, privateUsers: false, keyring: '',
    nnpIfUnprivileged: false, seccomp: [], uid: inp.dynamicUser?.uid ?? null, gid: inp.dynamicUser?.gid ?? null,
  };
  let used = req.uid !== null;

  // KeyringMode=: applied when set. systemd defaults to private for system services; tsysd keeps the default
  // 'inherit' so plain services keep the helper-less spawn path (documented difference, README).
  const keyring = s.keyringMode;
  if (keyring === 'private' || keyring === 'shared') { req.keyring = keyring; used = true; }

  if (sandboxing && s.privateUsers) { req.privateUsers = true; used = true; }

  // PrivateNetwork=/NetworkNamespacePath=, PrivateIPC=/IPCNamespacePath=: shared by every process of the unit
  // and the units it JoinsNamespaceOf=.
  const owner = inp.joinsNamespaceOf[0] ?? inp.unitName;
  if (s.networkNamespacePath) { req.netns = { path: s.networkNamespacePath, create: false }; used = true; }
  else if (s.privateNetwork) {
    if (sup.net) { req.netns = { path: `${inp.stateDir}/netns/${pinName(owner)}`, create: true }; used = true; }
    else logs.push({ level: 'warning', text: 'PrivateNetwork=yes is configured, but network namespace setup failed, ignoring: Operation not permitted' });
  }
  if (s.ipcNamespacePath) { req.ipcns = { path: s.ipcNamespacePath, create: false }; used = true; }
  else if (s.privateIPC) {
    if (sup.ipc) { req.ipcns = { path: `${inp.stateDir}/ipcns/${pinName(owner)}`, create: true }; used = true; }
    else logs.push({ level: 'warning', text: 'PrivateIPC=yes is configured, but IPC namespace setup failed, ignoring: Operation not permitted' });
  }

  const privateTmp = sandboxing ? inp.privateTmp : null;
  const needsNs = needsMountNamespace(ex, privateTmp !== null) || inp.execSymlinks.length > 0;
  if (needsNs) {
    const binds = [...s.bindMounts, ...inp.execDirectories];
    const insist = insistOnSandboxing(ex, binds);
    const root = ex.rootDirectory;
    const mounts: MountEntry[] = planMounts({
      sb: s, sandboxing, ignoreProtectPaths: !sandboxing && !ex.dynamicUser && root !== '', rootDirectory: root,
      privateTmp, noNewPrivileges: ex.noNewPrivileges, execBinds: inp.execDirectories, emptyDirectories: inp.emptyDirectories,
      resolve: inp.resolve, mountApiVfs: effectiveMountApiVfs(ex),
    });
    if (!sup.mnt) {
      if (insist) {
        logs.push({ level: 'debug', text: 'Failed to set up namespace, and refusing to continue since the selected namespacing options alter mount environment non-trivially.' });
      } else {
        logs.push({ level: 'info', text: 'Failed to set up namespace, assuming containerized execution and ignoring.' });
      }
    }
    req.mountNs = insist ? 'insist' : 'try';
    req.mounts = mounts.map((m) => ({
      mode: m.mode, path: m.path, source: m.source, options: m.options, flags: m.flags, ignore: m.ignore,
      readOnly: m.readOnly, nosuid: m.nosuid, noexec: m.noexec, exec: m.exec,
    }));
    req.mountNosuid = sandboxing && ex.noNewPrivileges;
    req.mountRoot = root;
    req.execSymlinks = inp.execSymlinks;
    used = true;
  }

  if (sandboxing && s.protectHostname) {
    req.protectHostname = true;
    used = true;
    if (!sup.uts) logs.push({ level: 'warning', text: 'ProtectHostname=yes is configured, but UTS namespace setup is prohibited (container manager?), ignoring namespace setup.' });
  }

  if (sandboxing) {
    const ops = seccompOps(s);
    if (ops.length > 0) {
      if (!sup.seccomp) logs.push({ level: 'debug', text: 'SECCOMP features not detected in the kernel, skipping seccomp filters' });
      else { req.seccomp = ops; used = true; }
    }
    if (usesSeccomp(s)) { req.nnpIfUnprivileged = true; used = true; }
  }
  return { ok: true, req: used ? req : null, logs };
}
