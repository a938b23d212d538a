// Offline `list-dependencies` over real unit files (the CLI entry in dist/src/cli/listdeps.js): forward,
// --reverse and --after trees for a small unit directory, exact text.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { makeTempDir, writeUnits } from './plan-oracle-lib';

const CLI = path.join(__dirname, '..', '..', 'src', 'cli', 'listdeps.js');
function run(args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, COLUMNS: '80' } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test('offline list-dependencies renders systemctl trees from unit files', () => {
  const dir = makeTempDir('tsysd-listdeps-');
  try {
    writeUnits(dir, {
      'default.target': '->app.target',
      'app.target': '[Unit]\nWants=web.service\nRequires=db.service\n',
      'app.target.wants/cache.service': '->../cache.service',
      'web.service': '[Unit]\nDefaultDependencies=no\nAfter=db.service\n[Service]\nExecStart=/bin/true\nStandardOutput=null\n',
      'db.service': '[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/true\nStandardOutput=null\n',
      'cache.service': '[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/true\nStandardOutput=null\n',
    });
    assert.equal(run(['--unit-path', dir, 'app.target']), 'app.target\n○ ├─cache.service\n○ ├─db.service\n○ └─web.service\n');
    assert.equal(run(['--unit-path', dir, '--reverse', 'db.service']), 'db.service\n○ └─app.target\n');
    assert.equal(run(['--unit-path', dir, '--after', 'web.service']), 'web.service\n○ ├─db.service\n● └─system.slice\n');
    assert.equal(run(['--unit-path', dir, '--before', 'db.service']), 'db.service\n○ └─web.service\n');
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
});
