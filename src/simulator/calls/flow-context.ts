import type { RateTable } from 'src/simulator/calls/billing';
import type { Delivery } from 'src/simulator/calls/callback-sender';
import type { CallSession } from 'src/simulator/calls/call-session';
import type { ConferenceRooms } from 'src/simulator/calls/conference-rooms';
import type { OutcomeRules } from 'src/simulator/outcome-rules';
import type { CallReason, CallResult, CallbackTarget, ResolvedOptions } from 'src/simulator/simulator.types';

// What a running call flow may use from the engine; kept as an interface so the flow modules never import the
// engine (no import cycle) and read as plain functions of (ctx, session).
export interface FlowContext {
  readonly options: ResolvedOptions;
  readonly rules: OutcomeRules;
  readonly rates: RateTable;
  readonly rooms: ConferenceRooms;
  // The recording faults in force (see faults.ts).
  recordingFaults(): { failUpload: boolean; dropAvailable: boolean };
  baseUrl(): string;
  note(s: CallSession, what: string, extra?: Record<string, unknown>): void;
  // undefined: nothing to send to (no URL configured or the callback is disabled).
  deliver(s: CallSession, event: string, target: CallbackTarget, body: object): Promise<Delivery | undefined>;
  finish(s: CallSession, result: CallResult, reason: CallReason): Promise<void>;
}
