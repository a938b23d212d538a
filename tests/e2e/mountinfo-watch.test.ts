// Platform.watchMountinfo over the real platform (POLLPRI on /proc/self/mountinfo): a tmpfs mounted and
// unmounted inside a private mount namespace (unshare --mount, so the host's table never changes) is seen
// by a watcher running in that namespace. Runs a small node script as root in the namespace.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

const root = process.getuid?.() === 0;

test('mountinfo watch reports a mount and an unmount (private mount namespace)', { skip: !root && 'needs root for unshare --mount', timeout: 60_000 }, () => {
  const dist = path.resolve(__dirname, '..', '..', 'src');
  const script = `
    const { createRealPlatform } = require(${JSON.stringify(path.join(dist, 'platform/real.js'))});
    const { mountUnitsFromMountinfo, parseMountinfo } = require(${JSON.stringify(path.join(dist, 'units/mount/mountinfo.js'))});
    const { unitNameFromPath } = require(${JSON.stringify(path.join(dist, 'unit-file/names.js'))});
    const fs = require('fs'); const cp = require('child_process');
    const p = createRealPlatform({ reaper: false });
    const dir = fs.mkdtempSync('/tmp/tsysd-mi-');
    const seen = [];
    const stop = p.watchMountinfo(() => {
      const t = parseMountinfo(fs.readFileSync('/proc/self/mountinfo', 'utf8'));
      seen.push(mountUnitsFromMountinfo(t).has(unitNameFromPath(dir, '.mount')) ? 'mounted' : 'gone');
    });
    setTimeout(() => cp.execFileSync('mount', ['-t', 'tmpfs', 'tmpfs', dir]), 100);
    setTimeout(() => cp.execFileSync('umount', [dir]), 600);
    setTimeout(() => { stop(); fs.rmdirSync(dir); console.log(JSON.stringify(seen)); process.exit(0); }, 1200);
  `;
  const r = spawnSync('unshare', ['--mount', '--propagation', 'private', process.execPath, '-e', script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  const seen = JSON.parse(r.stdout.trim()) as string[];
  assert.ok(seen.includes('mounted') && seen[seen.length - 1] === 'gone', r.stdout);
});
