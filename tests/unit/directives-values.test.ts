// Value grammar tests. Expected values were taken from systemd 252 itself (`systemd-analyze timespan`,
// `systemd-analyze exit-status`, `systemd-analyze verify` on probe units) or from systemd.unit/exec(5).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseBoolean, parseTimespan, formatTimespan, parseSize, parseSignal, parseExitStatus, parseExitStatusSet, parseMode,
  cUnescape, extractFirstWord, splitWords, parseNsec, signalName,
} from '../../src/directives/values';
import { parseExecLine, parseEnvironmentLine, mergeEnv } from '../../src/directives/values-exec';

const noSpec = (s: string) => (s.includes('%Z') ? { ok: false as const, error: 'Invalid slot' } : { ok: true as const, value: s.replace(/%n/g, 'x.service') });

test('booleans: 1 yes y true t on / 0 no n false f off, any case', () => {
  for (const t of ['1', 'yes', 'y', 'true', 't', 'on', 'YES', 'On', 'TRUE']) assert.equal(parseBoolean(t), true, t);
  for (const f of ['0', 'no', 'n', 'false', 'f', 'off', 'NO', 'Off']) assert.equal(parseBoolean(f), false, f);
  for (const b of ['', '2', 'yess', 'enable']) assert.equal(parseBoolean(b), null, b);
});

test('time spans parse like systemd-analyze timespan', () => {
  const cases: [string, number][] = [
    ['1.5s', 1_500_000], ['90s', 90_000_000], ['100ms', 100_000], ['2h30m', 9_000_000_000], ['1y', 31_557_600_000_000],
    ['1M', 2_629_800_000_000], ['5 6', 11_000_000], ['61.5s', 61_500_000], ['1d1us', 86_400_000_001], ['0', 0],
    ['1min 30s', 90_000_000], ['5', 5_000_000], ['1.234567s', 1_234_567], ['2 min', 120_000_000], ['1w', 604_800_000_000],
    ['10usec', 10], ['3 hours', 10_800_000_000], ['500 msec', 500_000],
  ];
  for (const [s, us] of cases) assert.equal(parseTimespan(s), us, s);
  assert.equal(parseTimespan('infinity'), Infinity);
  assert.equal(parseTimespan(' infinity '), Infinity);
  for (const bad of ['5x', '12.34.56', '-1s', '', 'abc', 'infinityx', 'zzbogus zz']) assert.equal(parseTimespan(bad), null, bad);
  assert.equal(parseNsec('1us'), 1000);
  assert.equal(parseNsec('50'), 50);
});

test('formatTimespan prints like systemctl show (format_timespan accuracy 0)', () => {
  const cases: [number, string][] = [
    [1_500_000, '1.500000s'], [90_000_000, '1min 30s'], [100_000, '100ms'], [9_000_000_000, '2h 30min'],
    [31_557_600_000_000, '1y'], [2_629_800_000_000, '1month'], [11_000_000, '11s'], [61_500_000, '1min 1.500000s'],
    [86_400_000_001, '1d 1us'], [0, '0'], [Infinity, 'infinity'], [1_234_567, '1.234567s'],
  ];
  for (const [us, s] of cases) assert.equal(formatTimespan(us), s, String(us));
  // accuracy 1 s, as the unit dump (`systemd --test`) prints them
  assert.equal(formatTimespan(1_500_000, 1_000_000), '1s');
  assert.equal(formatTimespan(90_500_000, 1_000_000), '1min 30s');
});

test('sizes: base 1024 suffixes, combinations, decimals, base 1000', () => {
  assert.equal(parseSize('1K'), 1024);
  assert.equal(parseSize('1.5K'), 1536);
  assert.equal(parseSize('1G 512M'), 1024 ** 3 + 512 * 1024 ** 2);
  assert.equal(parseSize('10'), 10);
  assert.equal(parseSize('8M'), 8 * 1024 * 1024);
  assert.equal(parseSize('1K', 1000), 1000);
  assert.equal(parseSize('2T', 1000), 2e12);
  for (const bad of ['x', '-1', '', '1Q', '1K 1G']) assert.equal(parseSize(bad), null, bad);
});

test('signals by name, with or without SIG, by number, SIGRTMIN+n', () => {
  assert.equal(parseSignal('SIGTERM'), 15);
  assert.equal(parseSignal('TERM'), 15);
  assert.equal(parseSignal('9'), 9);
  assert.equal(parseSignal('SIGKILL'), 9);
  assert.equal(parseSignal('RTMIN+3'), 37);
  assert.equal(parseSignal('SIGRTMIN+3'), 37);
  assert.equal(parseSignal('SIGRTMIN'), 34);
  assert.equal(parseSignal('RTMAX-1'), 63);
  for (const bad of ['SIGFOO', '0', '65', '', 'zzbogus zz', 'sigterm', 'RTMIN+31']) assert.equal(parseSignal(bad), null, bad);
  assert.equal(signalName(15), 'TERM');
  assert.equal(signalName(37), 'RTMIN+3');
  assert.equal(signalName(34), 'RTMIN+0');
});

test('exit statuses: numbers 0..255 and systemd-analyze exit-status names; sets mix statuses and signals', () => {
  assert.equal(parseExitStatus('SUCCESS'), 0);
  assert.equal(parseExitStatus('INVALIDARGUMENT'), 2);
  assert.equal(parseExitStatus('NOTRUNNING'), 7);
  assert.equal(parseExitStatus('EXEC'), 203);
  assert.equal(parseExitStatus('255'), 255);
  assert.equal(parseExitStatus('256'), null);
  assert.equal(parseExitStatus('FOO'), null);
  const s = parseExitStatusSet('1 2 SIGTERM FOO 300 TERM 42');
  assert.deepEqual(s.statuses, [1, 2, 42]);
  assert.deepEqual(s.signals, [15]);
  assert.deepEqual(s.bad, ['FOO', '300']);
});

test('octal modes', () => {
  assert.equal(parseMode('0755'), 0o755);
  assert.equal(parseMode('755'), 0o755);
  assert.equal(parseMode('0'), 0);
  assert.equal(parseMode('7777'), 0o7777);
  for (const bad of ['999', '17777', 'rwx', '', '0x1ff']) assert.equal(parseMode(bad), null, bad);
});

test('C unescaping: \\x20 \\n \\s octal \\u, invalid escapes rejected (or kept when relaxed)', () => {
  assert.equal(cUnescape('a\\x20b'), 'a b');
  assert.equal(cUnescape('a\\nb'), 'a\nb');
  assert.equal(cUnescape('a\\sb'), 'a b');
  assert.equal(cUnescape('\\101'), 'A');
  assert.equal(cUnescape('\\u00e9'), 'é');
  assert.equal(cUnescape('\\"\\\\'), '"\\');
  assert.equal(cUnescape('\\q'), null);
  assert.equal(cUnescape('\\x00'), null);
  assert.equal(cUnescape('a\\qb', true), 'a\\qb');
});

test('extract_first_word: quotes glued mid-word, escapes, unbalanced quotes', () => {
  assert.deepEqual(splitWords('a"b c"d e'), ['ab cd', 'e']);
  assert.deepEqual(splitWords(`'x y' "z\\"w"`), ['x y', 'z"w']);
  assert.deepEqual(splitWords('  a   b  '), ['a', 'b']);
  assert.deepEqual(splitWords('a\\sb c'), ['a b', 'c']);
  assert.equal(splitWords('"unbalanced'), null);
  const r = extractFirstWord('"a b" rest', { unquote: true, cunescape: true });
  assert.ok(r.ok && r.word === 'a b' && r.rest === 'rest');
  const e = extractFirstWord('a\\qb', { unquote: true, cunescape: true });
  assert.ok(!e.ok && e.reason === 'escape');
});

test('Exec lines: prefixes, argv[0] with @, lone ; separators, \\; literal', () => {
  const r = parseExecLine('-@/bin/echo name a "b c" ; :+/bin/true x \\; y', 'f', 3, noSpec);
  assert.equal(r.fatal, false);
  assert.equal(r.commands.length, 2);
  const [a, b] = r.commands;
  assert.deepEqual({ path: a!.path, argv: a!.argv, ign: a!.ignoreFailure }, { path: '/bin/echo', argv: ['name', 'a', 'b c'], ign: true });
  assert.deepEqual({ path: b!.path, argv: b!.argv, noEnv: b!.noEnvExpand, priv: b!.privileged }, { path: '/bin/true', argv: ['/bin/true', 'x', ';', 'y'], noEnv: true, priv: '+' });
  const bang = parseExecLine('!!/bin/true', 'f', 1, noSpec);
  assert.equal(bang.commands[0]!.privileged, '!!');
  assert.equal(parseExecLine('true', 'f', 1, noSpec).commands[0]!.path, 'true');
  assert.equal(parseExecLine('/bin/echo a ; ; /bin/true', 'f', 1, noSpec).commands.length, 2);
  assert.deepEqual(parseExecLine('/bin/echo "a"b"c d"', 'f', 1, noSpec).commands[0]!.argv, ['/bin/echo', 'abc d']);
});

test('Exec lines: fatal errors with systemd-analyze messages, made non-fatal by -', () => {
  const cases: [string, string, boolean][] = [
    ['bin/true', 'Neither a valid executable name nor an absolute path: bin/true', true],
    ['-bin/true', 'Neither a valid executable name nor an absolute path, ignoring: bin/true', false],
    ['/bin/true "a', 'Unbalanced quoting, ignoring: "/bin/true "a"', true],
    ['/bin/echo %Z', 'Failed to resolve unit specifiers in %Z: Invalid slot', true],
    ['-/bin/echo %Z', 'Failed to resolve unit specifiers in %Z, ignoring: Invalid slot', false],
    ['%Z/x', "Failed to resolve unit specifiers in '%Z/x': Invalid slot", true],
    ['-', "Empty path in command line, ignoring: '-'", false],
    ['@', "Empty path in command line: '@'", true],
    ['@/bin/echo', 'Empty executable name or zeroeth argument: @/bin/echo', true],
    ['/bin/', 'Executable path specifies a directory: /bin/', true],
    ['+!/bin/true', 'Neither a valid executable name nor an absolute path: !/bin/true', true],
    ['--/bin/true', 'Neither a valid executable name nor an absolute path, ignoring: -/bin/true', false],
  ];
  for (const [v, msg, fatal] of cases) {
    const r = parseExecLine(v, 'f', 1, noSpec);
    assert.equal(r.fatal, fatal, v);
    assert.equal(r.issues[0]?.message, msg, v);
    assert.equal(r.commands.length, 0, v);
  }
  const w = parseExecLine('/bin/echo a\\qb', 'f', 1, noSpec);
  assert.equal(w.fatal, false);
  assert.equal(w.issues[0]?.message, 'Ignoring unknown escape sequences: "a\\qb"');
  assert.deepEqual(w.commands[0]!.argv, ['/bin/echo', 'a\\qb']);
});

test('Environment=: quoted assignments, glued quotes, an invalid escape drops the whole line', () => {
  assert.deepEqual(parseEnvironmentLine(`"A=1 2" 'C=x y' D="q"r E=%n`, noSpec).assignments, ['A=1 2', 'C=x y', 'D=qr', 'E=x.service']);
  const bad = parseEnvironmentLine('"A=1" B=a\\ b', noSpec);
  assert.deepEqual(bad.assignments, []);
  assert.equal(bad.issues[0]?.message, 'Invalid syntax, ignoring: "A=1" B=a\\ b');
  const inv = parseEnvironmentLine('zzbogus 1A=2 OK=3', noSpec);
  assert.deepEqual(inv.assignments, ['OK=3']);
  assert.deepEqual(inv.issues.map((i) => i.message), ['Invalid environment assignment, ignoring: zzbogus', 'Invalid environment assignment, ignoring: 1A=2']);
  assert.deepEqual(mergeEnv(['A=1', 'B=2'], ['A=3', 'C=4']), ['A=3', 'B=2', 'C=4']);
});
