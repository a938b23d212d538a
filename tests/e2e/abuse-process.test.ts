// Process abuse against the real daemon, with cgroups and without (TSYSD_NO_CGROUPS=1: the session /
// process-group fallback of src/exec/kill.ts) — issue 12 finding 8 and "process abuse": a fork storm
// (thousands of children, some ignoring SIGTERM, some setsid()'d) stopped at a random moment, 1,000
// orphans re-parented to the manager, a main process that ignores SIGTERM, a service whose main process
// exits while its ExecStop= runs. After `stop` returns nothing of the unit survives, and its zombies are
// reaped (tsysd is PID 1 of the test's PID namespace). The "within a second" is not asserted as a
// wall-clock bound (it fails on a loaded 2-core machine for reasons not the manager's): the wait is generous.
// TSYSD_FUZZ_SECONDS lengthens the fork-storm rounds (default: 3 per mode).
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { type Daemon, startDaemon, sleep, waitFor } from '../helpers/daemon';
import { fixture } from '../fixtures/build';
import { fuzz } from '../helpers/fuzz';
import { show } from '../fixtures/svc-helpers';

const FS = fixture('fork-storm');

/** Processes in the daemon's PID namespace whose cmdline contains `tag`: live ones and zombies. */
function tagged(d: Daemon, tag: string): { live: number; zombies: number } {
  const inner = d.innerPid();
  let ns = '';
  try { ns = fs.readlinkSync(`/proc/${inner}/ns/pid`); } catch { return { live: 0, zombies: 0 }; }
  let live = 0, zombies = 0;
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (fs.readlinkSync(`/proc/${e}/ns/pid`) !== ns) continue;
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      const state = stat.charAt(stat.lastIndexOf(')') + 2);
      if (state === 'Z') {
        // A zombie has an empty cmdline: match its comm and parent instead (fork-storm's own children).
        if (/\(fork-storm\)/.test(stat)) zombies++;
        continue;
      }
      if (fs.readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0').includes(tag)) live++;
    } catch { /* gone */ }
  }
  return { live, zombies };
}

const units: Record<string, string> = {
  'storm.service': `[Service]\nExecStart=${FS} storm 1500 tag-storm\nTimeoutStopSec=1\n`,
  'hop.service': `[Service]\nExecStart=${FS} hop 2000 tag-hop\nTimeoutStopSec=5\n`,
  'orphans.service': `[Service]\nExecStart=${FS} orphans 1000 tag-orphans\nTimeoutStopSec=5\n`,
  'ignore-term.service': `[Service]\nExecStart=${FS} ignore-term x tag-ignore\nTimeoutStopSec=1\n`,
  'exit-in-stop.service': `[Service]\nExecStart=${FS} exit-soon 600000 tag-exitstop\n` +
    `ExecStop=/bin/sh -c '${FS} ignore-term x tag-exitstop & kill $MAINPID; sleep 0.5'\nTimeoutStopSec=1\n`,
};

async function assertNothingLeft(d: Daemon, tag: string): Promise<void> {
  const now = tagged(d, tag);
  assert.equal(now.live, 0, `${now.live} processes tagged ${tag} alive after stop\n${d.output.slice(-2000)}`);
  assert.ok(await waitFor(() => tagged(d, tag).zombies === 0, 30000, 50), `zombies of ${tag} never reaped (30 s)`);
}

describe('abuse: processes', { concurrency: true }, () => {
for (const mode of ['cgroup', 'no-cgroup'] as const) {
  describe(`${mode}`, () => {
    let d: Daemon;
    before(async () => { d = await startDaemon({ units, env: mode === 'no-cgroup' ? { TSYSD_NO_CGROUPS: '1' } : {} }); });
    after(async () => { if (d) await d.stop(); });

    it('a fork storm stopped at a random moment leaves nothing behind (repeated)', async () => {
      const f = fuzz(`fork-storm-${mode}`, 2);
      while (f.more()) {
        assert.equal((await d.ctl(['start', 'storm.service'])).code, 0);
        await sleep(100 + f.int(900));
        const r = await d.ctl(['stop', 'storm.service'], { timeoutMs: 60000 });
        assert.equal(r.code, 0, r.stderr);
        await assertNothingLeft(d, 'tag-storm');
        // Children ignoring SIGTERM: the stop times out and SIGKILL ends them (Result=timeout, as systemd).
        assert.match((await show(d, 'storm.service', ['ActiveState']))['ActiveState'] ?? '', /^(inactive|failed)$/);
        await d.ctl(['reset-failed', 'storm.service']);
      }
      assert.equal(d.exitCode, null);
    });

    it('a process that forks its successor and exits, over and over, leaving 2,000 sleepers: stop takes them all (repeated)', async () => {
      const f = fuzz(`hop-${mode}`, 4);
      while (f.more()) {
        assert.equal((await d.ctl(['start', 'hop.service'])).code, 0);
        await sleep(50 + f.int(700));
        const r = await d.ctl(['stop', 'hop.service'], { timeoutMs: 60000 });
        assert.equal(r.code, 0, r.stderr);
        await sleep(300);   // a hopper that escaped would have forked more by now
        await assertNothingLeft(d, 'tag-hop');
        await d.ctl(['reset-failed', 'hop.service']);
      }
    });

    it('1,000 orphans, then the main process exits: the unit stops and takes its orphans', async () => {
      assert.equal((await d.ctl(['start', 'orphans.service'])).code, 0);
      assert.ok(await waitFor(async () => (await show(d, 'orphans.service', ['ActiveState']))['ActiveState'] !== 'active', 120000, 200));
      assert.ok(await waitFor(async () => ['inactive', 'failed'].includes((await show(d, 'orphans.service', ['ActiveState']))['ActiveState'] ?? ''), 120000, 200));
      await assertNothingLeft(d, 'tag-orphans');
    });

    it('a main process that ignores SIGTERM is killed after TimeoutStopSec', async () => {
      assert.equal((await d.ctl(['start', 'ignore-term.service'])).code, 0);
      await d.ctl(['stop', 'ignore-term.service']);
      await assertNothingLeft(d, 'tag-ignore');
      assert.equal((await show(d, 'ignore-term.service', ['Result']))['Result'], 'timeout');
      await d.ctl(['reset-failed', 'ignore-term.service']);
    });

    it('a main process exiting while ExecStop= runs (which leaves a SIGTERM-ignoring child): nothing survives', async () => {
      assert.equal((await d.ctl(['start', 'exit-in-stop.service'])).code, 0);
      const r = await d.ctl(['stop', 'exit-in-stop.service'], { timeoutMs: 60000 });
      assert.equal(r.code, 0, r.stderr);
      await assertNothingLeft(d, 'tag-exitstop');
      assert.match((await show(d, 'exit-in-stop.service', ['ActiveState']))['ActiveState'] ?? '', /inactive|failed/);
      assert.equal(d.exitCode, null);
    });
  });
}
});
