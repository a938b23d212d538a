// e2e oracle for the intake parsers: the same crafted syslog datagrams, native datagrams and stdout streams
// go to the real systemd-journald (throwaway namespace) and through our parsers; the fields journald stored
// (minus the trusted ones it adds from the sender's credentials) equal the fields our parsers produce.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseSyslog } from '../../src/journal/intake/syslog';
import { parseNative } from '../../src/journal/intake/native';
import { StreamParser, streamLineFields, type StreamHeader } from '../../src/journal/intake/stream';
import { journaldAvailable, runJournald } from '../helpers/journald';
import { JOURNALCTL, journalctl, parseExport, tmpdir } from '../unit/journal-helpers';

const SYSLOG = [
  '<11>Dec  5 15:08:06 myapp[123]: something failed',
  'no header at all\n',
  '<0>Jan 10 01:02:03 kern: x',
  '<13>Feb 29 23:59:59 app: tabs\tinside',
  '  <14>  leading blanks',
  '<30>Dec 25 12:00:00 daemon[7]:no-space',
  '<999>bad pri',
  '<13>just pri',
  '<13>Dec  5 15:08:06 [55]: empty ident',
  'with\0nul byte',
  '<13>Dec  5 15:08:06 a:b: c',
];

const NATIVE = [
  'MESSAGE=hello\nPRIORITY=3\nSYSLOG_IDENTIFIER=app\n# comment\n_PID=1\nbad-name=x\nSYSLOG_FACILITY=10\n',
  'MESSAGE=x\nNOISE',
  'MESSAGE=first\n\nMESSAGE=second\nPRIORITY=7\n',
  'A=1\nMESSAGE=trailing\n',
];

const STREAMS = [
  'myid\n\n6\n1\n0\n0\n0\nplain\n<3>error line  \r\n<9>not a level\n\n   \nnul\0tail at eof',
  '\n\n30\nno\n0\n0\n0\n<3>kept\nlast\n',
];

const TRUSTED = /^(_PID|_UID|_GID|_COMM|_EXE|_CMDLINE|_CAP_EFFECTIVE|_SELINUX_CONTEXT|_AUDIT_[A-Z]+|_SYSTEMD_[A-Z_]+|_SOURCE_REALTIME_TIMESTAMP|_BOOT_ID|_MACHINE_ID|_HOSTNAME|_RUNTIME_SCOPE|_STREAM_ID|__[A-Z_]+)=/;
const strip = (fs_: Buffer[]): string[] => fs_.map((f) => f.toString('latin1')).filter((f) => !TRUSTED.test(f)).sort();

test('syslog, native and stream parsing equal journald 252 on the same input', { skip: !journaldAvailable() || !JOURNALCTL }, () => {
  const dir = tmpdir('tsysd-jo-');
  try {
    const py = `
import socket, base64, json, os, time
d = json.loads(base64.b64decode(os.environ['INPUTS']))
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
for m in d['syslog']:
    s.sendto(base64.b64decode(m), os.environ['JDEVLOG']); time.sleep(0.02)
for m in d['native']:
    s.sendto(base64.b64decode(m), os.environ['JSOCK']); time.sleep(0.02)
for m in d['streams']:
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); c.connect(os.environ['JSTDOUT'])
    c.sendall(base64.b64decode(m)); time.sleep(0.05); c.close(); time.sleep(0.1)
`;
    fs.writeFileSync(path.join(dir, 'feed.py'), py);
    const b64 = (x: string): string => Buffer.from(x, 'latin1').toString('base64');
    const inputs = Buffer.from(JSON.stringify({ syslog: SYSLOG.map(b64), native: NATIVE.map(b64), streams: STREAMS.map(b64) })).toString('base64');
    const r = runJournald(`python3 ${path.join(dir, 'feed.py')}`, dir, { INPUTS: inputs });
    assert.equal(r.code, 0, r.output);
    const file = fs.readdirSync(dir).find((f) => f.endsWith('.journal'));
    assert.ok(file, r.output);
    const ex = journalctl(['--file', path.join(dir, file), '-o', 'export']);
    const got = parseExport(ex.stdout)
      .filter((e) => e.some((f) => /^_TRANSPORT=(syslog|journal|stdout)$/.test(f.toString('latin1'))))
      .map(strip);

    const want: string[][] = [];
    for (const m of SYSLOG) want.push(strip(parseSyslog(Buffer.from(m, 'latin1')).fields));
    for (const m of NATIVE) for (const e of parseNative(Buffer.from(m, 'latin1'), 0)) want.push(strip(e.fields));
    for (const m of STREAMS) {
      const p = new StreamParser(0);
      let h: StreamHeader | null = null;
      for (const ev of [...p.feed(Buffer.from(m, 'latin1')), ...p.end()]) {
        if (ev.kind === 'header') h = ev.header;
        if (ev.kind === 'line' && h) want.push(strip(streamLineFields(h, ev.line, 'x')));
      }
    }
    assert.ok(want.length >= 20, `${want.length} expected entries`);
    assert.deepEqual(got, want);
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
});
