// E2E (H8, issue #6): Type=dbus — the start completes when BusName= appears on the bus. A private
// dbus-daemon (started and stopped by this test, by pid) serves as the system bus for tsysd and the
// service (DBUS_SYSTEM_BUS_ADDRESS); the service is a tiny dbus-next client that requests the name.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Daemon, ROOT, startDaemon, waitFor } from '../helpers/daemon';
import { show, STD_PROPS, tail, timed } from '../fixtures/svc-helpers';

const have = fs.existsSync('/usr/bin/dbus-daemon');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'h8-dbus-'));
const BUS = `unix:path=${tmp}/bus`;
const CLIENT = path.join(tmp, 'client.js');

describe('service Type=dbus', { skip: have ? false : 'dbus-daemon not installed' }, () => {
  let bus: ChildProcess | null = null;
  let d: Daemon;
  before(async () => {
    fs.writeFileSync(CLIENT, `const dbus = require(${JSON.stringify(path.join(ROOT, 'node_modules', 'dbus-next'))});
const b = dbus.systemBus();
b.requestName(process.argv[2], 0).then(() => { console.log('acquired ' + process.argv[2]); }, (e) => { console.error(e); process.exit(3); });
setInterval(() => {}, 1000);
`);
    bus = spawn('dbus-daemon', ['--session', `--address=${BUS}`, '--nofork', '--nopidfile'], { stdio: 'ignore' });
    assert.ok(await waitFor(() => fs.existsSync(`${tmp}/bus`), 5000), 'private dbus-daemon did not start');
    d = await startDaemon({
      env: { DBUS_SYSTEM_BUS_ADDRESS: BUS },
      units: {
        // Type=dbus implies Requires=/After=dbus.socket (as in systemd): stand-ins, never triggered here.
        'dbus.socket': `[Socket]\nListenStream=${tmp}/unused-dbus-socket\n`,
        'dbus.service': '[Service]\nExecStart=/bin/sleep 1000\n',
        'bus.service': `[Service]\nType=dbus\nBusName=org.h8.Test\nEnvironment=DBUS_SYSTEM_BUS_ADDRESS=${BUS}\nExecStart=${process.execPath} ${CLIENT} org.h8.Test\nTimeoutStartSec=8\nTimeoutStopSec=3\n`,
        'bus-never.service': `[Service]\nType=dbus\nBusName=org.h8.Never\nEnvironment=DBUS_SYSTEM_BUS_ADDRESS=${BUS}\nExecStart=${process.execPath} ${CLIENT} org.h8.Other\nTimeoutStartSec=2\nTimeoutStopSec=3\n`,
      },
    });
  });
  after(async () => {
    if (d) await d.stop();
    if (bus?.pid) { bus.kill('SIGTERM'); await new Promise((r) => bus?.once('exit', r)); }
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('becomes active once BusName= is acquired; stop → inactive', async () => {
    const r = await timed(d, ['start', 'bus.service'], 30000);
    assert.equal(r.code, 0, r.stderr + tail(d));
    const p = await show(d, 'bus.service', STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['SubState']], ['active', 'running']);
    assert.ok(r.ms < 7000, `start took ${r.ms} ms (TimeoutStartSec=8)`);
    assert.equal((await d.ctl(['stop', 'bus.service'])).code, 0);
    const q = await show(d, 'bus.service', STD_PROPS);
    assert.deepEqual([q['ActiveState'], q['Result']], ['inactive', 'success']);
  });

  it('a dbus service that never takes its BusName= times out (Result=timeout)', async () => {
    const r = await d.ctl(['start', 'bus-never.service'], { timeoutMs: 30000 });
    assert.equal(r.code, 1);
    const p = await show(d, 'bus-never.service', STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['Result']], ['failed', 'timeout']);
  });
});
