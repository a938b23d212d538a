// Test support (not a test file): builds a ServiceMachine on a FakeHost and delivers process exits.
import type { ServiceSection } from '../../src/directives/types';
import { parseNotify } from '../../src/notify/parse';
import { ServiceMachine } from '../../src/units/service/machine';
import { FakeHost, svcConfig, type UnitOver } from './units-fake';

export interface Rig {
  m: ServiceMachine;
  h: FakeHost;
  /** Process `pid` exited with `code` (or was killed by `signal`). */
  exit(pid: number, code: number, signal?: number, core?: boolean): void;
  notify(text: string, pid?: number, uid?: number, fds?: number[]): void;
  state(): string;
}

export function rig(over: Partial<ServiceSection> = {}, o: UnitOver = {}, id = 'test.service'): Rig {
  const h = new FakeHost();
  const m = new ServiceMachine(svcConfig(over, o, id), h);
  h.target = m;
  return {
    m, h,
    exit(pid, code, signal = 0, core = false) {
      h.alive.delete(pid); h.others.delete(pid); h.outside.delete(pid);
      m.onChildExit(pid, { code, signal, core });
    },
    notify(text, pid, uid = 1000, fds = []) {
      m.onNotify(parseNotify(text), { pid: pid ?? m.mainPid, uid }, fds);
    },
    state() { return `${m.activeState()}/${m.subState()}`; },
  };
}
