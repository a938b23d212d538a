// RLIMIT_NOFILE of the manager and of what it spawns, as systemd 252's main.c does it: the manager bumps its
// own soft and hard limit to the kernel's ceiling (fs.nr_open; never lower than what it inherited; the
// closest it may get without privilege), so 10,000 services with a pipe each never run it out of fds;
// children get the default systemd gives them (fallback_rlimit_nofile): soft min(inherited soft, 1024)
// because select() chokes on fds ≥ 1024, hard min(nr_open, max(inherited hard, 524288)) for the system
// manager and the inherited hard limit for a user manager — never above what the manager itself holds.
// Invariant: pure planning (planNofile) apart from applyNofile, which only touches this process's limit.

/** A limit; -1 = unlimited. */
export interface Nofile { soft: number; hard: number }

/** systemd's HIGH_RLIMIT_NOFILE and FD_SETSIZE */
export const HIGH_RLIMIT_NOFILE = 524288;
const FD_SETSIZE = 1024;

const big = (x: number): number => (x < 0 ? Number.MAX_SAFE_INTEGER : x);
const lim = (x: number): number => (x >= Number.MAX_SAFE_INTEGER ? -1 : x);

/** The manager's wanted limit, given what it inherited and fs.nr_open. */
export function managerNofile(inherited: Nofile, nrOpen: number): Nofile {
  return { soft: lim(Math.max(nrOpen, big(inherited.soft))), hard: lim(Math.max(nrOpen, big(inherited.hard))) };
}

/** The default limit of spawned processes: from what the manager inherited, capped by what it now holds. */
export function childNofile(inherited: Nofile, held: Nofile, nrOpen: number, system: boolean): Nofile {
  let hard = big(inherited.hard);
  if (system) hard = Math.min(nrOpen, Math.max(hard, HIGH_RLIMIT_NOFILE));
  hard = Math.min(hard, big(held.hard));
  const soft = Math.min(big(inherited.soft), FD_SETSIZE, hard);
  return { soft: lim(soft), hard: lim(hard) };
}

export interface NofileOps {
  getNofile(): Nofile | number;
  setNofile(soft: number, hard: number): number;
  nrOpen(): number;
}

/** Bump this process's limit (as setrlimit_closest: else soft up to the hard limit it has); returns the
 *  limit its children should get, or null when the limit cannot be read. */
export function applyNofile(ops: NofileOps, system: boolean): Nofile | null {
  const inherited = ops.getNofile();
  if (typeof inherited === 'number') return null;
  const nr = ops.nrOpen();
  const want = managerNofile(inherited, nr);
  if (ops.setNofile(want.soft, want.hard) < 0) ops.setNofile(inherited.hard, inherited.hard);
  const held = ops.getNofile();
  return childNofile(inherited, typeof held === 'number' ? inherited : held, nr, system);
}
