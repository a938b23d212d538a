// The web view's boot chart: `analyze plot` (src/analyze/plot.ts) over the in-process manager API instead
// of the control socket. Invariant: read-only calls only, each through the caller's `call` wrapper (the
// crash barrier).
import * as os from 'node:os';
import type { Caller } from '../rpc/api';
import { acquireBootTimes, acquireTimeData, bootTimesFromProperties, prettyBootTime, toUsec, UNIT_TIME_PROPERTIES, BootNotFinished } from '../analyze/timedata';
import { renderPlot } from '../analyze/plot';
import type { WebApi } from './server';

type Call = <T>(unit: string, fn: () => Promise<T>) => Promise<T>;

export async function renderBootChart(api: WebApi, caller: Caller, call: Call, version: string): Promise<{ ok: true; svg: string } | { ok: false; error: string }> {
  const [mgr, info] = await Promise.all([call('', () => api.show({ all: true }, caller)), call('', () => api.managerInfo({}, caller))]);
  const props = new Map(mgr.properties);
  let boot;
  try { boot = acquireBootTimes(bootTimesFromProperties(props), info.userMode ? 'user' : 'system'); } catch (e) {
    if (e instanceof BootNotFinished) return { ok: false, error: e.message };
    throw e;
  }
  const list = await call('', () => api.listUnits({ all: true }, caller));
  const raw = [];
  for (const u of list) {
    const p = new Map((await call(u.unit, () => api.show({ unit: u.unit, properties: [...UNIT_TIME_PROPERTIES], all: true }, caller))).properties);
    raw.push({ name: u.unit, activating: toUsec(p.get('InactiveExitTimestampMonotonic')), activated: toUsec(p.get('ActiveEnterTimestampMonotonic')), deactivating: toUsec(p.get('ActiveExitTimestampMonotonic')), deactivated: toUsec(p.get('InactiveEnterTimestampMonotonic')) });
  }
  const target = props.get('BootTarget') || 'default.target';
  const t = new Map((await call(target, () => api.show({ unit: target, properties: ['Id', 'ActiveEnterTimestampMonotonic'], all: true }, caller))).properties);
  const pretty = prettyBootTime(boot, { id: t.get('Id') ?? target, activated: toUsec(t.get('ActiveEnterTimestampMonotonic')) });
  const host = { hostname: os.hostname(), kernelName: os.type(), kernelRelease: os.release(), kernelVersion: os.version(), osPrettyName: '', virtualization: props.get('Virtualization') ?? '', architecture: props.get('Architecture') ?? '' };
  return { ok: true, svg: renderPlot(boot, acquireTimeData(boot, raw), pretty, host, { generator: { tool: 'tsysd web', version }, managerRow: 'tsysd' }) };
}
