// E2E (H8, issue #6): TimeoutStartSec (main and ExecStartPre), TimeoutStopSec with a SIGTERM-ignoring
// program (SIGKILL after the timeout), RuntimeMaxSec, EXTEND_TIMEOUT_USEC. Generous upper bounds: the
// CI machine has 2 cores and other suites run beside this one.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Daemon, startDaemon, waitFor } from '../helpers/daemon';
import { fixture } from '../fixtures/build';
import { nsProcs, show, STD_PROPS, tail, timed, waitState } from '../fixtures/svc-helpers';

const NOTIFY = fixture('notify-svc');
const SN = fixture('svc-notify');
const IGN = fixture('sigterm-ignorer');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'h8-timeouts-'));
const f = (n: string): string => path.join(tmp, n);

const units: Record<string, string> = {
  'start-timeout.service': `[Service]\nType=notify\nExecStart=${NOTIFY} --no-ready\nTimeoutStartSec=1.5\nTimeoutStopSec=2\nExecStopPost=/bin/sh -c 'echo $SERVICE_RESULT > ${f('start-timeout.post')}'\n`,
  'pre-timeout.service': `[Service]\nExecStartPre=/bin/sleep 100\nExecStart=/bin/sh -c 'touch ${f('pre-timeout.ran')}; exec sleep 1000'\nTimeoutStartSec=1\nTimeoutStopSec=2\n`,
  'pre-each.service': `[Service]\nExecStartPre=/bin/sleep 1.2\nExecStartPre=/bin/sleep 1.2\nExecStart=/bin/sleep 1000\nTimeoutStartSec=2\nTimeoutStopSec=2\n`,
  'stop-timeout.service': `[Service]\nExecStart=${IGN} --children 2\nTimeoutStopSec=2\n`,
  'stop-hang.service': `[Service]\nExecStart=/bin/sleep 1000\nExecStop=/bin/sleep 101\nTimeoutStopSec=1.5\n`,
  'no-sigkill.service': `[Service]\nExecStart=${IGN} --hup\nTimeoutStopSec=1\nSendSIGKILL=no\n`,
  'killsignal.service': `[Service]\nExecStart=${IGN}\nKillSignal=SIGINT\nTimeoutStopSec=30\n`,
  'oneshot-defaults.service': '[Service]\nType=oneshot\nExecStart=/bin/true\n',
  'notify-defaults.service': '[Service]\nType=notify\nExecStart=/bin/true\n',
  'wd-defaults.service': '[Service]\nExecStart=/bin/true\nWatchdogSec=5\n',
  'runtime-max.service': `[Service]\nExecStart=/bin/sleep 1000\nRuntimeMaxSec=3\n`,
  'extend.service': `[Service]\nType=notify\nExecStart=${SN} send:EXTEND_TIMEOUT_USEC=4000000 sleep:2500 send:READY=1 pause\nTimeoutStartSec=1.5\nTimeoutStopSec=2\n`,
};

describe('service timeouts', { concurrency: true }, () => {
  let d: Daemon;
  before(async () => { d = await startDaemon({ units }); });
  after(async () => {
    if (d) await d.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('TimeoutStartSec=1.5 with no READY=1: start rc 1 after ~1.5 s, Result=timeout, ExecStopPost sees it', async () => {
    const r = await timed(d, ['start', 'start-timeout.service']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /failed because a timeout was exceeded/);
    assert.ok(r.ms >= 1400 && r.ms < 30000, `start took ${r.ms} ms`);
    const p = await show(d, 'start-timeout.service', STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['SubState'], p['Result'], p['MainPID']], ['failed', 'failed', 'timeout', '0']);
    assert.ok(await waitFor(() => fs.existsSync(f('start-timeout.post')), 3000));
    assert.equal(fs.readFileSync(f('start-timeout.post'), 'utf8'), 'timeout\n');
    assert.deepEqual(nsProcs(d, /notify-svc --no-ready/), []);
  });

  it('TimeoutStartSec covers ExecStartPre: a hanging pre command times out, ExecStart never runs', async () => {
    const r = await timed(d, ['start', 'pre-timeout.service']);
    assert.equal(r.code, 1);
    assert.ok(r.ms >= 900 && r.ms < 30000, `start took ${r.ms} ms`);
    const p = await show(d, 'pre-timeout.service', STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['Result']], ['failed', 'timeout']);
    assert.equal(fs.existsSync(f('pre-timeout.ran')), false);
    assert.deepEqual(nsProcs(d, /sleep 100$/), []);
  });

  it('TimeoutStartSec applies to each command: two 1.2 s ExecStartPre under TimeoutStartSec=2 succeed', async () => {
    const r = await timed(d, ['start', 'pre-each.service']);
    assert.equal(r.code, 0, r.stderr + tail(d));
    assert.ok(r.ms >= 2300, `start took ${r.ms} ms`);
    assert.equal((await show(d, 'pre-each.service', ['ActiveState']))['ActiveState'], 'active');
  });

  it('TimeoutStopSec=2 with a SIGTERM-ignoring program and children: SIGKILL after ~2 s, stop rc 0, Result=timeout, nothing left', async () => {
    assert.equal((await d.ctl(['start', 'stop-timeout.service'])).code, 0);
    assert.ok(await waitFor(() => nsProcs(d, /sigterm-ignorer --children 2/).length === 3, 5000), 'main + 2 children not seen');
    const r = await timed(d, ['stop', 'stop-timeout.service']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.ms >= 1800 && r.ms < 30000, `stop took ${r.ms} ms (TimeoutStopSec=2)`);
    const p = await show(d, 'stop-timeout.service', STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['SubState'], p['Result']], ['failed', 'failed', 'timeout']);
    assert.equal(p['ExecMainStatus'], '9');
    assert.deepEqual(nsProcs(d, /sigterm-ignorer --children 2/), []);
  });

  it('TimeoutStopSec=1.5 also bounds a hanging ExecStop: it is killed, the main process stopped, Result=timeout', async () => {
    assert.equal((await d.ctl(['start', 'stop-hang.service'])).code, 0);
    const r = await timed(d, ['stop', 'stop-hang.service']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.ms >= 1400 && r.ms < 30000, `stop took ${r.ms} ms`);
    const p = await show(d, 'stop-hang.service', STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['Result'], p['MainPID']], ['failed', 'timeout', '0']);
    assert.deepEqual(nsProcs(d, /sleep 10(1|00)$/), []);
  });

  it('SendSIGKILL=no: after TimeoutStopSec the SIGTERM-ignoring process is left alone (failed/timeout, still running)', async () => {
    assert.equal((await d.ctl(['start', 'no-sigkill.service'])).code, 0);
    const r = await timed(d, ['stop', 'no-sigkill.service']);
    assert.equal(r.code, 0, r.stderr);
    const p = await show(d, 'no-sigkill.service', STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['Result']], ['failed', 'timeout']);
    assert.equal(nsProcs(d, /sigterm-ignorer --hup/).length, 1, 'SendSIGKILL=no must not SIGKILL');
  });

  it('KillSignal=SIGINT reaches a SIGTERM-ignoring program: quick clean stop, Result=success', async () => {
    assert.equal((await d.ctl(['start', 'killsignal.service'])).code, 0);
    const r = await timed(d, ['stop', 'killsignal.service']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.ms < 20000, `stop took ${r.ms} ms: SIGINT not sent?`);
    const p = await show(d, 'killsignal.service', STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['Result'], p['ExecMainStatus']], ['inactive', 'success', '2']);
  });

  it('defaults: oneshot TimeoutStartUSec=infinity; notify and WatchdogSec imply NotifyAccess=main; 90 s stop timeout', async () => {
    const o = await show(d, 'oneshot-defaults.service', ['TimeoutStartUSec', 'TimeoutStopUSec', 'NotifyAccess']);
    assert.deepEqual([o['TimeoutStartUSec'], o['TimeoutStopUSec'], o['NotifyAccess']], ['infinity', '1min 30s', 'none']);
    const n = await show(d, 'notify-defaults.service', ['TimeoutStartUSec', 'NotifyAccess']);
    assert.deepEqual([n['TimeoutStartUSec'], n['NotifyAccess']], ['1min 30s', 'main']);
    const w = await show(d, 'wd-defaults.service', ['WatchdogUSec', 'NotifyAccess']);
    assert.deepEqual([w['WatchdogUSec'], w['NotifyAccess']], ['5s', 'main']);
  });

  it('RuntimeMaxSec=3: the running service (start rc 0) is stopped after ~3 s with Result=timeout', async () => {
    const t0 = Date.now();
    assert.equal((await d.ctl(['start', 'runtime-max.service'])).code, 0);
    const p = await waitState(d, 'runtime-max.service', 'failed', undefined, 20000);
    const ms = Date.now() - t0;
    assert.equal(p['Result'], 'timeout', JSON.stringify(p) + tail(d));
    assert.ok(ms >= 2900, `failed after ${ms} ms (RuntimeMaxSec=3)`);
  });

  it('EXTEND_TIMEOUT_USEC=4 s lets a notify service become ready after 2.5 s despite TimeoutStartSec=1.5', async () => {
    const r = await timed(d, ['start', 'extend.service']);
    assert.equal(r.code, 0, r.stderr + tail(d));
    assert.ok(r.ms >= 2300, `start returned after ${r.ms} ms`);
    const p = await show(d, 'extend.service', STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['SubState'], p['Result']], ['active', 'running', 'success']);
    assert.equal((await d.ctl(['stop', 'extend.service'])).code, 0);
  });
});
