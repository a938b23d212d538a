// Intake parsers (native protocol, stdout stream protocol, syslog, <N> prefixes) and the rate limiter:
// cases taken from journald 252's parsing code, then random and mutated input (never throws, bounded).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseNative } from '../../src/journal/intake/native';
import { StreamParser, type StreamEvent } from '../../src/journal/intake/stream';
import { parseSyslog, parseIdentifier, skipTimestamp } from '../../src/journal/intake/syslog';
import { parseSyslogPriority } from '../../src/journal/intake/priority';
import { RateLimiter, burstModulate } from '../../src/journal/ratelimit';
import { cmdlineFromProc } from '../../src/journal/fields';

const s = (bs: Buffer[]): string[] => bs.map((x) => x.toString('latin1'));

function bin(name: string, data: Buffer): Buffer {
  const l = Buffer.alloc(8); l.writeUInt32LE(data.length, 0);
  return Buffer.concat([Buffer.from(name + '\n'), l, data, Buffer.from('\n')]);
}

let seed = 42;
const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) >>> 0; return seed % n; };
const randomBytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => rnd(256)));
function mutate(b: Buffer): Buffer {
  const c = Buffer.from(b);
  const k = 1 + rnd(4);
  for (let i = 0; i < k && c.length; i++) {
    const op = rnd(3);
    const p = rnd(c.length);
    if (op === 0) c[p] = rnd(256);
    else if (op === 1) return Buffer.concat([c.subarray(0, p), c.subarray(p + 1 + rnd(8))]);
    else return Buffer.concat([c.subarray(0, p), Buffer.from([[0x0a, 0x3d, 0, 0xff][rnd(4)]!]), c.subarray(p)]);
  }
  return c;
}

test('native: text and binary fields, separators, comments, trusted names dropped, meta fields', () => {
  const msg = Buffer.concat([
    Buffer.from('MESSAGE=hello\nPRIORITY=3\nSYSLOG_IDENTIFIER=app\n# comment\n.control\n_PID=1\nbad-name=x\nSYSLOG_FACILITY=10\n'),
    bin('DATA', Buffer.from([1, 0, 0x0a, 2])),
    Buffer.from('\nMESSAGE=second\n'),
  ]);
  const e = parseNative(msg, 1000);
  assert.equal(e.length, 2);
  assert.deepEqual(s(e[0]!.fields), ['MESSAGE=hello', 'PRIORITY=3', 'SYSLOG_IDENTIFIER=app', 'SYSLOG_FACILITY=10', 'DATA=\x01\x00\x0a\x02', '_TRANSPORT=journal']);
  assert.equal(e[0]!.priority, (10 << 3) | 3);
  assert.equal(e[0]!.identifier, 'app');
  assert.equal(e[0]!.message, 'hello');
  assert.deepEqual(s(e[1]!.fields), ['MESSAGE=second', '_TRANSPORT=journal']);
  assert.equal(e[1]!.priority, 6);
});

test('native: OBJECT_PID only from root; trailing noise ends the entry; malformed binary keeps what came before', () => {
  assert.equal(parseNative(Buffer.from('MESSAGE=x\nOBJECT_PID=42\n'), 1000)[0]!.objectPid, 0);
  assert.equal(parseNative(Buffer.from('MESSAGE=x\nOBJECT_PID=42\n'), 0)[0]!.objectPid, 42);
  assert.deepEqual(s(parseNative(Buffer.from('MESSAGE=x\nNOISE'))[0]!.fields), ['MESSAGE=x', '_TRANSPORT=journal']);
  const bad = Buffer.concat([Buffer.from('MESSAGE=a\nBIN\n'), Buffer.from([5, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('abcdeX')]);
  assert.deepEqual(s(parseNative(bad)[0]!.fields), ['MESSAGE=a', '_TRANSPORT=journal']);
  assert.equal(parseNative(Buffer.from('')).length, 0);
  assert.equal(parseNative(Buffer.from('\n\n')).length, 0);
  // more than 1024 fields drops the entry
  assert.equal(parseNative(Buffer.from('A=1\n'.repeat(1030))).length, 0);
  // a huge declared binary size drops the entry
  const huge = Buffer.concat([Buffer.from('MESSAGE=a\nBIN\n'), Buffer.from([0, 0, 0, 0, 0, 0, 1, 0]), Buffer.from('\n')]);
  assert.equal(parseNative(huge).length, 0);
});

test('native parser never throws on random or mutated input', () => {
  const base = Buffer.concat([Buffer.from('MESSAGE=hi\nPRIORITY=4\n'), bin('B', Buffer.from('xyz')), Buffer.from('\nMESSAGE=2\n')]);
  for (let i = 0; i < 3000; i++) {
    const input = i % 2 ? randomBytes(rnd(300)) : mutate(base);
    const r = parseNative(input, rnd(2) ? 0 : 1000);
    for (const e of r) {
      assert.ok(e.fields.length >= 2);
      assert.equal(e.fields[e.fields.length - 1]!.toString(), '_TRANSPORT=journal');
      for (const f of e.fields) assert.ok(f.indexOf(0x3d) > 0);
    }
  }
});

function lines(ev: StreamEvent[]): string[] {
  return ev.flatMap((e) => (e.kind === 'line' ? [`${e.line.priority}:${e.line.message}:${e.line.lineBreak}`] : []));
}

test('stream: 7-line header, level prefixes, NUL/line-max/eof breaks, whitespace rules', () => {
  const p = new StreamParser(0, 20);
  const ev = p.feed(Buffer.from('myid\nfoo.service\n6\n1\n0\n0\n0\nplain\n<3>error line  \r\n<9>not a level\n\n   \nnul\0'));
  const h = ev.find((e) => e.kind === 'header');
  assert.ok(h && h.kind === 'header');
  assert.deepEqual(h.header, { identifier: 'myid', unitId: 'foo.service', priority: 6, levelPrefix: true, forwardToSyslog: false, forwardToKmsg: false, forwardToConsole: false });
  assert.deepEqual(lines(ev), ['6:plain:newline', '3:error line:newline', '6:<9>not a level:newline', '6:   :newline', '6:nul:nul']);
  assert.deepEqual(lines(p.feed(Buffer.from('0123456789012345678901234'))), ['6:01234567890123456789:line-max']);
  assert.deepEqual(lines(p.end()), ['6:01234:eof']);
});

test('stream: unit id only from root; a bad header kills the stream; pid change flushes', () => {
  const u = new StreamParser(1000);
  const ev = u.feed(Buffer.from('\nfoo.service\n30\nno\n1\n0\nfalse\n'));
  const h = ev.find((e) => e.kind === 'header');
  assert.ok(h && h.kind === 'header');
  assert.equal(h.header.unitId, null);
  assert.equal(h.header.identifier, null);
  assert.equal(h.header.priority, 30);
  assert.equal(h.header.forwardToSyslog, true);
  assert.deepEqual(lines(u.feed(Buffer.from('<3>kept as text\n'))), ['30:<3>kept as text:newline']);
  const bad = new StreamParser(0);
  const e2 = bad.feed(Buffer.from('id\nu\nnotanumber\n'));
  assert.ok(e2.some((e) => e.kind === 'error'));
  assert.ok(bad.dead);
  const pc = new StreamParser(0);
  pc.feed(Buffer.from('i\n\n6\n0\n0\n0\n0\nhalf'), 10);
  assert.deepEqual(lines(pc.feed(Buffer.from(' line\n'), 11)), ['6:half:pid-change', '6: line:newline']);
  const nul = new StreamParser(0);
  assert.ok(nul.feed(Buffer.from('i\0x\n')).some((e) => e.kind === 'error'), 'header line ended by NUL');
});

test('stream parser never throws and keeps bounded memory on random input', () => {
  for (let i = 0; i < 1000; i++) {
    const p = new StreamParser(rnd(2) ? 0 : 1000, 64);
    for (let k = 0; k < 5; k++) {
      const ev = p.feed(i % 2 ? randomBytes(rnd(200)) : mutate(Buffer.from('id\nx.service\n6\n1\n0\n0\n0\n<4>w\nline two\n')), rnd(3));
      for (const e of ev) if (e.kind === 'line') assert.ok(Buffer.byteLength(e.line.message) <= 64 * 3);
    }
    p.end();
  }
});

test('syslog: RFC 3164 with timestamp, identifier and pid; defaults; SYSLOG_RAW rules', () => {
  const e = parseSyslog(Buffer.from('<11>Dec  5 15:08:06 myapp[123]: something failed'));
  assert.deepEqual(s(e.fields), ['_TRANSPORT=syslog', 'PRIORITY=3', 'SYSLOG_FACILITY=1', 'SYSLOG_IDENTIFIER=myapp', 'SYSLOG_PID=123',
    'SYSLOG_TIMESTAMP=Dec  5 15:08:06 ', 'MESSAGE=something failed']);
  const n = parseSyslog(Buffer.from('no header at all\n'));
  assert.deepEqual(s(n.fields), ['_TRANSPORT=syslog', 'PRIORITY=6', 'SYSLOG_FACILITY=1', 'MESSAGE=no header at all', 'SYSLOG_RAW=no header at all\n']);
  const k = parseSyslog(Buffer.from('<0>Jan 10 01:02:03 kern: x'));
  assert.deepEqual(s(k.fields), ['_TRANSPORT=syslog', 'PRIORITY=0', 'SYSLOG_IDENTIFIER=kern', 'SYSLOG_TIMESTAMP=Jan 10 01:02:03 ', 'MESSAGE=x']);
  assert.equal(skipTimestamp('Dec  5 15:08:06 x'), 16);
  assert.equal(skipTimestamp('Dec 5 15:08:06 x'), 0);
  assert.deepEqual(parseIdentifier('sshd[99]: hi'), { identifier: 'sshd', pid: '99', consumed: 10 });
  assert.deepEqual(parseIdentifier('nocolon hi'), { identifier: null, pid: null, consumed: 0 });
});

test('syslog: RFC 5424 is taken apart (documented difference from journald 252)', () => {
  const e = parseSyslog(Buffer.from('<165>1 2003-10-11T22:14:15.003Z host evntslog 4711 ID47 [exampleSDID@32473 iut="3"] An application event'));
  const f = s(e.fields);
  assert.ok(f.includes('SYSLOG_IDENTIFIER=evntslog'));
  assert.ok(f.includes('SYSLOG_PID=4711'));
  assert.ok(f.includes('PRIORITY=5'));
  assert.ok(f.includes('SYSLOG_FACILITY=20'));
  assert.ok(f.includes('MESSAGE=An application event'));
  assert.ok(f.some((x) => x.startsWith('SYSLOG_RAW=<165>1 ')));
});

test('syslog parser never throws on random input', () => {
  for (let i = 0; i < 3000; i++) {
    const e = parseSyslog(i % 2 ? randomBytes(rnd(200)) : mutate(Buffer.from('<13>Feb 29 23:59:59 app[1]: m')));
    assert.ok(e.fields.some((f) => f.toString('latin1').startsWith('MESSAGE=')));
  }
});

test('<N> prefixes: with and without facility', () => {
  assert.deepEqual(parseSyslogPriority(Buffer.from('<3>x'), 30, false), { priority: 27, consumed: 3 });
  assert.deepEqual(parseSyslogPriority(Buffer.from('<8>x'), 30, false), { priority: 30, consumed: 0 });
  assert.deepEqual(parseSyslogPriority(Buffer.from('<191>x'), 0, true), { priority: 191, consumed: 5 });
  assert.deepEqual(parseSyslogPriority(Buffer.from('<1234>x'), 6, true), { priority: 6, consumed: 0 });
  assert.deepEqual(parseSyslogPriority(Buffer.from('<a>'), 6, true), { priority: 6, consumed: 0 });
});

test('rate limiter: burst per pool and interval, suppression count on the next interval', () => {
  const r = new RateLimiter();
  const T = 1_000_000_000;
  let passed = 0;
  for (let i = 0; i < 100; i++) if (r.test('a.service', 30_000_000, 10, 6, 0, T + i)) passed++;
  assert.equal(passed, 10);
  assert.equal(r.test('a.service', 30_000_000, 10, 3, 0, T + 200), 1, 'err pool is separate');
  assert.equal(r.test('b.service', 30_000_000, 10, 6, 0, T + 200), 1, 'other unit unaffected');
  assert.deepEqual(r.pendingSuppressed(), [{ unit: 'a.service', count: 90 }]);
  assert.equal(r.test('a.service', 30_000_000, 10, 6, 0, T + 30_000_001), 91);
  assert.equal(r.test('a.service', 0, 10, 6, 0, T), 1, 'interval 0 disables');
  assert.equal(burstModulate(10000, 1024 * 1024), 10000);
  assert.equal(burstModulate(10000, 16 * 1024 * 1024), 20000);
  assert.equal(burstModulate(10000, 4 * 1024 ** 3), 40000);
});

test('cmdline from /proc: arguments joined, quoted when needed', () => {
  assert.equal(cmdlineFromProc(Buffer.from('/bin/sh\0-c\0echo hi\0')), '/bin/sh -c "echo hi"');
  assert.equal(cmdlineFromProc(Buffer.from('')), null);
});
