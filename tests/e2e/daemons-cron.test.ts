// E2E (H8, issue #6): the real cron with Debian's UNALTERED cron.service (simple, EnvironmentFile=-,
// `$EXTRA_OPTS`, KillMode=process, Restart=on-failure), under tsysd as PID 1 of a private PID namespace.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { type Daemon, sleep } from '../helpers/daemon';
import { alive, nsProcs, show, startDebianUnits, STD_PROPS, tail } from '../fixtures/svc-helpers';

const UNIT = 'cron.service';
const have = fs.existsSync('/usr/sbin/cron') && fs.existsSync(`/lib/systemd/system/${UNIT}`);
// cron leaves /run/crond.pid and /run/crond.reboot behind (as under systemd); remove them if we made them.
const LEFT = ['/run/crond.pid', '/run/crond.reboot'].filter((x) => !fs.existsSync(x));
const T0 = Date.now();

describe('real daemon: cron.service', { skip: have ? false : 'cron not installed' }, () => {
  let d: Daemon;
  let cleanup: () => Promise<void> = async () => {};
  let pids: number[] = [];

  before(async () => { const s = await startDebianUnits([UNIT]); d = s.d; cleanup = s.cleanup; });
  after(async () => {
    await cleanup();
    for (const p of pids) assert.equal(alive(p), false, `cron pid ${p} survived the daemon`);
    for (const x of LEFT) fs.rmSync(x, { force: true });
    // Our cron rewrote a pre-existing PID file (it holds a pid of our namespace): remove it too.
    try { if (fs.statSync('/run/crond.pid').mtimeMs >= T0) fs.rmSync('/run/crond.pid', { force: true }); } catch { /* gone */ }
  });

  it('start: active/running with cron -f as MainPID, and it keeps running', async () => {
    const r = await d.ctl(['start', UNIT], { timeoutMs: 60000 });
    assert.equal(r.code, 0, r.stderr + tail(d));
    await sleep(1000);
    const p = await show(d, UNIT, STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['SubState'], p['Result'], p['NRestarts']], ['active', 'running', 'success', '0']);
    pids = nsProcs(d, /^\/usr\/sbin\/cron -f/);
    assert.equal(pids.length, 1);
    const nspid = fs.readFileSync(`/proc/${pids[0]}/status`, 'utf8').match(/^NSpid:.*\s(\d+)$/m)?.[1];
    assert.equal(p['MainPID'], nspid);
    // `$EXTRA_OPTS` (unset: /etc/default/cron does not define it) expands to no argument at all.
    assert.equal(fs.readFileSync(`/proc/${pids[0]}/cmdline`, 'utf8'), '/usr/sbin/cron\0-f\0');
  });

  it('stop: inactive/dead, no cron left', async () => {
    const r = await d.ctl(['stop', UNIT], { timeoutMs: 60000 });
    assert.equal(r.code, 0, r.stderr);
    const p = await show(d, UNIT, STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['SubState'], p['Result']], ['inactive', 'dead', 'success']);
    assert.deepEqual(nsProcs(d, /cron/), []);
    for (const x of pids) assert.equal(alive(x), false);
  });
});
