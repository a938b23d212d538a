// Differential test: `tsysd analyze condition` against `systemd-analyze condition` (systemd 252) on this
// machine: parsing (names, `|`/`!` with and without blanks, specifiers, relative and unnormalized paths,
// empty assignments resetting a list, unknown names), evaluation order (entries are prepended), the
// stop at the first failing non-trigger entry, asserts before conditions, the summary lines and exit
// codes. Kinds whose evaluation depends on what tsysd's evaluator implements are not in the sets; the
// evaluator's own agreement is tested with the evaluator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { TSYSD } from '../helpers/daemon';

const have = spawnSync('systemd-analyze', ['--version']).status === 0;

const SETS: string[][] = [
  ['ConditionPathExists=/etc', 'ConditionArchitecture=|!arm', 'AssertPathExists=!/nonexist'],
  ['ConditionPathExists=/nonexist', 'ConditionFoo=bar'],
  ['ConditionPathExists=/nonexist'],
  ['ConditionMemory=foo'],
  ['ConditionPathExists=', 'ConditionPathExists=/x'],
  ['ConditionPathExists=/x', 'ConditionPathExists='],
  ['ConditionPathExists=//etc/./', 'ConditionPathExists=/etc/../x', 'ConditionKernelVersion=| ! 1.0'],
  ['ConditionPathExists=%Z'],
  ['ConditionEnvironment=%Z'],
  ['ConditionHost=%H', 'ConditionMemory=>1G', 'ConditionPathExists=|/a', 'ConditionPathExists=|/etc'],
  ['ConditionPathExists=relative'],
  ['ConditionPathExists=| /etc'],
  ['ConditionPathExists =  /etc', 'AssertPathIsDirectory=/etc', 'AssertPathIsDirectory=/etc/passwd', 'AssertPathExists=/etc'],
  ['ConditionEnvironment=HOME', 'ConditionEnvironment=!NOPE_NOT_SET', 'ConditionEnvironment=TSYSD_COND_TEST=yes'],
  ['ConditionUser=root', 'ConditionGroup=0', 'ConditionUser=!nobody'],
  ['ConditionPathExistsGlob=/etc/*.conf', 'ConditionFileNotEmpty=/etc/passwd', 'ConditionFileIsExecutable=/bin/sh', 'ConditionDirectoryNotEmpty=/etc'],
  ['ConditionPathIsSymbolicLink=/bin', 'ConditionPathIsMountPoint=/proc', 'ConditionPathIsReadWrite=/tmp'],
  ['ConditionArchitecture=x86-64', 'ConditionArchitecture=|arm64', 'ConditionArchitecture=|x86-64'],
  ['ConditionCPUs=>=1', 'ConditionCPUs=<1'],
  ['ConditionOSRelease=ID=debian', 'ConditionKernelVersion=>4.0'],
  ['AssertFirstBoot=no', 'AssertFirstBoot=yes', 'ConditionPathExists=/'],
  ['ConditionPathExists=|/nonexist1', 'ConditionPathExists=|/nonexist2'],
  ['ConditionHost=!%H'],
];

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, TSYSD_COND_TEST: 'yes', LANG: 'C.UTF-8' } });
  return `${r.stdout}${r.stderr}rc=${r.status}`;
}

test('analyze condition prints and exits as systemd-analyze condition', { skip: have ? false : 'systemd-analyze missing' }, () => {
  for (const set of SETS) {
    const theirs = run('systemd-analyze', ['condition', ...set]);
    const mine = run(process.execPath, [TSYSD, 'analyze', 'condition', ...set]);
    assert.equal(mine, theirs, set.join(' '));
  }
});
