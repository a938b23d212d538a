// `systemctl clean UNIT [--what=...]` for the rpc (systemd 252 unit_clean / service_clean): the unit must be
// an inactive or failed service without a job; its RuntimeDirectory=/StateDirectory=/CacheDirectory=/
// LogsDirectory=/ConfigurationDirectory= trees of the chosen kinds (default cache and runtime) are removed.
// Errors carry systemd's bus error texts.
import { CLEAN_KINDS, cleanDirectories, dirRoots } from '../exec/dirs';
import { RpcError, errors } from '../rpc/errors';
import { ErrorCode } from '../rpc/protocol';
import type { Manager } from './manager';

export function cleanUnit(m: Manager, unit: string, what: string[]): void {
  const kinds = new Set<string>();
  for (const w of what.length ? what : ['cache', 'runtime']) {
    if (w === 'all') for (const k of CLEAN_KINDS) kinds.add(k);
    else if ((CLEAN_KINDS as readonly string[]).includes(w)) kinds.add(w);
    else throw errors.invalidArgument(`Invalid resource type: ${w}`);
  }
  const u = m.engine.graph.unit(unit);
  if (u.loadState === 'not-found') throw errors.invalidArgument(`Unit ${unit} not found.`);
  if (u.config.type !== 'service') throw new RpcError(ErrorCode.INVALID_ARGUMENT, `Unit '${u.id}' does not support cleaning.`);
  const rt = m.peekRuntime(u.id);
  const state = rt ? rt.machine.activeState() : 'inactive';
  if ((state !== 'inactive' && state !== 'failed') || u.job) throw new RpcError(ErrorCode.INVALID_ARGUMENT, 'Unit is not inactive or has pending job.');
  const paths = cleanDirectories(u.config.exec, dirRoots({ userMode: m.userMode }, m.homeDir), kinds);
  if (!paths.length) throw new RpcError(ErrorCode.INVALID_ARGUMENT, 'No matching resources found.');
  for (const p of paths) m.platform.removeTree(p);
  m.unitLog(u.id, 'info', `Cleaned ${[...kinds].join(', ')} directories.`);
}
