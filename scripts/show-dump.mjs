// show-dump: prints showProperties() for every unit in /lib/systemd/system and test_units, one block per unit.
// Used as a before/after check that the row-driven `show` is byte-identical (see the show branch report).
import { readdirSync } from 'node:fs';
import { loadUnitFile } from '../dist/src/unit-file/load.js';
import { compileUnit } from '../dist/src/directives/compile.js';
import { showProperties } from '../dist/src/directives/show.js';
import { hostSpecifierContext } from '../dist/src/unit-file/specifiers-host.js';
const dirs = ['/lib/systemd/system', 'test_units'];
let n = 0;
for (const d of dirs) {
  for (const f of readdirSync(d).sort()) {
    if (!/\.(service|socket|timer|path|target|mount|slice|scope|automount|swap|device)$/.test(f)) continue;
    try {
      const src = loadUnitFile(`${d}/${f}`, dirs);
      const cfg = compileUnit(src, hostSpecifierContext(false));
      process.stdout.write(`### ${d}/${f}\n` + showProperties(cfg).map(([k, v]) => `${k}=${v}\n`).join(''));
      n++;
    } catch (e) { process.stdout.write(`### ${d}/${f} ERROR ${String(e)}\n`); }
  }
}
process.stderr.write(`units: ${n}\n`);
