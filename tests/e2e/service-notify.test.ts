// E2E (H8, issue #6): sd_notify as a systemctl user sees it: STATUS= in `status`/StatusText, MAINPID= from
// the main process naming its child, NotifyAccess=main rejecting a child's READY=1 (all accepts it),
// several messages per datagram, watchdog (missed WATCHDOG=1 → Result=watchdog; Restart=on-watchdog),
// and the fd store handed back as LISTEN_FDS on restart.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Daemon, startDaemon, sleep, waitFor } from '../helpers/daemon';
import { fixture } from '../fixtures/build';
import { nsProcs, show, STD_PROPS, tail, timed, waitState } from '../fixtures/svc-helpers';

const NOTIFY = fixture('notify-svc');
const SN = fixture('svc-notify');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'h8-notify-'));
const f = (n: string): string => path.join(tmp, n);
const runs = (n: string): number => { try { return fs.readFileSync(f(n), 'utf8').split('\n').filter(Boolean).length; } catch { return 0; } };

const units: Record<string, string> = {
  'status.service': `[Service]\nType=notify\nExecStart=${SN} "send:READY=1\\nSTATUS=Serving 3 clients" pause\n`,
  'status-later.service': `[Service]\nType=notify\nExecStart=${SN} send:READY=1 sleep:300 "send:STATUS=phase two" pause\n`,
  'mainpid-child.service': `[Service]\nType=notify\nExecStart=${NOTIFY} --mainpid-child\nTimeoutStartSec=10\nTimeoutStopSec=3\n`,
  'child-ready-main.service': `[Service]\nType=notify\nNotifyAccess=main\nExecStart=${SN} child:READY=1 pause\nTimeoutStartSec=2\nTimeoutStopSec=2\n`,
  'child-ready-all.service': `[Service]\nType=notify\nNotifyAccess=all\nExecStart=${SN} child:READY=1 pause\nTimeoutStartSec=5\nTimeoutStopSec=2\n`,
  'multi.service': `[Service]\nType=notify\nExecStart=${SN} "send:X_PRIVATE=1\\nSTATUS=multi\\nREADY=1\\n" pause\n`,
  'watchdog.service': `[Service]\nType=notify\nExecStart=/bin/sh -c 'echo "$$WATCHDOG_USEC" >> ${f('watchdog')}; exec ${SN} send:READY=1 watchdog-until:${f('watchdog.stop')} pause'\nWatchdogSec=3\nTimeoutStopSec=2\n`,
  'watchdog-restart.service': `[Service]\nType=notify\nExecStart=/bin/sh -c 'echo run >> ${f('wdr')}; n=$$(wc -l < ${f('wdr')}); if [ $$n -ge 2 ]; then exec ${SN} send:READY=1 watchdog:0; fi; exec ${SN} send:READY=1 watchdog:2 pause'\nWatchdogSec=3\nRestart=on-watchdog\nRestartSec=100ms\nTimeoutStopSec=2\n`,
  'wd-trigger.service': `[Service]\nType=notify\nExecStart=${SN} send:READY=1 sleep:500 send:WATCHDOG=trigger pause\nWatchdogSec=60\nTimeoutStopSec=2\n`,
  'errno.service': `[Service]\nType=notify\nExecStart=${SN} "send:READY=1\\nSTATUS=failing soon\\nERRNO=5" pause\n`,
  'reloading.service': `[Service]\nType=notify\nExecStart=${SN} send:READY=1 sleep:${'${'}RELOAD_AT} send:RELOADING=1 wait:${f('rl.go')} send:READY=1 pause\nEnvironment=RELOAD_AT=300\nTimeoutStopSec=2\n`,
  'stopping.service': `[Service]\nType=notify\nExecStart=${SN} send:READY=1 sleep:300 send:STOPPING=1 wait:${f('st.go')} exit:0\nTimeoutStopSec=60\n`,
  'fdstore.service': `[Service]\nNotifyAccess=main\nFileDescriptorStoreMax=4\nRestart=on-failure\nRestartSec=100ms\n` +
    `ExecStart=/bin/sh -c 'if [ -e ${f('fd.first')} ]; then exec ${SN} fds:${f('fd.out')} pause; fi; touch ${f('fd.first')}; exec ${SN} fdstore:mystore:7 sleep:500 exit:1'\n`,
};

describe('service sd_notify and watchdog', { concurrency: true }, () => {
  let d: Daemon;
  before(async () => { d = await startDaemon({ units }); });
  after(async () => {
    if (d) await d.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('STATUS= is shown by `status` and StatusText; later STATUS= updates it', async () => {
    assert.equal((await d.ctl(['start', 'status.service'])).code, 0);
    const st = await d.ctl(['status', 'status.service']);
    assert.equal(st.code, 0);
    assert.match(st.stdout, /Status: "Serving 3 clients"/);
    assert.equal((await show(d, 'status.service', ['StatusText']))['StatusText'], 'Serving 3 clients');
    assert.equal((await d.ctl(['start', 'status-later.service'])).code, 0);
    assert.ok(await waitFor(async () => (await show(d, 'status-later.service', ['StatusText']))['StatusText'] === 'phase two', 20000, 150));
  });

  it('MAINPID= from the main process names its child: MainPID follows, the unit stays active after the parent exits', async () => {
    const r = await d.ctl(['start', 'mainpid-child.service']);
    assert.equal(r.code, 0, r.stderr + tail(d));
    const p = await waitState(d, 'mainpid-child.service', 'active', 'running');
    const procs = nsProcs(d, /notify-svc --mainpid-child/);
    assert.equal(procs.length, 1, `expected only the child left, got ${procs.length}`);
    // MainPID is the namespace-local pid of that child; read it from its NSpid line.
    const nspid = fs.readFileSync(`/proc/${procs[0]}/status`, 'utf8').match(/^NSpid:.*\s(\d+)$/m)?.[1];
    assert.equal(p['MainPID'], nspid, JSON.stringify(p));
    assert.equal((await d.ctl(['stop', 'mainpid-child.service'])).code, 0);
    assert.deepEqual(nsProcs(d, /notify-svc --mainpid-child/), []);
  });

  it('NotifyAccess=main: READY=1 from a child is rejected (start times out); NotifyAccess=all accepts it', async () => {
    const r = await timed(d, ['start', 'child-ready-main.service']);
    assert.equal(r.code, 1, 'a child\'s READY=1 must not satisfy NotifyAccess=main');
    const p = await show(d, 'child-ready-main.service', STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['Result']], ['failed', 'timeout']);
    assert.match(d.output, /child-ready-main\.service: Got notification message from PID \d+, but reception only permitted for main PID/);
    const a = await d.ctl(['start', 'child-ready-all.service']);
    assert.equal(a.code, 0, a.stderr + tail(d));
    assert.equal((await show(d, 'child-ready-all.service', ['ActiveState']))['ActiveState'], 'active');
    assert.equal((await d.ctl(['stop', 'child-ready-all.service'])).code, 0);
  });

  it('several messages in one datagram (unknown X_ key, STATUS, READY, trailing newline) are all applied', async () => {
    const r = await d.ctl(['start', 'multi.service']);
    assert.equal(r.code, 0, r.stderr);
    const p = await show(d, 'multi.service', ['ActiveState', 'SubState', 'StatusText']);
    assert.deepEqual([p['ActiveState'], p['SubState'], p['StatusText']], ['active', 'running', 'multi']);
  });

  it('WatchdogSec=3: WATCHDOG_USEC is exported; pings keep it alive, a missed ping → failed, Result=watchdog', async () => {
    assert.equal((await d.ctl(['start', 'watchdog.service'])).code, 0);
    assert.ok(await waitFor(() => runs('watchdog') === 1, 3000));
    assert.equal(fs.readFileSync(f('watchdog'), 'utf8').trim(), '3000000');
    // Pings every ~1 s keep the unit up well past WatchdogSec; creating the stop file ends the pings.
    await sleep(5000);
    assert.equal((await show(d, 'watchdog.service', ['ActiveState']))['ActiveState'], 'active', 'watchdog fired while pings were sent');
    fs.writeFileSync(f('watchdog.stop'), '');
    const t0 = Date.now();
    const p = await waitState(d, 'watchdog.service', 'failed', undefined, 20000);
    assert.equal(p['Result'], 'watchdog', JSON.stringify(p) + tail(d));
    assert.ok(Date.now() - t0 >= 1500, 'watchdog fired before WatchdogSec elapsed after the last ping');
    assert.equal(p['ExecMainStatus'], '6', 'WatchdogSignal defaults to SIGABRT');
    assert.match(d.output, /watchdog\.service: Watchdog timeout/);
  });

  it('Restart=on-watchdog: a watchdog timeout restarts the service (NRestarts=1), the new run keeps pinging', async () => {
    assert.equal((await d.ctl(['start', 'watchdog-restart.service'])).code, 0);
    assert.ok(await waitFor(() => runs('wdr') >= 2, 20000, 150), `only ${runs('wdr')} runs\n${tail(d)}`);
    const p = await waitState(d, 'watchdog-restart.service', 'active', 'running', 20000);
    assert.equal(p['NRestarts'], '1', JSON.stringify(p));
    await sleep(4500);
    const q = await show(d, 'watchdog-restart.service', STD_PROPS);
    assert.deepEqual([q['ActiveState'], q['NRestarts']], ['active', '1'], 'the pinging second run must stay up');
    assert.equal((await d.ctl(['stop', 'watchdog-restart.service'])).code, 0);
  });

  it('WATCHDOG=trigger fails the service at once with Result=watchdog (WatchdogSec=60 not waited for)', async () => {
    const t0 = Date.now();
    assert.equal((await d.ctl(['start', 'wd-trigger.service'])).code, 0);
    const p = await waitState(d, 'wd-trigger.service', 'failed', undefined, 20000);
    assert.equal(p['Result'], 'watchdog', JSON.stringify(p) + tail(d));
    assert.ok(Date.now() - t0 < 50000, 'the 60 s watchdog fired, not the trigger');
  });

  it('ERRNO= is StatusErrno, next to STATUS=', async () => {
    assert.equal((await d.ctl(['start', 'errno.service'])).code, 0);
    const p = await show(d, 'errno.service', ['ActiveState', 'StatusText', 'StatusErrno']);
    assert.deepEqual([p['ActiveState'], p['StatusText'], p['StatusErrno']], ['active', 'failing soon', '5']);
  });

  it('RELOADING=1 from the service: reloading until its next READY=1, then active again', async () => {
    assert.equal((await d.ctl(['start', 'reloading.service'])).code, 0);
    const seen = await waitFor(async () => (await show(d, 'reloading.service', ['ActiveState']))['ActiveState'] === 'reloading', 20000, 100);
    assert.ok(seen, 'never seen reloading');
    fs.writeFileSync(f('rl.go'), '');
    const p = await waitState(d, 'reloading.service', 'active', 'running', 20000);
    assert.equal(p['ActiveState'], 'active');
  });

  it('STOPPING=1 from the service: deactivating, then inactive/success when it exits 0', async () => {
    assert.equal((await d.ctl(['start', 'stopping.service'])).code, 0);
    const seen = await waitFor(async () => (await show(d, 'stopping.service', ['ActiveState']))['ActiveState'] === 'deactivating', 20000, 100);
    assert.ok(seen, 'never seen deactivating after STOPPING=1');
    fs.writeFileSync(f('st.go'), '');
    const p = await waitState(d, 'stopping.service', 'inactive', 'dead', 20000);
    assert.equal(p['Result'], 'success', JSON.stringify(p));
  });

  it('FDSTORE=1: a stored eventfd comes back as LISTEN_FDS=1 with its FDNAME after an auto-restart; a stop drops it', async () => {
    assert.equal((await d.ctl(['start', 'fdstore.service'])).code, 0);
    assert.ok(await waitFor(() => fs.existsSync(f('fd.out')), 20000, 150), `second run never wrote its fds\n${tail(d)}`);
    assert.ok(await waitFor(() => fs.readFileSync(f('fd.out'), 'utf8').endsWith('\n'), 2000));
    assert.equal(fs.readFileSync(f('fd.out'), 'utf8'), 'LISTEN_FDS=1 LISTEN_FDNAMES=mystore LISTEN_PID_OK=1 fd3=7\n');
    const p = await show(d, 'fdstore.service', STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['NRestarts']], ['active', '1']);
    assert.equal((await d.ctl(['stop', 'fdstore.service'])).code, 0);
    // A full stop drops the store: the next start gets no fds.
    fs.rmSync(f('fd.out'));
    assert.equal((await d.ctl(['start', 'fdstore.service'])).code, 0);
    assert.ok(await waitFor(() => fs.existsSync(f('fd.out')) && fs.readFileSync(f('fd.out'), 'utf8').endsWith('\n'), 20000, 150));
    assert.equal(fs.readFileSync(f('fd.out'), 'utf8'), 'LISTEN_FDS= LISTEN_FDNAMES= LISTEN_PID_OK=0\n');
    assert.equal((await d.ctl(['stop', 'fdstore.service'])).code, 0);
  });
});
