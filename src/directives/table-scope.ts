// [Scope] directive table (systemd.scope(5), systemd 252's load-fragment-gperf "Scope." entries): the
// runtime limit, the stop timeout and OOMPolicy=. A scope's kill settings (KillMode=, KillSignal= ...) are
// the shared rows of table-kill.ts, its cgroup settings (Slice=, MemoryMax= ...) those of
// table-resource.ts. Scopes exist only transiently (StartTransientUnit), so these rows are fed by the
// unit file tsysd writes for the D-Bus properties (RuntimeMaxUSec → RuntimeMaxSec=...).
// Invariant: an invalid value warns and leaves the setting as it was (systemd's config_parse_sec).
import type { ScopeSection, UnitConfig } from './types';
import { pEnum, pSec, scalar, showRows, unenforced, type Row, type SectionName } from './row';
import { usec } from './show-format';
import { defaultScope } from './defaults';

const SC: SectionName[] = ['Scope'];
const scope = (c: UnitConfig): ScopeSection => (c.scope ??= defaultScope());

export const SCOPE_ROWS: Row[] = [
  scalar('RuntimeMaxSec', SC, pSec, (c, v) => { scope(c).runtimeMaxUs = v; }),
  scalar('RuntimeRandomizedExtraSec', SC, pSec, (c, v) => { scope(c).runtimeRandomizedExtraUs = v === Infinity ? 0 : v; }),
  scalar('TimeoutStopSec', SC, pSec, (c, v) => { scope(c).timeoutStopUs = v; }),
  // Parsed and shown; the kernel OOM killer's verdict is not acted on for scopes (not enforced).
  unenforced('OOMPolicy', SC, pEnum(['continue', 'stop', 'kill'] as const, 'OOM policy')),
];

// How `systemctl show` prints them (org.freedesktop.systemd1.Scope).
showRows(SCOPE_ROWS, {
  RuntimeMaxSec: { RuntimeMaxUSec: (c) => usec(scope(c).runtimeMaxUs) },
  RuntimeRandomizedExtraSec: { RuntimeRandomizedExtraUSec: (c) => usec(scope(c).runtimeRandomizedExtraUs) },
  TimeoutStopSec: { TimeoutStopUSec: (c) => usec(scope(c).timeoutStopUs) },
  OOMPolicy: { OOMPolicy: (c) => c.raw?.['Scope.OOMPolicy']?.at(-1) ?? 'stop' },
});
