// E2E (H8, issue #6): FailureAction=/SuccessAction= mapped to the container exit (tsysd as PID 1 ends with
// the unit's main exit status, like systemd's FailureActionExitStatus= default), `kill` of the main
// process, NotifyAccess=none hiding $NOTIFY_SOCKET. One tsysd per action test (the manager exits).
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startDaemon } from '../helpers/daemon';
import { fixture } from '../fixtures/build';
import { show, STD_PROPS, tail, waitState } from '../fixtures/svc-helpers';

const EXIT = fixture('exit-with');

describe('service actions', { concurrency: true }, () => {
  it('FailureAction=exit: main exits 7 → the unit fails and tsysd (PID 1) exits with status 7', async () => {
    const d = await startDaemon({ units: { 'fa.service': `[Unit]\nFailureAction=exit\n[Service]\nExecStart=${EXIT} 7 0 300\n` } });
    try {
      assert.equal((await d.ctl(['start', 'fa.service'])).code, 0);
      const code = await d.waitExit(20000);
      assert.equal(code, 7, `tsysd exit ${code}\n${tail(d)}`);
      assert.match(d.output, /fa\.service: Failed with result 'exit-code'/);
    } finally { await d.stop(); }
  });

  it('SuccessAction=exit-force on a oneshot: tsysd exits 0 right after it succeeds', async () => {
    const d = await startDaemon({ units: { 'sa.service': `[Unit]\nSuccessAction=exit-force\n[Service]\nType=oneshot\nExecStart=/bin/true\n` } });
    try {
      await d.ctl(['start', 'sa.service'], { timeoutMs: 10000 });
      const code = await d.waitExit(20000);
      assert.equal(code, 0, tail(d));
    } finally { await d.stop(); }
  });

  it('kill -s SIGUSR1 the main process: Result=signal; NotifyAccess=none exports no NOTIFY_SOCKET', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'h8-actions-'));
    const d = await startDaemon({ units: {
      'k.service': '[Service]\nExecStart=/bin/sleep 1000\n',
      'nn.service': `[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo "[$$NOTIFY_SOCKET]" > ${tmp}/nn'\n`,
      'na.service': `[Service]\nType=oneshot\nNotifyAccess=all\nExecStart=/bin/sh -c 'echo "[$$NOTIFY_SOCKET]" > ${tmp}/na'\n`,
    } });
    try {
      assert.equal((await d.ctl(['start', 'k.service'])).code, 0);
      const k = await d.ctl(['kill', '-s', 'SIGUSR1', 'k.service']);
      assert.equal(k.code, 0, k.stderr);
      const p = await waitState(d, 'k.service', 'failed');
      assert.deepEqual([p['Result'], p['ExecMainStatus']], ['signal', '10']);
      assert.equal((await d.ctl(['start', 'nn.service'])).code, 0);
      assert.equal(fs.readFileSync(`${tmp}/nn`, 'utf8'), '[]\n');
      assert.equal((await d.ctl(['start', 'na.service'])).code, 0);
      assert.match(fs.readFileSync(`${tmp}/na`, 'utf8'), /^\[.+notify\]\n$/);
      const q = await show(d, 'nn.service', STD_PROPS);
      assert.equal(q['Result'], 'success');
    } finally {
      await d.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
