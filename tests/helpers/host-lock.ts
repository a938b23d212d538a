// A lock shared by every test process on this machine, for tests whose real daemons write fixed host paths
// (/run/nginx.pid, /run/redis, /run/sshd, /run/crond.pid): two test suites running side by side take turns
// there instead of clobbering each other's files. mkdir is atomic; the owner's pid is recorded, and a lock
// whose owner is gone (a killed run) is taken over.
import * as fs from 'node:fs';
import * as path from 'node:path';

const DIR = fs.existsSync('/run/lock') ? '/run/lock' : '/tmp';

function ownerAlive(lock: string): boolean {
  try {
    const pid = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
    if (!pid) return true;   // being created right now
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Waits (polling, up to `timeoutMs`) for the host-wide lock `name`; returns its release function. */
export async function hostLock(name: string, timeoutMs = 900_000): Promise<() => void> {
  const lock = path.join(DIR, `tsysd-test-${name}.lock`);
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      return () => { fs.rmSync(lock, { recursive: true, force: true }); };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // a lock without a live owner (its pid file written a moment after mkdir: give it a second)
      const st = fs.statSync(lock, { throwIfNoEntry: false });
      if (st && Date.now() - st.mtimeMs > 1000 && !ownerAlive(lock)) { fs.rmSync(lock, { recursive: true, force: true }); continue; }
      if (Date.now() > until) throw new Error(`host lock ${lock} held by another test run for ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
