// e2e: readCapture (src/manager/stdio.ts) on a real pipe from the real platform: lines split across reads,
// a UTF-8 character split between two writes, an over-long line cut at the limit, a last line without a
// newline, and the read end closed once every writer is gone (no fd left open).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRealPlatform } from '../../src/platform/real';
import { readCapture } from '../../src/manager/stdio';

const p = createRealPlatform({ reaper: false });
const openFds = (): number => fs.readdirSync('/proc/self/fd').length;

test('capture pipe: lines, split UTF-8, long lines, EOF closes the read end', async () => {
  const before = openFds();
  const pp = p.pipe(true, false);
  assert.ok(Array.isArray(pp));
  const [r, w] = pp;
  const lines: string[] = [];
  const done = new Promise<void>((resolve) => {
    readCapture(p, r, 10, (t) => { lines.push(t); if (t === 'tail') resolve(); });
  });
  const snow = Buffer.from('☃', 'utf8');   // 3 bytes
  fs.writeSync(w, Buffer.concat([Buffer.from('one\ntw'), snow.subarray(0, 1)]));
  await new Promise((res) => setTimeout(res, 30));
  fs.writeSync(w, Buffer.concat([snow.subarray(1), Buffer.from('o\r\n0123456789abc\ntail')]));
  fs.closeSync(w);
  await done;
  assert.deepEqual(lines, ['one', 'tw☃o', '0123456789', 'abc', 'tail']);
  for (let i = 0; i < 50 && openFds() > before; i++) await new Promise((res) => setTimeout(res, 10));
  assert.equal(openFds(), before, 'read end closed after EOF');
});

test('capture pipe: 1 MiB from a writer arrives whole', async () => {
  const pp = p.pipe(true, false);
  assert.ok(Array.isArray(pp));
  const [r, w] = pp;
  let total = 0;
  let count = 0;
  const done = new Promise<void>((resolve) => {
    readCapture(p, r, 4096, (t) => { total += t.length; count++; if (t === 'end') resolve(); });
  });
  const line = 'x'.repeat(1023) + '\n';
  // Write from a child process (the pipe's write end is blocking; the manager side is the reader).
  const { spawn } = require('node:child_process') as typeof import('node:child_process');
  const child = spawn(process.execPath, ['-e', `const fs=require('fs');for(let i=0;i<1024;i++)fs.writeSync(1,${JSON.stringify(line)});fs.writeSync(1,'end')`], { stdio: ['ignore', w, 'inherit'] });
  fs.closeSync(w);
  await done;
  await new Promise((res) => child.on('exit', res));
  assert.equal(count, 1025);
  assert.equal(total, 1024 * 1023 + 3);
});
