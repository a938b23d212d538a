// Start jobs of device units nobody provides (no udev): with a writable /sys the job waits for the device
// (systemd: unit_start() → -EBADR, the job stays until DefaultDeviceTimeoutSec=), so a unit that BindsTo= it
// waits too; with a read-only /sys (a container) device units are unsupported and the dependent's start
// fails at once ("A dependency job for X failed"), as systemd 252 does in a podman container. An existing
// node is plugged either way.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { type Daemon, startDaemon, waitFor } from '../helpers/daemon';

const UNITS = {
  'a.service': '[Unit]\nBindsTo=dev-nothing2.device\nAfter=dev-nothing2.device\n[Service]\nExecStart=/bin/sleep 1000\n',
  'b.service': '[Unit]\nBindsTo=dev-null.device\nAfter=dev-null.device\n[Service]\nExecStart=/bin/sleep 1000\n',
};

describe('device start jobs with a writable /sys', () => {
  let d: Daemon;
  before(async () => { d = await startDaemon({ units: UNITS, waitRunning: true }); });
  after(async () => { await d?.stop(); });

  it('a unit bound to a missing device waits with its device job; cancelling ends both', async () => {
    assert.equal((await d.ctl(['start', '--no-block', 'a.service'])).code, 0);
    await waitFor(async () => /dev-nothing2\.device\s+start\s+running/.test((await d.ctl(['list-jobs'])).stdout), 10_000);
    const jobs = (await d.ctl(['list-jobs'])).stdout;
    assert.match(jobs, /a\.service\s+start\s+waiting/);
    assert.equal((await d.ctl(['is-active', 'a.service'])).stdout.trim(), 'inactive');
    assert.equal((await d.ctl(['show', '-p', 'CanStart', '--value', 'dev-nothing2.device'])).stdout.trim(), 'no');
    assert.equal((await d.ctl(['cancel'])).code, 0);
    await waitFor(async () => (await d.ctl(['list-jobs'])).stdout.includes('No jobs running.'), 10_000);
  });

  it('a unit bound to an existing node starts', async () => {
    assert.equal((await d.ctl(['start', 'b.service'])).code, 0);
    assert.equal((await d.ctl(['is-active', 'dev-null.device', 'b.service'])).stdout, 'active\nactive\n');
  });
});

describe('device start jobs with a read-only /sys (as in a container)', () => {
  let d: Daemon;
  before(async () => { d = await startDaemon({ units: UNITS, waitRunning: true, setup: 'mount -o remount,bind,ro /sys' }); });
  after(async () => { await d?.stop(); });

  it('a unit bound to a missing device fails at once with a dependency failure; the system is not degraded by it', async () => {
    const r = await d.ctl(['start', 'a.service']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), "A dependency job for a.service failed. See 'journalctl -xe' for details.");
    assert.deepEqual((await d.ctl(['show', '-p', 'ActiveState,Result', 'a.service'])).stdout, 'Result=success\nActiveState=inactive\n');
    assert.equal((await d.ctl(['start', 'b.service'])).code, 0, 'an existing node is plugged all the same');
  });
});
