import { nextOpening, type CallingWindow } from './calling-window';

// What one attempt to reach a contact came to, as the campaign sees it (not Sinch's result/reason pair).
export const RETRYABLE_OUTCOMES = ['busy', 'no_answer', 'failed', 'machine'] as const;
export type RetryableOutcome = (typeof RETRYABLE_OUTCOMES)[number];
// abandoned: a person answered a progressive or predictive call and no agent took them within the connect delay
// (they heard the abandon message).
export type AttemptOutcome = RetryableOutcome | 'answered' | 'opted_out' | 'abandoned';

export interface RetryRule {
  // Seconds to wait before the next attempt (then the calling window must also be open).
  delayS: number;
  // The most attempts a contact gets when its latest attempt ended this way; 1 = never retried.
  maxAttempts: number;
}

export type RetryPolicy = Record<RetryableOutcome, RetryRule>;

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  busy: { delayS: 600, maxAttempts: 3 },
  no_answer: { delayS: 3600, maxAttempts: 3 },
  failed: { delayS: 1800, maxAttempts: 2 },
  machine: { delayS: 4 * 3600, maxAttempts: 2 },
};

export const RETRY_LIMITS = { maxDelayS: 7 * 86_400, maxAttempts: 20 } as const;

// skipped: not called again because the campaign ended (completed or cancelled) first.
export type FinalContactStatus = 'completed' | 'failed' | 'exhausted' | 'dnc' | 'skipped';

export type ContactDecision =
  { kind: 'final'; status: FinalContactStatus; outcome: AttemptOutcome } | { kind: 'retry'; at: Date; outcome: RetryableOutcome | 'abandoned' };

// An abandoned callee is called again no sooner than this: Ofcom's rule (persistent misuse policy) allows a repeat
// call within 72 hours of an abandoned one only with a live agent guaranteed, which a predictive campaign does not
// give.
export const ABANDONED_RETRY_MIN_DELAY_S = 72 * 3600;

export interface AttemptFacts {
  // The call's final state (src/calls/call-state.ts FinalCallState).
  callState: 'completed' | 'busy' | 'no_answer' | 'failed' | 'cancelled';
  // Sinch AMD said an answering machine picked up.
  machine: boolean;
  // The callee pressed the opt-out key, or the number was put on a do-not-call list meanwhile.
  optedOut: boolean;
  // A person answered and was abandoned (no agent within the connect delay; agent dial modes only).
  abandoned?: boolean;
}

export function classifyAttempt(facts: AttemptFacts): AttemptOutcome {
  if (facts.optedOut) return 'opted_out';
  switch (facts.callState) {
    case 'completed':
      if (facts.machine) return 'machine';
      return facts.abandoned ? 'abandoned' : 'answered';
    case 'busy':
      return 'busy';
    case 'no_answer':
      return 'no_answer';
    // `cancelled` is a call stopped before it connected (by us or the network): not an answer, so a failure.
    case 'failed':
    case 'cancelled':
      return 'failed';
  }
}

export interface DecisionInput {
  outcome: AttemptOutcome;
  // Attempts made so far, this one included.
  attempts: number;
  policy: RetryPolicy;
  now: Date;
  // The retry waits for the contact's calling window as well as the delay.
  window: CallingWindow;
  zone: string;
  // A machine that heard the campaign's message counts as delivered once the retries are spent.
  machineLeavesMessage: boolean;
}

// Answered and opted out are final at once; the rest retry after their delay until their attempt budget is spent.
// The budget is counted over all attempts, so mixed outcomes (busy, then no answer) never exceed the largest limit.
export function decideNext(input: DecisionInput): ContactDecision {
  const { outcome } = input;
  if (outcome === 'answered') return { kind: 'final', status: 'completed', outcome };
  if (outcome === 'opted_out') return { kind: 'final', status: 'dnc', outcome };
  // Abandoned: reached but not served, so called again within the no-answer rule's attempts, after its delay and at
  // least ABANDONED_RETRY_MIN_DELAY_S; once they are spent, completed (the person heard who called).
  if (outcome === 'abandoned') {
    const rule = input.policy.no_answer;
    if (input.attempts >= rule.maxAttempts) return { kind: 'final', status: 'completed', outcome };
    const earliest = new Date(input.now.getTime() + Math.max(rule.delayS, ABANDONED_RETRY_MIN_DELAY_S) * 1000);
    return { kind: 'retry', at: nextOpening(input.window, input.zone, earliest), outcome };
  }
  const rule = input.policy[outcome];
  if (input.attempts < rule.maxAttempts) {
    const earliest = new Date(input.now.getTime() + rule.delayS * 1000);
    return { kind: 'retry', at: nextOpening(input.window, input.zone, earliest), outcome };
  }
  if (outcome === 'failed') return { kind: 'final', status: 'failed', outcome };
  if (outcome === 'machine' && input.machineLeavesMessage) return { kind: 'final', status: 'completed', outcome };
  return { kind: 'final', status: 'exhausted', outcome };
}
