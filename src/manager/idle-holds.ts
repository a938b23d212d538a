// Type=idle: the write ends of the pipes idle commands wait on before they exec. Each is closed (releasing
// its command) once the job queue is empty, or after 5 s at the latest, as systemd does.
import type { Platform } from '../platform/types';

/** Longest hold of an idle command before it execs anyway (systemd: 5 s). */
const IDLE_HOLD_US = 5_000_000;

export class IdleHolds {
  private readonly holds = new Map<number, number>();
  constructor(private readonly platform: Platform, private readonly queueIdle: () => boolean) {}

  /** Close `fd` once the job queue is empty, or after 5 s. */
  hold(fd: number): void {
    this.holds.set(fd, this.platform.setTimer(IDLE_HOLD_US, () => this.release(fd)));
  }

  /** A job finished: release every hold once nothing is queued. */
  maybeIdle(): void {
    if (this.holds.size && this.queueIdle()) this.releaseAll();
  }

  releaseAll(): void { for (const fd of [...this.holds.keys()]) this.release(fd); }

  private release(fd: number): void {
    const t = this.holds.get(fd);
    if (t === undefined) return;
    this.platform.clearTimer(t);
    this.holds.delete(fd);
    this.platform.close(fd);
  }
}
