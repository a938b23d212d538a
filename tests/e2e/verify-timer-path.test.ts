// `tsysd verify` on [Timer] and [Path] units against `systemd-analyze verify` (systemd 252): every
// diagnostic line, in order, for good and bad values of every key (OnCalendar= and the spans, Unit=
// repeated/self/invalid, booleans, AccuracySec=, empty resets, "lacks value/path setting", path checks,
// DirectoryMode=, TriggerLimit*=, unknown keys). systemd-analyze's closing "Unit X has a bad unit file
// setting." line is not compared (tsysd verify prints the reason only, for every unit type).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { TSYSD } from '../helpers/daemon';

const HAVE = spawnSync('systemd-analyze', ['--version']).status === 0;

const CASES: [string, string][] = [
  ['a.timer', '[Timer]\nOnCalendar=daily\nOnCalendar=foo\nOnCalendar=Mon..Fri 9:00 Europe/Berlin\nOnCalendar=*-*-* 25:00\n'],
  ['b.timer', '[Timer]\nOnBootSec=15min\nOnStartupSec=bar\nOnUnitActiveSec=1d 2h\nOnUnitInactiveSec=-5\nOnActiveSec=infinity\n'],
  ['c.timer', '[Timer]\nOnActiveSec=1h\nUnit=c.timer\nUnit=nope.foo\nUnit=x.service\nUnit=y.service\n'],
  ['d.timer', '[Timer]\nOnCalendar=weekly\nPersistent=maybe\nWakeSystem=yes\nRemainAfterElapse=no\nFixedRandomDelay=1\nOnClockChange=perhaps\n'],
  ['e.timer', '[Timer]\nOnCalendar=hourly\nAccuracySec=zz\nRandomizedDelaySec=1h\nRandomizedDelaySec=\nAccuracySec=1us\nFoo=1\n'],
  ['f.timer', '[Timer]\nOnCalendar=daily\nOnActiveSec=\n'],
  ['g.timer', '[Timer]\nPersistent=yes\n'],
  ['h.timer', '[Timer]\nOnTimezoneChange=yes\n'],
  ['i.timer', '[Unit]\nDescription=%n\n[Timer]\nOnCalendar=%m\nUnit=%p-x.service\n'],
  ['a.path', '[Path]\nPathExists=relative\nPathChanged=/tmp/../x\nPathModified=/tmp//x/./y/\nDirectoryMode=999\nTriggerLimitBurst=-1\n'],
  ['b.path', '[Path]\nPathExistsGlob=/var/spool/*.job\nDirectoryNotEmpty=/var/spool/q\nMakeDirectory=sure\nTriggerLimitIntervalSec=5x\nUnit=b.path\n'],
  ['c.path', '[Path]\nPathExists=/x\nPathExists=\n'],
  ['d.path', '[Path]\nMakeDirectory=yes\nBogus=1\n[Timer]\nOnCalendar=daily\n'],
  ['e.path', '[Path]\nPathExists=/run/%n.flag\nUnit=nonexist.foo\n'],
];

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l && !/^Unit .* has a bad unit file setting\.$/.test(l));
}

test('verify agrees with systemd-analyze verify on [Timer] and [Path] units', { skip: !HAVE && 'systemd-analyze not installed' }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-verify-tp-'));
  try {
    for (const [name] of CASES) {
      const svc = path.join(dir, name.replace(/\.(timer|path)$/, '.service'));
      fs.writeFileSync(svc, '[Service]\nExecStart=/bin/true\n');
    }
    for (const extra of ['x.service', 'y.service', 'i-x.service']) fs.writeFileSync(path.join(dir, extra), '[Service]\nExecStart=/bin/true\n');
    const problems: string[] = [];
    for (const [name, body] of CASES) {
      const f = path.join(dir, name);
      fs.writeFileSync(f, body);
      const theirs = spawnSync('systemd-analyze', ['verify', '--man=no', f], { encoding: 'utf8', cwd: dir });
      const ours = spawnSync(process.execPath, [TSYSD, 'verify', f], { encoding: 'utf8', cwd: dir });
      const a = lines(theirs.stderr + theirs.stdout), b = lines(ours.stderr + ours.stdout);
      if (a.join('\n') !== b.join('\n')) problems.push(`${name}:\n--- systemd-analyze\n${a.join('\n')}\n--- tsysd\n${b.join('\n')}`);
      if ((theirs.status === 0) !== (ours.status === 0)) problems.push(`${name}: exit ${theirs.status} vs ${ours.status}`);
    }
    assert.deepEqual(problems, []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
