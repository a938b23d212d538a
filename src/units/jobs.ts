// Mapping of machine request outcomes onto job handling (systemd job_run / job_perform_on_unit):
//   'done'   the job finishes now with result done
//   'wait'   the job keeps running; it completes from the machine's state reports
//   'retry'  EAGAIN: put the job back to waiting and run it again on the unit's next state change
//   {result} the job finishes now with that result
// Invariant: pure; the strings match src/engine's JobResult.
import type { ReloadOutcome, StartOutcome, StopOutcome } from './types';

export type JobOutcome = 'done' | 'wait' | 'retry' | { result: 'failed' | 'assert' | 'unsupported' | 'invalid' };

export function startJobOutcome(o: StartOutcome): JobOutcome {
  switch (o) {
    case 'started': return 'wait';
    case 'noop': return 'done';
    case 'again': return 'retry';
    case 'condition-failed': return 'done';          // unit stays inactive, ConditionResult=no
    case 'assert-failed': return { result: 'assert' };
    case 'start-limit-hit': return { result: 'failed' };
    case 'refused': return { result: 'failed' };
    case 'unsupported': return { result: 'unsupported' };
  }
}

export function stopJobOutcome(o: StopOutcome): JobOutcome {
  return o === 'noop' ? 'done' : o === 'again' ? 'retry' : 'wait';
}

export function reloadJobOutcome(o: ReloadOutcome): JobOutcome {
  switch (o) {
    case 'reloading': return 'wait';
    case 'done': return 'done';
    case 'again': return 'retry';
    case 'not-active': return { result: 'invalid' };
    case 'unsupported': return { result: 'invalid' };
  }
}
