// `tsysd` as a running manager: wires the platform (native addon), the log store, the Manager, the
// notify socket, the JSON-RPC control server and signal handling; boots the target; on shutdown stops
// everything in order, sweeps leftovers only when PID 1 of its own PID namespace, removes the empty cgroups
// it created (`--cgroup-name`), and exits with the manager's exit code (see README "Exit codes").
// Signals (documented choice, see README): SIGTERM and SIGINT → orderly poweroff (systemd's PID 1 would
// re-exec on SIGTERM; a container runtime means "stop"), SIGRTMIN+3/+4/+5 → halt/poweroff/reboot (= orderly
// stop in a container), SIGRTMIN+13..+16 → immediate exit, SIGHUP → daemon-reload, a second
// SIGTERM/SIGINT during shutdown → remaining units are killed at once.
import * as fs from 'node:fs';
import { LogStore, type LogLine } from '../logs/store';
import { createRealPlatform } from '../platform/real';
import { startControlServer } from '../rpc/server';
import { ManagerApiImpl } from './api';
import { Manager } from './manager';
import { faultInjector } from './barrier';
import { realConditionEnv } from '../platform/conditions-real';
import type { DaemonOptions } from './options';
import { claimControlSocket, detectContainer } from './runtime-dir';
import { drainCaptures } from './stdio';

export async function runDaemon(opts: DaemonOptions): Promise<number> {
  const isPid1 = process.pid === 1;
  // --container / --no-container override the detection (container= env, /run/.containerenv, /.dockerenv).
  const detected = detectContainer(process.env);
  const container = opts.container === false ? '' : opts.container === true ? (detected || 'container-other') : (detected || (isPid1 ? 'container-other' : ''));
  // ConditionVirtualization= reads the manager's `container=` (as systemd's detect_container does).
  if (container && !process.env.container) process.env.container = container;
  // Console lines of one event-loop turn go out in one write (a shutdown of 1,000 units prints 2,000 lines,
  // and stdout to a file or pipe is a synchronous write per call); flushed on the next turn and at exit.
  let pending: string[] = [];
  const flush = (): void => { if (pending.length) { const s = pending.join(''); pending = []; process.stdout.write(s); } };
  const out = (line: string): void => { if (pending.length === 0) setImmediate(flush); pending.push(`${line}\n`); };
  process.on('exit', flush);
  const forward = opts.forwardOutput ?? true;

  fs.mkdirSync(opts.runtimeDir, { recursive: true, mode: 0o755 });
  const claim = await claimControlSocket(opts.controlSocket);
  if (!claim.ok) { process.stderr.write(`tsysd: ${claim.error}\n`); return 1; }

  const platform = createRealPlatform(opts.cgroupName ? { cgroupBaseName: opts.cgroupName } : {});
  if (!isPid1) platform.setSubreaper(true);
  platform.raiseNofile(!opts.userMode);   // as systemd: the manager to fs.nr_open, children 1024:524288

  const logs = new LogStore({
    dir: opts.logDir || undefined,
    forward: forward ? (l: LogLine) => { if (l.stream !== 'manager') out(`${l.unit}[${l.pid}]: ${l.text}`); } : undefined,
  });
  // ConditionEnvironment= sees the manager's unit environment (systemd: manager_get_effective_environment).
  const mgrEnv = (): string[] => mgr.managerEnvironment();
  const mgr = new Manager({ options: opts, platform, logs, console: out, isPid1, container, env: process.env, uid: process.getuid?.() ?? 0, conditionEnv: realConditionEnv({ environment: () => mgrEnv() }) });
  mgr.barrier.inject = faultInjector(process.env['TSYSD_TEST_FAULT']);
  platform.onChildExit((e) => mgr.onChildExit(e.pid, e.code, e.status));
  // Generators (src/generators/): before anything loads a unit, and again before each daemon-reload.
  const { daemonGenerators } = require('../generators/setup') as typeof import('../generators/setup');
  const generators = daemonGenerators({ userMode: opts.userMode, enabled: opts.generators, searchPath: mgr.searchPath, platform, container, isPid1,
    managerEnv: mgr.managerEnvironment(), log: (level, m) => mgr.unitLog('', level, m) });
  if (generators) { await generators(); mgr.index.invalidate(); mgr.beforeReload = generators; }
  // sysusers.d and tmpfiles.d when the image lacks systemd-sysusers/systemd-tmpfiles (src/setup/boot.ts):
  // a system manager on systemd's search path only (never for a --unit-path test or user manager).
  if (!opts.userMode && opts.unitPaths.length === 0) {
    const { bootSetup } = require('../setup/boot') as typeof import('../setup/boot');
    const rf = (p: string): string => (platform.readFile(p) ?? '').trim();
    try {
      bootSetup('/', { machineId: rf('/etc/machine-id'), bootId: rf('/proc/sys/kernel/random/boot_id').replace(/-/g, ''), hostname: rf('/proc/sys/kernel/hostname'),
        kernelRelease: rf('/proc/sys/kernel/osrelease'), userName: 'root', uid: 0, groupName: 'root', gid: 0, home: '/root' },
      (level, m) => mgr.unitLog('', level, m));
    } catch (e) { mgr.unitLog('', 'error', `tmpfiles/sysusers setup failed: ${(e as Error).message}`); }
  }

  // The journal (src/journal/manager-hook.ts decides whether; loaded only when on).
  let journal: { stop(): void } | null = null;
  {
    const { parseJournalArgs } = require('../journal/options') as typeof import('../journal/options');
    const jc = parseJournalArgs(opts.journalArgs ?? []);
    if (!jc.ok) { process.stderr.write(`tsysd: ${jc.error}\n`); return 2; }
    const hook = require('../journal/manager-hook') as typeof import('../journal/manager-hook');
    const side = {
      userMode: opts.userMode, isPid1, defaultControlSocket: opts.controlSocket === '/run/tsysd/control.sock', forward,
      hasUnit: (n: string) => mgr.index.locate(n) !== null,
      findUnit: (pid: number) => { const h = mgr.runtimes.findByPid(pid); return h ? { unit: h.id, invocationId: mgr.runtimes.peek(h.id)?.machine.invocationId() ?? null } : null; },
      invocationOf: (u: string) => mgr.runtimes.peek(u)?.machine.invocationId() ?? null,
      guard: (u: string, fn: () => void) => mgr.guard('journal', u, fn),
      console: out,
    };
    if (hook.journalWanted(jc.config, side).on) {
      const j = hook.startManagerJournal(jc.config, side);
      for (const e of j.errors) out(`tsysd: journal: ${e}`);
      logs.sink = j.sink;
      journal = j.server;
    } else if (hook.journaldClientWanted(jc.config, side)) {
      const j = hook.startJournaldClient(side);
      logs.sink = j.sink;
      journal = j.server;
    }
  }

  const notifyErr = mgr.openNotifySocket(`${opts.runtimeDir}/notify`);
  if (notifyErr) out(`tsysd: ${notifyErr}; sd_notify is unavailable`);

  const api = new ManagerApiImpl(mgr);
  const server = await startControlServer({ api, path: opts.controlSocket, userMode: opts.userMode, managerUid: process.getuid?.() ?? 0,
    guard: (source, unit, fn) => mgr.guard(source, unit, fn) });

  // systemd's D-Bus face (issue 15): loaded only when it is served.
  let dbusFace: { close(): Promise<void> } | null = null;
  if (opts.dbusPrivate !== 'no' && (opts.dbusPrivate || (!opts.userMode && (isPid1 || !!container)))) {
    const { startSystemdFace } = require('../dbus/systemd/index') as typeof import('../dbus/systemd/index');
    dbusFace = await startSystemdFace(mgr, api, { userMode: opts.userMode, isPid1, container: !!container, privatePath: opts.dbusPrivate,
      sdBooted: opts.sdBooted, comm: opts.systemdComm, out });
  }

  let health: { close(): Promise<void> } | null = null;
  if (opts.healthListen) {
    const { startHealthServer } = require('./health') as typeof import('./health');
    health = await startHealthServer(opts.healthListen, () => ({ state: mgr.systemState, failed: mgr.failedUnits() }));
  }

  // The web view (off by default): requests enter the manager through the crash barrier.
  let web: { close(): Promise<void> } | null = null;
  if (opts.webListen) {
    const { startDaemonWeb } = require('../web/daemon-hook') as typeof import('../web/daemon-hook');
    web = await startDaemonWeb(opts, api, (unit, fn) => mgr.guard('web', unit, fn), out);
  }

  // Signals. Node's handlers cover the classic ones; real-time signals come through the native watch.
  const term = (why: string): void => mgr.guard('signal', '', () => mgr.shutdown(why, mgr.exitCode));
  process.on('SIGTERM', () => term('SIGTERM received'));
  process.on('SIGINT', () => term('SIGINT received'));
  process.on('SIGHUP', () => { out('tsysd: SIGHUP: reloading unit files.'); mgr.guard('signal', '', () => { void mgr.daemonReload(); }); });
  process.on('SIGUSR1', () => { /* systemd reconnects to D-Bus; nothing to do */ });
  process.on('SIGUSR2', () => {
    for (const rt of mgr.runtimes.values()) out(`tsysd: ${rt.id}: ${rt.machine.activeState()} (${rt.machine.subState()})`);
  });
  process.on('SIGPIPE', () => { /* ignore */ });
  const rtmin = platform.sigrtmin();
  const rt = (n: number, fn: () => void): void => { platform.watchSignal(rtmin + n, () => mgr.guard('signal', '', fn)); };
  rt(0, () => out('tsysd: SIGRTMIN+0 (isolate default.target) is not supported; ignored.'));
  rt(3, () => term('SIGRTMIN+3 (halt)'));
  rt(4, () => term('SIGRTMIN+4 (poweroff)'));
  rt(5, () => term('SIGRTMIN+5 (reboot)'));
  rt(6, () => term('SIGRTMIN+6 (kexec)'));
  for (const n of [13, 14, 15, 16]) rt(n, () => { out(`tsysd: SIGRTMIN+${n}: immediate exit.`); mgr.finalExit(mgr.exitCode); });

  out(`tsysd: ${opts.userMode ? 'user' : 'system'} manager started (pid ${process.pid}${isPid1 ? ', PID 1' : ''}${container ? `, container ${container}` : ''}); control socket ${opts.controlSocket}`);
  mgr.boot();

  const code = await mgr.exited;
  await server.close().catch(() => undefined);
  if (dbusFace) await dbusFace.close().catch(() => undefined);
  if (health) await health.close().catch(() => undefined);
  if (web) await web.close().catch(() => undefined);
  try { fs.unlinkSync(opts.controlSocket); } catch { /* gone */ }
  if (isPid1) await finalSweep(platform);
  drainCaptures();   // what services wrote as they stopped, still in the capture pipes
  // The units' empty cgroups and the base directory (also done by the platform's exit hook on other paths).
  platform.cgroupCleanup();
  if (journal) { logs.sink = null; journal.stop(); }
  logs.close();
  out(`tsysd: exiting with status ${code}.`);
  process.exit(code);
}

/** PID 1 of its own namespace only: SIGTERM, then SIGKILL, every process that is still around. */
async function finalSweep(platform: ReturnType<typeof createRealPlatform>): Promise<void> {
  const others = (): number[] => fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((p) => p !== 1 && p !== process.pid);
  let left = others();
  if (left.length === 0) return;
  for (const p of left) platform.kill(p, 15);
  const deadline = Date.now() + 3000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    left = others();
    if (left.length === 0) return;
  }
  for (const p of left) platform.kill(p, 9);
  await new Promise((r) => setTimeout(r, 100));
}
