// The machine for units tsysd cannot run: units that did not load (not-found, masked, bad-setting, error),
// and any unit type without a machine in src/units/registry.ts (today every type has one). It stays
// inactive; start answers 'unsupported' (the engine refuses non-loaded units before it gets here);
// stop is a no-op. `show` still works for them.
import type { UnitConfig, UnitType } from '../directives/types';
import { UnitBase } from '../units/base';
import type { UnitHost } from '../units/host';
import type { ActiveState, PropValue, ReloadOutcome, StartOutcome, StopOutcome, UnitMachine } from '../units/types';

export class UnsupportedMachine implements UnitMachine {
  readonly id: string;
  readonly base: UnitBase;
  constructor(readonly cfg: UnitConfig, host: UnitHost, readonly unitType: UnitType) {
    this.id = cfg.id;
    this.base = new UnitBase(cfg, host);
  }
  activeState(): ActiveState { return 'inactive'; }
  subState(): string { return 'dead'; }
  result(): string { return 'success'; }
  start(): StartOutcome { return 'unsupported'; }
  stop(): StopOutcome { return 'noop'; }
  reload(): ReloadOutcome { return 'unsupported'; }
  canReload(): boolean { return false; }
  resetFailed(): void { /* never fails */ }
  onChildExit(): void { /* no processes */ }
  onTimer(): void { /* no timers */ }
  invocationId(): string { return ''; }
  fail(): void { /* never runs */ }
  properties(): Record<string, PropValue> {
    return { ...this.base.baseProperties(), ActiveState: 'inactive', SubState: 'dead', Result: 'success' };
  }
}
