// E2E (H10, issue #6): the BusNameWatcher of src/manager/dbus-watch.ts against a private dbus-daemon this
// test starts (and stops by pid): a bus that is not up yet is retried and reported once, the initial state
// comes from GetNameOwner, owner changes from NameOwnerChanged with the owner's pid, a bus restart is
// survived, and unwatch ends everything. The client processes are started and killed by this test.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BusNameWatcher, busAddressFor } from '../../src/manager/dbus-watch';
import { waitFor } from '../helpers/daemon';
import { HAVE_DBUS_DAEMON, type PrivateBus, startBus, writeClient } from './dbus-lib';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'h10-dbuswatch-'));
const SOCK = path.join(tmp, 'bus');
const ADDR = `unix:path=${SOCK}`;

interface Seen { hasOwner: boolean; pid: number | null }

describe('dbus-watch BusNameWatcher', { skip: HAVE_DBUS_DAEMON ? false : 'dbus-daemon not installed' }, () => {
  let bus: PrivateBus | null = null;
  const clients: ChildProcess[] = [];
  let client = '';
  const watcher = new BusNameWatcher(ADDR, 150);
  const seen: Seen[] = [];
  const logs: string[] = [];
  let id = 0;

  function runClient(name: string, claimMs = 0, releaseMs = 0): ChildProcess {
    const c = spawn(process.execPath, [client, name, String(claimMs), String(releaseMs)], {
      env: { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: ADDR }, stdio: ['ignore', 'pipe', 'inherit'],
    });
    clients.push(c);
    return c;
  }
  const last = (): Seen | undefined => seen[seen.length - 1];

  before(() => { client = writeClient(tmp); });
  after(async () => {
    watcher.close();
    for (const c of clients) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    if (bus) await bus.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('bus address: system/user defaults and environment overrides', () => {
    assert.equal(busAddressFor(false, {}), 'unix:path=/run/dbus/system_bus_socket');
    assert.equal(busAddressFor(false, { DBUS_SYSTEM_BUS_ADDRESS: 'unix:path=/x' }), 'unix:path=/x');
    assert.equal(busAddressFor(true, { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/s', DBUS_SYSTEM_BUS_ADDRESS: 'unix:path=/x' }), 'unix:path=/s');
    assert.equal(busAddressFor(true, { XDG_RUNTIME_DIR: '/run/user/7' }), 'unix:path=/run/user/7/bus');
  });

  it('no bus yet: retried, warned once, then connects and reports "no owner" from GetNameOwner', async () => {
    id = watcher.watch('org.tsysd.W1', (hasOwner, pid) => seen.push({ hasOwner, pid }), (level, text) => logs.push(`${level}: ${text}`));
    await new Promise((r) => setTimeout(r, 700));   // ~4 failed attempts at 150 ms
    assert.equal(watcher.isConnected, false);
    assert.equal(logs.filter((l) => l.startsWith('warning:')).length, 1, logs.join('\n'));
    assert.match(logs[0] ?? '', /cannot connect to D-Bus unix:path=.*org\.tsysd\.W1/);
    assert.equal(seen.length, 0);
    bus = await startBus(SOCK);
    assert.ok(await waitFor(() => seen.length > 0, 5000), 'no report after the bus came up');
    assert.equal(watcher.isConnected, true);
    assert.deepEqual(seen, [{ hasOwner: false, pid: null }]);
    assert.ok(logs.some((l) => l.startsWith('info:') && l.includes('is available')), logs.join('\n'));
  });

  it('a client claiming the name is reported with its pid; its exit reports "no owner"', async () => {
    const c = runClient('org.tsysd.W1', 300);
    assert.ok(await waitFor(() => last()?.hasOwner === true, 5000), JSON.stringify(seen));
    assert.deepEqual(last(), { hasOwner: true, pid: c.pid });
    c.kill('SIGTERM');
    assert.ok(await waitFor(() => last()?.hasOwner === false, 5000), JSON.stringify(seen));
    assert.deepEqual(seen.map((s) => s.hasOwner), [false, true, false], 'each change reported once');
  });

  it('a name already owned at watch time is reported at once; an explicit release too', async () => {
    const c = runClient('org.tsysd.W2', 0, 800);
    const out: string[] = [];
    c.stdout?.on('data', (b: Buffer) => out.push(b.toString()));
    assert.ok(await waitFor(() => out.join('').includes('acquired'), 5000));
    const s2: Seen[] = [];
    const id2 = watcher.watch('org.tsysd.W2', (hasOwner, pid) => s2.push({ hasOwner, pid }));
    assert.ok(await waitFor(() => s2.length > 0, 3000));
    assert.deepEqual(s2[0], { hasOwner: true, pid: c.pid });
    assert.ok(await waitFor(() => s2.length > 1, 3000), 'release not seen');
    assert.deepEqual(s2[1], { hasOwner: false, pid: null });
    assert.equal(c.exitCode, null, 'the client is still alive: the release alone was reported');
    watcher.unwatch(id2);
    c.kill('SIGTERM');
  });

  it('the bus going away is survived: reconnect after restart and report the new owner', async () => {
    const before = seen.length;
    await bus?.stop();
    assert.ok(await waitFor(() => !watcher.isConnected, 3000));
    assert.ok(await waitFor(() => logs.some((l) => l.includes('lost the connection')), 3000), logs.join('\n'));
    bus = await startBus(SOCK);
    runClient('org.tsysd.W1', 200);
    assert.ok(await waitFor(() => last()?.hasOwner === true, 6000), JSON.stringify(seen));
    assert.equal(watcher.isConnected, true);
    assert.ok(seen.length > before);
    assert.equal(logs.filter((l) => l.includes('lost the connection')).length, 1, logs.join('\n'));
  });

  it('unwatch: no more reports, and the last watch closes the connection', async () => {
    const n = seen.length;
    watcher.unwatch(id);
    assert.equal(watcher.size, 0);
    assert.equal(watcher.isConnected, false);
    for (const c of clients) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(seen.length, n);
  });
});
