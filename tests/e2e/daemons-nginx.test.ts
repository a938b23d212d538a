// E2E (H8, issue #6): the real nginx with Debian's UNALTERED nginx.service (Type=forking, PIDFile=/run/nginx.pid,
// ExecStartPre `nginx -t`, ExecReload `-s reload`, ExecStop start-stop-daemon, KillMode=mixed), under tsysd as
// PID 1 of a private PID + network namespace (port 80 is the namespace's own). nginx writes /run/nginx.pid and
// /var/log/nginx on this machine; the test checks nothing survives.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { type Daemon, waitFor } from '../helpers/daemon';
import { alive, inNetns, nsProcs, show, startDebianUnits, STD_PROPS, tail } from '../fixtures/svc-helpers';

const UNIT = 'nginx.service';
const have = fs.existsSync('/usr/sbin/nginx') && fs.existsSync(`/lib/systemd/system/${UNIT}`);
const PIDFILE = '/run/nginx.pid';

function httpStatus(d: Daemon): string {
  // node as the HTTP client (curl is not installed by .ci/run), inside the daemon's network namespace.
  const js = "require('http').get('http://127.0.0.1/', (r) => { console.log(r.statusCode); r.resume(); }).on('error', () => console.log('ERR')).setTimeout(5000, function () { this.destroy(); })";
  return inNetns(d, [process.execPath, '-e', js]).stdout.trim();
}

describe('real daemon: nginx.service (Type=forking)', { skip: have ? false : 'nginx not installed' }, () => {
  let d: Daemon;
  let cleanup: () => Promise<void> = async () => {};
  let pids: number[] = [];
  let mainPid = '';

  before(async () => { const s = await startDebianUnits([UNIT]); d = s.d; cleanup = s.cleanup; });
  after(async () => {
    await cleanup();
    for (const p of pids) assert.equal(alive(p), false, `nginx pid ${p} survived the daemon`);
  });

  it('start: ExecStartPre nginx -t ran, active/running, MainPID = /run/nginx.pid (the master), serves HTTP', async () => {
    const r = await d.ctl(['start', UNIT], { timeoutMs: 60000 });
    assert.equal(r.code, 0, r.stderr + tail(d));
    const p = await show(d, UNIT, STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['SubState'], p['Result']], ['active', 'running', 'success']);
    mainPid = p['MainPID'] ?? '';
    assert.equal(fs.readFileSync(PIDFILE, 'utf8').trim(), mainPid);
    const st = await d.ctl(['status', UNIT]);
    assert.match(st.stdout, /Process: \d+ ExecStartPre=\/usr\/sbin\/nginx -t -q -g daemon on; master_process on; \(code=exited, status=0\/SUCCESS\)/);
    assert.match(st.stdout, new RegExp(`Main PID: ${mainPid} \\(nginx\\)`));
    pids = nsProcs(d, /^nginx: /);
    assert.ok(pids.length >= 2, 'master + workers expected');
    assert.equal(httpStatus(d), '200');
  });

  it('reload: ExecReload (nginx -s reload) keeps MainPID == /run/nginx.pid, new workers, still serving', async () => {
    const before = new Set(nsProcs(d, /nginx: worker/));
    const r = await d.ctl(['reload', UNIT], { timeoutMs: 60000 });
    assert.equal(r.code, 0, r.stderr + tail(d));
    const p = await show(d, UNIT, STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['SubState'], p['MainPID']], ['active', 'running', mainPid]);
    assert.equal(fs.readFileSync(PIDFILE, 'utf8').trim(), mainPid);
    assert.ok(await waitFor(() => nsProcs(d, /nginx: worker/).some((x) => !before.has(x)), 5000), 'no new worker after reload');
    pids = [...new Set([...pids, ...nsProcs(d, /^nginx: /)])];
    assert.equal(httpStatus(d), '200');
  });

  it('stop: ExecStop + KillMode=mixed leave no nginx process, inactive/dead, PID file gone', async () => {
    const r = await d.ctl(['stop', UNIT], { timeoutMs: 60000 });
    assert.equal(r.code, 0, r.stderr);
    const p = await show(d, UNIT, STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['SubState'], p['Result'], p['MainPID']], ['inactive', 'dead', 'success', '0']);
    assert.deepEqual(nsProcs(d, /nginx/), []);
    for (const x of pids) assert.equal(alive(x), false);
    assert.equal(fs.existsSync(PIDFILE), false);
    assert.notEqual(httpStatus(d), '200');
  });
});
