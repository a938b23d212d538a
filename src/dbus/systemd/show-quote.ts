// Which `show` properties of a unit are string lists (D-Bus `as`): systemctl prints each of their strings
// through shell_maybe_quote() (src/directives/values.ts). The show reply names them and the printer quotes;
// the show strings themselves stay unquoted, since tsysd's own readers (analyze, web, the D-Bus face) split
// them on spaces. Pure.
import { IFACES } from './spec252';

const LISTS = new Map<string, Set<string>>();

/** The `as` properties of a unit (its type interface and org.freedesktop.systemd1.Unit), by unit name. */
export function listProperties(unit: string): Set<string> {
  const type = /\.([a-z]+)$/.exec(unit)?.[1] ?? '';
  let l = LISTS.get(type);
  if (!l) {
    const iface = (n: string) => IFACES[n]?.properties ?? [];
    l = new Set([...iface(`org.freedesktop.systemd1.${type.charAt(0).toUpperCase()}${type.slice(1)}`), ...iface('org.freedesktop.systemd1.Unit')]
      .filter((p) => p.type === 'as').map((p) => p.name));
    LISTS.set(type, l);
  }
  return l;
}
