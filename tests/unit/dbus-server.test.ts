// The peer-to-peer D-Bus server core (src/dbus/): server-side SASL, framing, dispatch, the standard
// interfaces, signals, limits. Clients nobody here wrote: dbus-next's MessageBus and the real `busctl`
// (systemd 252) against a real unix socket.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as dbus from 'dbus-next';
import { AuthServer } from '../../src/dbus/auth';
import { Dispatcher, signalMessage, type InterfaceSpec, type ObjectTree } from '../../src/dbus/objects';
import { DbusServer, type DbusLimits } from '../../src/dbus/server';
import { escapePathElement, unescapePathElement } from '../../src/dbus/wire';

const hex = (s: string): string => Buffer.from(s).toString('hex');

test('SASL: systemctl-style handshake in one write, bytes after BEGIN are kept', () => {
  const a = new AuthServer(0, '0'.repeat(32));
  const tail = Buffer.from([0x6c, 1, 0, 1]);
  const r = a.feed(Buffer.concat([Buffer.from(`\0AUTH EXTERNAL\r\nDATA\r\nNEGOTIATE_UNIX_FD\r\nBEGIN\r\n`), tail]));
  assert.equal(r.out, `DATA\r\nOK ${'0'.repeat(32)}\r\nERROR\r\n`);
  assert.deepEqual(r.done, tail);
});

test('SASL: inline uid must match SO_PEERCRED; no NUL byte fails; BEGIN before auth is an ERROR', () => {
  const ok = new AuthServer(1000, 'a'.repeat(32)).feed(Buffer.from(`\0AUTH EXTERNAL ${hex('1000')}\r\nBEGIN\r\n`));
  assert.equal(ok.out, `OK ${'a'.repeat(32)}\r\n`);
  assert.ok(ok.done);
  const bad = new AuthServer(1000, 'a'.repeat(32)).feed(Buffer.from(`\0AUTH EXTERNAL ${hex('0')}\r\nBEGIN\r\n`));
  assert.equal(bad.out, 'REJECTED EXTERNAL\r\nERROR\r\n');
  assert.equal(bad.done, undefined);
  assert.ok(new AuthServer(0, 'a'.repeat(32)).feed(Buffer.from('AUTH EXTERNAL\r\n')).fail);
  const anon = new AuthServer(0, 'a'.repeat(32)).feed(Buffer.from('\0AUTH ANONYMOUS\r\nAUTH FOO\r\n'));
  assert.equal(anon.out, 'REJECTED EXTERNAL\r\nREJECTED EXTERNAL\r\n');
  // split across writes
  const s = new AuthServer(0, 'b'.repeat(32));
  assert.equal(s.feed(Buffer.from('\0AUTH EXT')).out, '');
  assert.equal(s.feed(Buffer.from(`ERNAL ${hex('0')}\r`)).out, '');
  assert.equal(s.feed(Buffer.from('\nBEGIN\r\n')).out, `OK ${'b'.repeat(32)}\r\n`);
});

test('object path escaping is sd_bus_path_encode\'s', () => {
  assert.equal(escapePathElement('foo-bar.service'), 'foo_2dbar_2eservice');
  assert.equal(escapePathElement('-.mount'), '_2d_2emount');
  assert.equal(escapePathElement('1x'), '_31x');
  assert.equal(escapePathElement('a_b@1.service'), 'a_5fb_401_2eservice');
  assert.equal(escapePathElement(''), '_');
  for (const s of ['foo-bar.service', '-.mount', 'ü@x.service', '', '9']) assert.equal(unescapePathElement(escapePathElement(s)), s);
  assert.equal(unescapePathElement('a_zz'), null);
});

const SPEC: InterfaceSpec = {
  name: 'org.example.Test',
  methods: [{ name: 'Echo', in: [{ name: 'x', type: 's' }], out: [{ name: 'y', type: 's' }] },
    { name: 'Boom', in: [], out: [] }, { name: 'Fire', in: [], out: [] }],
  properties: [{ name: 'Count', type: 't', access: 'read' }, { name: 'Name', type: 's', access: 'readwrite' },
    { name: 'Pairs', type: 'a(su)', access: 'read' }],
  signals: [{ name: 'Fired', args: [{ name: 'n', type: 'u' }] }],
};

async function harness(limits: Partial<DbusLimits> = {}, accept?: () => boolean): Promise<{ sock: string; server: DbusServer; state: { name: string }; close(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsysd-dbus-'));
  const sock = path.join(dir, 'private');
  const state = { name: 'hello' };
  let server: DbusServer | null = null;
  const tree: ObjectTree = {
    lookup: (p) => p !== '/org/example' ? null : {
      interfaces: [{
        spec: SPEC,
        get: (n) => n === 'Count' ? 42n : n === 'Name' ? state.name : n === 'Pairs' ? [['a', 1], ['b', 2]] : undefined,
        set: (n, v) => { if (n === 'Name') state.name = String(v); },
        call: (m, args) => {
          if (m === 'Boom') throw new Error('kaboom');
          if (m === 'Fire') { server?.broadcast(signalMessage('/org/example', SPEC.name, 'Fired', 'u', [7])); return []; }
          return [`${String(args[0])}!`];
        },
      }],
    },
    children: (p) => (p === '/' ? ['org'] : p === '/org' ? ['example'] : []),
  };
  const dispatcher = new Dispatcher({ tree, machineId: () => '0123456789abcdef0123456789abcdef' });
  server = new DbusServer({ path: sock, dispatcher, privileged: () => true, limits, accept });
  await server.listen();
  const s = server;
  return { sock, server: s, state, async close() { await s.close(); fs.rmSync(dir, { recursive: true, force: true }); } };
}

function call(bus: dbus.MessageBus, iface: string, member: string, signature = '', body: unknown[] = [], p = '/org/example'): Promise<dbus.Message | null> {
  return bus.call(new dbus.Message({ destination: 'org.example', path: p, interface: iface, member, signature, body }));
}

test('dbus-next as a client: methods, Properties Get/GetAll/Set, errors, Introspect, signals', async () => {
  const h = await harness();
  const bus = dbus.sessionBus({ busAddress: `unix:path=${h.sock}` });
  try {
    const r = await call(bus, 'org.example.Test', 'Echo', 's', ['hi']);
    assert.deepEqual(r?.body, ['hi!']);
    const g = await call(bus, 'org.freedesktop.DBus.Properties', 'Get', 'ss', ['org.example.Test', 'Count']);
    assert.ok(g);
    assert.equal((g.body[0] as dbus.Variant).signature, 't');
    assert.equal((g.body[0] as dbus.Variant).value, 42n);
    await call(bus, 'org.freedesktop.DBus.Properties', 'Set', 'ssv', ['org.example.Test', 'Name', new dbus.Variant('s', 'bye')]);
    assert.equal(h.state.name, 'bye');
    const all = await call(bus, 'org.freedesktop.DBus.Properties', 'GetAll', 's', ['org.example.Test']);
    const props = all?.body[0] as Record<string, dbus.Variant>;
    assert.deepEqual(Object.keys(props), ['Count', 'Name', 'Pairs']);
    assert.deepEqual(props.Pairs?.value, [['a', 1], ['b', 2]]);
    await assert.rejects(call(bus, 'org.freedesktop.DBus.Properties', 'Set', 'ssv', ['org.example.Test', 'Count', new dbus.Variant('t', 1n)]),
      (e: dbus.DBusError) => e.type === 'org.freedesktop.DBus.Error.PropertyReadOnly');
    await assert.rejects(call(bus, 'org.freedesktop.DBus.Properties', 'Get', 'ss', ['org.example.Test', 'Nope']),
      (e: dbus.DBusError) => e.type === 'org.freedesktop.DBus.Error.UnknownProperty');
    await assert.rejects(call(bus, 'org.example.Test', 'Boom'), (e: dbus.DBusError) => e.type === 'org.freedesktop.DBus.Error.Failed' && e.text === 'kaboom');
    await assert.rejects(call(bus, 'org.example.Test', 'Echo', 'u', [1]),
      (e: dbus.DBusError) => e.type === 'org.freedesktop.DBus.Error.InvalidArgs' && /expecting 's'/.test(e.text));
    await assert.rejects(call(bus, 'org.example.Test', 'Echo', 's', ['x'], '/nope'), (e: dbus.DBusError) => e.type === 'org.freedesktop.DBus.Error.UnknownObject');
    await assert.rejects(call(bus, 'org.example.Nope', 'Echo', 's', ['x']), (e: dbus.DBusError) => e.type === 'org.freedesktop.DBus.Error.UnknownMethod');
    const x = await call(bus, 'org.freedesktop.DBus.Introspectable', 'Introspect', '', [], '/org');
    assert.match(String(x?.body[0]), /<node name="example"\/>/);
    const ping = await call(bus, 'org.freedesktop.DBus.Peer', 'Ping');
    assert.deepEqual(ping?.body, []);
    const got = new Promise<unknown[]>((resolve) => bus.on('message', (m: dbus.Message) => { if (m.member === 'Fired') resolve(m.body); }));
    await call(bus, 'org.example.Test', 'Fire');
    assert.deepEqual(await got, [7]);
  } finally { bus.disconnect(); await h.close(); }
});

test('hasConnections: false with no client, true while one is connected, false again after it left', async () => {
  // The systemd face builds no signals while this is false (a 10,000-unit boot's events are for nobody).
  const h = await harness();
  try {
    assert.equal(h.server.hasConnections(), false);
    const bus = dbus.sessionBus({ busAddress: `unix:path=${h.sock}` });
    assert.deepEqual((await call(bus, 'org.example.Test', 'Echo', 's', ['x']))?.body, ['x!']);
    assert.equal(h.server.hasConnections(), true);
    bus.disconnect();
    for (let i = 0; i < 200 && h.server.hasConnections(); i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(h.server.hasConnections(), false);
  } finally { await h.close(); }
});

const hasBusctl = spawnSync('sh', ['-c', 'command -v busctl']).status === 0;

test('the real busctl: introspect, call, get-property, set-property, tree', { skip: !hasBusctl && 'busctl not installed' }, async () => {
  const h = await harness();
  try {
    const bc = async (...args: string[]): Promise<{ code: number; out: string; err: string }> => {
      const { spawn } = await import('node:child_process');
      return new Promise((resolve) => {
        const p = spawn('busctl', [`--address=unix:path=${h.sock}`, ...args]);
        let out = ''; let err = '';
        p.stdout.on('data', (d: Buffer) => { out += d; });
        p.stderr.on('data', (d: Buffer) => { err += d; });
        p.on('close', (code) => resolve({ code: code ?? -1, out, err }));
      });
    };
    const i = await bc('introspect', 'org.example', '/org/example');
    assert.equal(i.code, 0, i.err);
    assert.match(i.out, /\.Count\s+property\s+t\s+42\s+emits-change/);
    assert.match(i.out, /\.Name\s+property\s+s\s+"hello"\s+emits-change writable/);
    assert.equal((await bc('call', 'org.example', '/org/example', 'org.example.Test', 'Echo', 's', 'hi')).out, 's "hi!"\n');
    assert.equal((await bc('set-property', 'org.example', '/org/example', 'org.example.Test', 'Name', 's', 'bye')).code, 0);
    assert.equal((await bc('get-property', 'org.example', '/org/example', 'org.example.Test', 'Name')).out, 's "bye"\n');
    assert.equal((await bc('get-property', 'org.example', '/org/example', 'org.example.Test', 'Pairs')).out, 'a(su) 2 "a" 1 "b" 2\n');
    const t = await bc('tree', 'org.example');
    assert.match(t.out, /\/org\/example/);
    const e = await bc('call', 'org.example', '/org/example', 'org.example.Test', 'Boom');
    assert.notEqual(e.code, 0);
    assert.match(e.err, /kaboom/);
  } finally { await h.close(); }
});

function rawConnect(sock: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => { const s = net.connect(sock, () => resolve(s)); s.on('error', reject); });
}
function closed(s: net.Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (s.destroyed) { resolve(true); return; }
    const t = setTimeout(() => resolve(false), ms);
    s.on('close', () => { clearTimeout(t); resolve(true); });
    s.on('error', () => undefined);
    s.resume();   // a socket nobody reads never sees the EOF
  });
}

test('limits: oversized message, garbage after BEGIN, broken handshake, connection cap, refused peers', async () => {
  const h = await harness({ maxConnections: 3, maxMessageBytes: 4096 });
  try {
    const big = await rawConnect(h.sock);
    const hdr = Buffer.alloc(16);
    hdr.write('l', 0); hdr[1] = 1; hdr[3] = 1; hdr.writeUInt32LE(1 << 20, 4); hdr.writeUInt32LE(1, 8); hdr.writeUInt32LE(0, 12);
    big.write(Buffer.concat([Buffer.from(`\0AUTH EXTERNAL\r\nDATA\r\nBEGIN\r\n`), hdr]));
    assert.ok(await closed(big, 5000), 'oversized message closes the connection');
    const junk = await rawConnect(h.sock);
    junk.write(Buffer.concat([Buffer.from(`\0AUTH EXTERNAL\r\nDATA\r\nBEGIN\r\n`), Buffer.alloc(32, 0x41)]));
    assert.ok(await closed(junk, 5000), 'garbage closes the connection');
    const nonul = await rawConnect(h.sock);
    nonul.write('AUTH EXTERNAL\r\n');
    assert.ok(await closed(nonul, 5000));
    const keep = await Promise.all([rawConnect(h.sock), rawConnect(h.sock), rawConnect(h.sock)]);
    await new Promise((r) => setTimeout(r, 100));
    const extra = await rawConnect(h.sock);
    assert.ok(await closed(extra, 5000), 'above the cap: closed at once');
    for (const k of keep) k.destroy();
  } finally { await h.close(); }
  const r = await harness({}, () => false);
  try {
    const s = await rawConnect(r.sock);
    assert.ok(await closed(s, 5000), 'a refused peer is closed at once');
  } finally { await r.close(); }
});

test('a client that never reads signals is dropped; memory stays bounded', async () => {
  const h = await harness({ maxOutputBufferBytes: 64 << 10 });
  try {
    const hog = await rawConnect(h.sock);
    hog.write(`\0AUTH EXTERNAL\r\nDATA\r\nBEGIN\r\n`);
    await new Promise((r) => setTimeout(r, 100));
    hog.pause();
    const payload = 'x'.repeat(4096);
    for (let i = 0; i < 2000 && h.server.connectionCount > 0; i++) {
      h.server.broadcast(signalMessage('/org/example', 'org.example.Test', 'Fired', 's', [payload]));
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    const end = Date.now() + 15000;
    while (h.server.connectionCount > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    assert.equal(h.server.connectionCount, 0, 'the non-reading client was dropped');
    hog.destroy();
  } finally { await h.close(); }
});
