// tsysctl clean through a live tsysd (PID-namespaced, tests/helpers/daemon.ts, with tmpfs over /var/cache,
// /var/lib and /run/tsysd-clean-test inside its private mount namespace): the default kinds (cache, runtime),
// --what=, and systemd's refusals for a running unit, a unit without such directories, a bad kind.
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { startDaemon, type Daemon } from '../helpers/daemon';

let d: Daemon;
const N = 'tsysd-clean-test';

before(async () => {
  d = await startDaemon({
    setup: `mount -t tmpfs none /var/cache && mount -t tmpfs none /var/lib && mkdir -p /run/${N} && mount -t tmpfs none /run/${N}`,
    units: {
      'cl.service': `[Service]\nType=oneshot\nCacheDirectory=${N}\nStateDirectory=${N}\nRuntimeDirectory=${N}/rt\nRuntimeDirectoryPreserve=yes\n`
        + 'ExecStart=/bin/sh -c "touch $CACHE_DIRECTORY/f $STATE_DIRECTORY/f $RUNTIME_DIRECTORY/f"\n',
      'run.service': `[Service]\nCacheDirectory=${N}-run\nExecStart=/bin/sleep 1000\n`,
      'plain.service': '[Service]\nType=oneshot\nExecStart=/bin/true\n',
    },
  });
});
// the mount point /run/N was made on the shared /run: remove it again (empty outside the namespace)
after(async () => { if (d) await d.stop(); try { fs.rmdirSync(`/run/${N}`); } catch { /* gone or in use */ } });

const exists = async (p: string): Promise<boolean> => (await d.inNs(['test', '-e', p])).code === 0;

test('clean removes cache and runtime directories by default, state with --what=state', async () => {
  assert.equal((await d.ctl(['start', 'cl'])).code, 0);
  for (const p of [`/var/cache/${N}/f`, `/var/lib/${N}/f`, `/run/${N}/rt/f`]) assert.ok(await exists(p), p);
  assert.deepEqual(await d.ctl(['clean', 'cl']), { code: 0, stdout: '', stderr: '' });
  assert.equal(await exists(`/var/cache/${N}`), false);
  assert.equal(await exists(`/run/${N}/rt`), false);
  assert.ok(await exists(`/var/lib/${N}/f`));
  assert.deepEqual(await d.ctl(['clean', '--what=state', 'cl']), { code: 0, stdout: '', stderr: '' });
  assert.equal(await exists(`/var/lib/${N}`), false);
});

test('clean refusals', async () => {
  assert.equal((await d.ctl(['start', 'run'])).code, 0);
  assert.deepEqual(await d.ctl(['clean', 'run', 'plain']), { code: 1, stdout: '',
    stderr: 'Failed to clean unit run.service: Unit is not inactive or has pending job.\nFailed to clean unit plain.service: No matching resources found.\n' });
  assert.deepEqual(await d.ctl(['clean', '--what=bogus', 'cl']), { code: 1, stdout: '', stderr: 'Failed to clean unit cl.service: Invalid resource type: bogus\n' });
  assert.deepEqual(await d.ctl(['clean']), { code: 1, stdout: '', stderr: 'Too few arguments.\n' });
  assert.deepEqual(await d.ctl(['clean', '--what=help', 'cl']), { code: 0, stdout: 'runtime\nstate\ncache\nlogs\nconfiguration\n', stderr: '' });
});
