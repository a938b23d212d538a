// `systemctl set-property UNIT KEY=VALUE...` for the rpc: each assignment becomes the drop-in systemd writes,
// /etc/systemd/system.control/UNIT.d/50-KEY.conf (--runtime: /run/systemd/system.control), or with
// --unit-path the first unit dir; then the manager reloads and a running unit's cgroup gets the new
// resource settings at once (UnitResources.apply), as systemd applies SetUnitProperties live.
// Invariants: every assignment is checked before anything is written; only settable keys
// (src/directives/set-property.ts) are accepted.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setPropertySection } from '../directives/set-property';
import { errors } from '../rpc/errors';
import { parseUnitName } from '../unit-file/names';
import type { Manager } from './manager';

const HEADER = '# This is a drop-in unit file extension, created via "systemctl set-property"\n# or an equivalent operation. Do not edit.\n';

export function setUnitProperties(m: Manager, unit: string, assignments: string[], runtime: boolean): void {
  const parsed = parseUnitName(unit);
  if (!parsed) throw errors.invalidArgument(`Unit name ${unit} is not valid.`);
  const u = m.engine.graph.unit(unit);
  if (u.loadState === 'not-found') throw errors.invalidArgument(`Unit ${unit} not found.`);
  const writes: Array<[string, string]> = [];
  for (const a of assignments) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw errors.invalidArgument(`Not an assignment: ${a}`);
    const key = a.slice(0, eq);
    const section = setPropertySection(parsed.type, key);
    if (!section) throw errors.invalidArgument(`Cannot set property ${key}, or unknown property.`);
    writes.push([key, `${HEADER}[${section}]\n${a}\n`]);
  }
  const want = runtime ? '/run/systemd/system.control' : '/etc/systemd/system.control';
  const base = m.searchPath.includes(want) ? want : m.searchPath[0];
  if (!base) throw errors.invalidArgument('No unit directory to write to.');
  const dir = path.join(base, `${u.id}.d`);
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  for (const [k, text] of writes) fs.writeFileSync(path.join(dir, `50-${k}.conf`), text);
  m.reload();
  const rt = m.peekRuntime(u.id);
  if (rt && rt.machine.activeState() !== 'inactive') rt.host.resources.apply((t) => m.unitLog(u.id, 'warning', t));
}
