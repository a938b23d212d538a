// sd_notify datagrams: the acceptance checks the manager applies before any unit sees a datagram
// (src/notify/datagram.ts, issue 12 finding 7), the fd store's handling of fds epoll refuses (finding 1),
// and a fuzz of the parser and the service machine's notify handling with random and mutated datagrams
// (never an exception; every received fd is either stored or closed, never both, never leaked).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { notifyDatagramProblem, RateLimit } from '../../src/notify/datagram';
import { formatNotify, parseNotify } from '../../src/notify/parse';
import { NOTIFY_BUFFER_MAX } from '../../src/platform/types';
import { fuzz } from '../helpers/fuzz';
import { SEC } from './units-fake';
import { rig } from './units-harness';

const EPERM = 1, EBADF = 9;

test('truncated, credential-less and NUL-carrying datagrams are ignored (systemd 252 manager_dispatch_notify_fd)', () => {
  const ok = Buffer.from('READY=1\n');
  assert.equal(notifyDatagramProblem({ data: ok, pid: 42 }), null);
  assert.match(notifyDatagramProblem({ data: ok, pid: 42, truncated: true }) ?? '', /exceeded maximum size/);
  assert.match(notifyDatagramProblem({ data: ok, pid: -1 }) ?? '', /without valid credentials/);
  assert.match(notifyDatagramProblem({ data: ok, pid: 0 }) ?? '', /without valid credentials/);
  assert.match(notifyDatagramProblem({ data: Buffer.from('READY=1\0STATUS=x'), pid: 42 }) ?? '', /embedded NUL/);
  assert.equal(notifyDatagramProblem({ data: Buffer.from('READY=1\0'), pid: 42 }), null, 'one trailing NUL is allowed');
  assert.equal(notifyDatagramProblem({ data: Buffer.alloc(0), pid: 42 }), null);
  // The largest datagram systemd accepts whole: NOTIFY_BUFFER_MAX bytes.
  assert.equal(NOTIFY_BUFFER_MAX, 4096);
  const full = Buffer.from('READY=1\nSTATUS=' + 'x'.repeat(NOTIFY_BUFFER_MAX - 15));
  assert.equal(full.length, NOTIFY_BUFFER_MAX);
  assert.equal(notifyDatagramProblem({ data: full, pid: 42, truncated: false }), null);
});

test('warning rate limit: a burst, then suppressed, then a count once the window reopens', () => {
  const rl = new RateLimit(3, 10 * SEC);
  const got = Array.from({ length: 6 }, (_, i) => rl.allow(i).ok);
  assert.deepEqual(got, [true, true, true, false, false, false]);
  assert.deepEqual(rl.allow(10 * SEC + 1), { ok: true, suppressed: 3 });
});

test('FDSTORE=1 with fds epoll refuses (EPERM) stores them unwatched; other poll errors refuse the fd', () => {
  const r = rig({ type: 'notify', fileDescriptorStoreMax: 10 });
  r.m.start();
  r.h.pollErrors.set(61, EPERM);     // a memfd / regular file / /dev/null
  r.h.pollErrors.set(63, EBADF);     // e.g. an O_PATH fd
  r.notify('FDSTORE=1\nFDNAME=mixed', undefined, 1000, [60, 61, 62, 63, 64]);
  assert.deepEqual(r.m.fdStore.map((e) => [e.fd, e.poll]), [[60, true], [61, false], [62, true]]);
  assert.deepEqual([...r.h.closed].sort((a, b) => a - b), [63, 64], 'the refused fd and the rest of the datagram are closed');
  // Releasing the store closes the unpolled fd too, and unpolls only what was polled.
  r.notify('FDSTOREREMOVE=1\nFDNAME=mixed');
  assert.deepEqual(r.m.fdStore, []);
  assert.deepEqual([...r.h.closed].sort((a, b) => a - b), [60, 61, 62, 63, 64]);
  assert.equal(r.h.polled.get(61), undefined);
});

test('FDSTORE=1 on FileDescriptorStoreMax=0 closes every fd, polls none', () => {
  const r = rig({ type: 'notify' });
  r.m.start();
  const fds = Array.from({ length: 253 }, (_, i) => 100 + i);
  r.notify('FDSTORE=1', undefined, 1000, fds);
  assert.deepEqual(r.m.fdStore, []);
  assert.deepEqual(r.h.closed, fds);
  assert.equal(r.h.polled.size, 0);
});

const KEYS = ['READY', 'RELOADING', 'STOPPING', 'STATUS', 'ERRNO', 'BUSERROR', 'MAINPID', 'WATCHDOG', 'WATCHDOG_USEC',
  'EXTEND_TIMEOUT_USEC', 'FDSTORE', 'FDSTOREREMOVE', 'FDNAME', 'FDPOLL', 'BARRIER', 'MONOTONIC_USEC', 'NOTIFYACCESS', 'X'];
const VALUES = ['1', '0', '', '-1', '2', '18446744073709551615', '99999999999999999999', '4294967296', 'abc', 'EPERM', ' 1',
  '1 ', '0x10', '1e3', '\u00ff', '\ud800', ':', 'a:b', 'x'.repeat(300), '%', '\\', '=', '=1', '3\n'];

function randomDatagram(f: ReturnType<typeof fuzz>): Buffer {
  const mode = f.int(4);
  if (mode === 0) {            // random bytes
    const b = Buffer.alloc(f.int(200));
    for (let i = 0; i < b.length; i++) b[i] = f.int(256);
    return b;
  }
  const entries: [string, string][] = [];
  for (let n = 1 + f.int(6); n > 0; n--) entries.push([f.pick(KEYS), f.pick(VALUES)]);
  let text = formatNotify(entries);
  if (mode === 2) {            // mutate: flip, cut, duplicate, insert separators
    const chars = [...text];
    for (let k = 1 + f.int(4); k > 0; k--) {
      const at = f.int(chars.length + 1);
      const op = f.int(4);
      if (op === 0) chars.splice(at, 1);
      else if (op === 1) chars.splice(at, 0, f.pick(['\n', '=', '\0', '\r', ' ']));
      else if (op === 2) chars.splice(at, 0, ...chars.slice(0, f.int(chars.length)));
      else chars.length = Math.min(chars.length, at);
    }
    text = chars.join('');
  }
  if (mode === 3) text = text.replace(/\n$/, '');
  return Buffer.from(text, 'utf8');
}

test('fuzz: random and mutated datagrams through the parser and a service machine never throw; fds are accounted for', () => {
  const f = fuzz('notify', 4000, 200);
  let nextFd = 1000;
  while (f.more()) {
    const r = rig({ type: f.pick(['notify', 'simple', 'notify-reload', 'forking'] as const), fileDescriptorStoreMax: f.pick([0, 1, 5]),
      notifyAccess: f.pick(['main', 'all', 'exec'] as const), watchdogUs: f.pick([0, 1 * SEC]) });
    r.m.start();
    const given: number[] = [];
    for (let k = 1 + f.int(8); k > 0; k--) {
      const data = randomDatagram(f);
      const fds = Array.from({ length: f.int(4) }, () => nextFd++);
      given.push(...fds);
      for (const fd of fds) if (f.int(3) === 0) r.h.pollErrors.set(fd, f.pick([EPERM, EBADF]));
      f.check({ data: data.toString('latin1'), fds }, () => {
        parseNotify(data);
        if (notifyDatagramProblem({ data, pid: 42 }) !== null) { r.h.closed.push(...fds); return; }
        r.notify(data.toString('utf8'), f.int(3) === 0 ? 4242 : undefined, f.pick([0, 1000]), fds);
        r.h.advance(f.int(3) * SEC);
      });
    }
    f.check({ stage: 'stop' }, () => { r.m.stop(); r.h.advance(100 * SEC); });
    const stored = new Set(r.m.fdStore.map((e) => e.fd));
    const closed = new Set(r.h.closed.filter((fd) => given.includes(fd)));
    f.check({ given, stored: [...stored], closed: [...closed] }, () => {
      for (const fd of given) assert.ok(stored.has(fd) !== closed.has(fd), `fd ${fd}: stored=${stored.has(fd)} closed=${closed.has(fd)}`);
      assert.equal(closed.size, r.h.closed.filter((fd) => given.includes(fd)).length, 'no fd closed twice');
    });
  }
});
