// Synthesized UnitConfig objects the engine needs without a loader: not-found placeholders (when the
// loader returns nothing) and implicit slices. Also the base for tests/unit/engine-factory.ts.
// Invariant: every field of the UnitConfig contract is filled with systemd's default.
import type { LoadState, UnitConfig, UnitType } from '../directives/types';
import { defaultConfig } from '../directives/defaults';

export function unitTypeOf(name: string): UnitType {
  const dot = name.lastIndexOf('.');
  return (dot < 0 ? 'service' : name.slice(dot + 1)) as UnitType;
}

export function splitName(name: string): { prefix: string; instance: string } {
  const dot = name.lastIndexOf('.');
  const base = dot < 0 ? name : name.slice(0, dot);
  const at = base.indexOf('@');
  return at < 0 ? { prefix: base, instance: '' } : { prefix: base.slice(0, at), instance: base.slice(at + 1) };
}

/** A UnitConfig with every default (the directive tables' own defaults); a `loadState` other than 'loaded'
 *  gives the placeholder systemd shows for not-found/masked/error units. */
export function synthesizeUnit(name: string, loadState: LoadState = 'not-found', loadError = ''): UnitConfig {
  const c = defaultConfig(name);
  c.type = unitTypeOf(name);
  if (c.type !== 'service') c.service = null;
  if (c.type !== 'socket') c.socket = null;
  c.loadState = loadState;
  c.loadError = loadError;
  if (loadState === 'masked') c.fragmentPath = '/dev/null';
  return c;
}
