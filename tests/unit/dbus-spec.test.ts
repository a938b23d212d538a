// systemd 252's D-Bus interfaces as tsysd serves them: the generated table (src/dbus/systemd/spec252.ts) is
// up to date with the fixtures captured from a real systemd 252 (tests/fixtures/dbus/), our Introspect
// output reproduces systemd's XML byte for byte for every interface we serve, every default value marshals
// with its property's signature, and show strings convert to the right D-Bus types.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generate, parseInterfaces, FIXTURES } from '../fixtures/dbus/generate';
import { interfaceXml, introspectXml } from '../../src/dbus/objects';
import { DEFAULTS, IFACES } from '../../src/dbus/systemd/spec252';
import { UINT64_MAX, fromShow, zero } from '../../src/dbus/systemd/values';
import { encode, MessageType, variant } from '../../src/dbus/wire';

const SPEC_FILE = path.join(__dirname, '..', '..', '..', 'src', 'dbus', 'systemd', 'spec252.ts');

test('spec252.ts is generated from the systemd 252 fixtures (regenerate with dist/tests/fixtures/dbus/generate.js)', () => {
  assert.equal(fs.readFileSync(SPEC_FILE, 'utf8'), generate());
});

test('every systemd1 interface block of Introspect is byte-identical to systemd 252\'s', () => {
  const files = ['manager', 'service', 'socket', 'target', 'timer', 'path', 'mount', 'slice', 'scope', 'automount', 'device', 'job', 'notfound'];
  let n = 0;
  for (const f of files) {
    const xml = fs.readFileSync(path.join(FIXTURES, `${f}.xml`), 'utf8');
    for (const m of xml.matchAll(/ <interface name="(org\.freedesktop\.systemd1\.[^"]+)">[\s\S]*?<\/interface>\n/g)) {
      const spec = IFACES[m[1] as string];
      assert.ok(spec, `${m[1]} is served`);
      assert.equal(interfaceXml(spec), m[0], `${f}.xml: ${m[1]}`);
      n++;
    }
  }
  assert.ok(n >= 13);
  // The standard interfaces and the document frame, too (root.xml: no systemd1 interface, one child).
  // (busctl adds one newline after the document)
  assert.equal(`${introspectXml(null, ['org'])}\n`, fs.readFileSync(path.join(FIXTURES, 'root.xml'), 'utf8'));
});

test('the parsed XML and the table agree on every property signature', () => {
  let props = 0;
  for (const f of ['manager', 'service', 'socket', 'target', 'timer', 'path', 'mount', 'slice', 'scope', 'job']) {
    for (const spec of parseInterfaces(fs.readFileSync(path.join(FIXTURES, `${f}.xml`), 'utf8'))) {
      const ours = IFACES[spec.name];
      assert.ok(ours);
      for (const p of spec.properties) {
        assert.equal(ours.properties.find((x) => x.name === p.name)?.type, p.type, `${spec.name}.${p.name}`);
        props++;
      }
    }
  }
  assert.ok(props > 1000, `${props} properties checked`);
});

test('every default value and every zero value marshals with its signature', () => {
  for (const [iface, spec] of Object.entries(IFACES)) {
    const body: Record<string, unknown> = {};
    for (const p of spec.properties) {
      const d = DEFAULTS[iface]?.[p.name];
      const v = d !== undefined ? d : zero(p.type);
      assert.notEqual(v, null, `${iface}.${p.name}: no value`);   // bare structs too (Mount.RestrictFileSystems had none)
      body[p.name] = variant(p.type, v);
      // one property at a time, so a failure names it
      assert.doesNotThrow(() => encode({ type: MessageType.METHOD_RETURN, flags: 0, serial: 1, replySerial: 1, signature: 'v', body: [variant(p.type, v)] }), `${iface}.${p.name} (${p.type})`);
    }
    encode({ type: MessageType.METHOD_RETURN, flags: 0, serial: 1, replySerial: 1, signature: 'a{sv}', body: [body] });
  }
});

test('show strings → D-Bus values by signature', () => {
  assert.equal(fromShow('TimeoutStartUSec', 't', '1min 30s'), 90000000n);
  assert.equal(fromShow('RuntimeMaxUSec', 't', 'infinity'), UINT64_MAX);
  assert.equal(fromShow('WatchdogUSec', 't', '0'), 0n);
  assert.equal(fromShow('RestartUSec', 't', '100ms'), 100000n);
  // show prints nanosecond properties as plain nanoseconds (CPUUsageNSec=590000 is 590 µs, not 590000 s)
  assert.equal(fromShow('CPUUsageNSec', 't', '590000'), 590000n);
  assert.equal(fromShow('TimerSlackNSec', 't', '50us'), 50000n);
  assert.equal(fromShow('CPUUsageNSec', 't', '570000'), 570000n, 'show prints ns counters bare, already in ns');
  assert.equal(fromShow('CPUUsageNSec', 't', '[not set]'), UINT64_MAX);
  assert.equal(fromShow('UMask', 'u', '0022'), 0o22);
  assert.equal(fromShow('SocketMode', 'u', '0666'), 0o666);
  assert.equal(fromShow('UID', 'u', '[not set]'), 0xffffffff);
  assert.equal(fromShow('MainPID', 'u', '123'), 123);
  assert.equal(fromShow('ExecMainStatus', 'i', '-1'), -1);
  assert.equal(fromShow('RemainAfterExit', 'b', 'yes'), true);
  assert.equal(fromShow('RemainAfterExit', 'b', 'maybe'), null);
  assert.deepEqual(fromShow('Wants', 'as', 'a.service b.service'), ['a.service', 'b.service']);
  assert.deepEqual(fromShow('Wants', 'as', ''), []);
  assert.equal(fromShow('LimitNOFILE', 't', '524288'), 524288n);
  assert.equal(fromShow('LimitCORE', 't', 'infinity'), UINT64_MAX);
  assert.equal(fromShow('MainPID', 'u', 'x'), null);
});
