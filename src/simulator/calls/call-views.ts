import { computeDebit, formatMoney } from 'src/simulator/calls/billing';
import { money } from 'src/simulator/calls/callback-bodies';
import { bodyTimestamp } from 'src/simulator/calls/callback-sender';
import type { CallSession } from 'src/simulator/calls/call-session';

function liveDuration(s: CallSession): number {
  const c = s.call;
  if (c.durationS !== undefined) return c.durationS;
  if (c.answeredAtSimMs === undefined) return 0;
  return Math.max(0, Math.round((s.nowSimMs - c.answeredAtSimMs) / 1000));
}

// GET /calling/v1/calls/id/{callId}: the OpenAPI getCallResponseObj (from/to as destinations, callId, money
// objects). A live call reports the debit accrued so far.
export function callApiView(s: CallSession, currency: string, billingIncrementS: number): object {
  const c = s.call;
  const ended = c.phase === 'ended';
  const answered = c.answeredAtSimMs !== undefined;
  const duration = liveDuration(s);
  const debit = ended ? c.debitMicro : computeDebit(c.rate.perMinuteMicro, duration, billingIncrementS);
  return {
    from: { type: 'number', endpoint: c.cli },
    to: c.to,
    domain: 'pstn',
    callId: c.callId,
    duration,
    status: ended ? 'FINAL' : 'ONGOING',
    result: ended ? c.result : answered ? 'ANSWERED' : 'N/A',
    reason: ended ? c.reason : 'N/A',
    timestamp: bodyTimestamp(c.createdAt),
    ...(c.custom !== undefined ? { custom: c.custom } : {}),
    userRate: money(currency, c.rate.perMinuteMicro),
    debit: money(currency, debit),
  };
}

export function callSimSummary(s: CallSession): object {
  const c = s.call;
  return {
    callId: c.callId,
    origin: c.origin,
    from: c.cli,
    to: c.to.endpoint,
    phase: c.phase,
    result: c.result,
    reason: c.reason,
    durationS: liveDuration(s),
    debit: formatMoney(c.debitMicro),
    createdAt: c.createdAt.toISOString(),
  };
}

export function callSimView(s: CallSession): object {
  const c = s.call;
  return {
    ...callSimSummary(s),
    to: c.to,
    domain: c.domain,
    custom: c.custom,
    locale: c.locale,
    details: c.details,
    callbacks: Object.fromEntries(Object.entries(c.callbacks).map(([k, v]) => [k, typeof v === 'boolean' ? v : v.kind === 'url' ? v.url : v.kind])),
    answeredAt: c.answeredAt?.toISOString(),
    endedAt: c.endedAt?.toISOString(),
    billedNumber: c.billedNumber,
    ratePrefix: c.rate.prefix,
    perMinute: formatMoney(c.rate.perMinuteMicro),
    conferenceId: c.conferenceId,
    connectedTo: c.connectedTo,
    parked: c.parked,
    inMenu: c.inMenu,
    amd: c.amd,
    cookies: c.cookies,
    recordings: c.recordings.map((r) => ({ index: r.index, destination: r.destination, active: r.stoppedAtSimMs === undefined })),
    pendingDtmf: s.dtmfBuffer,
    history: c.history,
  };
}
