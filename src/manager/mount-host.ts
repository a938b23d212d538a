// The host of mount, swap, automount and device units (src/units/{mount,swap,automount,device}): process
// control from UnitHost, plus the kernel tables (through the manager's MountTable), mount point creation,
// device presence and the container flag, all through the Platform.
import type { UnitConfig } from '../directives/types';
import type { AutomountHost } from '../units/automount/machine';
import type { DeviceHost } from '../units/device/machine';
import type { MountHost } from '../units/mount/machine';
import type { SwapHost } from '../units/swap/machine';
import type { Manager } from './manager';
import { UnitHost } from './unit-host';

/** unit_type_supported() for the types whose support depends on the machine: swap units need a host that
 *  is not a container, automount units the kernel's /dev/autofs, device units a writable /sys. */
export function typeSupported(m: Manager, type: string): boolean {
  if (type === 'swap') return m.container === '';
  if (type === 'automount') return m.platform.exists('/dev/autofs');
  if (type === 'device') return m.conditionEnv.readOnlyFs('/sys/') !== true;
  return true;
}

export class MountUnitHost extends UnitHost implements MountHost, SwapHost, AutomountHost, DeviceHost {
  constructor(private readonly mm: Manager, cfg: UnitConfig) { super(mm, cfg); }
  isMounted(where: string): boolean { return this.mm.mounts.isMounted(where); }
  isSwapOn(what: string): boolean { return this.mm.mounts.isSwapOn(what); }
  prepareMountPoint(path: string, mode: number): void {
    const r = this.mm.platform.mkdirp(path, mode);
    if (r < 0 && r !== -17) this.mm.unitLog(this.cfg.id, 'warning', `Failed to create mount point '${path}', ignoring: ${this.mm.platform.strerror(-r)}`);
  }
  shuttingDown(): boolean { return this.mm.shuttingDown; }
  inContainer(): boolean { return this.mm.container !== ''; }
  autofsAvailable(): boolean { return typeSupported(this.mm, 'automount'); }
  devicesSupported(): boolean { return typeSupported(this.mm, 'device'); }
  deviceExists(path: string): boolean {
    const m = /^\/sys\/subsystem\/net\/devices\/([^/]+)$/.exec(path);
    return this.mm.platform.exists(m ? `/sys/class/net/${m[1]}` : path);
  }
}
