// E2E (H8, issue #6): the real OpenSSH server with Debian's UNALTERED ssh.service (Type=notify,
// EnvironmentFile=-/etc/default/ssh, ExecStartPre sshd -t, RuntimeDirectory=sshd, ExecReload with $MAINPID,
// KillMode=process, RestartPreventExitStatus=255), under tsysd as PID 1 of a private PID + network namespace;
// ssh-keyscan runs inside the same network namespace.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { type Daemon } from '../helpers/daemon';
import { alive, inNetns, nsProcs, show, startDebianUnits, STD_PROPS, tail } from '../fixtures/svc-helpers';

const UNIT = 'ssh.service';
const have = fs.existsSync('/usr/sbin/sshd') && fs.existsSync(`/lib/systemd/system/${UNIT}`) && fs.existsSync('/etc/ssh/ssh_host_ed25519_key.pub');
const hadRunDir = fs.existsSync('/run/sshd');

function keyscan(d: Daemon): string {
  return inNetns(d, ['ssh-keyscan', '-T', '5', '-t', 'ed25519', '127.0.0.1']).stdout;
}

describe('real daemon: ssh.service (Type=notify, RuntimeDirectory)', { skip: have ? false : 'openssh-server not installed' }, () => {
  let d: Daemon;
  let cleanup: () => Promise<void> = async () => {};
  let pids: number[] = [];
  let mainPid = '';
  const hostKey = have ? (fs.readFileSync('/etc/ssh/ssh_host_ed25519_key.pub', 'utf8').split(' ')[1] ?? '') : '';

  before(async () => { const s = await startDebianUnits([UNIT]); d = s.d; cleanup = s.cleanup; });
  after(async () => {
    await cleanup();
    for (const p of pids) assert.equal(alive(p), false, `sshd pid ${p} survived the daemon`);
    if (!hadRunDir) fs.rmSync('/run/sshd', { recursive: true, force: true });
  });

  it('start: sshd -t, READY=1 → active/running; RuntimeDirectory /run/sshd 0755; ssh-keyscan gets the host key', async () => {
    const r = await d.ctl(['start', UNIT], { timeoutMs: 60000 });
    assert.equal(r.code, 0, r.stderr + tail(d));
    const p = await show(d, UNIT, STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['SubState'], p['Result']], ['active', 'running', 'success']);
    mainPid = p['MainPID'] ?? '';
    assert.ok(Number(mainPid) > 1);
    assert.equal((fs.statSync('/run/sshd').mode & 0o7777).toString(8), '755');
    pids = nsProcs(d, /sshd/);
    assert.equal(pids.length, 1);
    // $SSHD_OPTS from EnvironmentFile=-/etc/default/ssh is empty: no extra argument after -D.
    assert.match(fs.readFileSync(`/proc/${pids[0]}/cmdline`, 'utf8').replace(/\0/g, ' '), /^sshd: \/usr\/sbin\/sshd -D \[listener\]/);
    const ks = keyscan(d);
    assert.ok(hostKey.length > 0 && ks.includes(`127.0.0.1 ssh-ed25519 ${hostKey}`), `keyscan: ${ks}`);
  });

  it('reload: sshd -t then kill -HUP $MAINPID; same MainPID, still active, still answers', async () => {
    const r = await d.ctl(['reload', UNIT], { timeoutMs: 60000 });
    assert.equal(r.code, 0, r.stderr + tail(d));
    const p = await show(d, UNIT, STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['MainPID']], ['active', mainPid]);
    const st = await d.ctl(['status', UNIT]);
    // status shows the configured argv (like systemctl); kill exiting 0 proves $MAINPID expanded to a live pid.
    assert.match(st.stdout, /Process: \d+ ExecReload=\/bin\/kill -HUP \$MAINPID \(code=exited, status=0\/SUCCESS\)/);
    let ks = '';
    for (let i = 0; i < 20 && !ks.includes('ssh-ed25519'); i++) { ks = keyscan(d); if (!ks) await new Promise((res) => setTimeout(res, 250)); }
    assert.ok(ks.includes(`ssh-ed25519 ${hostKey}`), `keyscan after reload: ${ks}`);
  });

  it('stop: inactive/dead, no sshd left, RuntimeDirectory removed, port closed', async () => {
    const r = await d.ctl(['stop', UNIT], { timeoutMs: 60000 });
    assert.equal(r.code, 0, r.stderr);
    const p = await show(d, UNIT, STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['SubState'], p['Result'], p['MainPID']], ['inactive', 'dead', 'success', '0']);
    pids = [...new Set([...pids, ...nsProcs(d, /sshd/)])];
    assert.deepEqual(nsProcs(d, /sshd/), []);
    assert.equal(fs.existsSync('/run/sshd'), false, 'RuntimeDirectory=sshd not removed at stop');
    assert.equal(keyscan(d).includes('ssh-ed25519'), false);
  });
});
