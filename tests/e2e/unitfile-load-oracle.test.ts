// The loader over this machine's real unit tree against systemd 252's test-mode dump of graphical.target
// (`systemd --test`, run as nobody): load state, fragment, drop-ins and aliases of every unit systemd loads
// from a file. Both sides run the generators into a temporary directory (systemd its own, tsysd through its
// runner, src/generators/), so SysV-only packages (exim4) and other generated units are compared too.
// Host-dependent by design (it compares what is installed here), hence e2e.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { UnitFileIndex } from '../../src/unit-file/load';
import { runGenerators } from './plan-oracle-lib';

test('load: every unit systemd loads for graphical.target on this machine agrees (default search path, generators run)', async () => {
  const gen = await runGenerators();
  try {
  const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'env', '-i', 'HOME=/tmp',
    '/lib/systemd/systemd', '--test', '--system', '--unit=graphical.target', '--no-pager'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const units = new Map<string, { ls: string; fr: string; di: string[]; al: string[] }>();
  let cur: { ls: string; fr: string; di: string[]; al: string[] } | null = null;
  for (const line of r.stdout.split('\n')) {
    const h = /^\t-> Unit (.*):$/.exec(line);
    if (h) { cur = { ls: '', fr: '', di: [], al: [] }; units.set(h[1]!, cur); continue; }
    const kv = /^\t\t([A-Za-z ]+): (.*)$/.exec(line);
    if (!cur || !kv) continue;
    if (kv[1] === 'Unit Load State') cur.ls = kv[2]!;
    else if (kv[1] === 'Fragment Path') cur.fr = kv[2]!;
    else if (kv[1] === 'DropIn Path') cur.di.push(kv[2]!);
    else if (kv[1] === 'Alias') cur.al.push(kv[2]!);
  }
  const ix = new UnitFileIndex(gen.searchPath);
  // generated fragments live in each side's own temporary directory
  const norm = (p: string): string => p.replace(/^\/tmp\/systemd-temporary-[^/]+\//, '<gen>/').replace(gen.root + '/', '<gen>/');
  let compared = 0;
  for (const [name, o] of units) {
    if (!o.fr && o.ls === 'loaded') continue; // synthesized units (slices, mounts, devices) have no file
    const u = ix.load(name);
    assert.deepEqual([u.loadState, norm(u.fragmentPath), u.dropInPaths.map(norm), u.names.filter((n) => n !== u.id).sort()],
      [o.ls, norm(o.fr), o.di.map(norm), o.al.sort()], name);
    compared++;
  }
  assert.ok(compared > 100, `compared ${compared} units`);
  console.log(`# ${compared} units agree with systemd's test-mode dump`);
  } finally { fs.rmSync(gen.root, { recursive: true, force: true }); }
});
