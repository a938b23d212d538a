// A stand-in for systemd's D-Bus API on a private dbus-daemon, so the REAL systemd-analyze 252 can be fed
// chosen timestamps and dependency lists: the oracle for tsysd's analyze algorithms (blame,
// critical-chain, dot, time, plot) on identical input.
// Serves exactly what systemd-analyze reads: org.freedesktop.systemd1.Manager.ListUnits, and
// org.freedesktop.DBus.Properties Get/GetAll on /org/freedesktop/systemd1 and on unit object paths
// (/org/freedesktop/systemd1/unit/<bus_label_escape(name)>). Invariants: only the bus and the names it
// owns are touched; stop() disconnects and stops the dbus-daemon this helper started (by its handle).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import type { Message as DbusMessage, MessageBus } from 'dbus-next';
import { startBus, HAVE_DBUS_DAEMON, type PrivateBus } from '../e2e/dbus-lib';

export { HAVE_DBUS_DAEMON };
export const HAVE_ANALYZE = fs.existsSync('/usr/bin/systemd-analyze');

export interface FakeUnit {
  id: string;
  activating?: number; activated?: number; deactivating?: number; deactivated?: number;   // µs monotonic
  deps?: Partial<Record<'After' | 'Before' | 'Requires' | 'Requisite' | 'Wants' | 'Conflicts', string[]>>;
  aliases?: string[];
  activeState?: string;
}

export interface FakeManager {
  /** Manager *TimestampMonotonic values by property name (e.g. UserspaceTimestampMonotonic). */
  timestamps: Record<string, number>;
  virtualization?: string;
  architecture?: string;
  units: FakeUnit[];
}

/** bus_label_escape(): [A-Za-z] kept, digits kept unless first, everything else _xx. */
export function busLabelEscape(s: string): string {
  if (s === '') return '_';
  let out = '';
  const bytes = Buffer.from(s, 'utf8');   // systemd escapes bytes, so a UTF-8 character becomes _xx_yy
  bytes.forEach((b, i) => {
    const c = String.fromCharCode(b);
    if (/[A-Za-z]/.test(c) || (i > 0 && /[0-9]/.test(c))) out += c;
    else out += '_' + b.toString(16).padStart(2, '0');
  });
  return out;
}

export function unitPath(name: string): string { return `/org/freedesktop/systemd1/unit/${busLabelEscape(name)}`; }

const MANAGER_TIMESTAMPS = ['Firmware', 'Loader', 'Kernel', 'InitRD', 'Userspace', 'Finish', 'SecurityStart', 'SecurityFinish',
  'GeneratorsStart', 'GeneratorsFinish', 'UnitsLoadStart', 'UnitsLoadFinish', 'InitRDSecurityStart', 'InitRDSecurityFinish',
  'InitRDGeneratorsStart', 'InitRDGeneratorsFinish', 'InitRDUnitsLoadStart', 'InitRDUnitsLoadFinish'];

export class FakeSystemdBus {
  private constructor(private readonly bus: PrivateBus, private readonly conn: MessageBus, readonly address: string) {}

  static async start(dir: string, m: FakeManager): Promise<FakeSystemdBus> {
    const bus = await startBus(path.join(dir, 'bus.sock'));
    const dbus = require('dbus-next') as typeof import('dbus-next');
    const conn = dbus.sessionBus({ busAddress: bus.address });
    const { Variant, Message } = dbus;
    const t = (v: number | undefined): InstanceType<typeof Variant> => new Variant('t', BigInt(Math.max(0, Math.round(v ?? 0))));
    const byName = new Map<string, FakeUnit>();
    for (const u of m.units) { byName.set(u.id, u); for (const a of u.aliases ?? []) byName.set(a, u); }
    const byPath = new Map<string, FakeUnit>();
    for (const [n, u] of byName) byPath.set(unitPath(n), u);

    const managerProps = (): Record<string, InstanceType<typeof Variant>> => {
      const o: Record<string, InstanceType<typeof Variant>> = {};
      for (const ph of MANAGER_TIMESTAMPS) {
        o[`${ph}Timestamp`] = t(ph === 'Kernel' ? m.timestamps.KernelTimestamp : 0);
        o[`${ph}TimestampMonotonic`] = t(m.timestamps[`${ph}TimestampMonotonic`]);
      }
      o.Virtualization = new Variant('s', m.virtualization ?? '');
      o.Architecture = new Variant('s', m.architecture ?? 'x86-64');
      o.Version = new Variant('s', '252');
      return o;
    };
    const unitProps = (u: FakeUnit): Record<string, InstanceType<typeof Variant>> => {
      const o: Record<string, InstanceType<typeof Variant>> = {
        Id: new Variant('s', u.id),
        Names: new Variant('as', [u.id, ...(u.aliases ?? [])]),
        InactiveExitTimestampMonotonic: t(u.activating),
        ActiveEnterTimestampMonotonic: t(u.activated),
        ActiveExitTimestampMonotonic: t(u.deactivating),
        InactiveEnterTimestampMonotonic: t(u.deactivated),
      };
      for (const k of ['After', 'Before', 'Requires', 'Requisite', 'Wants', 'Conflicts', 'Upholds'] as const) {
        o[k] = new Variant('as', (u.deps as Record<string, string[] | undefined> | undefined)?.[k] ?? []);
      }
      return o;
    };
    const propsAt = (p: string): Record<string, InstanceType<typeof Variant>> | null => {
      if (p === '/org/freedesktop/systemd1') return managerProps();
      const u = byPath.get(p);
      if (u) return unitProps(u);
      if (p.startsWith('/org/freedesktop/systemd1/unit/')) {
        // systemd loads an unknown name as not-found; Id is the name itself.
        return unitProps({ id: unescapeLabel(p.slice('/org/freedesktop/systemd1/unit/'.length)) });
      }
      return null;
    };

    conn.addMethodHandler((msg: DbusMessage): boolean => {
      if (msg.interface === 'org.freedesktop.systemd1.Manager' && msg.member === 'ListUnits') {
        const rows = m.units.map((u) => [u.id, u.id, 'loaded', u.activeState ?? 'active', 'running', '', unitPath(u.id), 0, '', '/']);
        conn.send(Message.newMethodReturn(msg, 'a(ssssssouso)', [rows]));
        return true;
      }
      if (msg.interface === 'org.freedesktop.DBus.Properties') {
        const props = propsAt(msg.path);
        if (!props) return false;
        if (msg.member === 'GetAll') { conn.send(Message.newMethodReturn(msg, 'a{sv}', [props])); return true; }
        if (msg.member === 'Get') {
          const v = props[String(msg.body[1])];
          if (!v) {
            conn.send(Message.newError(msg as unknown as string, 'org.freedesktop.DBus.Error.UnknownProperty', `Unknown property ${String(msg.body[1])}`));
            return true;
          }
          conn.send(Message.newMethodReturn(msg, 'v', [v]));
          return true;
        }
      }
      return false;
    });
    await conn.requestName('org.freedesktop.systemd1', 4);
    return new FakeSystemdBus(bus, conn, bus.address);
  }

  /** Run the real systemd-analyze against this bus (system scope through $DBUS_SYSTEM_BUS_ADDRESS, or
   *  --user through $DBUS_SESSION_BUS_ADDRESS); asynchronous, so this process keeps serving the bus. */
  analyze(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    // System scope needs sd_booted() (/run/systemd/system exists): give it a private mount namespace with
    // a tmpfs on /run/systemd, so nothing on the host changes.
    const system = !args.includes('--user');
    const cmd = system ? 'unshare' : 'systemd-analyze';
    const argv = system
      ? ['--mount', '--propagation', 'private', 'sh', '-c', 'mkdir -p /run/systemd && mount -t tmpfs tmpfs /run/systemd && mkdir /run/systemd/system && exec systemd-analyze "$@"', 'sh', '--no-pager', ...args]
      : ['--no-pager', ...args];
    return new Promise((resolve) => {
      const p = spawn(cmd, argv, {
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', SYSTEMD_COLORS: '0',
          DBUS_SYSTEM_BUS_ADDRESS: this.address, DBUS_SESSION_BUS_ADDRESS: this.address,
          XDG_RUNTIME_DIR: '/nonexistent-tsysd-test', SYSTEMD_LOG_LEVEL: 'info', ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (b: Buffer) => { stdout += b.toString(); });
      p.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
      const timer = setTimeout(() => p.kill('SIGKILL'), 30000);
      p.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? 1, stdout, stderr }); });
    });
  }

  async stop(): Promise<void> {
    try { this.conn.disconnect(); } catch { /* gone */ }
    await this.bus.stop();
  }
}

function unescapeLabel(s: string): string {
  if (s === '_') return '';
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '_' && /^[0-9a-f]{2}$/.test(s.slice(i + 1, i + 3))) { bytes.push(parseInt(s.slice(i + 1, i + 3), 16)); i += 2; }
    else bytes.push(s.charCodeAt(i));
  }
  return Buffer.from(bytes).toString('utf8');
}
