// E2E (H8, issue #6): command lines (ExecCondition, ExecStartPre, `-` prefix, ExecStop/ExecReload with
// $MAINPID, ExecStopPost with SERVICE_RESULT/EXIT_CODE/EXIT_STATUS) and Condition*/Assert* (incl. `|` and
// `!`), on the real tsysd driven by the real tsysctl. One daemon; tests use distinct units, concurrently.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Daemon, startDaemon, waitFor } from '../helpers/daemon';
import { fixture } from '../fixtures/build';
import { show, STD_PROPS, waitState } from '../fixtures/svc-helpers';

const EXIT = fixture('exit-with');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'h8-exec-'));
fs.chmodSync(tmp, 0o777);   // User=nobody commands write here too
const f = (n: string): string => path.join(tmp, n);
const read = (n: string): string => { try { return fs.readFileSync(f(n), 'utf8'); } catch { return '<missing>'; } };
const REPORT = (file: string): string => `/bin/sh -c 'echo "$SERVICE_RESULT $EXIT_CODE $EXIT_STATUS mainpid=$\${MAINPID-unset}" > ${f(file)}'`;

const units: Record<string, string> = {
  'cond-skip.service': `[Service]\nExecCondition=/bin/sh -c 'exit 1'\nExecStart=/bin/sh -c 'touch ${f('cond-skip.ran')}; exec sleep 1000'\n`,
  'cond-skip254.service': `[Service]\nType=oneshot\nExecCondition=/bin/true\nExecCondition=/bin/sh -c 'exit 254'\nExecStart=/bin/sh -c 'touch ${f('cond-skip254.ran')}'\n`,
  'cond-fail.service': `[Service]\nExecCondition=/bin/sh -c 'exit 255'\nExecStart=/bin/sh -c 'touch ${f('cond-fail.ran')}; exec sleep 1000'\n`,
  'cond-pass.service': `[Service]\nExecCondition=/bin/true\nExecStart=/bin/sleep 1000\n`,
  'pre-fail.service': `[Service]\nExecStartPre=/bin/sh -c 'exit 2'\nExecStart=/bin/sh -c 'touch ${f('pre-fail.ran')}; exec sleep 1000'\n` +
    `ExecStop=/bin/sh -c 'touch ${f('pre-fail.stop')}'\nExecStopPost=${REPORT('pre-fail.post')}\n`,
  'dash.service': `[Service]\nExecStartPre=-/bin/sh -c 'exit 5'\nExecStartPre=-/nonexistent/h8\nExecStartPre=/bin/sh -c 'touch ${f('dash.pre3')}'\nExecStart=/bin/sleep 1000\n`,
  'mainpid.service': `[Service]\nExecStart=/bin/sleep 1000\nExecReload=/bin/sh -c 'echo reload $MAINPID >> ${f('mainpid')}'\n` +
    `ExecStop=/bin/sh -c 'echo stop $MAINPID >> ${f('mainpid')}'\nExecStopPost=/bin/sh -c 'echo post $\${MAINPID-unset} >> ${f('mainpid')}'\n`,
  'reload-fail.service': `[Service]\nExecStart=/bin/sleep 1000\nExecReload=/bin/sh -c 'exit 1'\n`,
  'post-code.service': `[Service]\nExecStart=${EXIT} 7 0 200\nExecStop=/bin/sh -c 'echo "stop[$\${MAINPID-unset}]" > ${f('post-code.stop')}'\nExecStopPost=${REPORT('post-code')}\n`,
  'post-cleanexit.service': `[Service]\nExecStart=${EXIT} 0 0 200\nExecStop=/bin/sh -c 'echo "stop[$\${MAINPID-unset}]" > ${f('post-cleanexit.stop')}'\nExecStopPost=${REPORT('post-cleanexit')}\n`,
  'post-signal.service': `[Service]\nExecStart=${EXIT} 0 10 200\nExecStopPost=${REPORT('post-signal')}\n`,
  'post-clean.service': `[Service]\nExecStart=/bin/sleep 1000\nExecStopPost=${REPORT('post-clean')}\n`,
  'stop-fail.service': `[Service]\nExecStart=/bin/sleep 1000\nExecStop=/bin/sh -c 'exit 6'\n`,
  'post-fail.service': `[Service]\nExecStart=/bin/sleep 1000\nExecStartPost=/bin/sh -c 'exit 9'\nExecStopPost=${REPORT('post-fail')}\n`,
  'sig-success.service': `[Service]\nExecStart=${EXIT} 0 10 100\nSuccessExitStatus=SIGUSR1 3\n`,
  'cancel.service': `[Service]\nType=notify\nExecStart=${fixture('notify-svc')} --no-ready\nTimeoutStartSec=300\nTimeoutStopSec=60\n`,
  'restart-manual.service': `[Service]\nExecStart=/bin/sleep 1000\n`,
  'prefixes.service': `[Service]\nType=oneshot\nUser=nobody\nExecStartPre=+/bin/sh -c 'id -u > ${f('prefix.plus')}'\nExecStartPre=/bin/sh -c 'id -u > ${f('prefix.user')}'\n` +
    `ExecStartPre=:/bin/sh -c 'echo "$1" > ${f('prefix.colon')}' x $HOME\nExecStart=@/bin/sh h8-argv0 -c 'echo "$$0" > ${f('prefix.at')}'\n`,
  'chdir.service': `[Service]\nType=exec\nWorkingDirectory=/nonexistent/h8\nExecStart=/bin/sleep 1000\n`,
  'chdir-dash.service': `[Service]\nType=oneshot\nWorkingDirectory=-/nonexistent/h8\nExecStart=/bin/true\n`,
  'stop-order.service': `[Service]\nExecStart=/bin/sleep 1000\nExecStop=/bin/sh -c 'kill -0 $MAINPID && echo alive > ${f('stop-order')}'\nExecStop=/bin/sh -c 'echo second >> ${f('stop-order')}'\nExecStopPost=/bin/sh -c 'kill -0 '$MAINPID' 2>/dev/null; echo post >> ${f('stop-order')}'\n`,
  // Conditions and asserts
  'c-missing.service': `[Unit]\nConditionPathExists=${f('nope')}\n[Service]\nExecStart=/bin/sh -c 'touch ${f('c-missing.ran')}; exec sleep 1000'\n`,
  'c-negated.service': `[Unit]\nConditionPathExists=!${f('nope')}\nConditionPathIsDirectory=${tmp}\nConditionFileIsExecutable=/bin/sh\nConditionUser=root\nConditionArchitecture=native\n[Service]\nExecStart=/bin/sleep 1000\n`,
  'c-trigger.service': `[Unit]\nConditionPathExists=|${f('nope')}\nConditionPathExists=|/etc/hostname\nConditionDirectoryNotEmpty=/etc\n[Service]\nExecStart=/bin/sleep 1000\n`,
  'c-trigger-none.service': `[Unit]\nConditionPathExists=|${f('nope')}\nConditionPathExists=|${f('nope2')}\n[Service]\nExecStart=/bin/sleep 1000\n`,
  'c-env.service': `[Unit]\nConditionEnvironment=!H8_NOT_SET_ANYWHERE\nConditionHost=!no-such-host-h8\nConditionFileNotEmpty=${f('nope')}\n[Service]\nExecStart=/bin/sleep 1000\n`,
  'a-fail.service': `[Unit]\nAssertPathExists=${f('nope')}\n[Service]\nExecStart=/bin/sh -c 'touch ${f('a-fail.ran')}; exec sleep 1000'\n`,
  'a-pass.service': `[Unit]\nAssertPathIsDirectory=/tmp\nAssertPathExists=!${f('nope')}\n[Service]\nExecStart=/bin/sleep 1000\n`,
};

describe('service command lines, conditions, asserts', { concurrency: true }, () => {
  let d: Daemon;
  before(async () => { d = await startDaemon({ units }); });
  after(async () => {
    if (d) await d.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('ExecCondition exit 1 skips: start rc 0, inactive/dead, not failed, ExecStart never ran', async () => {
    const r = await d.ctl(['start', 'cond-skip.service']);
    assert.equal(r.code, 0, r.stderr);
    const p = await show(d, 'cond-skip.service', STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['SubState'], p['Result']], ['inactive', 'dead', 'exec-condition']);
    assert.equal((await d.ctl(['is-failed', 'cond-skip.service'])).code, 1);
    assert.equal(fs.existsSync(f('cond-skip.ran')), false);
  });

  it('ExecCondition exit 254 (second of two) skips a oneshot', async () => {
    const r = await d.ctl(['start', 'cond-skip254.service']);
    assert.equal(r.code, 0, r.stderr);
    const p = await show(d, 'cond-skip254.service', STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['SubState']], ['inactive', 'dead']);
    assert.equal(fs.existsSync(f('cond-skip254.ran')), false);
  });

  it('ExecCondition exit 255 fails the unit: start rc 1, failed/exit-code', async () => {
    const r = await d.ctl(['start', 'cond-fail.service']);
    assert.equal(r.code, 1);
    const p = await show(d, 'cond-fail.service', STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['SubState'], p['Result']], ['failed', 'failed', 'exit-code']);
    assert.equal(fs.existsSync(f('cond-fail.ran')), false);
    const ok = await d.ctl(['start', 'cond-pass.service']);
    assert.equal(ok.code, 0);
    assert.equal((await d.ctl(['is-active', 'cond-pass.service'])).code, 0);
  });

  it('ExecStartPre failure: start rc 1, failed/exit-code, ExecStart and ExecStop never run, ExecStopPost runs with SERVICE_RESULT', async () => {
    const r = await d.ctl(['start', 'pre-fail.service']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Job for pre-fail\.service failed/);
    const p = await show(d, 'pre-fail.service', STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['Result']], ['failed', 'exit-code']);
    assert.equal(fs.existsSync(f('pre-fail.ran')), false, 'ExecStart ran after a failed ExecStartPre');
    assert.equal(fs.existsSync(f('pre-fail.stop')), false, 'ExecStop ran after a failed start');
    assert.ok(await waitFor(() => fs.existsSync(f('pre-fail.post')), 5000), 'ExecStopPost did not run after a failed start');
    assert.match(read('pre-fail.post'), /^exit-code /);
  });

  it('`-` prefix: failing and missing ExecStartPre commands are ignored, the next ones run, unit active', async () => {
    const r = await d.ctl(['start', 'dash.service']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.existsSync(f('dash.pre3')), true);
    const p = await show(d, 'dash.service', STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['SubState'], p['Result']], ['active', 'running', 'success']);
    assert.equal((await d.ctl(['stop', 'dash.service'])).code, 0);
  });

  it('$MAINPID is set in ExecReload and ExecStop, unset in ExecStopPost', async () => {
    assert.equal((await d.ctl(['start', 'mainpid.service'])).code, 0);
    const pid = (await show(d, 'mainpid.service', ['MainPID']))['MainPID'];
    assert.ok(Number(pid) > 1);
    const rl = await d.ctl(['reload', 'mainpid.service']);
    assert.equal(rl.code, 0, rl.stderr);
    assert.equal((await show(d, 'mainpid.service', ['MainPID']))['MainPID'], pid, 'reload changed MainPID');
    assert.equal((await d.ctl(['stop', 'mainpid.service'])).code, 0);
    assert.equal(read('mainpid'), `reload ${pid}\nstop ${pid}\npost unset\n`);
  });

  it('stop order: ExecStop commands run in order while the main process is alive, then SIGTERM, then ExecStopPost', async () => {
    assert.equal((await d.ctl(['start', 'stop-order.service'])).code, 0);
    assert.equal((await d.ctl(['stop', 'stop-order.service'])).code, 0);
    assert.equal(read('stop-order'), 'alive\nsecond\npost\n');
    const p = await show(d, 'stop-order.service', STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['Result'], p['ExecMainStatus']], ['inactive', 'success', '15']);
  });

  it('a failing ExecReload fails the reload job (rc 1) but the unit keeps running', async () => {
    assert.equal((await d.ctl(['start', 'reload-fail.service'])).code, 0);
    const pid = (await show(d, 'reload-fail.service', ['MainPID']))['MainPID'];
    const rl = await d.ctl(['reload', 'reload-fail.service']);
    assert.equal(rl.code, 1);
    const p = await show(d, 'reload-fail.service', STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['SubState'], p['MainPID']], ['active', 'running', pid]);
    assert.equal((await d.ctl(['stop', 'reload-fail.service'])).code, 0);
  });

  it('main exits 7 on its own: failed/exit-code, ExecStop skipped (unclean), ExecStopPost sees exit-code/exited/7', async () => {
    assert.equal((await d.ctl(['start', 'post-code.service'])).code, 0);
    const p = await waitState(d, 'post-code.service', 'failed');
    assert.deepEqual([p['Result'], p['ExecMainStatus']], ['exit-code', '7']);
    assert.ok(await waitFor(() => fs.existsSync(f('post-code')), 3000));
    assert.equal(read('post-code'), 'exit-code exited 7 mainpid=unset\n');
    assert.equal(read('post-code.stop'), '<missing>');
    assert.equal((await show(d, 'post-code.service', ['ExecMainCode']))['ExecMainCode'], '1');
    const st = await d.ctl(['status', 'post-code.service']);
    assert.equal(st.code, 3);
    assert.match(st.stdout, /Active: failed \(Result: exit-code\)/);
    // systemctl 252 names only libc/systemd exit statuses here: `status=7`, as a real systemd 252 prints it
    assert.match(st.stdout, /Main PID: \d+ \(code=exited, status=7\)\n/);
  });

  it('main exits 0 on its own: inactive/success, ExecStop runs with $MAINPID unset, then ExecStopPost', async () => {
    assert.equal((await d.ctl(['start', 'post-cleanexit.service'])).code, 0);
    assert.ok(await waitFor(() => fs.existsSync(f('post-cleanexit')), 5000), 'ExecStopPost did not run');
    const p = await waitState(d, 'post-cleanexit.service', 'inactive');
    assert.deepEqual([p['SubState'], p['Result'], p['ExecMainStatus']], ['dead', 'success', '0']);
    assert.equal(read('post-cleanexit.stop'), 'stop[unset]\n');
    assert.equal(read('post-cleanexit'), 'success exited 0 mainpid=unset\n');
  });

  it('main killed by SIGUSR1: Result=signal, ExecStopPost sees signal/killed/USR1', async () => {
    assert.equal((await d.ctl(['start', 'post-signal.service'])).code, 0);
    const p = await waitState(d, 'post-signal.service', 'failed');
    assert.deepEqual([p['Result'], p['ExecMainStatus']], ['signal', '10']);
    assert.ok(await waitFor(() => fs.existsSync(f('post-signal')), 3000));
    assert.equal(read('post-signal'), 'signal killed USR1 mainpid=unset\n');
    assert.equal((await show(d, 'post-signal.service', ['ExecMainCode']))['ExecMainCode'], '2');
    const st = await d.ctl(['status', 'post-signal.service']);
    assert.match(st.stdout, /Active: failed \(Result: signal\)/);
    assert.match(st.stdout, /Main PID: \d+ \(code=killed, signal=USR1\)/);
  });

  it('stop of a running service: SIGTERM is clean, ExecStopPost sees success/killed/TERM', async () => {
    assert.equal((await d.ctl(['start', 'post-clean.service'])).code, 0);
    assert.equal((await d.ctl(['stop', 'post-clean.service'])).code, 0);
    const p = await show(d, 'post-clean.service', STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['Result']], ['inactive', 'success']);
    assert.equal(read('post-clean'), 'success killed TERM mainpid=unset\n');
  });

  it('a failing ExecStop (no `-`): stop rc 0, the main process is still stopped, unit failed/exit-code', async () => {
    assert.equal((await d.ctl(['start', 'stop-fail.service'])).code, 0);
    assert.equal((await d.ctl(['stop', 'stop-fail.service'])).code, 0);
    const p = await show(d, 'stop-fail.service', STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['Result'], p['MainPID']], ['failed', 'exit-code', '0']);
  });

  it('a failing ExecStartPost: start rc 1, main process stopped, ExecStopPost sees exit-code', async () => {
    const r = await d.ctl(['start', 'post-fail.service']);
    assert.equal(r.code, 1);
    const p = await show(d, 'post-fail.service', STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['Result'], p['MainPID']], ['failed', 'exit-code', '0']);
    assert.ok(await waitFor(() => fs.existsSync(f('post-fail')), 3000));
    assert.match(read('post-fail'), /^exit-code /);
  });

  it('SuccessExitStatus=SIGUSR1: death by SIGUSR1 counts as clean (inactive/success)', async () => {
    assert.equal((await d.ctl(['start', 'sig-success.service'])).code, 0);
    const p = await waitState(d, 'sig-success.service', 'inactive', 'dead');
    assert.deepEqual([p['Result'], p['ExecMainStatus']], ['success', '10']);
  });

  it('stop while the start job waits for READY=1: the start job is canceled (rc 1), unit inactive', async () => {
    // Generous behaviour timeouts only (loaded 2-core machine): the start job must still be waiting when
    // the stop arrives, and the client must not be killed before the canceled job answers.
    const job = d.ctl(['start', 'cancel.service'], { timeoutMs: 240000 });
    assert.ok(await waitFor(async () => (await show(d, 'cancel.service', ['SubState']))['SubState'] === 'start', 120000, 100));
    const s = await d.ctl(['stop', 'cancel.service'], { timeoutMs: 120000 });
    assert.equal(s.code, 0, s.stderr);
    const r = await job;
    assert.equal(r.code, 1, 'the canceled start must not report success');
    const p = await show(d, 'cancel.service', STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['SubState'], p['Result']], ['inactive', 'dead', 'success']);
  });

  it('restart of a running service: new MainPID, NRestarts stays 0 (only automatic restarts count)', async () => {
    assert.equal((await d.ctl(['start', 'restart-manual.service'])).code, 0);
    const a = await show(d, 'restart-manual.service', STD_PROPS);
    assert.equal((await d.ctl(['restart', 'restart-manual.service'])).code, 0);
    const b = await show(d, 'restart-manual.service', STD_PROPS);
    assert.equal(b['ActiveState'], 'active');
    assert.notEqual(b['MainPID'], a['MainPID']);
    assert.equal(b['NRestarts'], '0');
    assert.equal((await d.ctl(['stop', 'restart-manual.service'])).code, 0);
  });

  it('command prefixes: + ignores User= (root), plain runs as nobody, : skips $VAR expansion, @ sets argv[0]', async () => {
    const r = await d.ctl(['start', 'prefixes.service']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(read('prefix.plus'), '0\n');
    assert.equal(read('prefix.user'), '65534\n');
    assert.equal(read('prefix.colon'), '$HOME\n');
    assert.equal(read('prefix.at'), 'h8-argv0\n');
  });

  it('WorkingDirectory= missing: 200/CHDIR fails the start; with `-` it is ignored', async () => {
    const r = await d.ctl(['start', 'chdir.service']);
    assert.equal(r.code, 1);
    const p = await show(d, 'chdir.service', STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['Result'], p['ExecMainStatus']], ['failed', 'exit-code', '200']);
    assert.equal((await d.ctl(['start', 'chdir-dash.service'])).code, 0);
    assert.equal((await show(d, 'chdir-dash.service', ['Result']))['Result'], 'success');
  });

  it('ConditionPathExists= on a missing path: start rc 0, stays inactive, ConditionResult=no, nothing runs', async () => {
    const r = await d.ctl(['start', 'c-missing.service']);
    assert.equal(r.code, 0, r.stderr);
    const p = await show(d, 'c-missing.service', ['ActiveState', 'SubState', 'ConditionResult']);
    assert.deepEqual([p['ActiveState'], p['SubState'], p['ConditionResult']], ['inactive', 'dead', 'no']);
    assert.equal(fs.existsSync(f('c-missing.ran')), false);
    const st = await d.ctl(['status', 'c-missing.service']);
    assert.equal(st.code, 3);
    assert.match(st.stdout, /Condition: start condition failed/);
  });

  it('negated and plain conditions that hold (!missing, directory, executable, user, architecture): unit starts', async () => {
    const r = await d.ctl(['start', 'c-negated.service']);
    assert.equal(r.code, 0, r.stderr);
    const p = await show(d, 'c-negated.service', ['ActiveState', 'ConditionResult']);
    assert.deepEqual([p['ActiveState'], p['ConditionResult']], ['active', 'yes']);
  });

  it('triggering conditions (|): one true trigger suffices; all triggers false skips', async () => {
    assert.equal((await d.ctl(['start', 'c-trigger.service'])).code, 0);
    assert.equal((await show(d, 'c-trigger.service', ['ActiveState']))['ActiveState'], 'active');
    assert.equal((await d.ctl(['start', 'c-trigger-none.service'])).code, 0);
    const p = await show(d, 'c-trigger-none.service', ['ActiveState', 'ConditionResult']);
    assert.deepEqual([p['ActiveState'], p['ConditionResult']], ['inactive', 'no']);
  });

  it('a failing non-trigger condition wins over passing ones (Environment/Host pass, FileNotEmpty fails)', async () => {
    assert.equal((await d.ctl(['start', 'c-env.service'])).code, 0);
    const p = await show(d, 'c-env.service', ['ActiveState', 'ConditionResult']);
    assert.deepEqual([p['ActiveState'], p['ConditionResult']], ['inactive', 'no']);
  });

  it('AssertPathExists= failing: start rc 1 "Assertion failed", AssertResult=no, not started', async () => {
    const r = await d.ctl(['start', 'a-fail.service']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Assertion failed on job for a-fail\.service/);
    const p = await show(d, 'a-fail.service', ['ActiveState', 'AssertResult']);
    assert.equal(p['AssertResult'], 'no');
    assert.notEqual(p['ActiveState'], 'active');
    assert.equal(fs.existsSync(f('a-fail.ran')), false);
    const ok = await d.ctl(['start', 'a-pass.service']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal((await show(d, 'a-pass.service', ['AssertResult']))['AssertResult'], 'yes');
  });
});
