import { CALL_STATES, FINAL_CALL_STATES, type CallState } from 'src/calls/call.entity';

// The call state machine: queued → initiated → ringing/answered → completed | busy | no_answer | failed | cancelled.
// Callbacks arrive out of order (a DiCE before its ACE, a duplicate ACE after the DiCE), so progress is monotonic:
// a state only moves forward by rank, and a final state is never left, with one exception: Sinch's own word (a
// DiCE or the reconciler) replaces a final state we set ourselves (markFailed), so billing is never dropped.

export type FinalCallState = 'completed' | 'busy' | 'no_answer' | 'failed' | 'cancelled';

export const STATE_RANK: Readonly<Record<CallState, number>> = {
  queued: 0,
  initiated: 1,
  ringing: 2,
  answered: 3,
  completed: 4,
  busy: 4,
  no_answer: 4,
  failed: 4,
  cancelled: 4,
};

export const isFinalState = (state: CallState): state is FinalCallState => FINAL_CALL_STATES.includes(state);

// Sinch's result/reason pair (DiCE or GET call) to our final state.
export function finalStateFor(result: string | undefined, reason: string | undefined): FinalCallState {
  switch ((result ?? '').toUpperCase()) {
    case 'ANSWERED':
      return 'completed';
    case 'BUSY':
      return 'busy';
    case 'NOANSWER':
      return 'no_answer';
    case 'FAILED':
      return 'failed';
  }
  // N/A: the call never connected; why decides between "nobody picked up", "we or the caller stopped it" and errors.
  switch ((reason ?? '').toUpperCase()) {
    case 'TIMEOUT':
      return 'no_answer';
    case 'CANCEL':
    case 'MANAGERHANGUP':
    case 'CALLERHANGUP':
    case 'CALLEEHANGUP':
      return 'cancelled';
    default:
      return 'failed';
  }
}

const FINAL_LIST = FINAL_CALL_STATES.map((s) => `'${s}'`).join(', ');

// The forward-only rule as SQL over a column, so one statement can apply it without reading the row first.
// Generated from STATE_RANK: the table above is the only definition (test/call-state.e2e-spec.ts runs it).
export function sqlProgress(column: string, target: string): string {
  const rank = (expr: string) => `(CASE ${expr} ${CALL_STATES.map((s) => `WHEN '${s}' THEN ${STATE_RANK[s]}`).join(' ')} ELSE -1 END)`;
  return `(CASE WHEN ${column} IN (${FINAL_LIST}) THEN ${column} WHEN ${rank(column)} < ${rank(target)} THEN ${target} ELSE ${column} END)`;
}

export const SQL_FINAL_STATES = FINAL_LIST;
