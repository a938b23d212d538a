// E2E (H8, issue #6): the real redis-server with Debian's UNALTERED redis-server.service (Type=notify,
// User=redis, RuntimeDirectory=redis, PrivateTmp=yes and the rest of its hardening, enforced). tsysd runs as
// PID 1 of a private PID + network namespace; redis still writes /run/redis, /var/lib/redis, /var/log/redis
// on this machine, so the test checks those are cleaned the way systemd does and that nothing survives.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { type Daemon, waitFor } from '../helpers/daemon';
import { alive, inNetns, nsProcs, show, startDebianUnits, STD_PROPS, tail } from '../fixtures/svc-helpers';

const UNIT = 'redis-server.service';
const have = fs.existsSync('/usr/bin/redis-server') && fs.existsSync(`/lib/systemd/system/${UNIT}`);
const hadRunDir = fs.existsSync('/run/redis');
const hadDump = fs.existsSync('/var/lib/redis/dump.rdb');   // redis saves it at shutdown

describe('real daemon: redis-server.service (Type=notify)', { skip: have ? false : 'redis-server not installed' }, () => {
  let d: Daemon;
  let cleanup: () => Promise<void> = async () => {};
  let notifyMode = 0;
  let pids: number[] = [];
  let invocation = '';

  before(async () => {
    const s = await startDebianUnits([UNIT]);
    d = s.d; cleanup = s.cleanup; notifyMode = s.notifyMode;
  });
  after(async () => {
    await cleanup();
    for (const p of pids) assert.equal(alive(p), false, `redis pid ${p} survived the daemon`);
    if (!hadRunDir) fs.rmSync('/run/redis', { recursive: true, force: true });
    if (!hadDump) fs.rmSync('/var/lib/redis/dump.rdb', { force: true });
  });

  it('the notify socket is writable by unprivileged services (0777 like /run/systemd/notify)', () => {
    assert.equal(notifyMode.toString(8), '777');
  });

  it('start returns once redis sent READY=1: active/running, status text from redis, ping answers at once', async () => {
    const r = await d.ctl(['start', UNIT], { timeoutMs: 60000 });
    assert.equal(r.code, 0, r.stderr + tail(d));
    const p = await show(d, UNIT, [...STD_PROPS, 'StatusText', 'InvocationID']);
    assert.deepEqual([p['ActiveState'], p['SubState'], p['Result']], ['active', 'running', 'success']);
    assert.equal(p['StatusText'], 'Ready to accept connections', 'READY=1/STATUS= from redis not seen');
    invocation = p['InvocationID'] ?? '';
    const ping = inNetns(d, ['redis-cli', 'ping']);
    assert.equal(ping.stdout.trim(), 'PONG', ping.stderr);
    // MainPID is redis itself (its own PID file agrees), running as User=redis.
    assert.equal(fs.readFileSync('/run/redis/redis-server.pid', 'utf8').trim(), p['MainPID']);
    pids = nsProcs(d, /redis-server/);
    assert.equal(pids.length, 1);
    const uid = execFileSync('id', ['-u', 'redis'], { encoding: 'utf8' }).trim();
    assert.match(fs.readFileSync(`/proc/${pids[0]}/status`, 'utf8'), new RegExp(`^Uid:\\s+${uid}\\s`, 'm'));
    // RuntimeDirectory=redis with RuntimeDirectoryMode=2755, owned by redis.
    const st = fs.statSync('/run/redis');
    assert.equal((st.mode & 0o7777).toString(8), '2755');
    assert.equal(String(st.uid), uid);
    assert.equal((await d.ctl(['is-active', UNIT])).stdout.trim(), 'active');
  });

  it('restart: a new redis (new MainPID) answers; its sandboxing holds; what is not enforced was reported at most once', async () => {
    const old = (await show(d, UNIT, ['MainPID']))['MainPID'];
    const r = await d.ctl(['restart', UNIT], { timeoutMs: 60000 });
    assert.equal(r.code, 0, r.stderr + tail(d));
    const p = await show(d, UNIT, [...STD_PROPS, 'InvocationID']);
    assert.equal(p['ActiveState'], 'active');
    assert.notEqual(p['MainPID'], old);
    invocation = p['InvocationID'] ?? '';
    pids = [...new Set([...pids, ...nsProcs(d, /redis-server/)])];
    assert.equal(inNetns(d, ['redis-cli', 'ping']).stdout.trim(), 'PONG');
    const lines = d.output.split('\n').filter((l) => l.includes(`${UNIT}: Not enforced by tsysd`));
    // Reported at most once (nothing at all now that its sandboxing is enforced: `tsysd verify` is silent).
    assert.ok(lines.length <= 1, lines.join('\n'));
    assert.doesNotMatch(lines[0] ?? '', /ProtectSystem=|SystemCallFilter=|PrivateDevices=|RestrictAddressFamilies=/);
    // The unit's hardening is applied (systemd.exec(5) semantics): seccomp filters with NoNewPrivileges=,
    // no capabilities (CapabilityBoundingSet=), its own mount namespace (ProtectSystem=strict, PrivateTmp=...).
    const st = fs.readFileSync(`/proc/${p['MainPID'] ? nsProcs(d, /redis-server/)[0] : 0}/status`, 'utf8');
    assert.match(st, /^NoNewPrivs:\s+1$/m);
    assert.match(st, /^Seccomp:\s+2$/m);
    assert.match(st, /^CapBnd:\s+0+$/m);
    const pid = nsProcs(d, /redis-server/)[0];
    assert.notEqual(fs.readlinkSync(`/proc/${pid}/ns/mnt`), fs.readlinkSync(`/proc/${d.innerPid()}/ns/mnt`));
    assert.notEqual(fs.readlinkSync(`/proc/${pid}/ns/uts`), fs.readlinkSync(`/proc/${d.innerPid()}/ns/uts`), 'ProtectHostname=');
  });

  it('Restart=always: redis killed with SIGKILL comes back (NRestarts=1, new MainPID, RuntimeDirectory recreated)', async () => {
    const old = (await show(d, UNIT, ['MainPID']))['MainPID'];
    const k = await d.ctl(['kill', '-s', 'SIGKILL', UNIT]);
    assert.equal(k.code, 0, k.stderr);
    let p: Record<string, string> = {};
    const back = await waitFor(async () => {
      p = await show(d, UNIT, [...STD_PROPS, 'InvocationID']);
      return p['ActiveState'] === 'active' && p['MainPID'] !== old && p['MainPID'] !== '0';
    }, 20000, 200);
    assert.ok(back, JSON.stringify(p) + tail(d));
    assert.equal(p['NRestarts'], '1');
    invocation = p['InvocationID'] ?? '';
    assert.equal(fs.readFileSync('/run/redis/redis-server.pid', 'utf8').trim(), p['MainPID']);
    pids = [...new Set([...pids, ...nsProcs(d, /redis-server/)])];
    assert.equal(inNetns(d, ['redis-cli', 'ping']).stdout.trim(), 'PONG');
  });

  it('stop: inactive/dead, no redis process left, RuntimeDirectory and PrivateTmp dirs removed', async () => {
    const r = await d.ctl(['stop', UNIT], { timeoutMs: 60000 });
    assert.equal(r.code, 0, r.stderr);
    const p = await show(d, UNIT, STD_PROPS);
    assert.deepEqual([p['ActiveState'], p['SubState'], p['Result'], p['MainPID']], ['inactive', 'dead', 'success', '0']);
    assert.deepEqual(nsProcs(d, /redis-server/), []);
    for (const x of pids) assert.equal(alive(x), false);
    assert.equal(inNetns(d, ['redis-cli', 'ping']).stdout.trim() === 'PONG', false);
    assert.equal(fs.existsSync('/run/redis'), false, 'RuntimeDirectory=redis not removed at stop');
    assert.ok(invocation.length > 0);
    assert.ok(await waitFor(() => !fs.existsSync(`/tmp/tsysd-private-${invocation}-${UNIT}`), 2000), 'PrivateTmp dir left behind');
    assert.equal(fs.existsSync(`/var/tmp/tsysd-private-${invocation}-${UNIT}`), false);
  });
});
