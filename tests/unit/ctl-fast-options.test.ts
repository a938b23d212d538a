// tsysctl's fast path recognizes its argv shapes without ctl/args.ts's option tables (src/cli/ctl/fast.ts
// fastOptions): whatever it accepts must be read exactly as parseArgs reads it, and what it leaves to the
// full CLI includes every option it does not know, bundled flags, `--`, --wait and the other verbs.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseArgs } from '../../src/cli/ctl/args';
import { fastOptions } from '../../src/cli/ctl/fast';

const served: string[][] = [
  ['is-active', 'a.service'], ['is-active', 'a', 'b.socket', 'c'], ['is-active'], ['is-failed', 'x'],
  ['is-enabled', 'x.service', 'y'], ['is-system-running'], ['-q', 'is-active', 'a'], ['is-active', '--quiet', 'a'],
  ['--socket', '/run/x.sock', 'is-active', 'a'], ['--socket=/run/x.sock', 'is-failed', 'a'], ['--socket=', 'is-active', 'a'],
  ['--user', 'is-active', 'a'], ['--system', 'is-active', 'a'], ['--user', '--system', 'is-active', 'a'],
  ['--system', '--user', 'is-enabled', 'a'], ['--no-pager', 'is-system-running'], ['is-active', 'a', '-q', '--socket', '/s', 'b'],
];

const notServed: string[][] = [
  [], ['status', 'a'], ['show', '-p', 'Id', 'a'], ['is-system-running', '--wait'], ['-qa', 'is-active', 'a'],
  ['is-active', '--', 'a'], ['is-active', '-'], ['--root=/x', 'is-enabled', 'a'], ['--global', 'is-enabled', 'a'],
  ['-H', 'host', 'is-active', 'a'], ['--help', 'is-active'], ['--version'], ['--socket'], ['is-active', 'a', '--socket'],
  ['--bogus', 'is-active', 'a'], ['logs', 'a'], ['is-active', '--all', 'a'], ['--plain', 'is-active', 'a'],
];

test('every argv the fast path accepts is read as parseArgs reads it', () => {
  for (const argv of served) {
    for (const prog of ['tsysctl', 'systemctl']) {
      const f = fastOptions(argv, prog);
      const p = parseArgs(argv, prog);
      assert.ok(f, `served: ${argv.join(' ')}`);
      assert.ok(p.ok, argv.join(' '));
      assert.deepEqual(f, p.opts, argv.join(' '));
    }
  }
});

test('other options, shapes, verbs and program names are left to the full CLI', () => {
  for (const argv of notServed) assert.equal(fastOptions(argv, 'tsysctl'), null, argv.join(' '));
  for (const prog of ['journalctl', 'halt', 'runlevel', 'shutdown']) assert.equal(fastOptions(['is-active', 'a'], prog), null, prog);
});
