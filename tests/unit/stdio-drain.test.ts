// drainCaptures(): at exit the daemon reads what is still in the services' capture pipes, so the last lines a
// service wrote as it stopped are not lost (seen as a missing "db-proxy: SIGTERM, closing" in the kube e2e
// test about one run in four). A real FIFO as the capture pipe; the FakePlatform's poll never fires, as when
// the event loop has no turn left before the daemon exits.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FakePlatform } from '../../src/platform/fake';
import { drainCaptures, readCapture } from '../../src/manager/stdio';

test('drainCaptures reads the lines left in a capture pipe and the unterminated last one', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-drain-'));
  try {
    const fifo = path.join(dir, 'out');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    const rd = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const wr = fs.openSync(fifo, fs.constants.O_WRONLY);
    const p = new FakePlatform();
    const lines: string[] = [];
    readCapture(p, rd, 4096, (t) => lines.push(t));
    fs.writeSync(wr, 'db-proxy: listening\ndb-proxy: SIGTERM, closing\nno newline');
    assert.deepEqual(lines, [], 'nothing read before a poll wake-up');
    drainCaptures();
    assert.deepEqual(lines, ['db-proxy: listening', 'db-proxy: SIGTERM, closing', 'no newline']);
    fs.closeSync(wr);
    fs.closeSync(rd);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
