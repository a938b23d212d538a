// systemctl's argv[0] aliases served by tsysctl (halt, poweroff, reboot, shutdown, telinit, runlevel):
// translation table (pure), then a real daemon: `runlevel` prints N 3, a scheduled shutdown is refused
// loudly, and `shutdown -h now` really shuts the manager down in order (exit 0, services stopped).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { translateAlias } from '../../src/cli/ctl/sysv';
import { TSYSCTL, runCtl, startDaemon } from '../helpers/daemon';

test('alias translation follows systemctl 252', () => {
  assert.deepEqual(translateAlias('shutdown', ['-h', 'now']), { argv: ['poweroff'] });
  assert.deepEqual(translateAlias('shutdown', ['-r', 'now']), { argv: ['reboot'] });
  assert.deepEqual(translateAlias('shutdown', ['-H', 'now']), { argv: ['halt'] });
  assert.deepEqual(translateAlias('shutdown', ['now']), { argv: ['poweroff'] });
  assert.equal((translateAlias('shutdown', ['+5']) as { exit: number }).exit, 1);
  assert.equal((translateAlias('shutdown', []) as { exit: number }).exit, 1, 'the default +1 is a scheduled shutdown: refused, not silent');
  assert.deepEqual(translateAlias('shutdown', ['-c']), { exit: 0 });
  assert.deepEqual(translateAlias('halt', []), { argv: ['halt'] });
  assert.deepEqual(translateAlias('halt', ['-p']), { argv: ['poweroff'] });
  assert.deepEqual(translateAlias('poweroff', ['-f']), { argv: ['poweroff'] });
  assert.deepEqual(translateAlias('reboot', []), { argv: ['reboot'] });
  assert.deepEqual(translateAlias('reboot', ['-w']), { exit: 0 });
  assert.deepEqual(translateAlias('telinit', ['0']), { argv: ['poweroff'] });
  assert.deepEqual(translateAlias('telinit', ['6']), { argv: ['reboot'] });
  assert.deepEqual(translateAlias('telinit', ['3']), { argv: ['isolate', 'multi-user.target'] });
  assert.deepEqual(translateAlias('telinit', ['q']), { argv: ['daemon-reload'] });
  assert.equal((translateAlias('telinit', ['x']) as { exit: number }).exit, 1);
  assert.deepEqual(translateAlias('runlevel', []), { runlevel: true });
});

test('runlevel, a refused scheduled shutdown, and `shutdown -h now` stopping the manager in order', { timeout: 60000 }, async () => {
  const d = await startDaemon({
    units: {
      'multi-user.target': '[Unit]\nDescription=Multi-User System\nWants=sleeper.service\n',
      'sleeper.service': '[Unit]\nDescription=Sleeper\n[Service]\nExecStart=/bin/sleep 1000\n',
    },
    args: ['--target', 'multi-user.target'],
  });
  try {
    const bin = path.join(d.dir, 'bin');
    fs.mkdirSync(bin);
    for (const n of ['runlevel', 'shutdown']) fs.symlinkSync(TSYSCTL, path.join(bin, n));
    const env = { TSYSD_SOCKET: d.sock };
    const rl = await runCtl([], { argv0: path.join(bin, 'runlevel'), env });
    assert.equal(rl.stdout, 'N 3\n');
    assert.equal(rl.code, 0);
    const later = await runCtl(['-h', '+5'], { argv0: path.join(bin, 'shutdown'), env });
    assert.equal(later.code, 1);
    assert.match(later.stderr, /not supported/);
    assert.equal((await d.ctl(['is-active', 'sleeper.service'])).stdout, 'active\n');
    const now = await runCtl(['-h', 'now'], { argv0: path.join(bin, 'shutdown'), env });
    assert.equal(now.code, 0, now.stderr);
    assert.equal(await d.waitExit(30000), 0, 'the manager shut down with status 0');
    assert.match(d.output, /Stopped sleeper\.service/);
  } finally { await d.stop(); }
});
