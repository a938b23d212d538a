// The directive tables as data: one row per (section, key), rules of systemd.unit(5)/systemd.exec(5) encoded
// declaratively (dependency keys never reset, Exec*/Environment*/Listen* are lists that reset on empty,
// sandbox/resource-control keys are parsed but marked not enforced).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_ROWS, findRow, knownSections } from '../../src/directives/tables';
import { DEP_KINDS } from '../../src/directives/types';

test('dependency keys are lists whose empty value is ignored (cannot be reset)', () => {
  for (const k of [...DEP_KINDS, 'BindTo', 'PropagateReloadTo', 'PropagateReloadFrom']) {
    const r = findRow('Unit', k);
    assert.ok(r, k);
    assert.equal(r.list, true, k);
    assert.equal(r.empty, 'ignore', k);
  }
  assert.equal(findRow('Service', 'Sockets')?.empty, 'ignore');
});

test('Exec*, Environment*, Listen*, conditions are lists that reset on an empty value', () => {
  const lists: [string, string][] = [['Service', 'ExecStart'], ['Service', 'ExecStartPre'], ['Service', 'ExecStopPost'],
    ['Service', 'Environment'], ['Service', 'EnvironmentFile'], ['Socket', 'ListenStream'], ['Socket', 'ExecStartPre'],
    ['Unit', 'ConditionPathExists'], ['Unit', 'AssertPathExists'], ['Unit', 'Documentation'], ['Install', 'WantedBy']];
  for (const [s, k] of lists) {
    const r = findRow(s, k);
    assert.ok(r, `${s}.${k}`);
    assert.equal(r.list, true, k);
    assert.equal(r.empty, 'reset', k);
  }
});

test('scalars: booleans, time spans and enums warn on an empty value like systemd 252 (no reset)', () => {
  for (const [s, k] of [['Service', 'RemainAfterExit'], ['Service', 'RestartSec'], ['Service', 'Type'], ['Unit', 'StopWhenUnneeded'], ['Socket', 'Accept']] as const) {
    const r = findRow(s, k);
    assert.ok(r && !r.list && r.empty === 'parse', `${s}.${k}`);
  }
});

test('enforcement flags: what tsysd applies is enforced, the rest is parsed but not enforced', () => {
  for (const k of ['CPUSchedulingPolicy', 'DeviceAllow', 'IPAddressDeny', 'SELinuxContext', 'ExtensionImages'])
    assert.equal(findRow('Service', k)?.enforced, false, k);
  for (const k of ['ExecStart', 'User', 'Environment', 'KillMode', 'LimitNOFILE', 'WorkingDirectory', 'PrivateTmp', 'NoNewPrivileges',
    'ProtectSystem', 'ProtectHome', 'SystemCallFilter', 'ReadWritePaths', 'BindPaths', 'PrivateNetwork', 'RestrictAddressFamilies'])
    assert.equal(findRow('Service', k)?.enforced, true, k);
});

test('exec/kill/sandbox/resource rows exist in both [Service] and [Socket]; type sections per unit type', () => {
  for (const k of ['User', 'KillSignal', 'ProtectSystem', 'MemoryMax', 'Environment']) {
    assert.ok(findRow('Service', k), k);
    assert.ok(findRow('Socket', k), k);
  }
  assert.equal(findRow('Socket', 'Type'), undefined);
  assert.equal(findRow('Service', 'ListenStream'), undefined);
  assert.deepEqual(knownSections('service'), ['Unit', 'Install', 'Service']);
  assert.deepEqual(knownSections('target'), ['Unit', 'Install', 'Target']);
  const seen = new Set<string>();
  for (const r of ALL_ROWS) for (const s of r.sections) { assert.ok(!seen.has(`${s}.${r.key}`)); seen.add(`${s}.${r.key}`); }
});
