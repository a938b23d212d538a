// e2e: a flooding unit against the journal inside the real daemon (tsysd --system --journal as PID 1 of a
// private namespace), and forwarding to a real syslog daemon. One unit writes 100,000 lines/s for 10 s to
// its StandardOutput=journal; meanwhile another unit ticks 10 lines/s and busybox syslogd runs as a unit
// listening where ForwardToSyslog= sends (its /dev is a bind of a test directory, so its /dev/log socket is
// reachable from the manager). Checked: the manager keeps answering `is-active` during the flood, its RSS
// stays bounded, journald's "Suppressed N messages from UNIT" (MESSAGE_ID a596d6fe…) is written, every tick
// of the other unit is stored (nothing lost), and the syslog daemon received the forwarded lines as
// "IDENT[PID]: MESSAGE".
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { startDaemon, hasUnshare, sleep, waitFor } from '../helpers/daemon';
import { JOURNALCTL, journalctl, tmpdir } from '../unit/journal-helpers';

const BUSYBOX = ['/bin/busybox', '/usr/bin/busybox'].find((p) => fs.existsSync(p));
const canRun = process.getuid?.() === 0 && !!JOURNALCTL && !!BUSYBOX && hasUnshare();
const SD_MESSAGE_JOURNAL_DROPPED = 'a596d6fe7bfa4994828e72309e95d61e';

const FLOOD_C = `#include <stdio.h>
#include <time.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
int main(void) {
  static char buf[1 << 16];
  setvbuf(stdout, buf, _IOFBF, sizeof buf);
  double start = now(), el;
  long n = 0;
  struct timespec ms = { 0, 1000000 };
  while ((el = now() - start) < 10.0) {
    long target = (long)(el * 100000.0);
    while (n < target) printf("flood line %ld\\n", n++);
    fflush(stdout);
    nanosleep(&ms, NULL);
  }
  printf("flood done after %ld lines\\n", n);
  return 0;
}
`;

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

test('journal flood: 100,000 lines/s for 10 s is rate-limited as journald does, the manager answers, other units lose nothing; ForwardToSyslog= reaches busybox syslogd',
  { skip: canRun ? false : 'needs root, journalctl, busybox and unshare', timeout: 240_000 }, async (t) => {
    const dir = tmpdir('tsysd-flood-');
    try {
      const cc = spawnSync('gcc', ['-O2', '-o', path.join(dir, 'flood'), '-x', 'c', '-'], { input: FLOOD_C });
      assert.equal(cc.status, 0, cc.stderr?.toString());
      const fwd = path.join(dir, 'fwd');
      fs.mkdirSync(fwd);
      const d = await startDaemon({
        units: {
          'flood.service': `[Service]\nType=oneshot\nStandardOutput=journal\nSyslogIdentifier=flooder\nExecStart=${path.join(dir, 'flood')}\n`,
          'ticker.service': `[Service]\nStandardOutput=journal\nSyslogIdentifier=ticker\nExecStart=/bin/sh -c 'i=0; while :; do i=$((i+1)); echo "tick $i"; sleep 0.1; done'\n`,
          'syslogd.service': `[Service]\nExecStart=${BUSYBOX} syslogd -n -O ${path.join(dir, 'messages')}\nBindPaths=${fwd}:/dev\n`,
        },
        args: ['--journal', `--journal-runtime-dir=${dir}/rj`, `--journal-persistent-dir=${dir}/none`, `--journal-forward-syslog=${fwd}/log`,
          '--journal-rate-limit-interval=2s', '--journal-rate-limit-burst=1000', '--no-forward-output'],
        shellPrefix: 'mkdir -p /run/systemd && mount -t tmpfs tmpfs /run/systemd',
      });
      let code = -1;
      const answers: number[] = [];
      let rssBefore = 0, rssMax = 0;
      try {
        assert.equal((await d.ctl(['start', 'syslogd.service'])).code, 0, d.output);
        assert.ok(await waitFor(() => fs.existsSync(path.join(fwd, 'log')), 20_000), `syslogd's socket did not appear\n${d.output.slice(-2000)}`);
        const pid = d.innerPid();
        rssBefore = rssKb(pid);
        assert.equal((await d.ctl(['start', 'ticker.service'])).code, 0);
        const flood = d.ctl(['start', 'flood.service'], { timeoutMs: 120_000 });
        // the manager answers while the flood runs (one query a second, timed for the record)
        let done = false;
        void flood.then(() => { done = true; });
        for (let i = 0; !done; i++) {
          const t0 = Date.now();
          const r = await d.ctl(['is-active', 'ticker.service'], { timeoutMs: 30_000 });
          answers.push(Date.now() - t0);
          assert.equal(r.stdout.trim(), 'active', `is-active during the flood (query ${i}): ${r.stdout}${r.stderr}\n${d.output.slice(-3000)}`);
          rssMax = Math.max(rssMax, rssKb(pid));
          await sleep(1000);
        }
        const fr = await flood;
        assert.equal(fr.code, 0, fr.stderr);
        rssMax = Math.max(rssMax, rssKb(pid));
        await sleep(1000);
        assert.equal((await d.ctl(['stop', 'ticker.service'])).code, 0);
      } finally { code = await d.stop(); }
      assert.equal(code, 0);
      t.diagnostic(`flood: is-active answered in ${answers.join(', ')} ms; manager RSS ${rssBefore} kB before, at most ${rssMax} kB during`);
      assert.ok(rssMax - rssBefore < 256 * 1024, `manager RSS grew by ${rssMax - rssBefore} kB during the flood`);

      const mids = fs.readdirSync(path.join(dir, 'rj'));
      const jdir = path.join(dir, 'rj', mids[0]!);
      const json = (args: string[]): Array<Record<string, string>> => {
        const r = journalctl(['-D', jdir, '-o', 'json', '--all', ...args]);
        assert.ok(r.code === 0 || r.code === 1, r.stderr);
        const t = r.stdout.toString().trim();
        return t ? t.split('\n').map((l) => JSON.parse(l) as Record<string, string>) : [];
      };
      const dropped = json([`MESSAGE_ID=${SD_MESSAGE_JOURNAL_DROPPED}`]);
      assert.ok(dropped.length >= 1, 'a "Suppressed" message was written');
      for (const e of dropped) assert.match(e.MESSAGE ?? '', /^Suppressed \d+ messages from flood\.service$/);
      const suppressed = dropped.reduce((n, e) => n + Number(/\d+/.exec(e.MESSAGE ?? '')?.[0] ?? 0), 0);
      const stored = json(['-u', 'flood.service', 'SYSLOG_IDENTIFIER=flooder']).length;
      t.diagnostic(`flood: ${stored} lines stored, ${suppressed} suppressed in ${dropped.length} messages`);
      assert.ok(stored >= 1000, `at least one burst of flood lines is stored (${stored})`);
      assert.ok(suppressed > stored, `most of the flood was suppressed (${suppressed} vs ${stored} stored)`);

      const ticks = json(['-u', 'ticker.service', 'SYSLOG_IDENTIFIER=ticker']).map((e) => e.MESSAGE);
      const last = Math.max(...ticks.map((m) => Number(/^tick (\d+)$/.exec(m ?? '')?.[1] ?? 0)));
      assert.ok(last >= 50, `the ticker ran through the flood (last tick ${last})`);
      const missing = Array.from({ length: last }, (_, i) => `tick ${i + 1}`).filter((m) => !ticks.includes(m));
      assert.deepEqual(missing, [], 'no line of the other unit is lost');

      const messages = fs.existsSync(path.join(dir, 'messages')) ? fs.readFileSync(path.join(dir, 'messages'), 'utf8') : '';
      assert.match(messages, /ticker\[\d+\]: tick \d+/, `forwarded lines reach syslogd:\n${messages.slice(0, 1000)}`);
    } finally { if (!process.env.KEEP) fs.rmSync(dir, { recursive: true, force: true }); else console.log("KEPT", dir); }
  });
