// Control-plane benchmark: JSON-RPC `status` round trips/s over 1 and 50 concurrent connections against
// the real control server, first with the fake manager behind it (API layer alone, separate process), then
// against a live tsysd (PID-namespaced, status of a running service); and the wall time of
// `tsysctl is-active` next to bare `node -e 0` and `systemctl --version`, all measured in this run; the real
// `systemctl is-active` over tsysd's D-Bus face and D-Bus GetAll round trips per second (issue 15).
// Prints figures and ratios; asserts nothing. Owner: H6. Usage: node dist/bench/control.js [seconds]
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RpcClient } from '../src/rpc/client';
import { hasUnshare, startDaemon } from '../tests/helpers/daemon';
import { median, supervisorEnv } from './baselines/harness';
import { programEntry } from './entry';

const ROOT = path.resolve(__dirname, '..', '..');
const TSYSCTL = programEntry(ROOT, 'tsysctl');
const HELPERS = path.join(ROOT, 'dist', 'tests', 'unit', 'rpc-helpers.js');

async function startServer(): Promise<{ sock: string; stop: () => void }> {
  const script = `require(${JSON.stringify(HELPERS)}).harness().then((h) => { process.stdout.write(h.sock + '\\n'); process.on('SIGTERM', () => h.close().then(() => process.exit(0))); });`;
  const p = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const sock = await new Promise<string>((resolve, reject) => {
    let buf = '';
    p.stdout.on('data', (d: Buffer) => { buf += d.toString(); if (buf.includes('\n')) resolve(buf.trim()); });
    p.on('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
  return { sock, stop: () => { if (p.pid) process.kill(p.pid, 'SIGTERM'); } };
}

async function roundTrips(sock: string, conns: number, seconds: number, unit = 'a.service'): Promise<number> {
  const clients = await Promise.all(Array.from({ length: conns }, () => RpcClient.connect(sock)));
  const end = Date.now() + seconds * 1000;
  let n = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(clients.map(async (c) => {
    while (Date.now() < end) { await c.call('status', { unit }); n++; }
  }));
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  for (const c of clients) c.close();
  return n / secs;
}

/** The children's environment: this process's less NODE_EXTRA_CA_CERTS (set on the development machine, it
 *  makes every node parse ~140 certificates, ~40 ms, which would swamp the ratios below). */
const ENV = supervisorEnv();

function once(cmd: string, args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: ENV });
  if (r.error) throw r.error;
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function wall(cmd: string, args: string[], runs: number): number {
  return median(Array.from({ length: runs }, () => once(cmd, args)));
}

/** Median wall times of each command, run in turn (interleaved: the machine's drift hits all alike). */
function wallInterleaved(cmds: Array<[string, string[]]>, runs: number): number[] {
  const times: number[][] = cmds.map(() => []);
  for (let i = 0; i < runs; i++) cmds.forEach(([cmd, args], k) => { times[k]?.push(once(cmd, args)); });
  return times.map(median);
}

/** Properties.GetAll("") round trips per second on systemd's private socket, one dbus-next connection. */
async function getAllRate(sockPath: string, seconds: number): Promise<number> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dbus = require('dbus-next') as typeof import('dbus-next');
  const bus = dbus.sessionBus({ busAddress: `unix:path=${sockPath}` });
  const msg = (): InstanceType<typeof dbus.Message> => new dbus.Message({ destination: 'org.freedesktop.systemd1', path: '/org/freedesktop/systemd1/unit/sleeper_2eservice',
    interface: 'org.freedesktop.DBus.Properties', member: 'GetAll', signature: 's', body: [''] });
  try {
    await bus.call(msg());
    let n = 0;
    const t0 = process.hrtime.bigint();
    const end = Date.now() + seconds * 1000;
    while (Date.now() < end) { await bus.call(msg()); n++; }
    return n / (Number(process.hrtime.bigint() - t0) / 1e9);
  } finally { bus.disconnect(); }
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 3);
  if (!fs.existsSync(TSYSCTL) || !fs.existsSync(HELPERS)) throw new Error('build first: npx tsc -p .');
  const srv = await startServer();
  try {
    const one = await roundTrips(srv.sock, 1, seconds);
    const fifty = await roundTrips(srv.sock, 50, seconds);
    console.log(`status round trips/s, 1 connection:    ${one.toFixed(0)}`);
    console.log(`status round trips/s, 50 connections:  ${fifty.toFixed(0)}`);
    const runs = 30;
    const [isActive = NaN, bare = NaN] = wallInterleaved([[process.execPath, [TSYSCTL, '--socket', srv.sock, 'is-active', 'a.service']],
      [process.execPath, ['-e', '0']]], runs);
    const sysctl = fs.existsSync('/usr/bin/systemctl') || fs.existsSync('/bin/systemctl') ? wall('systemctl', ['--version'], runs) : NaN;
    console.log(`tsysctl is-active (median of ${runs}):  ${isActive.toFixed(1)} ms`);
    console.log(`node -e 0 (median of ${runs}):          ${bare.toFixed(1)} ms`);
    console.log(`systemctl --version (median of ${runs}): ${sysctl.toFixed(1)} ms`);
    console.log(`ratio tsysctl is-active / node -e 0:     ${(isActive / bare).toFixed(2)}x (issue 20: <= 1.00x)`);
  } finally { srv.stop(); }
  if (!hasUnshare()) { console.log('live tsysd: skipped (unshare --pid unavailable)'); return; }
  // systemd: true → the daemon also serves systemd's D-Bus API on /run/systemd/private (a tmpfs of its own
  // mount namespace), for the real systemctl and the GetAll figures below.
  const d = await startDaemon({ units: { 'sleeper.service': '[Service]\nExecStart=/bin/sleep 1000\n' }, systemd: true });
  try {
    await d.ctl(['start', 'sleeper.service']);
    const one = await roundTrips(d.sock, 1, seconds, 'sleeper.service');
    const fifty = await roundTrips(d.sock, 50, seconds, 'sleeper.service');
    console.log(`live tsysd status round trips/s, 1 connection:   ${one.toFixed(0)}`);
    console.log(`live tsysd status round trips/s, 50 connections: ${fifty.toFixed(0)}`);
    const [live = NaN, liveBare = NaN] = wallInterleaved([[process.execPath, [TSYSCTL, '--socket', d.sock, 'is-active', 'sleeper.service']],
      [process.execPath, ['-e', '0']]], 30);
    console.log(`live tsysd: tsysctl is-active ${live.toFixed(1)} ms, node -e 0 ${liveBare.toFixed(1)} ms (medians of 30, interleaved): ${(live / liveBare).toFixed(2)}x`);
    // The real systemctl over D-Bus (issue 15), same run; all three through nsenter into the daemon's namespaces.
    if (fs.existsSync('/usr/bin/systemctl') || fs.existsSync('/bin/systemctl')) {
      const ns = ['-t', String(d.innerPid()), '-m', '-p', '--'];
      const sc = wall('nsenter', [...ns, 'systemctl', 'is-active', 'sleeper.service'], 15);
      const tc = wall('nsenter', [...ns, process.execPath, TSYSCTL, '--socket', d.sock, 'is-active', 'sleeper.service'], 15);
      const sv = wall('nsenter', [...ns, 'systemctl', '--version'], 15);
      console.log(`live tsysd via nsenter: systemctl is-active (D-Bus) ${sc.toFixed(1)} ms, tsysctl is-active ${tc.toFixed(1)} ms, systemctl --version ${sv.toFixed(1)} ms (medians of 15)`);
      const ga = await getAllRate(`/proc/${d.innerPid()}/root/run/systemd/private`, seconds);
      console.log(`live tsysd: D-Bus Properties.GetAll("") of a running service, 1 connection: ${ga.toFixed(0)} round trips/s`);
    }
  } finally { await d.stop(); }
}

main().catch((e: unknown) => { console.error(e); process.exitCode = 1; });
