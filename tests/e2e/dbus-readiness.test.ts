// E2E (H10, issue #6): Type=dbus readiness under the real tsysd. A private dbus-daemon (started and stopped
// by pid here) is the system bus of tsysd ($DBUS_SYSTEM_BUS_ADDRESS); it is started only AFTER tsysd booted,
// so the lazy reconnect is exercised. Services are a tiny dbus-next client claiming BusName= on command.
// Asserts: activating (start) until the name is taken, active/running after, MainPID = the ExecStart
// process, the name going away while running stops the unit (Result=success), stop works, and a name
// that never appears fails the start with Result=timeout after TimeoutStartSec=.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Daemon, sleep, startDaemon, waitFor } from '../helpers/daemon';
import { HAVE_DBUS_DAEMON, type PrivateBus, startBus, writeClient } from './dbus-lib';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'h10-dbus-'));
const SOCK = path.join(tmp, 'bus');
const ADDR = `unix:path=${SOCK}`;
const PROPS = ['ActiveState', 'SubState', 'Result', 'MainPID'];

async function props(d: Daemon, unit: string): Promise<Record<string, string>> {
  const r = await d.ctl(['show', '-p', PROPS.join(','), unit]);
  const out: Record<string, string> = {};
  for (const line of r.stdout.split('\n')) { const i = line.indexOf('='); if (i > 0) out[line.slice(0, i)] = line.slice(i + 1); }
  return out;
}

async function waitActive(d: Daemon, unit: string, active: string, ms = 10000): Promise<Record<string, string>> {
  let p: Record<string, string> = {};
  await waitFor(async () => { p = await props(d, unit); return p['ActiveState'] === active; }, ms, 100);
  return p;
}

function svc(name: string, args: string, extra = ''): string {
  const client = path.join(tmp, 'bus-client.js');
  return `[Service]\nType=dbus\nBusName=${name}\nEnvironment=DBUS_SYSTEM_BUS_ADDRESS=${ADDR}\n`
    + `ExecStart=${process.execPath} ${client} ${name} ${args}\nTimeoutStopSec=3\n${extra}`;
}

describe('Type=dbus readiness (tsysd + private dbus-daemon)', { skip: HAVE_DBUS_DAEMON ? false : 'dbus-daemon not installed' }, () => {
  let bus: PrivateBus | null = null;
  let d: Daemon;
  before(async () => {
    writeClient(tmp);
    d = await startDaemon({
      env: { DBUS_SYSTEM_BUS_ADDRESS: ADDR },
      units: {
        // Type=dbus implies Requires=/After=dbus.socket (as in systemd): stand-ins, never triggered here.
        'dbus.socket': `[Socket]\nListenStream=${tmp}/unused-dbus-socket\n`,
        'dbus.service': '[Service]\nExecStart=/bin/sleep 1000\n',
        'late.service': svc('org.tsysd.Late', '0', 'TimeoutStartSec=20\n'),
        'claim.service': svc('org.tsysd.Test', '1000', `TimeoutStartSec=10\nEnvironment=CLIENT_PIDFILE=${tmp}/claim.pid\n`),
        'release.service': svc('org.tsysd.Gone', '0 800', 'TimeoutStartSec=10\n'),
        'never.service': svc('org.tsysd.Never', '0', 'TimeoutStartSec=2\n').replace(/(ExecStart=.* )org\.tsysd\.Never/, '$1org.tsysd.Other'),
      },
    });
  });
  after(async () => {
    if (d) await d.stop();
    if (bus) await bus.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('the bus is not up yet: the unit waits in activating, tsysd warns once, then it starts when the bus comes', async () => {
    assert.equal((await d.ctl(['start', '--no-block', 'late.service'])).code, 0);
    await sleep(1800);   // tsysd retries every second meanwhile
    const p = await props(d, 'late.service');
    assert.deepEqual([p['ActiveState'], p['SubState']], ['activating', 'start'], d.output);
    const warn = d.output.split('\n').filter((l) => l.includes('cannot connect to D-Bus') && l.includes('org.tsysd.Late'));
    assert.equal(warn.length, 1, d.output);
    bus = await startBus(SOCK);
    const q = await waitActive(d, 'late.service', 'active', 8000);
    assert.deepEqual([q['ActiveState'], q['SubState']], ['active', 'running'], d.output);
  });

  it('activating until BusName= is taken (1 s after start), then active with MainPID = the service', async () => {
    const t0 = Date.now();
    const start = d.ctl(['start', 'claim.service'], { timeoutMs: 20000 });
    await sleep(400);
    const p = await props(d, 'claim.service');
    assert.deepEqual([p['ActiveState'], p['SubState']], ['activating', 'start']);
    const r = await start;
    const ms = Date.now() - t0;
    assert.equal(r.code, 0, r.stderr + d.output);
    assert.ok(ms >= 900 && ms < 8000, `start returned after ${ms} ms (name claimed after 1000 ms)`);
    const q = await props(d, 'claim.service');
    assert.deepEqual([q['ActiveState'], q['SubState'], q['Result']], ['active', 'running', 'success']);
    const pid = Number(fs.readFileSync(path.join(tmp, 'claim.pid'), 'utf8'));
    assert.ok(pid > 1);
    assert.equal(Number(q['MainPID']), pid);
  });

  it('the name going away while running stops the unit (Result=success), like service_enter_running()', async () => {
    assert.equal((await d.ctl(['start', 'release.service'], { timeoutMs: 20000 })).code, 0, d.output);
    assert.equal((await props(d, 'release.service'))['ActiveState'], 'active');
    const p = await waitActive(d, 'release.service', 'inactive', 8000);
    assert.deepEqual([p['ActiveState'], p['SubState'], p['Result'], p['MainPID']], ['inactive', 'dead', 'success', '0'], d.output);
  });

  it('stop: the running dbus service ends inactive/success', async () => {
    assert.equal((await d.ctl(['stop', 'claim.service'], { timeoutMs: 20000 })).code, 0);
    const p = await props(d, 'claim.service');
    assert.deepEqual([p['ActiveState'], p['SubState'], p['Result'], p['MainPID']], ['inactive', 'dead', 'success', '0']);
    assert.equal((await d.ctl(['stop', 'late.service'], { timeoutMs: 20000 })).code, 0);
  });

  it('a BusName= that never appears: start fails after TimeoutStartSec=2 with Result=timeout', async () => {
    const t0 = Date.now();
    const r = await d.ctl(['start', 'never.service'], { timeoutMs: 20000 });
    const ms = Date.now() - t0;
    assert.notEqual(r.code, 0);
    assert.ok(ms >= 1900 && ms < 8000, `failed after ${ms} ms`);
    const p = await props(d, 'never.service');
    assert.deepEqual([p['ActiveState'], p['Result']], ['failed', 'timeout']);
  });
});
