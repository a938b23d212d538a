// Unit tests for directPlan (src/platform/helper-args.ts): which spawn requests the addon may exec directly
// (no tsysd-exec helper) and how the pid variables become padded slots the child fills in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { directPlan, makeSpawnRequest, SYSTEMD_PATH } from '../../src/platform/helper-args';

test('a plain service is exec\'d directly with the helper\'s steps as options', () => {
  const req = makeSpawnRequest('/usr/bin/redis-server', ['redis-server', '/etc/redis.conf'], {
    env: ['A=1', 'SYSTEMD_EXEC_PID=3', 'LISTEN_FDS=2'], stdin: -1, stdout: 7, stderr: 7, listenFds: [9, 10],
    setExecPid: true, ignoreSigpipe: true, umask: 0o022, cgroup: '/sys/fs/cgroup/x/redis.service',
    workingDirectory: { path: '/', optional: true }, searchPath: '',
  });
  const d = directPlan(req);
  assert.ok(d);
  assert.equal(d.file, '/usr/bin/redis-server');
  assert.deepEqual(d.argv, ['redis-server', '/etc/redis.conf']);
  assert.deepEqual(d.fds, [-1, 7, 7, 9, 10]);
  const pad = '0'.repeat(20);
  assert.deepEqual(d.env, ['A=1', 'LISTEN_FDS=2', `LISTEN_PID=${pad}`, `SYSTEMD_EXEC_PID=${pad}`]);
  assert.deepEqual(d.opts, {
    searchPath: SYSTEMD_PATH, chdir: '/', chdirOptional: true,
    umask: 0o022, ignoreSigpipe: true, pidSlots: [2, 3],
  });
  assert.deepEqual(req.env, ['A=1', 'SYSTEMD_EXEC_PID=3', 'LISTEN_FDS=2'], 'the request is not modified');
});

test('no pid variables, no cgroup, no working directory: nothing to fill', () => {
  const d = directPlan(makeSpawnRequest('true', ['true'], { env: ['X=1'] }));
  assert.ok(d);
  assert.deepEqual(d.env, ['X=1']);
  assert.deepEqual(d.opts.pidSlots, []);
  assert.equal(d.opts.chdir, null);
  assert.equal(d.opts.umask, -1);
});

test('anything the raw child cannot do goes through the helper', () => {
  const over: Array<Parameters<typeof makeSpawnRequest>[2]> = [
    { user: 'nobody' }, { group: 'nogroup' }, { supplementaryGroups: ['adm'] }, { rootDirectory: '/srv/root' },
    { privateTmp: { tmp: '/run/x/tmp', varTmp: '/run/x/var' } }, { capabilityBoundingSet: 0n }, { ambientCapabilities: 1n },
    { noNewPrivileges: true }, { limits: [{ name: 'NOFILE', soft: 10, hard: 10 }] }, { nice: 5 }, { oomScoreAdjust: 100 },
    { controllingTty: true }, { idleFd: 12 }, { workingDirectory: { path: '~', optional: true } },
    { workingDirectory: { path: '~/data', optional: false } },
  ];
  for (const o of over) assert.equal(directPlan(makeSpawnRequest('/bin/true', ['true'], o)), null, JSON.stringify(o, (_k, v) => typeof v === 'bigint' ? String(v) : v));
});
