// SystemCallFilter=/SystemCallLog= list semantics of systemd 252 (load-fragment.c config_parse_syscall_filter,
// seccomp-util.c seccomp_parse_syscall_filter): the first assignment decides allow list or deny list ('~'),
// an allow list starts from @default, later assignments add to or remove from the same map, "name:errno"
// sets a per-call errno (deny lists only), @groups expand recursively. Pure: names are kept as written by
// the group table; the exec helper resolves them with libseccomp and skips the ones it does not know.
import { SYSCALL_GROUP_TABLE } from './syscall-groups';
import { ERRNO_NAMES } from './linux-names';
import { SECCOMP_KILL } from './types';

const GROUPS = new Map(SYSCALL_GROUP_TABLE.map((g) => [g.name, g.members]));

export function syscallGroup(name: string): readonly string[] | undefined { return GROUPS.get(name); }

/** Every system call name a group stands for (nested groups expanded), in table order, no duplicates. */
export function expandGroup(name: string, seen: Set<string> = new Set()): string[] {
  const out: string[] = [];
  const members = GROUPS.get(name);
  if (!members || seen.has(name)) return out;
  seen.add(name);
  for (const m of members) {
    if (m.startsWith('@')) out.push(...expandGroup(m, seen));
    else out.push(m);
  }
  return [...new Set(out)];
}

/** parse_errno() + "kill": a number 1..4095 or an E* name; null when invalid. */
export function parseErrno(s: string): number | null {
  if (s === 'kill') return SECCOMP_KILL;
  if (/^[0-9]+$/.test(s)) { const n = Number(s); return n >= 1 && n <= 4095 ? n : null; }
  const n = ERRNO_NAMES[s];
  return n === undefined ? null : n;
}

export interface SyscallList { allowList: boolean; calls: Map<string, number> }

/** Adds one SystemCallFilter= value to `cur` (null = not set yet); returns the new state and warnings. */
export function applySyscallFilter(cur: SyscallList | null, value: string, words: string[], isLog: boolean): { list: SyscallList; warnings: string[] } {
  const warnings: string[] = [];
  const invert = value.startsWith('~');
  let list = cur;
  if (!list) {
    list = { allowList: !invert, calls: new Map() };
    if (!invert && !isLog) for (const c of expandGroup('@default')) list.calls.set(c, -1);
  }
  for (const word of words) {
    let name = word;
    let num = -1;
    const colon = word.indexOf(':');
    if (colon >= 0 && !isLog) {
      const e = parseErrno(word.slice(colon + 1));
      name = word.slice(0, colon);
      if (e === null || name === '') { warnings.push(`Failed to parse syscall:errno, ignoring: ${word}`); continue; }
      num = e;
    }
    if (!invert && num >= 0) { warnings.push(`Allow-listed system calls cannot take error number, ignoring: ${word}`); continue; }
    const names = name.startsWith('@') ? (GROUPS.has(name) ? expandGroup(name) : null) : [name];
    if (!names) continue;   // unknown group: the row's validation warned already
    // seccomp_parse_syscall_filter(): add when (not inverted) == allow list, or an inverted errno entry on
    // an allow list; otherwise remove.
    const add = (!invert === list.allowList) || (invert && list.allowList && num >= 0);
    for (const n of names) {
      if (add) list.calls.set(n, num);
      else list.calls.delete(n);
    }
  }
  return { list, warnings };
}
