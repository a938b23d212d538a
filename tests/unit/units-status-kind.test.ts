// statusKind (src/units/types.ts): which of systemd's unit status messages a state change makes, the rule
// the console's status lines and the journal's messages share.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { statusKind, type ActiveState } from '../../src/units/types';

test('start, stop (one that ends failed too) and a oneshot run to the end', () => {
  const cases: Array<[ActiveState, ActiveState, string, ReturnType<typeof statusKind>]> = [
    ['inactive', 'activating', 'success', 'starting'],
    ['failed', 'activating', 'success', 'starting'],
    ['activating', 'active', 'success', 'started'],
    ['inactive', 'active', 'success', 'started'],               // a target: no activating state
    ['active', 'deactivating', 'success', 'stopping'],
    ['deactivating', 'inactive', 'success', 'stopped'],
    ['active', 'inactive', 'success', 'stopped'],
    ['activating', 'inactive', 'success', 'started'],           // Type=oneshot without RemainAfterExit=: "Finished"
    ['activating', 'inactive', 'exit-code', 'stopped'],
    ['deactivating', 'failed', 'timeout', 'stopped'],         // killed after TimeoutStopSec=: the stop job is done
  ];
  for (const [from, to, result, want] of cases) assert.equal(statusKind(from, to, result), want, `${from} -> ${to} (${result})`);
});

test('no message: no change, a reload ending, a restart passing through activating, a failure, failed to inactive', () => {
  assert.equal(statusKind('active', 'active', 'success'), null);
  assert.equal(statusKind('reloading', 'active', 'success'), null);
  assert.equal(statusKind('deactivating', 'activating', 'success'), null);
  assert.equal(statusKind('failed', 'inactive', 'success'), null);   // reset-failed
  // a failure: the start job's "Failed to start X." (jobs.ts), or the machine's "Failed with result"
  assert.equal(statusKind('activating', 'failed', 'exit-code'), null);
  assert.equal(statusKind('active', 'failed', 'signal'), null);
  assert.equal(statusKind('active', 'maintenance', 'success'), null);
});
