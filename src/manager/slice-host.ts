// The real host of a slice unit: its cgroup (below its parent slice) gets the slice's resource settings
// when the slice starts (src/exec/unit-resources.ts realizes the parent slices first).
import type { SliceHost } from '../units/slice/machine';
import { UnitHost } from './unit-host';

export class SliceUnitHost extends UnitHost implements SliceHost {
  realizeCgroup(): void { this.resources.apply((t) => this.log('warning', t)); }
  perpetual(): boolean { return this.cfg.id === '-.slice' || (!this.mgr.userMode && this.cfg.id === 'system.slice'); }
}
