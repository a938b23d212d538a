// E2E (H8, issue #6): Restart= policies with NRestarts counts, RestartPreventExitStatus, SuccessExitStatus,
// start limits (auto-restart and manual) with `reset-failed`, as tsysctl users see them.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Daemon, startDaemon, sleep, waitFor } from '../helpers/daemon';
import { fixture } from '../fixtures/build';
import { show, STD_PROPS, tail, waitState } from '../fixtures/svc-helpers';

const EXIT = fixture('exit-with');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'h8-restart-'));
const f = (n: string): string => path.join(tmp, n);
const runs = (n: string): number => { try { return fs.readFileSync(f(n), 'utf8').split('\n').filter(Boolean).length; } catch { return 0; } };
/** A command that logs a run to F, then (on run >= okFrom) stays up, else exits with `code`. */
const counter = (file: string, okFrom: number, code: number): string =>
  `/bin/sh -c 'echo run >> ${f(file)}; n=$$(wc -l < ${f(file)}); if [ $$n -ge ${okFrom} ]; then exec sleep 1000; fi; exit ${code}'`;

const units: Record<string, string> = {
  'on-failure.service': `[Service]\nExecStart=${counter('on-failure', 3, 1)}\nRestart=on-failure\nRestartSec=200ms\n`,
  'prevent.service': `[Service]\nExecStart=${counter('prevent', 99, 3)}\nRestart=always\nRestartSec=100ms\nRestartPreventExitStatus=3\n`,
  'success-status.service': `[Service]\nExecStart=/bin/sh -c 'echo run >> ${f('success-status')}; exit 42'\nRestart=on-failure\nRestartSec=100ms\nSuccessExitStatus=42\n`,
  'clean-no-restart.service': `[Service]\nExecStart=/bin/sh -c 'echo run >> ${f('clean')}; exit 0'\nRestart=on-failure\nRestartSec=100ms\n`,
  'abnormal.service': `[Service]\nExecStart=/bin/sh -c 'echo run >> ${f('abnormal')}; exit 1'\nRestart=on-abnormal\nRestartSec=100ms\n`,
  'abnormal-sig.service': `[Service]\nExecStart=/bin/sh -c 'echo run >> ${f('abnormal-sig')}; n=$$(wc -l < ${f('abnormal-sig')}); if [ $$n -ge 2 ]; then exec sleep 1000; fi; exec ${EXIT} 0 6'\nRestart=on-abnormal\nRestartSec=100ms\n`,
  'backoff.service': `[Service]\nExecStart=/bin/sh -c 'date +%%s%%N >> ${f('backoff')}; n=$$(wc -l < ${f('backoff')}); if [ $$n -ge 3 ]; then exec sleep 1000; fi; exit 1'\nRestart=on-failure\nRestartSec=1\n`,
  'stop-in-wait.service': `[Service]\nExecStart=/bin/sh -c 'echo run >> ${f('siw')}; exit 1'\nRestart=always\nRestartSec=5\n`,
  'pre-restart.service': `[Service]\nExecStartPre=/bin/sh -c 'echo run >> ${f('pre')}; n=$$(wc -l < ${f('pre')}); [ $$n -ge 2 ]'\nExecStart=/bin/sleep 1000\nRestart=on-failure\nRestartSec=100ms\n`,
  'force.service': `[Service]\nExecStart=${counter('force', 2, 7)}\nRestart=no\nRestartForceExitStatus=7\nRestartSec=100ms\n`,
  'on-success.service': `[Service]\nExecStart=${counter('on-success', 3, 0)}\nRestart=on-success\nRestartSec=100ms\n`,
  'limit.service': `[Unit]\nStartLimitIntervalSec=60\nStartLimitBurst=3\n[Service]\nExecStart=${counter('limit', 99, 1)}\nRestart=always\nRestartSec=100ms\n`,
  'manual-limit.service': `[Unit]\nStartLimitIntervalSec=60\nStartLimitBurst=2\n[Service]\nExecStart=/bin/sleep 1000\n`,
};

describe('service Restart= and start limits', { concurrency: true }, () => {
  let d: Daemon;
  before(async () => { d = await startDaemon({ units }); });
  after(async () => {
    if (d) await d.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('Restart=on-failure: two failures are restarted (NRestarts=2), the third run stays up', async () => {
    assert.equal((await d.ctl(['start', 'on-failure.service'])).code, 0);
    const ok = await waitFor(async () => runs('on-failure') >= 3, 20000, 100);
    assert.ok(ok, `only ${runs('on-failure')} runs\n${tail(d)}`);
    const p = await waitState(d, 'on-failure.service', 'active', 'running');
    assert.deepEqual([p['ActiveState'], p['SubState'], p['NRestarts'], p['Result']], ['active', 'running', '2', 'success']);
    await sleep(500);
    assert.equal(runs('on-failure'), 3);
    assert.equal((await d.ctl(['stop', 'on-failure.service'])).code, 0);
    // An explicit stop never restarts.
    await sleep(500);
    assert.equal((await show(d, 'on-failure.service', ['ActiveState']))['ActiveState'], 'inactive');
  });

  it('RestartSec=1: restarts are spaced by at least the delay', async () => {
    assert.equal((await d.ctl(['start', 'backoff.service'])).code, 0);
    assert.ok(await waitFor(() => runs('backoff') >= 3, 20000, 150), `only ${runs('backoff')} runs`);
    const t = fs.readFileSync(f('backoff'), 'utf8').trim().split('\n').map((x) => Number(BigInt(x) / 1000000n));
    for (let i = 1; i < t.length; i++) assert.ok((t[i] ?? 0) - (t[i - 1] ?? 0) >= 950, `runs ${i} and ${i + 1} only ${(t[i] ?? 0) - (t[i - 1] ?? 0)} ms apart`);
    const p = await waitState(d, 'backoff.service', 'active', 'running');
    assert.equal(p['NRestarts'], '2');
    assert.equal((await d.ctl(['stop', 'backoff.service'])).code, 0);
  });

  it('an explicit stop during the RestartSec=5 wait (activating/auto-restart) ends it: inactive, no further run', async () => {
    assert.equal((await d.ctl(['start', 'stop-in-wait.service'])).code, 0);
    const p = await waitState(d, 'stop-in-wait.service', 'activating', 'auto-restart', 20000);
    assert.equal(p['SubState'], 'auto-restart', JSON.stringify(p));
    assert.equal((await d.ctl(['stop', 'stop-in-wait.service'])).code, 0);
    const n = runs('siw');
    const q = await show(d, 'stop-in-wait.service', STD_PROPS);
    assert.deepEqual([q['ActiveState'], q['SubState']], ['inactive', 'dead']);
    await sleep(5500);
    assert.equal(runs('siw'), n, 'restarted after an explicit stop');
    assert.equal((await show(d, 'stop-in-wait.service', ['ActiveState']))['ActiveState'], 'inactive');
  });

  it('an ExecStartPre failure is restartable under Restart=on-failure (start rc 1, then active after a restart)', async () => {
    const r = await d.ctl(['start', 'pre-restart.service']);
    assert.equal(r.code, 1, 'the first start job fails');
    const p = await waitState(d, 'pre-restart.service', 'active', 'running', 20000);
    assert.deepEqual([p['ActiveState'], p['NRestarts']], ['active', '1'], JSON.stringify(p));
    assert.equal(runs('pre'), 2);
    assert.equal((await d.ctl(['stop', 'pre-restart.service'])).code, 0);
  });

  it('RestartForceExitStatus=7 restarts even with Restart=no', async () => {
    assert.equal((await d.ctl(['start', 'force.service'])).code, 0);
    const p = await waitState(d, 'force.service', 'active', 'running', 20000);
    assert.deepEqual([p['ActiveState'], p['NRestarts']], ['active', '1'], JSON.stringify(p));
    assert.equal(runs('force'), 2);
    assert.equal((await d.ctl(['stop', 'force.service'])).code, 0);
  });

  it('Restart=on-success restarts clean exits (NRestarts=2 before the third run stays up)', async () => {
    assert.equal((await d.ctl(['start', 'on-success.service'])).code, 0);
    assert.ok(await waitFor(() => runs('on-success') >= 3, 20000, 100));
    const p = await waitState(d, 'on-success.service', 'active', 'running', 20000);
    assert.deepEqual([p['NRestarts'], p['Result']], ['2', 'success']);
    assert.equal((await d.ctl(['stop', 'on-success.service'])).code, 0);
  });

  it('RestartPreventExitStatus=3 with Restart=always: exit 3 is not restarted', async () => {
    assert.equal((await d.ctl(['start', 'prevent.service'])).code, 0);
    const p = await waitState(d, 'prevent.service', 'failed');
    assert.deepEqual([p['Result'], p['ExecMainStatus'], p['NRestarts']], ['exit-code', '3', '0']);
    await sleep(600);
    assert.equal(runs('prevent'), 1);
    assert.equal((await show(d, 'prevent.service', ['ActiveState']))['ActiveState'], 'failed');
  });

  it('SuccessExitStatus=42: exit 42 is clean, inactive/success, no restart under on-failure', async () => {
    assert.equal((await d.ctl(['start', 'success-status.service'])).code, 0);
    const p = await waitState(d, 'success-status.service', 'inactive', 'dead');
    assert.deepEqual([p['Result'], p['ExecMainStatus'], p['NRestarts']], ['success', '42', '0']);
    await sleep(600);
    assert.equal(runs('success-status'), 1);
    assert.equal((await d.ctl(['is-failed', 'success-status.service'])).code, 1);
  });

  it('Restart=on-failure does not restart a clean exit 0', async () => {
    assert.equal((await d.ctl(['start', 'clean-no-restart.service'])).code, 0);
    const p = await waitState(d, 'clean-no-restart.service', 'inactive', 'dead');
    assert.deepEqual([p['Result'], p['NRestarts']], ['success', '0']);
    await sleep(600);
    assert.equal(runs('clean'), 1);
  });

  it('Restart=on-abnormal: exit 1 is not restarted, SIGABRT is (core-dump/signal result)', async () => {
    assert.equal((await d.ctl(['start', 'abnormal.service'])).code, 0);
    const p = await waitState(d, 'abnormal.service', 'failed');
    assert.deepEqual([p['Result'], p['NRestarts']], ['exit-code', '0']);
    assert.equal((await d.ctl(['start', 'abnormal-sig.service'])).code, 0);
    assert.ok(await waitFor(async () => runs('abnormal-sig') >= 2, 20000, 100), tail(d));
    const q = await waitState(d, 'abnormal-sig.service', 'active', 'running');
    assert.equal(q['NRestarts'], '1', JSON.stringify(q));
    await sleep(600);
    assert.equal(runs('abnormal'), 1);
  });

  it('start limit (burst 3) with Restart=always: 3 runs, then failed; manual start refused; reset-failed clears it', async () => {
    assert.equal((await d.ctl(['start', 'limit.service'])).code, 0);
    const p = await waitFor(async () => {
      const s = await show(d, 'limit.service', STD_PROPS);
      return s['ActiveState'] === 'failed';
    }, 12000, 200);
    assert.ok(p, `limit.service never failed\n${tail(d)}`);
    await sleep(800);
    const s = await show(d, 'limit.service', STD_PROPS);
    assert.equal(s['ActiveState'], 'failed', JSON.stringify(s));
    assert.equal(runs('limit'), 3, 'start limit burst 3 must allow exactly 3 runs');
    // Three restart jobs were enqueued (service_enter_restart counts them); the third is refused by the limit.
    assert.equal(s['NRestarts'], '3');
    // systemd 252 keeps the previous failure as Result when the auto-restart hits the limit.
    assert.ok(['exit-code', 'start-limit-hit'].includes(s['Result'] ?? ''), JSON.stringify(s));
    assert.match(d.output, /limit\.service: Start request repeated too quickly\./);
    const again = await d.ctl(['start', 'limit.service']);
    assert.equal(again.code, 1, 'a manual start within the limit interval must be refused');
    assert.equal(runs('limit'), 3);
    const rf = await d.ctl(['reset-failed', 'limit.service']);
    assert.equal(rf.code, 0, rf.stderr);
    const r = await show(d, 'limit.service', STD_PROPS);
    assert.deepEqual([r['ActiveState'], r['SubState'], r['Result'], r['NRestarts']], ['inactive', 'dead', 'success', '0']);
    // After reset-failed the counter is cleared: a start runs the command again.
    assert.equal((await d.ctl(['start', 'limit.service'])).code, 0);
    assert.ok(await waitFor(() => runs('limit') >= 4, 5000), 'no run after reset-failed');
    await d.ctl(['stop', 'limit.service']);
  });

  it('manual starts beyond StartLimitBurst=2: the third start fails with Result=start-limit-hit', async () => {
    for (let i = 0; i < 2; i++) {
      assert.equal((await d.ctl(['start', 'manual-limit.service'])).code, 0);
      assert.equal((await d.ctl(['stop', 'manual-limit.service'])).code, 0);
    }
    const r = await d.ctl(['start', 'manual-limit.service']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /start of the service was attempted too often/);
    const p = await show(d, 'manual-limit.service', STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['Result']], ['failed', 'start-limit-hit']);
    assert.equal((await d.ctl(['is-failed', 'manual-limit.service'])).code, 0);
    assert.equal((await d.ctl(['reset-failed', 'manual-limit.service'])).code, 0);
    const q = await show(d, 'manual-limit.service', STD_PROPS);
    assert.deepEqual([q['ActiveState'], q['Result']], ['inactive', 'success']);
    assert.equal((await d.ctl(['start', 'manual-limit.service'])).code, 0);
    assert.equal((await d.ctl(['stop', 'manual-limit.service'])).code, 0);
  });
});
