// Which [Section] `systemctl set-property UNIT KEY=VALUE` writes KEY= into (its 50-KEY.conf control
// drop-in): the resource-control keys (table-resource.ts) in the unit type's own section, which tsysd
// also applies to a running unit's cgroup at once, and Description= in [Unit]. null: not settable.
import type { UnitType } from './types';
import { RESOURCE_ROWS } from './table-resource';
import { typeSection } from './tables';

export function setPropertySection(type: UnitType, key: string): string | null {
  if (key === 'Description') return 'Unit';
  const s = typeSection(type);
  if (!s || s === 'Target') return null;
  const row = RESOURCE_ROWS.find((r) => r.key === key);
  return row && row.sections.includes(s) ? s : null;
}
