import type { FieldProblem } from 'src/common/app-error';

// How a campaign's answered callees are served: `agentless` plays the message or menu (no agents); `progressive`
// places one call per free agent of the campaign's queue; `predictive` dials ahead of free agents from the recent
// answer, machine, ring and handle figures, under the abandon-rate cap.
export const DIAL_MODES = ['agentless', 'progressive', 'predictive'] as const;
export type DialMode = (typeof DIAL_MODES)[number];

// The legal ceiling (FTC Telemarketing Sales Rule, Ofcom): 3 % of calls answered by a person, over 30 days.
export const LEGAL_ABANDON_CAP_PERCENT = 3;
export const DEFAULT_CONNECT_DELAY_S = 2;
export const MAX_CONNECT_DELAY_S = 30;

export interface Dialing {
  mode: DialMode;
  // The inbound queue whose agents take the answered callees (progressive and predictive).
  queueId: string | null;
  // Most abandoned calls allowed, in percent of calls answered by a person.
  abandonCapPercent: number;
  // Required for a cap above the legal 3 %: who allowed it and why (kept with the campaign).
  capOverrideReason: string | null;
  // An answered callee who has no agent after this long hears the abandon message.
  connectDelayS: number;
  // What an abandoned callee hears; {{cli}} and {{campaign}} are filled in. null: DEFAULT_ABANDON_MESSAGE.
  abandonMessage: string | null;
}

export const AGENTLESS: Dialing = {
  mode: 'agentless',
  queueId: null,
  abandonCapPercent: LEGAL_ABANDON_CAP_PERCENT,
  capOverrideReason: null,
  connectDelayS: DEFAULT_CONNECT_DELAY_S,
  abandonMessage: null,
};

// Who called and how to stop the calls: what the rules ask of an abandoned call's message.
export const DEFAULT_ABANDON_MESSAGE =
  'Hello, this was a call from {{campaign}}, calling from {{cli}}. We are sorry, nobody is free to speak with you right now. ' +
  'To stop these calls, call {{cli}} and ask to be removed.';

export interface DialingInput {
  mode?: DialMode;
  queueId?: string | null;
  abandonCapPercent?: number;
  capOverrideReason?: string | null;
  connectDelayS?: number;
  abandonMessage?: string | null;
}

// The stored dial settings after a create (defaults) or a partial update (over the current ones).
export function mergeDialing(current: Dialing, input: DialingInput | undefined): Dialing {
  if (!input) return current;
  return {
    mode: input.mode ?? current.mode,
    queueId: input.queueId !== undefined ? input.queueId : current.queueId,
    abandonCapPercent: input.abandonCapPercent ?? current.abandonCapPercent,
    capOverrideReason: input.capOverrideReason !== undefined ? input.capOverrideReason : current.capOverrideReason,
    connectDelayS: input.connectDelayS ?? current.connectDelayS,
    abandonMessage: input.abandonMessage !== undefined ? input.abandonMessage : current.abandonMessage,
  };
}

export const usesAgents = (d: Pick<Dialing, 'mode'>): boolean => d.mode !== 'agentless';

// The rules a stored dial setting must meet (the queue's existence is checked by the service, which can look).
export function dialingProblems(d: Dialing): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const add = (field: string, rule: string, message: string) => problems.push({ field: `dialing.${field}`, rule, message });
  if (usesAgents(d) && !d.queueId) add('queueId', 'required', `dialing.queueId is required for ${d.mode} dialing: its agents take the answered calls`);
  if (!(d.abandonCapPercent > 0) || d.abandonCapPercent > 100) add('abandonCapPercent', 'range', 'dialing.abandonCapPercent must be above 0 and at most 100');
  else if (d.abandonCapPercent > LEGAL_ABANDON_CAP_PERCENT && !d.capOverrideReason?.trim()) {
    add(
      'capOverrideReason',
      'legal_cap',
      `dialing.abandonCapPercent above the legal ${LEGAL_ABANDON_CAP_PERCENT} % needs dialing.capOverrideReason (who allowed it and why)`,
    );
  }
  if (!(d.connectDelayS > 0) || d.connectDelayS > MAX_CONNECT_DELAY_S) {
    add('connectDelayS', 'range', `dialing.connectDelayS must be above 0 and at most ${MAX_CONNECT_DELAY_S} seconds`);
  }
  return problems;
}
