// $MONITOR_* for services triggered by OnFailure=/OnSuccess= (systemd.exec(5), "Environment Variables Set
// or Propagated by the Service Manager"; service_get_triggering_service() + service_spawn() in systemd):
// the ExecStartPre= and ExecStart= commands of a service that exactly one unit names in OnFailure= or
// OnSuccess= get that unit's MONITOR_SERVICE_RESULT, MONITOR_EXIT_CODE/MONITOR_EXIT_STATUS (once its main
// process has exited), MONITOR_INVOCATION_ID (once it has one) and MONITOR_UNIT; with several candidates
// none is chosen ("multiple trigger source candidates ..., skipping"). Only a service can be the source.
// Owner: reliability (issue 12 #9). Pure apart from reading the given snapshot.
import { cldCodeName, signalName } from '../units/exit-status';
import type { PropValue } from '../units/types';

/** A unit naming the service in OnFailure=/OnSuccess=: its type and (when it has run) its properties. */
export interface TriggerCandidate { id: string; type: string; props: Record<string, PropValue> | null }

export function monitorEnvironment(candidates: readonly TriggerCandidate[]): { env: Record<string, string>; warning?: string } {
  if (candidates.length === 0) return { env: {} };
  if (candidates.length > 1) {
    return { env: {}, warning: `multiple trigger source candidates for exit status propagation (${candidates[0]?.id}, ${candidates[1]?.id}), skipping.` };
  }
  const c = candidates[0] as TriggerCandidate;
  if (c.type !== 'service') return { env: {} };
  const p = c.props ?? {};
  const env: Record<string, string> = { SERVICE_RESULT: typeof p['Result'] === 'string' ? p['Result'] : 'success' };
  const pid = typeof p['ExecMainPID'] === 'number' ? p['ExecMainPID'] : 0;
  const exit = p['ExecMainExitTimestamp'];
  const exited = typeof exit === 'object' && exit !== null && 'monotonic' in exit && exit.monotonic !== 0;
  if (pid > 0 && exited) {
    const code = typeof p['ExecMainCode'] === 'number' ? p['ExecMainCode'] : 0;
    const status = typeof p['ExecMainStatus'] === 'number' ? p['ExecMainStatus'] : 0;
    env['EXIT_CODE'] = cldCodeName(code as 0 | 1 | 2 | 3);
    env['EXIT_STATUS'] = code === 1 ? String(status) : signalName(status);
  }
  const inv = p['InvocationID'];
  if (typeof inv === 'string' && inv !== '' && !/^0+$/.test(inv)) env['INVOCATION_ID'] = inv;
  env['UNIT'] = c.id;
  return { env };
}
