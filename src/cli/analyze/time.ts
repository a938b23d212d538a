// `tsysd analyze time`: "Startup finished in ... (userspace)" from the manager's boot timestamps and the
// boot target's ActiveEnterTimestamp (systemd 252 analyze-time.c + pretty_boot_time()).
// Differs from systemd on purpose: the target named is the unit tsysd booted (--target, else
// default.target), since a container started with --target X never reaches default.target.
import type { RpcClient } from '../../rpc/client';
import { acquireBootTimes, prettyBootTime, toUsec, BootNotFinished, type BootTimes, type TargetTime } from '../../analyze/timedata';
import { fail, fetchManagerBoot, parseOrExit, runWithManager, type ManagerBoot } from './common';

/** The boot times, or exit 1 with systemd's "Bootup is not yet finished" text. */
export function bootTimesOrExit(m: ManagerBoot): BootTimes {
  try { return acquireBootTimes(m.raw, m.scope); } catch (e) {
    if (e instanceof BootNotFinished) fail(e.message);
    throw e;
  }
}

export async function targetTime(c: RpcClient, target: string): Promise<TargetTime> {
  try {
    const r = await c.call('show', { unit: target, properties: ['Id', 'ActiveEnterTimestampMonotonic'], all: true });
    const p = new Map(r.properties);
    const id = p.get('Id') ?? r.unit;
    const v = p.get('ActiveEnterTimestampMonotonic');
    return { id, activated: v === undefined ? null : toUsec(v) };
  } catch (e) {
    process.stderr.write(`${target} doesn't seem to exist, ignoring: ${(e as Error).message}\n`);
    return { id: null, activated: null };
  }
}

export async function prettyTimes(c: RpcClient, m: ManagerBoot, boot: BootTimes): Promise<string> {
  return prettyBootTime(boot, await targetTime(c, m.bootTarget));
}

export async function run(argv: string[]): Promise<number> {
  const o = parseOrExit(argv);
  if (typeof o === 'number') return o;
  if (o.args.length) { process.stderr.write('This command expects no arguments.\n'); return 1; }
  return runWithManager(o, async (c) => {
    const m = await fetchManagerBoot(c);
    const boot = bootTimesOrExit(m);
    process.stdout.write(`${await prettyTimes(c, m, boot)}\n`);
    return 0;
  });
}
