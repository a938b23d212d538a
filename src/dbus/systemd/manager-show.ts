// `tsysctl show` without a unit: the org.freedesktop.systemd1.Manager properties the D-Bus face serves,
// printed as systemctl 252 prints them from GetAll (bus_print_property()), so the real systemctl and tsysctl
// say the same. One exception on purpose: Version is tsysd's own here, while D-Bus clients get systemd's
// version number ("252 (tsysd)") because they compare it.
//
// Pure formatting over managerProperty(); no state of its own.
import type { Manager } from '../../manager/manager';
import { formatTimespan, shellMaybeQuote } from '../../directives/values';
import { formatTimestamp } from '../../manager/props';
import { IFACE_MANAGER, managerProperty } from './manager-iface';
import { IFACES } from './spec252';
import { UINT64_MAX } from './values';

/** A basic D-Bus value as systemctl prints it (null: a type systemctl prints specially; left out). */
export function formatBusValue(name: string, sig: string, v: unknown): string | null {
  switch (sig) {
    case 'b': return v ? 'yes' : 'no';
    case 's': case 'o': return typeof v === 'string' ? v : null;
    case 'q': case 'u': case 'n': case 'i': case 'd': return typeof v === 'number' ? String(v) : null;   // 'y': unprintable to systemctl
    case 't': case 'x': {
      if (typeof v !== 'bigint' && typeof v !== 'number') return null;
      const b = BigInt(v);
      if (name.endsWith('Timestamp')) return b === 0n || b === UINT64_MAX ? '' : formatTimestamp(Number(b));
      if (name.includes('USec')) return b === UINT64_MAX ? 'infinity' : formatTimespan(Number(b));
      if (b === UINT64_MAX && (name.startsWith('DefaultLimit') || name === 'DefaultTasksMax')) return 'infinity';
      return String(b);
    }
    case 'as': return Array.isArray(v) ? v.map((x) => shellMaybeQuote(String(x))).join(' ') : null;
    default: return null;
  }
}

/** The manager's `show` lines in systemd's property order (the caller drops empty values unless `all`);
 *  a value systemctl cannot print (ExitCode, a byte) is "[unprintable]" with `all`, left out otherwise. */
export function managerShowProperties(m: Manager, version: string, all: boolean): [string, string][] {
  const out: [string, string][] = [];
  for (const p of IFACES[IFACE_MANAGER]?.properties ?? []) {
    const v = p.name === 'Version' ? version : formatBusValue(p.name, p.type, managerProperty(m, p.name, version));
    if (v !== null) out.push([p.name, v]);
    else if (all) out.push([p.name, '[unprintable]']);
  }
  return out;
}
