// Job-type algebra of systemd 252 (job.c): the merge table over the five mergeable types, collapsing of
// the "try"/"or" flavours against a unit's state, redundancy, conflict/superset tests, and job_compare
// (which of two jobs on ordered units runs first). Pure functions; invariants tested exhaustively in
// tests/unit/engine-jobtype.test.ts (symmetry, idempotence, associativity where the table is closed).
import type { ActiveState, JobType, RequestedJobType } from './types';
import { isActiveOrReloading, isInactiveOrDeactivating } from './types';

/** Types that take part in merging (systemd's _JOB_TYPE_MAX_MERGING order). */
export const MERGEABLE: readonly JobType[] = ['start', 'verify-active', 'stop', 'reload', 'restart'];

const INDEX: Partial<Record<JobType, number>> = { start: 0, 'verify-active': 1, stop: 2, reload: 3, restart: 4 };

// Lower triangle: row a, column b < a. null = not mergeable.
const TABLE: (JobType | null)[][] = [
  [],
  ['start'],                                          // verify-active × start
  [null, null],                                       // stop × start, verify-active
  ['reload-or-start', 'reload', null],                // reload × start, verify-active, stop
  ['restart', 'restart', null, 'restart'],            // restart × start, verify-active, stop, reload
];

/** job_type_lookup_merge: the merged type, or null when the two conflict. Only defined on MERGEABLE types. */
export function lookupMerge(a: JobType, b: JobType): JobType | null {
  if (a === b) return a;
  let ia = INDEX[a], ib = INDEX[b];
  if (ia === undefined || ib === undefined) throw new Error(`job type ${ia === undefined ? a : b} is not mergeable`);
  if (ia < ib) { const t = ia; ia = ib; ib = t; }
  const row = TABLE[ia];
  const v = row ? row[ib] : undefined;
  return v === undefined ? null : v;
}

export function isMergeable(a: JobType, b: JobType): boolean { return lookupMerge(a, b) !== null; }
export function isConflicting(a: JobType, b: JobType): boolean { return !isMergeable(a, b); }
export function isSuperset(a: JobType, b: JobType): boolean { return lookupMerge(a, b) === a; }

/** job_type_allows_late_merge: a reload must run after the request, so never merge into a running one. */
export function allowsLateMerge(t: JobType): boolean { return t !== 'reload'; }

/** job_type_collapse: resolve try-restart/try-reload/reload-or-start against the unit's state. */
export function collapse(t: JobType, state: ActiveState): JobType {
  switch (t) {
    case 'try-restart': return isInactiveOrDeactivating(state) ? 'nop' : 'restart';
    case 'try-reload': return isInactiveOrDeactivating(state) ? 'nop' : 'reload';
    case 'reload-or-start': return isInactiveOrDeactivating(state) ? 'start' : 'reload';
    default: return t;
  }
}

/** job_type_merge_and_collapse: merged+collapsed type, or null on conflict. */
export function mergeAndCollapse(a: JobType, b: JobType, state: ActiveState): JobType | null {
  const t = lookupMerge(a, b);
  return t === null ? null : collapse(t, state);
}

/** job_type_is_redundant: a job that would not change anything for a unit in this state. */
export function isRedundant(t: JobType, state: ActiveState): boolean {
  switch (t) {
    case 'start': case 'verify-active': return isActiveOrReloading(state);
    case 'stop': return state === 'inactive' || state === 'failed';
    case 'reload': return state === 'reloading';
    case 'restart': return state === 'activating';
    case 'nop': return true;
    default: throw new Error(`job type ${t} must be collapsed first`);
  }
}

/** Map a requested type (systemctl verbs) to a transaction job type. */
export function requestedToJobType(t: RequestedJobType, canReload: boolean): JobType {
  switch (t) {
    case 'reload-or-restart': return canReload ? 'reload-or-start' : 'restart';
    case 'try-reload-or-restart': return canReload ? 'try-reload' : 'try-restart';
    default: return t;
  }
}

/**
 * job_compare(a, b, dep): a's unit has `dep` ('before' | 'after') on b's unit. Returns < 0 when a runs
 * first, > 0 when b runs first, 0 when unordered. Stop (and restart, a stop in disguise) always goes first.
 */
export function jobCompare(a: { type: JobType; ignoreOrder: boolean }, b: { type: JobType; ignoreOrder: boolean }, dep: 'before' | 'after'): number {
  if (a.type === 'nop' || b.type === 'nop') return 0;
  if (a.ignoreOrder || b.ignoreOrder) return 0;
  if (dep === 'after') return -jobCompare(b, a, 'before');
  return b.type === 'stop' || b.type === 'restart' ? 1 : -1;
}
