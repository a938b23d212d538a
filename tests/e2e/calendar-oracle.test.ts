// Differential tests of src/calendar against systemd 252's own tools (the oracle): `systemd-analyze
// calendar` on ≥5,000 generated expressions × 10 iterations across several time zones (TZ) and base
// times, on every OnCalendar= Debian ships (tests/fixtures/calendar), on systemd.time(7)'s and systemd's
// own test expressions; `systemd-analyze timestamp` and `timespan` on generated inputs. The oracle runs
// in batches (one call for hundreds of expressions) while tsysd's verbs run in-process against a C
// library emulation with the same TZ. Output must match line for line except "From now:" (the clock).
// Seed: TSYSD_CALENDAR_SEED, else fixed under CI, else random (printed with every failure).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { makeGenerator } from '../helpers/calendar-gen';
import { makeTimespanGenerator, makeTimestampGenerator } from '../helpers/time-gen';
import { calendarMain } from '../../src/cli/analyze/calendar';
import { timestampMain } from '../../src/cli/analyze/timestamp';
import { timespanMain } from '../../src/cli/analyze/timespan';
import { nowUsec, readZoneFile, type VerbIO } from '../../src/cli/analyze/time-common';
import { LibcTime } from '../../src/calendar/libc';

const HAVE_ORACLE = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' }).status === 0;
const SEED = process.env['TSYSD_CALENDAR_SEED'] !== undefined ? Number(process.env['TSYSD_CALENDAR_SEED'])
  : process.env['CI'] ? 20240330 : Math.floor(Math.random() * 2 ** 31);
const EXPRESSIONS = Number(process.env['TSYSD_CALENDAR_CASES'] ?? 5000);
const FIXTURES = path.join(__dirname, '..', '..', '..', 'tests', 'fixtures', 'calendar');

/** (TZ, --base-time) pairs: DST transitions both ways, negative DST, half-hour DST, leap days, year ends. */
const COMBOS: [string, string][] = [
  ['UTC', '@1711800000'],                                // 2024-03-30 12:00 UTC, before the EU spring change
  ['Europe/Berlin', '2024-03-31 01:59:59'],              // a second before the gap
  ['Europe/Berlin', '@1698533999'],                      // 2023-10-29 00:59:59 UTC, before the fold
  ['America/New_York', '2025-11-02 01:30:00 EDT'],       // inside the fold, EDT half
  ['America/New_York', '2024-02-28 23:59:59.999999'],    // before a leap day
  ['Australia/Lord_Howe', '@1712415600'],                // 2024-04-06 15:00 UTC, 30-minute DST end
  ['Europe/Dublin', '2024-03-30 23:00:00 UTC'],          // negative DST (winter is isdst=1)
  ['Pacific/Chatham', '2021-12-31 23:59:59 UTC'],        // +13:45, year end
  ['America/Sao_Paulo', '2018-11-03 12:00 UTC'],         // DST start at midnight (gap at 00:00)
  ['Africa/Casablanca', '2024-04-01 12:00 UTC'],         // Ramadan DST suspension
  ['Asia/Kolkata', '2100-02-28 12:00 UTC'],              // far future (POSIX TZ rule), non-leap century
  ['Europe/London', '1999-12-31 23:59:59 UTC'],
  ['CET-1CEST,M3.5.0,M10.5.0/3', '2024-10-27 00:30 UTC'], // POSIX TZ string, no zone file
  ['<+0330>-3:30', '@1711800000'],                        // POSIX TZ, numeric abbreviation
  [':Europe/Berlin', '2024-10-27 02:30'],
  ['', '@1711800000'],                                   // empty TZ: "Universal"
];

interface Run { out: string; err: string; rc: number }

function oracle(tz: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn('systemd-analyze', args, { env: { ...process.env, TZ: tz, SYSTEMD_COLORS: '0', LANG: 'C.UTF-8', LC_ALL: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [], err: Buffer[] = [];
    p.stdout.on('data', (b: Buffer) => out.push(b));
    p.stderr.on('data', (b: Buffer) => err.push(b));
    p.on('error', reject);
    p.on('close', (code) => resolve({ out: Buffer.concat(out).toString(), err: Buffer.concat(err).toString(), rc: code ?? -1 }));
  });
}

function mine(tz: string, main: (argv: string[], io: VerbIO) => number, args: string[]): Run {
  let out = '', err = '';
  const io: VerbIO = { libc: new LibcTime(readZoneFile, tz), now: nowUsec, out: (s) => { out += s; }, err: (s) => { err += s; }, colors: false, utf8: true };
  const rc = main(args.slice(1), io);
  return { out, err, rc };
}

const strip = (s: string): string[] => s.split('\n').filter((l) => !l.includes('From now:'));

/** First differing line with context, or null. */
function firstDiff(a: string, b: string): string | null {
  const x = strip(a), y = strip(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) {
      return `line ${i}:\n--- systemd-analyze\n${x.slice(Math.max(0, i - 6), i + 3).join('\n')}\n--- tsysd\n${y.slice(Math.max(0, i - 6), i + 3).join('\n')}`;
    }
  }
  return null;
}

async function compare(tz: string, main: (argv: string[], io: VerbIO) => number, args: string[], label: string): Promise<string[]> {
  const theirs = await oracle(tz, args);
  const ours = mine(tz, main, args);
  const problems: string[] = [];
  const d = firstDiff(theirs.out, ours.out);
  if (d) problems.push(`${label} TZ=${tz} stdout differs at ${d}`);
  const e = firstDiff(theirs.err, ours.err);
  if (e) problems.push(`${label} TZ=${tz} stderr differs at ${e}`);
  if (theirs.rc !== ours.rc) problems.push(`${label} TZ=${tz} exit ${theirs.rc} vs ${ours.rc}`);
  return problems;
}

function fixtureExpressions(): string[] {
  const deb = fs.readFileSync(path.join(FIXTURES, 'debian-oncalendar.txt'), 'utf8').split('\n')
    .filter((l) => l && !l.startsWith('#')).map((l) => l.slice(l.indexOf(': ') + 2));
  const more = fs.readFileSync(path.join(FIXTURES, 'expressions.txt'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  return [...new Set([...deb, ...more])];
}

test('calendar: Debian OnCalendar= values, systemd.time(7) and systemd test expressions, every zone and base time',
  { skip: !HAVE_ORACLE && 'systemd-analyze not installed', timeout: 300_000 }, async () => {
    const exprs = fixtureExpressions();
    assert.ok(exprs.length > 100, 'fixture expressions present');
    const problems = (await Promise.all(COMBOS.map(([tz, base]) =>
      compare(tz, calendarMain, ['calendar', '--iterations=10', `--base-time=${base}`, '--', ...exprs], `fixtures base=${base}`)))).flat();
    assert.deepEqual(problems, []);
  });

test(`calendar: ${EXPRESSIONS} generated expressions × 10 iterations (seed ${SEED})`,
  { skip: !HAVE_ORACLE && 'systemd-analyze not installed', timeout: 600_000 }, async () => {
    const gen = makeGenerator(SEED);
    const exprs = Array.from({ length: EXPRESSIONS }, gen);
    const BATCH = 250;
    const problems: string[] = [];
    // two batches at a time: the oracle runs while the previous batch is computed in-process
    for (let i = 0, k = 0; i < exprs.length; i += 2 * BATCH, k += 2) {
      const jobs = [0, 1].map((j) => {
        const batch = exprs.slice(i + j * BATCH, i + (j + 1) * BATCH);
        if (batch.length === 0) return Promise.resolve([]);
        const [tz, base] = COMBOS[(k + j) % COMBOS.length]!;
        return compare(tz, calendarMain, ['calendar', '--iterations=10', `--base-time=${base}`, '--', ...batch], `seed=${SEED} batch@${i + j * BATCH} base=${base}`);
      });
      problems.push(...(await Promise.all(jobs)).flat());
      if (problems.length > 4) break;
    }
    assert.deepEqual(problems, [], `seed ${SEED} (rerun with TSYSD_CALENDAR_SEED=${SEED})`);
  });

test(`timestamp: generated timestamps in several zones (seed ${SEED})`,
  { skip: !HAVE_ORACLE && 'systemd-analyze not installed', timeout: 300_000 }, async () => {
    const gen = makeTimestampGenerator(SEED);
    const problems: string[] = [];
    const fixed = fs.readFileSync(path.join(FIXTURES, 'timestamps.txt'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    for (const [tz] of COMBOS) {
      const batch = [...fixed, ...Array.from({ length: 150 }, gen)];
      problems.push(...await compare(tz, timestampMain, ['timestamp', '--', ...batch], `seed=${SEED}`));
    }
    assert.deepEqual(problems, [], `seed ${SEED} (rerun with TSYSD_CALENDAR_SEED=${SEED})`);
  });

test(`timespan: generated spans (seed ${SEED})`, { skip: !HAVE_ORACLE && 'systemd-analyze not installed', timeout: 300_000 }, async () => {
  const gen = makeTimespanGenerator(SEED);
  const spans = Array.from({ length: 1000 }, gen);
  const problems: string[] = [];
  // systemd-analyze timespan stops at the first span it cannot parse: continue after it in a new call
  let i = 0;
  let calls = 0;
  while (i < spans.length && problems.length === 0) {
    const args = ['timespan', '--', ...spans.slice(i, i + 300)];
    problems.push(...await compare('UTC', timespanMain, args, `seed=${SEED} from=${i}`));
    const ours = mine('UTC', timespanMain, args);
    const printed = ours.out.split('\n').filter((l) => l.startsWith('Original:')).length;
    i += ours.rc === 0 ? 300 : printed + 1;
    calls++;
  }
  assert.ok(calls > 1, 'more than one call');
  assert.deepEqual(problems, [], `seed ${SEED} (rerun with TSYSD_CALENDAR_SEED=${SEED})`);
});

test('timestamp: relative forms ("now", "+5min", "-1h", "… ago", "… left") agree within the clock difference',
  { skip: !HAVE_ORACLE && 'systemd-analyze not installed', timeout: 120_000 }, async () => {
    const forms = ['now', '+5min', '-1h', '+1d 2h', '3 days ago', '90s left', '-0', '+infinity', '1y ago', '-', '+', ' ago', '5 xyz ago', '+1.5h'];
    const theirs = await oracle('UTC', ['timestamp', '--', ...forms]);
    const ours = mine('UTC', timestampMain, ['timestamp', '--', ...forms]);
    assert.equal(ours.rc, theirs.rc);
    const secs = (s: string): number[] => [...s.matchAll(/UNIX seconds: @([0-9.]+)/g)].map((m) => Number(m[1]));
    const a = secs(theirs.out), b = secs(ours.out);
    assert.equal(b.length, a.length);
    assert.ok(a.length >= 8, 'most forms parse');
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < 5, `${forms[i]}: ${a[i]} vs ${b[i]}`);
    assert.equal(ours.err, theirs.err);
  });
