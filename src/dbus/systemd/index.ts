// Start-up and tear-down of systemd's face for a running tsysd (called from src/manager/daemon.ts): the
// private D-Bus socket, the `/run/systemd/system` marker (sd_booted()), PID 1's comm.
//
// Policy:
//  * the face is served in system mode when tsysd is PID 1 or runs with --container (it then *is* the
//    systemd of that system), or wherever --dbus-private PATH says; never on a socket a live process owns
//    (a host's systemd keeps its /run/systemd/private);
//  * `/run/systemd/system/` is created only in system mode as PID 1 or with --container, never when a
//    systemd already runs here (the directory exists and PID 1 is not us), and only when `sdBooted` allows
//    it (default on; --no-sd-booted): Debian's cron fallbacks (logrotate, …) skip their work once it exists,
//    which is right because tsysd runs their .timer units. It is removed at exit if we created it.
// Invariants: nothing here throws into the daemon; a failure is one console line and the face stays off.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ManagerApi } from '../../rpc/api';
import type { Manager } from '../../manager/manager';
import { claimControlSocket } from '../../manager/runtime-dir';
import type { DbusServer } from '../server';
import { SystemdFace } from './face';
import { SystemBusLink } from './system-bus';

export interface FaceStartOptions {
  userMode: boolean;
  isPid1: boolean;
  container: boolean;
  /** Explicit private socket path ('' → the default rule, 'no' → off). */
  privatePath: string;
  /** May /run/systemd/system be created (see the header)? */
  sdBooted: boolean;
  /** Set PID 1's comm to `systemd` (system mode, PID 1 only). */
  comm: boolean;
  runDir?: string;           // tests: where `systemd/` lives instead of /run
  systemBus?: boolean;       // also serve on the system bus when one is up (default true in system mode)
  out: (line: string) => void;
}

export interface RunningFace { face: SystemdFace; close(): Promise<void> }

/** True when this machine already runs systemd (so the marker and the private socket are someone else's). */
export function hostRunsSystemd(runDir = '/run'): boolean {
  if (process.pid === 1) return false;
  try {
    const comm = fs.readFileSync('/proc/1/comm', 'utf8').trim();
    return comm === 'systemd' && fs.existsSync(`${runDir}/systemd/system`);
  } catch { return false; }
}

export async function startSystemdFace(mgr: Manager, api: ManagerApi, o: FaceStartOptions): Promise<RunningFace | null> {
  const run = o.runDir ?? '/run';
  const isTheSystemd = !o.userMode && (o.isPid1 || o.container);
  if (isTheSystemd && o.isPid1 && o.comm) {
    try { process.title = 'systemd'; } catch { /* keep node */ }
  }
  let privatePath = o.privatePath;
  if (privatePath === 'no') return null;
  if (!privatePath) {
    if (!isTheSystemd || hostRunsSystemd(run)) return null;
    privatePath = `${run}/systemd/private`;
  }
  let server: DbusServer | null = null;
  let marker = '';
  const face = new SystemdFace({ mgr, api });
  try {
    fs.mkdirSync(path.dirname(privatePath), { recursive: true, mode: 0o755 });
    const claim = await claimControlSocket(privatePath);
    if (!claim.ok) { o.out(`tsysd: D-Bus private socket not served: ${claim.error}`); face.close(); return null; }
    server = await face.servePrivate(privatePath, { userMode: o.userMode, managerUid: process.getuid?.() ?? 0 });
  } catch (e) {
    o.out(`tsysd: D-Bus private socket ${privatePath} not served: ${(e as Error).message}`);
    face.close();
    return null;
  }
  if (isTheSystemd && o.sdBooted && !hostRunsSystemd(run)) {
    const dir = `${run}/systemd/system`;
    try {
      if (!fs.existsSync(dir)) { fs.mkdirSync(dir, { recursive: true, mode: 0o755 }); marker = dir; }
    } catch (e) { o.out(`tsysd: cannot create ${dir}: ${(e as Error).message}`); }
  }
  // The system bus (reads for everyone, writes root only), when one is or comes up.
  let link: SystemBusLink | null = null;
  if (!o.userMode && o.systemBus !== false) {
    const address = process.env.DBUS_SYSTEM_BUS_ADDRESS || 'unix:path=/run/dbus/system_bus_socket';
    link = new SystemBusLink(face, address, process.getuid?.() ?? 0, (fn) => api.onEvent(fn));
  }
  const srv = server;
  return {
    face,
    async close() {
      link?.close();
      face.close();
      await srv.close().catch(() => undefined);
      if (marker) { try { fs.rmdirSync(marker); } catch { /* not empty or gone: leave it */ } }
    },
  };
}
