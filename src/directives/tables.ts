// Index over all directive tables: (section, key) → row. The single place compile/verify/show look rows up.
// Invariant: each (section, key) pair maps to exactly one row (checked at module load).
import type { Row, SectionName } from './row';
import { UNIT_ROWS, SERVICE_COMPAT_UNIT_ROWS } from './table-unit';
import { INSTALL_ROWS } from './table-install';
import { SERVICE_ROWS } from './table-service';
import { SOCKET_ROWS } from './table-socket';
import { EXEC_ROWS } from './table-exec';
import { KILL_ROWS } from './table-kill';
import { SANDBOX_ROWS } from './table-sandbox';
import { RESOURCE_ROWS } from './table-resource';
import { MOUNT_ROWS } from './table-mount';
import { TIMER_ROWS, PATH_ROWS } from './table-timer';
import { SCOPE_ROWS } from './table-scope';
import type { UnitType } from './types';

export const ALL_ROWS: Row[] = [
  ...UNIT_ROWS, ...INSTALL_ROWS, ...SERVICE_ROWS, ...SERVICE_COMPAT_UNIT_ROWS, ...SOCKET_ROWS, ...EXEC_ROWS, ...KILL_ROWS,
  ...SANDBOX_ROWS, ...RESOURCE_ROWS, ...TIMER_ROWS, ...PATH_ROWS, ...MOUNT_ROWS, ...SCOPE_ROWS,
];

const INDEX = new Map<string, Row>();
for (const r of ALL_ROWS) {
  for (const s of r.sections) {
    const k = `${s}.${r.key}`;
    if (INDEX.has(k)) throw new Error(`duplicate directive row ${k}`);
    INDEX.set(k, r);
  }
}

export function findRow(section: string, key: string): Row | undefined {
  return INDEX.get(`${section}.${key}`);
}

/** The type-specific section a unit type parses with tables ('' when tsysd has no table for it). */
export function typeSection(type: UnitType): SectionName | 'Target' | '' {
  if (type === 'service') return 'Service';
  if (type === 'socket') return 'Socket';
  if (type === 'target') return 'Target';   // a known section without any key
  if (type === 'mount') return 'Mount';
  if (type === 'swap') return 'Swap';
  if (type === 'automount') return 'Automount';
  if (type === 'timer') return 'Timer';
  if (type === 'path') return 'Path';
  if (type === 'slice') return 'Slice';
  if (type === 'scope') return 'Scope';
  return '';
}

/** Section names systemd knows for a unit type (others warn "Unknown section"). */
export function knownSections(type: UnitType): string[] {
  const own: Record<UnitType, string> = {
    service: 'Service', socket: 'Socket', target: 'Target', mount: 'Mount', device: '', timer: 'Timer', path: 'Path',
    slice: 'Slice', scope: 'Scope', swap: 'Swap', automount: 'Automount',
  };
  return ['Unit', 'Install', own[type]].filter((s) => s !== '');
}
