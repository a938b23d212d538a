// Helpers for the D-Bus e2e tests (H10): a private dbus-daemon started and stopped by pid, and a tiny
// dbus-next client program (written into the test's temp dir) that claims a bus name on command.
// Invariants: only processes started here are signalled (by their ChildProcess handle); nothing outside
// the given temp dir is written.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../helpers/daemon';

export const HAVE_DBUS_DAEMON = fs.existsSync('/usr/bin/dbus-daemon');

export interface PrivateBus { proc: ChildProcess; address: string; stop(): Promise<void> }

/** Start `dbus-daemon --session` listening on `socketPath`; resolves once it printed its address. */
export function startBus(socketPath: string): Promise<PrivateBus> {
  return new Promise((resolve, reject) => {
    const proc = spawn('dbus-daemon', ['--session', '--nofork', '--nopidfile', '--print-address', `--address=unix:path=${socketPath}`],
      { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    const t = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error('dbus-daemon did not start')); }, 5000);
    proc.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      if (!out.includes('\n')) return;
      clearTimeout(t);
      const bus: PrivateBus = {
        proc, address: out.split('\n')[0] ?? '',
        stop: () => new Promise<void>((r) => {
          if (proc.exitCode !== null || proc.signalCode !== null) { r(); return; }
          proc.once('exit', () => r());
          proc.kill('SIGTERM');
        }),
      };
      resolve(bus);
    });
    proc.on('error', (e) => { clearTimeout(t); reject(e); });
  });
}

/**
 * Write the client program: `node client.js NAME [claimAfterMs] [releaseAfterMs]` connects to
 * $DBUS_SYSTEM_BUS_ADDRESS (retrying every 200 ms while the bus is not up), writes its pid to
 * $CLIENT_PIDFILE if set, claims NAME after claimAfterMs, prints "acquired NAME", releases it after
 * releaseAfterMs (if > 0, then prints "released NAME") and stays alive until signalled.
 */
export function writeClient(dir: string): string {
  const file = path.join(dir, 'bus-client.js');
  fs.writeFileSync(file, `'use strict';
const dbus = require(${JSON.stringify(path.join(ROOT, 'node_modules', 'dbus-next'))});
const fs = require('fs');
const [name, claimMs, releaseMs] = [process.argv[2], Number(process.argv[3] || 0), Number(process.argv[4] || 0)];
if (process.env.CLIENT_PIDFILE) fs.writeFileSync(process.env.CLIENT_PIDFILE, String(process.pid));
function connect() {
  let retried = false;
  const b = dbus.sessionBus({ busAddress: process.env.DBUS_SYSTEM_BUS_ADDRESS });
  b.on('error', () => { if (retried) return; retried = true; try { b.disconnect(); } catch {} setTimeout(connect, 200); });
  b.on('connect', () => setTimeout(async () => {
    const r = await b.requestName(name, 4);
    console.log(r === 1 ? 'acquired ' + name : 'not acquired ' + name + ' ' + r);
    if (releaseMs > 0) setTimeout(async () => { await b.releaseName(name); console.log('released ' + name); }, releaseMs);
  }, claimMs));
}
connect();
setInterval(() => {}, 1000);
`);
  return file;
}
