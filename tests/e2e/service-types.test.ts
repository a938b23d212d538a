// E2E (H8, issue #6): service Type= semantics as a systemctl user sees them, on the real tsysd (PID 1 of a
// private PID namespace) driven by the real tsysctl. One daemon for the file; the tests use distinct units
// and run concurrently. Timings use generous bounds (2-core CI).
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Daemon, startDaemon, waitFor, sleep } from '../helpers/daemon';
import { fixture } from '../fixtures/build';
import { show, STD_PROPS, tail, timed, waitState } from '../fixtures/svc-helpers';

const NOTIFY = fixture('notify-svc');
const SN = fixture('svc-notify');
const DFORK = fixture('double-fork');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'h8-types-'));
const f = (n: string): string => path.join(tmp, n);

const units: Record<string, string> = {
  'simple.service': '[Service]\nExecStart=/bin/sleep 1000\n',
  'simple-missing.service': '[Service]\nType=simple\nExecStart=/nonexistent/h8-binary\n',
  'exec-missing.service': '[Service]\nType=exec\nExecStart=/nonexistent/h8-binary\n',
  'exec-ok.service': '[Service]\nType=exec\nExecStart=/bin/sleep 1000\n',
  'fork-pidfile.service': `[Service]\nType=forking\nPIDFile=${f('fork.pid')}\nExecStart=${DFORK} ${f('fork.pid')}\nTimeoutStopSec=3\n`,
  'fork-guess.service': `[Service]\nType=forking\nGuessMainPID=yes\nExecStart=${DFORK} ${f('guess.pid')}\nTimeoutStopSec=3\n`,
  'fork-fail.service': `[Service]\nType=forking\nExecStart=/bin/sh -c 'exit 4'\n`,
  'fork-nopid.service': `[Service]\nType=forking\nPIDFile=${f('never.pid')}\nExecStart=/bin/true\nTimeoutStartSec=20\n`,
  'oneshot-rae.service': `[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sh -c 'echo one >> ${f('os1')}'\nExecStart=/bin/sh -c 'sleep 0.3; echo two >> ${f('os1')}'\nExecStart=/bin/sh -c 'echo three >> ${f('os1')}'\n`,
  'oneshot-plain.service': `[Service]\nType=oneshot\nExecStart=/bin/sh -c 'sleep 0.2; echo done >> ${f('os2')}'\n`,
  'oneshot-fail.service': `[Service]\nType=oneshot\nExecStart=/bin/true\nExecStart=/bin/sh -c 'exit 3'\nExecStart=/bin/sh -c 'echo never >> ${f('os3')}'\n`,
  'notify-delay.service': `[Service]\nType=notify\nExecStart=${SN} wait:${f('nd.go')} send:READY=1 pause\nTimeoutStopSec=3\n`,
  'notify-protocol.service': `[Service]\nType=notify\nExecStart=${NOTIFY} --no-ready --exit-after-ms 300\n`,
  'notify-reload.service': `[Service]\nType=notify-reload\nExecStart=${SN} send:READY=1 reload-loop:${f('reloads')}\nTimeoutStopSec=3\n`,
  'notify-post.service': `[Service]\nType=notify\nExecStart=/bin/sh -c 'sleep 0.3; touch ${f('np.ready')}; exec ${SN} send:READY=1 pause'\n` +
    `ExecStartPost=/bin/sh -c 'if [ -e ${f('np.ready')} ]; then echo after-ready; else echo before-ready; fi > ${f('np.post')}; while [ ! -e ${f('np.go')} ]; do sleep 0.05; done'\nTimeoutStopSec=3\n`,
  'idle-wait.target': '[Unit]\nWants=idle-slow.service idle-late.service\n',
  'idle-slow.service': `[Service]\nType=oneshot\nExecStart=/bin/sh -c 'sleep 2; date +%%s%%N > ${f('idle-slow.t')}'\n`,
  'idle-late.service': `[Service]\nType=idle\nExecStart=/bin/sh -c 'date +%%s%%N > ${f('idle-late.t')}; exec sleep 1000'\n`,
  'idle.service': '[Service]\nType=idle\nExecStart=/bin/sleep 1000\n',
};

describe('service types', { concurrency: true }, () => {
  let d: Daemon;
  before(async () => { d = await startDaemon({ units }); });
  after(async () => {
    if (d) await d.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('simple: started right after spawn, MainPID is the process, stop → inactive/dead', async () => {
    const r = await d.ctl(['start', 'simple.service']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await d.ctl(['is-active', 'simple.service'])).stdout.trim(), 'active');
    const p = await show(d, 'simple.service', STD_PROPS);
    assert.equal(p['SubState'], 'running');
    assert.ok(Number(p['MainPID']) > 1, JSON.stringify(p));
    const st = await d.ctl(['status', 'simple.service']);
    assert.equal(st.code, 0);
    assert.match(st.stdout, new RegExp(`Main PID: ${p['MainPID']} \\(sleep\\)`));
    const s = await d.ctl(['stop', 'simple.service']);
    assert.equal(s.code, 0, s.stderr);
    const q = await show(d, 'simple.service', STD_PROPS);
    assert.deepEqual([q['ActiveState'], q['SubState'], q['Result'], q['MainPID']], ['inactive', 'dead', 'success', '0']);
    const ia = await d.ctl(['is-active', 'simple.service']);
    assert.equal(ia.code, 3);
    assert.equal(ia.stdout.trim(), 'inactive');
  });

  it('simple with a missing binary: start returns 0, then the unit fails with 203/EXEC', async () => {
    const r = await d.ctl(['start', 'simple-missing.service']);
    assert.equal(r.code, 0, r.stderr);
    const p = await waitState(d, 'simple-missing.service', 'failed');
    assert.equal(p['Result'], 'exit-code', JSON.stringify(p));
    assert.equal(p['ExecMainStatus'], '203');
    assert.equal((await d.ctl(['is-failed', 'simple-missing.service'])).code, 0);
  });

  it('exec with a missing binary: the start job fails (rc 1), Result=exit-code, status 203', async () => {
    const r = await d.ctl(['start', 'exec-missing.service']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Job for exec-missing\.service failed because the control process exited with error code/);
    const p = await show(d, 'exec-missing.service', STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['SubState'], p['Result'], p['ExecMainStatus']], ['failed', 'failed', 'exit-code', '203']);
    const ok = await d.ctl(['start', 'exec-ok.service']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(await d.ctl(['is-active', 'exec-ok.service']).then(x => x.stdout.trim()), 'active');
  });

  it('forking with PIDFile: active once the parent exits, MainPID = PID file, stop kills it', async () => {
    const r = await d.ctl(['start', 'fork-pidfile.service']);
    assert.equal(r.code, 0, r.stderr);
    const p = await show(d, 'fork-pidfile.service', STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['SubState']], ['active', 'running']);
    const filePid = Number(fs.readFileSync(f('fork.pid'), 'utf8').trim());
    assert.ok(filePid > 1);
    assert.equal(Number(p['MainPID']), filePid);
    const s = await d.ctl(['stop', 'fork-pidfile.service']);
    assert.equal(s.code, 0);
    const q = await show(d, 'fork-pidfile.service', STD_PROPS);
    assert.deepEqual([q['ActiveState'], q['Result'], q['MainPID']], ['inactive', 'success', '0']);
  });

  it('forking without PIDFile, GuessMainPID=yes: the only remaining process becomes MainPID', async () => {
    const r = await d.ctl(['start', 'fork-guess.service']);
    assert.equal(r.code, 0, r.stderr);
    const p = await show(d, 'fork-guess.service', STD_PROPS);
    assert.equal(p['ActiveState'], 'active');
    const realPid = Number(fs.readFileSync(f('guess.pid'), 'utf8').trim());
    assert.equal(Number(p['MainPID']), realPid, JSON.stringify(p));
    assert.equal((await d.ctl(['stop', 'fork-guess.service'])).code, 0);
    assert.equal(await d.ctl(['is-active', 'fork-guess.service']).then(x => x.stdout.trim()), 'inactive');
  });

  it('forking whose parent exits 4: start rc 1, failed/exit-code; is-active prints failed (rc 3), is-failed rc 0', async () => {
    const r = await d.ctl(['start', 'fork-fail.service']);
    assert.equal(r.code, 1);
    const p = await show(d, 'fork-fail.service', STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['Result']], ['failed', 'exit-code']);
    const ia = await d.ctl(['is-active', 'fork-fail.service']);
    assert.deepEqual([ia.code, ia.stdout.trim()], [3, 'failed']);
    assert.equal((await d.ctl(['is-failed', 'fork-fail.service'])).code, 0);
    assert.equal((await d.ctl(['status', 'fork-fail.service'])).code, 3);
  });

  it('forking whose PIDFile never appears and whose processes are all gone: Result=protocol (no 20 s wait)', async () => {
    const r = await timed(d, ['start', 'fork-nopid.service']);
    assert.equal(r.code, 1);
    assert.ok(r.ms < 30000, `took ${r.ms} ms`);
    const p = await show(d, 'fork-nopid.service', STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['Result']], ['failed', 'protocol']);
  });

  it('oneshot with several ExecStart and RemainAfterExit=yes: all run in order before start returns, then active/exited', async () => {
    const r = await timed(d, ['start', 'oneshot-rae.service']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.ms >= 250, `start returned after ${r.ms} ms, before the commands ran`);
    assert.equal(fs.readFileSync(f('os1'), 'utf8'), 'one\ntwo\nthree\n');
    const p = await show(d, 'oneshot-rae.service', STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['SubState'], p['Result'], p['MainPID']], ['active', 'exited', 'success', '0']);
    // restart of an exited oneshot runs its commands again.
    assert.equal((await d.ctl(['restart', 'oneshot-rae.service'])).code, 0);
    assert.equal(fs.readFileSync(f('os1'), 'utf8'), 'one\ntwo\nthree\none\ntwo\nthree\n');
    assert.equal((await d.ctl(['stop', 'oneshot-rae.service'])).code, 0);
    assert.equal(await d.ctl(['is-active', 'oneshot-rae.service']).then(x => x.stdout.trim()), 'inactive');
  });

  it('oneshot without RemainAfterExit: start waits for completion, then inactive/dead (not active)', async () => {
    const r = await d.ctl(['start', 'oneshot-plain.service']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.readFileSync(f('os2'), 'utf8'), 'done\n');
    const p = await show(d, 'oneshot-plain.service', STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['SubState'], p['Result']], ['inactive', 'dead', 'success']);
  });

  it('oneshot whose second command fails: start rc 1, later commands never run, ExecMainStatus=3', async () => {
    const r = await d.ctl(['start', 'oneshot-fail.service']);
    assert.equal(r.code, 1);
    const p = await show(d, 'oneshot-fail.service', STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['Result'], p['ExecMainStatus']], ['failed', 'exit-code', '3']);
    assert.equal(fs.existsSync(f('os3')), false);
  });

  it('notify: activating/start until READY=1 (held by the test), start returns only then', async () => {
    let done = false;
    const job = d.ctl(['start', 'notify-delay.service']).then((r) => { done = true; return r; });
    const seen = await waitFor(async () => {
      const p = await show(d, 'notify-delay.service', ['ActiveState', 'SubState']);
      return p['ActiveState'] === 'activating' && p['SubState'] === 'start';
    }, 15000, 100);
    assert.ok(seen, 'notify service never seen in activating/start');
    await sleep(500);
    assert.equal(done, false, 'start returned before READY=1');
    assert.equal((await show(d, 'notify-delay.service', ['SubState']))['SubState'], 'start');
    fs.writeFileSync(f('nd.go'), '');
    const r = await job;
    assert.equal(r.code, 0, r.stderr);
    const p = await show(d, 'notify-delay.service', STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['SubState']], ['active', 'running']);
    assert.equal((await d.ctl(['stop', 'notify-delay.service'])).code, 0);
  });

  it('notify + ExecStartPost: the post command runs after READY=1 (activating/start-post), active once it ends', async () => {
    let done = false;
    const job = d.ctl(['start', 'notify-post.service']).then((r) => { done = true; return r; });
    const seen = await waitFor(async () => {
      const p = await show(d, 'notify-post.service', ['ActiveState', 'SubState']);
      return p['ActiveState'] === 'activating' && p['SubState'] === 'start-post';
    }, 15000, 100);
    assert.ok(seen, 'start-post never observed');
    assert.ok(await waitFor(() => fs.existsSync(f('np.post')), 5000));
    assert.equal(fs.readFileSync(f('np.post'), 'utf8'), 'after-ready\n');
    assert.equal(done, false, 'start returned before ExecStartPost ended');
    fs.writeFileSync(f('np.go'), '');
    const r = await job;
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await show(d, 'notify-post.service', ['ActiveState']))['ActiveState'], 'active');
    assert.equal((await d.ctl(['stop', 'notify-post.service'])).code, 0);
  });

  it('notify: main exits 0 before READY=1 → start fails, Result=protocol', async () => {
    const r = await d.ctl(['start', 'notify-protocol.service']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /the service did not take the steps required by its unit configuration/);
    const p = await show(d, 'notify-protocol.service', STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['Result'], p['ExecMainStatus']], ['failed', 'protocol', '0']);
  });

  it('notify-reload: reload sends SIGHUP and waits for RELOADING=1 … READY=1; MainPID kept', async () => {
    const r = await d.ctl(['start', 'notify-reload.service']);
    assert.equal(r.code, 0, r.stderr + tail(d));
    const pid = (await show(d, 'notify-reload.service', ['MainPID']))['MainPID'];
    const rl = await timed(d, ['reload', 'notify-reload.service']);
    assert.equal(rl.code, 0, rl.stderr + tail(d));
    assert.ok(rl.ms >= 150, `reload returned after ${rl.ms} ms, before READY=1`);
    assert.equal(fs.readFileSync(f('reloads'), 'utf8'), 'reload\n');
    const p = await show(d, 'notify-reload.service', STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['SubState'], p['MainPID']], ['active', 'running', pid]);
    assert.equal((await d.ctl(['stop', 'notify-reload.service'])).code, 0);
  });

  it('idle: its process waits until the other running jobs are done (here a 2 s oneshot), at most ~5 s', async () => {
    const r = await d.ctl(['start', 'idle-wait.target'], { timeoutMs: 30000 });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(await waitFor(() => fs.existsSync(f('idle-late.t')) && fs.existsSync(f('idle-slow.t')), 20000, 100));
    const late = Number(BigInt(fs.readFileSync(f('idle-late.t'), 'utf8').trim()) / 1000000n);
    const slow = Number(BigInt(fs.readFileSync(f('idle-slow.t'), 'utf8').trim()) / 1000000n);
    assert.ok(late >= slow - 100, `the idle service ran ${slow - late} ms before the other job finished`);
  });

  it('idle: runs like simple (active/running)', async () => {
    const r = await d.ctl(['start', 'idle.service']);
    assert.equal(r.code, 0, r.stderr);
    const p = await waitState(d, 'idle.service', 'active', 'running', 20000);
    assert.equal(p['ActiveState'], 'active', JSON.stringify(p));
    assert.ok(Number(p['MainPID']) > 1);
    assert.equal((await d.ctl(['stop', 'idle.service'])).code, 0);
    await sleep(10);
  });
});
