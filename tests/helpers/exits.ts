// Test helper: wait for a child's exit as reported by the platform's SIGCHLD reaper, whether the exit
// arrives before or after the test starts waiting for it.
import type { ChildExit, Platform } from '../../src/platform/types';

/** Returns waitExit(pid), fed by p.onChildExit from now on. */
export function exitWaiter(p: Pick<Platform, 'onChildExit'>): (pid: number) => Promise<ChildExit> {
  const waiters = new Map<number, (e: ChildExit) => void>();
  const early = new Map<number, ChildExit>();
  p.onChildExit((e) => {
    const w = waiters.get(e.pid);
    if (w) { waiters.delete(e.pid); w(e); } else early.set(e.pid, e);
  });
  return (pid: number): Promise<ChildExit> => {
    const e = early.get(pid);
    if (e) { early.delete(pid); return Promise.resolve(e); }
    return new Promise((res) => waiters.set(pid, res));
  };
}
