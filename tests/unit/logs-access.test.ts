// journald's read rule for the log API (issue 12 #10), pure part: root / privileged peers and members of
// adm or systemd-journal read everything; others only output lines of units running as their own uid.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { logReader, mayReadLine } from '../../src/logs/access';

const gids: Record<string, number> = { adm: 4, 'systemd-journal': 999 };
const gidOf = (n: string): number | null => gids[n] ?? null;
const uids: Record<string, number> = { 'root.service': 0, 'mine.service': 1000, 'other.service': 1001 };
const unitUid = (u: string): number | null => uids[u] ?? null;

test('privileged, root and log-reader groups read all', () => {
  for (const c of [{ uid: 0, gid: 0, pid: 1, privileged: true }, { uid: 1000, gid: 1000, pid: 5, privileged: true }]) {
    assert.equal(logReader(c, () => [], gidOf).all, true);
  }
  assert.equal(logReader({ uid: 1000, gid: 1000, pid: 5, privileged: false }, () => [1000, 4], gidOf).all, true, 'adm member');
  assert.equal(logReader({ uid: 1000, gid: 999, pid: 0, privileged: false }, () => null, gidOf).all, true, 'primary group systemd-journal');
  assert.equal(logReader({ uid: 1000, gid: 1000, pid: 5, privileged: false }, () => [1000, 27], gidOf).all, false);
  assert.equal(logReader({ uid: 1000, gid: 1000, pid: 5, privileged: false }, () => [4], () => null).all, false, 'no such group here');
});

test('others read only the output of their own uid\'s units, never manager lines', () => {
  const r = logReader({ uid: 1000, gid: 1000, pid: 5, privileged: false }, () => [1000], gidOf);
  assert.equal(mayReadLine(r, { unit: 'mine.service', stream: 'stdout' }, unitUid), true);
  assert.equal(mayReadLine(r, { unit: 'mine.service', stream: 'stderr' }, unitUid), true);
  assert.equal(mayReadLine(r, { unit: 'mine.service', stream: 'manager' }, unitUid), false);
  assert.equal(mayReadLine(r, { unit: 'root.service', stream: 'stdout' }, unitUid), false);
  assert.equal(mayReadLine(r, { unit: 'other.service', stream: 'stdout' }, unitUid), false);
  assert.equal(mayReadLine(r, { unit: 'gone.service', stream: 'stdout' }, unitUid), false);
  assert.equal(mayReadLine(r, { unit: '', stream: 'stdout' }, unitUid), false);
  const unknown = logReader({ uid: -1, gid: -1, pid: 0, privileged: false }, () => null, gidOf);
  assert.equal(mayReadLine(unknown, { unit: 'mine.service', stream: 'stdout' }, () => -1), false);
});
