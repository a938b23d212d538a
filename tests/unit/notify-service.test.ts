// sd_notify handling in the service machine: malformed values, FDNAME validity, MAINPID states,
// STATUS clearing, BARRIER=1, EXTEND_TIMEOUT_USEC during stop.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { fdNameValid } from '../../src/units/service/notify';
import { cmd, SEC } from './units-fake';
import { rig } from './units-harness';

test('malformed values are ignored with a warning', () => {
  const r = rig({ type: 'notify', watchdogUs: 1 * SEC });
  r.m.start();
  r.notify('MAINPID=abc\nERRNO=bogus\nWATCHDOG=2\nWATCHDOG_USEC=x\nEXTEND_TIMEOUT_USEC=-5');
  assert.equal(r.m.statusErrno, 0);
  assert.equal(r.m.watchdogOverrideUs, null);
  for (const w of ['MAINPID=', 'ERRNO=', 'WATCHDOG= field is invalid', 'WATCHDOG_USEC=', 'EXTEND_TIMEOUT_USEC=']) {
    assert.ok(r.h.logs.some(l => l.includes(w)), w);
  }
  assert.equal(r.state(), 'activating/start');
});

test('STATUS= empty clears the status text', () => {
  const r = rig({ type: 'notify' });
  r.m.start();
  r.notify('STATUS=busy');
  r.notify('STATUS=');
  assert.equal(r.m.statusText, '');
});

test('FDNAME validity: no colon, printable, ≤255', () => {
  assert.ok(fdNameValid('mypipe'));
  assert.ok(!fdNameValid('a:b'));
  assert.ok(!fdNameValid(''));
  assert.ok(!fdNameValid('x'.repeat(256)));
  assert.ok(!fdNameValid('tab\there'));
  const r = rig({ type: 'notify', fileDescriptorStoreMax: 3 });
  r.m.start();
  r.notify('FDSTORE=1\nFDNAME=bad:name', undefined, 1000, [70]);
  assert.equal(r.m.fdStore[0]?.name, 'stored', 'an invalid FDNAME falls back to the default');
  r.notify('FDSTOREREMOVE=1', undefined, 1000);
  assert.equal(r.m.fdStore.length, 1, 'FDSTOREREMOVE needs a name');
});

test('BARRIER=1: the barrier fd is closed, nothing else happens', () => {
  const r = rig({ type: 'notify' });
  r.m.start();
  r.notify('BARRIER=1', undefined, 1000, [90]);
  assert.deepEqual(r.h.closed, [90]);
  assert.equal(r.state(), 'activating/start');
});

test('a datagram from a refused sender closes its fds', () => {
  const r = rig({ type: 'notify', fileDescriptorStoreMax: 3 });
  r.m.start();
  r.notify('FDSTORE=1', 5555, 1000, [91]);
  assert.deepEqual(r.h.closed, [91]);
  assert.equal(r.m.fdStore.length, 0);
});

test('MAINPID= is ignored while dead or in start-pre', () => {
  const r = rig({ type: 'notify', notifyAccess: 'all', execStartPre: [cmd('/bin/pre')] });
  r.m.start();
  r.h.others.add(444);
  r.notify('MAINPID=444', r.m.controlPid);
  assert.equal(r.m.mainPid, 0);
});

test('EXTEND_TIMEOUT_USEC extends a stop timeout too', () => {
  const r = rig({ type: 'notify', timeoutStopUs: 2 * SEC, notifyAccess: 'all' });
  r.m.start();
  r.notify('READY=1');
  const main = r.m.mainPid;
  r.m.stop();
  r.notify('EXTEND_TIMEOUT_USEC=10000000', main);
  r.h.advance(9 * SEC);
  assert.equal(r.m.subState(), 'stop-sigterm');
  r.h.advance(1 * SEC);
  assert.equal(r.m.subState(), 'stop-sigkill');
});

test('READY=1 is ignored by non-notify types; STOPPING=1 still stops a simple service with NotifyAccess=main', () => {
  const r = rig({ type: 'simple', notifyAccess: 'main' });
  r.m.start();
  r.notify('READY=1');
  assert.equal(r.state(), 'active/running');
  r.notify('STOPPING=1');
  assert.equal(r.state(), 'deactivating/stop-sigterm');
});
