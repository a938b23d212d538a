// Unit: EnvironmentFile= parsing (systemd env-file rules) and command-line $VAR expansion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEnvironmentFile } from '../../src/exec/envfile';
import { expandArgv, envToMap, replaceEnvInWord, splitWords, findExecutable } from '../../src/exec/cmdline';

const parse = (t: string): Record<string, string> => Object.fromEntries(parseEnvironmentFile(t).assignments);

test('comments, blank lines, whitespace around keys and values', () => {
  assert.deepEqual(parse('# c\n; c2\n\n  A=1\nB = 2  \n\tC=  three four  \n'), { A: '1', B: '2', C: 'three four' });
  assert.deepEqual(parse('A=x # not a comment'), { A: 'x # not a comment' });
});

test('quotes: single literal, double with \\" \\\\ \\` \\$ escapes, glued pieces', () => {
  assert.deepEqual(parse(`A='a \\n b'\nB="x \\"y\\" \\$z \\q"\nC=pre"mid"'post'\nD=""`),
    { A: 'a \\n b', B: 'x "y" $z \\q', C: 'premidpost', D: '' });
  assert.deepEqual(parse('A="multi\nline"\nB=2'), { A: 'multi\nline', B: '2' });
});

test('backslash continuation and escapes in unquoted values; no $ expansion; later wins', () => {
  assert.deepEqual(parse('A=one\\\ntwo\nB=a\\ b\\\\c\nC=$HOME ${X}\nA=again'), { A: 'again', B: 'a b\\c', C: '$HOME ${X}' });
  assert.deepEqual(parseEnvironmentFile('A=1\nA=2').assignments, [['A', '1'], ['A', '2']]);
});

test('invalid keys and lines without = are skipped with a warning; export is not supported', () => {
  const r = parseEnvironmentFile('export A=1\n1BAD=2\nnoequals\nGOOD=3\n', 'f.env');
  assert.deepEqual(r.assignments, [['GOOD', '3']]);
  assert.equal(r.warnings.length, 3);
  assert.match(r.warnings[0] ?? '', /^f\.env:1: /);
});

test('$VAR as a whole word splits, ${VAR} stays one word, $$ is a dollar, unset vars vanish', () => {
  const env = envToMap(['W=a  b "c d"', 'E=', 'ONE=x']);
  assert.deepEqual(expandArgv(['/bin/x', '$W', '${W}', '$$W', 'p${ONE}q', '$ONE$ONE', '$UNSET', '${UNSET}', '$E'], env, false),
    ['/bin/x', 'a', 'b', 'c d', 'a  b "c d"', '$W', 'pxq', '']);   // '$ONE$ONE' looks up "ONE$ONE": gone
  assert.deepEqual(expandArgv(['/bin/x', '$W', '$$'], env, true), ['/bin/x', '$W', '$$']);
  assert.equal(replaceEnvInWord('${ONE:-d}-${NOPE:-d}-${ONE:+alt}-${NOPE:+alt}', env), 'x-d-alt-');
  assert.equal(replaceEnvInWord('${unterminated', env), '${unterminated');
  assert.deepEqual(splitWords(`  a 'b c' d\\ e "f\\"g"  `), ['a', 'b c', 'd e', 'f"g']);
});

test('fixed search path lookup', () => {
  const exists = new Set(['/usr/bin/foo', '/bin/bar', '/opt/x']);
  const ok = (p: string): boolean => exists.has(p);
  assert.equal(findExecutable('foo', '/usr/local/bin:/usr/bin:/bin', ok), '/usr/bin/foo');
  assert.equal(findExecutable('bar', '/usr/local/bin:/usr/bin:/bin', ok), '/bin/bar');
  assert.equal(findExecutable('/opt/x', '/usr/bin', ok), '/opt/x');
  assert.equal(findExecutable('nope', '/usr/bin', ok), null);
});
