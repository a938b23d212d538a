// The manager's unit status lines ("Starting X...", "[  OK  ] Started X.", "[FAILED] Failed to start X.",
// "[  OK  ] Stopped X.") on its stdout: printed while it boots and while it shuts down, never in between, as
// systemd 252 decides in manager_get_show_status() (state INITIALIZING, STARTING or STOPPING). Observed on 252
// itself (Debian bookworm's /lib/systemd/systemd as PID 1 of `podman run -t --systemd=always`): the boot's
// "[  OK  ] Started ..."/"Reached target ..." lines and the shutdown's "[  OK  ] Stopped ..." lines appear in
// `podman logs`; `systemctl start`, a failing start and `systemctl stop` of units after boot print nothing.
// A failed start job prints systemd's "[FAILED] Failed to start X." and "See 'systemctl status X' for details."
// (job_emit_done_message); a oneshot run to the end "[  OK  ] Finished X.". Log lines of notice level and
// above ("X: Main process exited, ...") are not status lines: printed always. The messages themselves are
// also the unit's log lines at any time ("Started X." in `tsysctl status X`), as systemd journals them.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { type Daemon, startDaemon, waitFor } from '../helpers/daemon';

const units: Record<string, string> = {
  'boot.target': '[Unit]\nDescription=Boot target\nWants=early.service early-fail.service once.service stubborn.service\n',
  // ignores SIGTERM: killed after TimeoutStopSec=, it ends failed, and its stop job is still done
  'stubborn.service': '[Unit]\nDescription=Stubborn\n[Service]\nExecStart=/bin/sh -c "trap \\"\\" TERM; while :; do sleep 0.1; done"\nTimeoutStopSec=1\n',
  'once.service': '[Unit]\nDescription=Once\n[Service]\nType=oneshot\nExecStart=/bin/true\n',
  'early.service': '[Unit]\nDescription=Early one\n[Service]\nExecStart=/bin/sleep 1000\n',
  'early-fail.service': '[Service]\nType=oneshot\nExecStart=/bin/false\n',
  'late.service': '[Unit]\nDescription=Late one\n[Service]\nExecStart=/bin/sleep 1000\n',
  'late-fail.service': '[Service]\nType=oneshot\nExecStart=/bin/false\n',
};

/** The status lines of `unit` in `text` (not its log lines, which start with "unit: "). */
function statusLines(text: string, unit: string): string[] {
  return text.split('\n').filter((l) => l.includes(unit) && !l.startsWith(`${unit}:`) && !l.startsWith(`${unit}[`));
}

describe('status lines while booting and shutting down only', () => {
  let d: Daemon;
  before(async () => { d = await startDaemon({ units, args: ['--target', 'boot.target'], waitRunning: true }); });
  after(async () => { if (d) await d.stop(); });

  it('the boot prints its units\' status lines, its failure and a finished oneshot included', () => {
    const out = d.output;
    assert.ok(out.includes('[  OK  ] Started early.service - Early one.'), out);
    // the failed start job's line and its pointer (job_emit_done_message); no line of tsysd's own beside them
    assert.deepEqual(statusLines(out, 'early-fail.service'), ['         Starting early-fail.service...', '[FAILED] Failed to start early-fail.service.',
      'See \'systemctl status early-fail.service\' for details.']);
    assert.ok(out.includes('[  OK  ] Reached target boot.target - Boot target.'), out);
    // the mounts found at boot change state without a job: no "Mounted" line (systemd 252 in podman shows none)
    assert.doesNotMatch(out, /\] Mounted -\.mount/, out);
    // a oneshot that ran to the end: "Finished", as systemd's service_finished_job(), not "Stopped"
    assert.deepEqual(statusLines(out, 'once.service'), ['         Starting once.service - Once...', '[  OK  ] Finished once.service - Once.']);
  });

  it('starting, failing and stopping units after boot prints no status line; log lines still go out', async () => {
    assert.equal((await d.ctl(['is-system-running'])).stdout.trim(), 'degraded');
    assert.equal((await d.ctl(['start', 'late.service'])).code, 0);
    assert.notEqual((await d.ctl(['start', 'late-fail.service'])).code, 0);
    assert.equal((await d.ctl(['stop', 'early.service'])).code, 0);
    // the failure's log lines are written in the same turns as any status line would be: once they are out,
    // so would the status lines be
    assert.ok(await waitFor(() => d.output.includes('late-fail.service: Failed with result \'exit-code\'.'), 15000), d.output);
    assert.ok(d.output.includes('late-fail.service: Main process exited, code=exited, status=1/FAILURE'), d.output);
    assert.ok(await waitFor(async () => (await d.ctl(['is-active', 'early.service'])).stdout.trim() === 'inactive', 15000), 'early.service stopped');
    assert.deepEqual(statusLines(d.output, 'late.service'), []);
    assert.deepEqual(statusLines(d.output, 'late-fail.service'), []);
    assert.deepEqual(statusLines(d.output, 'early.service').filter((l) => /Stopp/.test(l)), []);
    // ...but the units' logs have the messages, as systemctl status shows them from the journal
    const log = async (u: string): Promise<string[]> => (await d.ctl(['status', '-n', '20', '--no-pager', u])).stdout.split('\n')
      .filter((l) => / tsysd: /.test(l)).map((l) => l.slice(l.indexOf(' tsysd: ') + 8));
    assert.deepEqual(await log('late.service'), ['Started late.service - Late one.']);
    assert.deepEqual((await log('early.service')).slice(-3), ['Stopping early.service - Early one...', 'Deactivated successfully.',
      'Stopped early.service - Early one.']);
    assert.ok((await log('late-fail.service')).includes('Failed to start late-fail.service.'), (await log('late-fail.service')).join('\n'));
  });

  it('the shutdown prints the stop lines of what is still running, a stop that ended failed included', async () => {
    assert.equal((await d.ctl(['poweroff'])).code, 0);
    assert.equal(await d.waitExit(30000), 0);
    const out = d.output;
    assert.ok(out.includes('\n         Stopping late.service - Late one...\n'), out);
    assert.ok(out.includes('[  OK  ] Stopped late.service - Late one.'), out);
    assert.ok(out.includes('[  OK  ] Stopped target boot.target - Boot target.'), out);
    // killed after TimeoutStopSec=: systemd 252 (podman, the same unit) prints "[  OK  ] Stopped" all the same
    assert.ok(out.includes('stubborn.service: Failed with result \'timeout\'.'), out);
    assert.ok(out.includes('\n[  OK  ] Stopped stubborn.service - Stubborn.\n'), out);
  });
});
