// The loader against systemd 252's own view of THIS machine's unit tree (`systemd --test` for
// graphical.target, run as nobody, never as a manager): load state, fragment, drop-ins and aliases of every
// unit both can see. An e2e test because it depends on what the host has installed.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { UnitFileIndex } from '../../src/unit-file/load';

test('load: every unit systemd loads for graphical.target on this machine agrees (default search path)', () => {
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
  const ix = new UnitFileIndex(['/etc/systemd/system.control', '/run/systemd/system.control', '/run/systemd/transient',
    '/run/systemd/generator.early', '/etc/systemd/system', '/etc/systemd/system.attached', '/run/systemd/system',
    '/run/systemd/system.attached', '/run/systemd/generator', '/usr/local/lib/systemd/system', '/lib/systemd/system',
    '/usr/lib/systemd/system', '/run/systemd/generator.late']);
  let compared = 0;
  for (const [name, o] of units) {
    if (!o.fr && o.ls === 'loaded') continue; // synthesized units (slices, mounts, devices) have no file
    // generator output lives in systemd --test's temporary directory, which the loader alone cannot see
    // (tests/e2e/plan-oracle.test.ts compares generated units with tsysd's generators run)
    if (/\/systemd-temporary-[^/]+\/generator/.test(o.fr)) continue;
    const u = ix.load(name);
    assert.deepEqual([u.loadState, u.fragmentPath, u.dropInPaths, u.names.filter((n) => n !== u.id).sort()],
      [o.ls, o.fr, o.di, o.al.sort()], name);
    compared++;
  }
  assert.ok(compared > 100, `compared ${compared} units`);
  console.log(`# ${compared} units agree with systemd's test-mode dump`);
});
