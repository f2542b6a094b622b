import { isE164 } from 'src/common/phone-number';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CalloutsService, type PlaceCall } from 'src/callouts/callouts.service';
import { CallsService } from 'src/calls/calls.service';
import { ComplianceService } from 'src/compliance/compliance.service';
import { AppError } from 'src/common/app-error';
import { QueuesError } from 'src/queues/queues.errors';
import { AdminEvents } from 'src/events/admin-events.service';
import { SinchApiError } from 'src/sinch/sinch-errors';
import { buildSvaml, svaml } from 'src/sinch/svaml/svaml.builders';
import type { Svaml } from 'src/sinch/svaml/svaml.types';
import { SinchVoiceClient } from 'src/sinch/voice-client';
import { destinationOf } from './agents/agent-endpoint';
import type { EndpointType } from './agents/agent.entity';
import { AgentsService } from './agents/agents.service';
import type { EntryState } from './queue-entry.entity';
import { messageAndHangup } from './queue-prompts';
import { QueuesService } from './queues.service';

// The key our agent legs carry in `custom`: the queue entry they are offered.
export const ENTRY_KEY = 'qe';
// The key a callback to a caller who asked for one carries in `custom`: their queue entry.
export const CALLBACK_KEY = 'qcb';
const CALLBACK_GREETING = 'This is your callback. Please hold, an agent will be with you shortly.';
// Sinch conferenceId limit is 64 characters: "qe-" + a UUID is 39.
export const roomOf = (entryId: string): string => `qe-${entryId}`;
// The entry route of a dialer's callee (progressive / predictive), who joins the room on answering instead of
// being parked. Not 'campaign': that is the route of a campaign IVR caller who asked for an agent and is parked
// like an inbound caller (unparked into the room when the agent answers).
export const OUTBOUND_ROUTE = 'campaign_bridge';

// An offer whose agent leg neither answered nor ended this long past the queue's answer timeout is resolved
// without its DiCE (a worker died mid-offer, the leg was never dialled, a DiCE was lost).
const STALE_GRACE_MS = 30_000;
const OFFERS_PER_PASS = 200;

interface Candidate {
  id: string;
  queue_id: string;
  enqueued_at: Date;
  // A campaign callee's: what the agent hears (the contact's attributes) and what the offer event carries.
  whisper?: string | null;
  context?: Record<string, unknown> | null;
  state?: EntryState;
  from_number?: string | null;
  dialled?: string | null;
  priority?: number;
}

interface FreeAgent {
  // null: a supervisor sent the caller to a number, or an overflow forwards them to one; not an agent.
  id: string | null;
  endpoint_type: EndpointType;
  endpoint: string;
  // The queue's own forward number is staff too (no do-not-call list, no frequency cap); a supervisor's pick is not.
  staff?: boolean;
}

interface LockedEntry {
  id: string;
  queue_id: string;
  state: EntryState;
  agent_id: string | null;
  agent_call_id: string | null;
  answered_at: Date | null;
  sinch_call_id: string;
  forwarded_to: string | null;
}

const FORWARD_FAILED = 'We are sorry, no one can take your call now. Please call again later.';

export function whisper(queueName: string, waitedMs: number): string {
  const minutes = Math.floor(waitedMs / 60_000);
  const waited = minutes < 1 ? 'less than a minute' : `${minutes} minute${minutes === 1 ? '' : 's'}`;
  return `Call from queue ${queueName}, waited ${waited}.`;
}

// Hands waiting callers to free agents: the agent's leg is placed first (a conference callout into the caller's
// room, with a whisper); when the agent answers, the caller is unparked into the same room with a PATCH.
@Injectable()
export class QueueDistribution implements OnApplicationShutdown {
  private readonly logger = new Logger('QueueDistribution');
  // The pass kick() started, and whether another was asked for while it ran.
  private running?: Promise<void>;
  private again = false;
  private closed = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly callouts: CalloutsService,
    private readonly calls: CallsService,
    private readonly agents: AgentsService,
    private readonly queues: QueuesService,
    private readonly sinch: SinchVoiceClient,
    private readonly events: AdminEvents,
    private readonly compliance: ComplianceService,
  ) {}

  // A caller arrived or an agent became free: a distribution pass now, not at the next sweep. Kicks while a pass
  // runs coalesce into one more pass after it (the pass that runs may have started before the change committed).
  kick(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.again = false;
    this.running = this.distribute()
      .then(
        () => undefined,
        (err: unknown) => this.logger.warn({ err }, 'Distribution pass failed; the next sweep retries'),
      )
      .finally(() => {
        this.running = undefined;
        if (this.again) this.kick();
      });
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    await this.running;
  }

  // Offers as many waiting callers as there are free agents, a batch per transaction (see offerBatch); batches
  // repeat while they offer someone (a callback placed does not take its agent, so the next batch may).
  async distribute(): Promise<number> {
    let offers = 0;
    while (offers < OFFERS_PER_PASS) {
      const made = await this.offerBatch(OFFERS_PER_PASS - offers);
      if (made === 0) break;
      offers += made;
    }
    return offers;
  }

  // One transaction matches every free agent it can lock to the callers waiting for them. The agents (available,
  // serving a queue someone waits in) and then, per queue, as many waiting entries as that queue has locked agents
  // are taken with FOR UPDATE SKIP LOCKED: two workers never offer one caller twice nor one agent two callers, and
  // neither waits for the other. The matching is the one-by-one order: callers by priority then time in line, each
  // to the best-skilled, longest-idle agent of its queue not yet matched. The agent legs are one INSERT (their dial
  // jobs one addBulk after the commit), the entries one UPDATE, the agents one UPDATE and one history INSERT.
  private offerBatch(limit: number): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const free = (await manager.query(
        `SELECT a.id, a.endpoint_type, a.endpoint FROM agents a
         WHERE a.status = 'available'
           AND EXISTS (SELECT 1 FROM agent_queues aq JOIN queue_entries e ON e.queue_id = aq.queue_id
                       WHERE aq.agent_id = a.id AND e.state IN ('waiting', 'callback_requested'))
         ORDER BY a.idle_since ASC NULLS LAST, a.id LIMIT $1 FOR UPDATE OF a SKIP LOCKED`,
        [limit],
      )) as FreeAgent[];
      if (free.length === 0) return 0;
      const agentById = new Map(free.map((a) => [a.id as string, a]));
      // Each queue's locked agents, best first (skill, then longest idle).
      const serving = (await manager.query(
        `SELECT aq.queue_id, aq.agent_id FROM agent_queues aq JOIN agents a ON a.id = aq.agent_id
         WHERE aq.agent_id = ANY($1::uuid[]) ORDER BY aq.queue_id, aq.skill DESC, a.idle_since ASC NULLS LAST, a.id`,
        [[...agentById.keys()]],
      )) as { queue_id: string; agent_id: string }[];
      const byQueue = new Map<string, FreeAgent[]>();
      for (const row of serving) byQueue.set(row.queue_id, [...(byQueue.get(row.queue_id) ?? []), agentById.get(row.agent_id)!]);
      const queueIds = [...byQueue.keys()];
      // Per queue, as many callers waiting as it has locked agents, and as many callbacks asked for: callbacks not
      // due yet take no agent, and must not keep the callers behind them out of the batch.
      const lockLine = (state: 'waiting' | 'callback_requested') =>
        manager.query(
          `SELECT e.* FROM unnest($1::uuid[], $2::int[]) AS q(id, n)
           CROSS JOIN LATERAL (
             SELECT e.id, e.queue_id, e.enqueued_at, e.whisper, e.context, e.state, e.from_number, e.dialled, e.priority FROM queue_entries e
             WHERE e.queue_id = q.id AND e.state = $3
             ORDER BY e.priority DESC, e.enqueued_at ASC LIMIT q.n FOR UPDATE OF e SKIP LOCKED
           ) e`,
          [queueIds, queueIds.map((q) => byQueue.get(q)!.length), state],
        ) as Promise<Candidate[]>;
      const waiting = [...(await lockLine('waiting')), ...(await lockLine('callback_requested'))].sort(
        (a, b) => (b.priority ?? 0) - (a.priority ?? 0) || new Date(a.enqueued_at).getTime() - new Date(b.enqueued_at).getTime(),
      );
      const taken = new Set<string>();
      const offers: { entry: Candidate; agent: FreeAgent }[] = [];
      let callbacks = 0;
      for (const entry of waiting) {
        const agents = byQueue.get(entry.queue_id) ?? [];
        const agent = agents.find((a) => !taken.has(a.id as string));
        if (!agent) continue;
        if (entry.state === 'callback_requested') {
          // The agents this batch has matched are not free any more, though their rows still say so.
          const matched = agents.filter((a) => taken.has(a.id as string)).length;
          if (!(await this.callbackDue(manager, entry.queue_id, matched))) continue;
          await this.callBack(manager, entry);
          callbacks++;
          continue;
        }
        taken.add(agent.id as string);
        offers.push({ entry, agent });
      }
      await this.offerMany(manager, offers, true);
      return offers.length + callbacks;
    });
  }

  // A supervisor's pick: this waiting caller to this available agent, or to a number (rung the same way).
  async sendTo(entryId: string, target: { agentId: string } | { number: string }): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const [entry] = (await manager.query(`SELECT id, queue_id, enqueued_at, state FROM queue_entries WHERE id = $1 FOR UPDATE`, [entryId])) as (Candidate & {
        state: EntryState;
      })[];
      if (!entry) throw new QueuesError('entry_not_found', `Caller ${entryId} is not in a queue`);
      if (entry.state !== 'waiting') throw new QueuesError('caller_not_waiting', `Caller ${entryId} is not waiting (${entry.state})`);
      if ('number' in target) return this.offer(manager, entry, { id: null, endpoint_type: 'pstn', endpoint: target.number });
      const [agent] = (await manager.query(`SELECT id, endpoint_type, endpoint, status FROM agents WHERE id = $1 FOR UPDATE`, [
        target.agentId,
      ])) as (FreeAgent & { status: string })[];
      if (!agent)
        throw new AppError('invalid', `Agent ${target.agentId} does not exist`, [
          { field: 'agentId', rule: 'exists', message: `agent ${target.agentId} does not exist` },
        ]);
      if (agent.status !== 'available') throw new QueuesError('agent_not_available', `Agent ${target.agentId} is ${agent.status}, not available`);
      return this.offer(manager, entry, agent);
    });
  }

  // Past the maximum wait with a forward overflow: the number is rung into the caller's room like an agent (a PATCH
  // cannot connectPstn). false when the caller no longer waits (or another worker holds the entry).
  async forward(entryId: string, number: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const [entry] = (await manager.query(`SELECT id, queue_id, enqueued_at FROM queue_entries WHERE id = $1 AND state = 'waiting' FOR UPDATE SKIP LOCKED`, [
        entryId,
      ])) as Candidate[];
      if (!entry) return false;
      await manager.query(`UPDATE queue_entries SET forwarded_to = $2 WHERE id = $1`, [entryId, number]);
      await this.offer(manager, entry, { id: null, endpoint_type: 'pstn', endpoint: number, staff: true });
      return true;
    });
  }

  private offer(manager: EntityManager, entry: Candidate, agent: FreeAgent): Promise<void> {
    return this.offerMany(manager, [{ entry, agent }]);
  }

  // The offers of one transaction: their agent legs (a conference callout each into the caller's room, with the
  // whisper) in one place(), then the entries and the agents in one statement each.
  // `batch`: a distribution pass (an unplaceable leg is skipped, below); a single offer (a supervisor's pick, a
  // forward) lets place() refuse it with its 400 instead.
  private async offerMany(manager: EntityManager, matched: readonly { entry: Candidate; agent: FreeAgent }[], batch = false): Promise<void> {
    const offers: { entry: Candidate; agent: FreeAgent }[] = [];
    const requests: PlaceCall[] = [];
    for (const { entry, agent } of matched) {
      const queue = this.queues.cached(entry.queue_id) ?? (await this.queues.get(entry.queue_id));
      const request: PlaceCall = {
        callout: {
          method: 'conferenceCallout' as const,
          request: {
            destination: destinationOf(agent.endpoint_type, agent.endpoint),
            conferenceId: roomOf(entry.id),
            greeting: entry.whisper ?? whisper(queue.name, Date.now() - new Date(entry.enqueued_at).getTime()),
            enableAce: true,
            enableDice: true,
            ...(queue.locale ? { locale: queue.locale } : {}),
          },
        },
        customExtra: { [ENTRY_KEY]: entry.id },
        toNumber: agent.endpoint,
        queueId: entry.queue_id,
        // An agent is staff; a number a supervisor sends the caller to is not.
        staff: agent.staff ?? agent.id !== null,
        // The caller holds while this rings.
        urgent: true,
      };
      // A leg Sinch would refuse (an endpoint today's limits no longer allow, say) fails alone: its agent is set away
      // with the reason and the caller stays in line for the next agent; the batch's other offers go ahead.
      const problems = batch ? this.callouts.problemsOf(request) : [];
      if (problems.length > 0) {
        const reason = `unreachable: ${problems.map((p) => `${p.field} ${p.rule}`).join(', ')}`;
        this.logger.error({ agentId: agent.id, entryId: entry.id, problems }, 'Agent leg cannot be placed; the agent is set away');
        if (agent.id) await this.agents.transition(manager, agent.id, 'away', reason);
        continue;
      }
      offers.push({ entry, agent });
      requests.push(request);
    }
    if (offers.length === 0) return;
    const legs = await this.callouts.place(manager, requests);
    await manager.query(
      `UPDATE queue_entries e SET state = 'offered', agent_id = o.agent_id, agent_call_id = o.call_id, offered_at = now(), updated_at = now()
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS o(id, agent_id, call_id) WHERE e.id = o.id`,
      [offers.map((o) => o.entry.id), offers.map((o) => o.agent.id), legs.map((l) => l.id)],
    );
    await this.agents.transitionMany(
      manager,
      offers.flatMap(({ entry, agent }) => (agent.id ? [{ agentId: agent.id, reason: `offered:${entry.id}` }] : [])),
      'busy',
    );
    offers.forEach(
      ({ entry, agent }, i) =>
        void this.events.publish('queues', 'caller.offered', {
          entryId: entry.id,
          queueId: entry.queue_id,
          agentId: agent.id,
          agentCallId: legs[i].id,
          ...(entry.context ? { context: entry.context } : {}),
        }),
    );
  }

  // A caller who asked for a callback is called back when it is their turn and an agent is free, but never more
  // callers (ringing, or back in their room waiting) than there are free agents.
  // `matched`: the queue's agents this transaction has matched already (still `available` in their rows).
  private async callbackDue(manager: EntityManager, queueId: string, matched = 0): Promise<boolean> {
    const [row] = (await manager.query(
      `SELECT (SELECT count(*) FROM queue_entries WHERE queue_id = $1 AND (state = 'calling_back' OR (state = 'waiting' AND callback_answered_at IS NOT NULL)))::int AS pending,
              (SELECT count(*) FROM agent_queues aq JOIN agents a ON a.id = aq.agent_id WHERE aq.queue_id = $1 AND a.status = 'available')::int AS free`,
      [queueId],
    )) as { pending: number; free: number }[];
    return row.pending < row.free - matched;
  }

  // The callback: a call to the caller's number into their room (the do-not-call lists and the frequency cap apply,
  // asked here so that a refusal closes the entry with its reason; the dialler asks again before dialling). When
  // answered, the caller waits in the room and is offered to an agent like any waiting caller (QueueCallbacks).
  private async callBack(manager: EntityManager, entry: Candidate): Promise<void> {
    const queue = this.queues.cached(entry.queue_id) ?? (await this.queues.get(entry.queue_id));
    const callable = entry.from_number && isE164(entry.from_number) ? entry.from_number : null; // not "private", a SIP URI
    const refusal = callable ? await this.compliance.check(callable, { manager }) : { rule: 'no_number', message: 'no caller number' };
    if (refusal || !callable) {
      await manager.query(`UPDATE queue_entries SET state = 'failed', end_reason = $2, ended_at = now(), updated_at = now() WHERE id = $1`, [
        entry.id,
        `callback_refused:${refusal?.rule}`,
      ]);
      void this.events.publish('queues', 'callback.refused', { entryId: entry.id, queueId: entry.queue_id, rule: refusal?.rule });
      return;
    }
    const [leg] = await this.callouts.place(manager, [
      {
        callout: {
          method: 'conferenceCallout',
          request: {
            destination: { type: 'number', endpoint: callable },
            conferenceId: roomOf(entry.id),
            ...(entry.dialled ? { cli: entry.dialled } : {}),
            greeting: CALLBACK_GREETING,
            enableAce: true,
            enableDice: true,
            ...(queue.locale ? { locale: queue.locale } : {}),
          },
        },
        customExtra: { [CALLBACK_KEY]: entry.id },
        toNumber: callable,
        queueId: entry.queue_id,
      },
    ]);
    await manager.query(`UPDATE queue_entries SET state = 'calling_back', callback_call_id = $2, updated_at = now() WHERE id = $1`, [entry.id, leg.id]);
    void this.events.publish('queues', 'callback.dialled', { entryId: entry.id, queueId: entry.queue_id, callId: leg.id });
  }

  // The agent answered (ACE of their leg): the caller is unparked into the room. Only one process claims the
  // entry (offered → connected); a leg whose caller has left, or whose offer was resolved meanwhile, is hung up.
  async agentAnswered(entryId: string, agentSinchCallId: string): Promise<void> {
    const [rows] = (await this.dataSource.query(
      `UPDATE queue_entries SET state = 'connected', answered_at = now(),
         wait_ms = GREATEST(0, (EXTRACT(EPOCH FROM (now() - enqueued_at)) * 1000)::int), updated_at = now()
       WHERE id = $1 AND state = 'offered' RETURNING sinch_call_id, entry_route, callback_answered_at`,
      [entryId],
    )) as [{ sinch_call_id: string; entry_route: string; callback_answered_at: Date | null }[], number];
    const caller = rows[0];
    if (caller) void this.events.publish('queues', 'caller.connected', { entryId });
    if (!caller) {
      await this.hangUp(agentSinchCallId);
      return;
    }
    // A campaign's callee (QueueBridge) and a called-back caller wait in the room already: nothing to unpark.
    if (caller.entry_route === OUTBOUND_ROUTE || caller.callback_answered_at) return;
    const joined = await this.manage(caller.sinch_call_id, buildSvaml(svaml.connectConf(roomOf(entryId))));
    if (!joined) {
      await this.dataSource.query(
        `UPDATE queue_entries SET state = 'abandoned', end_reason = 'caller_gone', ended_at = now(), updated_at = now() WHERE id = $1 AND state = 'connected'`,
        [entryId],
      );
      await this.hangUp(agentSinchCallId);
    }
  }

  // The agent's leg ended (its DiCE). Idempotent: each branch only moves rows still in the state it expects.
  async agentLegEnded(entryId: string, agentCallId: string, result: string): Promise<void> {
    const lastWord = await this.dataSource.transaction(async (manager): Promise<{ sinchCallId: string; doc: Svaml } | undefined> => {
      const [entry] = (await manager.query(
        `SELECT id, queue_id, state, agent_id, agent_call_id, answered_at, sinch_call_id, forwarded_to FROM queue_entries WHERE id = $1 FOR UPDATE`,
        [entryId],
      )) as LockedEntry[];
      if (!entry || entry.agent_call_id !== agentCallId) return undefined;
      const [agent] = entry.agent_id
        ? ((await manager.query(`SELECT status FROM agents WHERE id = $1 FOR UPDATE`, [entry.agent_id])) as { status: string }[])
        : [];
      // The agent to move on, when still busy with this offer (a number the supervisor sent to has none).
      const busyAgent = entry.agent_id !== null && agent?.status === 'busy' ? entry.agent_id : undefined;
      const queue = this.queues.cached(entry.queue_id) ?? (await this.queues.get(entry.queue_id));
      if (entry.state === 'offered' && entry.forwarded_to) {
        // A forward overflow nobody answered: the caller is not put back in a line they already waited out.
        await manager.query(
          `UPDATE queue_entries SET state = 'overflowed', end_reason = 'forward_no_answer', ended_at = now(),
             wait_ms = GREATEST(0, (EXTRACT(EPOCH FROM (now() - enqueued_at)) * 1000)::int), updated_at = now() WHERE id = $1`,
          [entryId],
        );
        void this.events.publish('queues', 'caller.overflowed', { entryId, queueId: entry.queue_id, reason: `forward_no_answer:${result.toLowerCase()}` });
        return { sinchCallId: entry.sinch_call_id, doc: messageAndHangup(FORWARD_FAILED, queue.locale) };
      }
      if (entry.state === 'offered') {
        // No answer (or busy, failed): the caller keeps their place for the next agent.
        await manager.query(
          `UPDATE queue_entries SET state = 'waiting', agent_id = NULL, agent_call_id = NULL, offered_at = NULL, updated_at = now() WHERE id = $1`,
          [entryId],
        );
        void this.events.publish('queues', 'caller.requeued', { entryId, queueId: entry.queue_id, reason: `no_answer:${result.toLowerCase()}` });
        if (busyAgent) await this.agents.transition(manager, busyAgent, queue.noAnswerStatus, `no_answer:${result.toLowerCase()}`);
        return undefined;
      }
      if (!entry.answered_at) {
        // The caller left while the agent's phone rang: not the agent's fault.
        if (busyAgent) await this.agents.transition(manager, busyAgent, 'available', 'caller_left');
        return undefined;
      }
      if (entry.state === 'connected') {
        await manager.query(`UPDATE queue_entries SET state = 'completed', end_reason = 'agent_hangup', ended_at = now(), updated_at = now() WHERE id = $1`, [
          entryId,
        ]);
      }
      if (busyAgent) {
        if (queue.wrapUpS > 0) await this.agents.transition(manager, busyAgent, 'wrap_up', 'call_ended', new Date(Date.now() + queue.wrapUpS * 1000));
        else await this.agents.transition(manager, busyAgent, 'available', 'call_ended');
      }
      // Alone in the room otherwise.
      return entry.state === 'connected' ? { sinchCallId: entry.sinch_call_id, doc: buildSvaml(svaml.hangup()) } : undefined;
    });
    // A caller back in line or an agent free again (wrap-ups end by the sweep, which distributes too).
    this.kick();
    if (lastWord) await this.manage(lastWord.sinchCallId, lastWord.doc);
  }

  // The caller's DiCE ended an offer or a talk: the agent's leg goes too (ringing: cancelled; talking: ended).
  async callerLeft(agentCallId: string): Promise<void> {
    const leg = await this.calls.findById(agentCallId);
    if (leg?.sinchCallId && !leg.finalSource) await this.hangUp(leg.sinchCallId);
  }

  // Offers past their answer timeout: the agent's leg is hung up (its DiCE puts the caller back in line); past the
  // grace as well, the offer is resolved here. Wrap-ups that are over make their agents available.
  async sweepOffers(now = new Date()): Promise<{ timedOut: number; resolved: number; wrapped: number }> {
    const overdue = (await this.dataSource.query(
      `SELECT e.id, e.agent_call_id, e.offered_at, q.agent_answer_timeout_s FROM queue_entries e JOIN queues q ON q.id = e.queue_id
       WHERE e.state = 'offered' AND e.offered_at <= $1::timestamptz - make_interval(secs => q.agent_answer_timeout_s) LIMIT 200`,
      [now],
    )) as { id: string; agent_call_id: string | null; offered_at: Date; agent_answer_timeout_s: number }[];
    let timedOut = 0;
    let resolved = 0;
    for (const offer of overdue) {
      const stale = now.getTime() - new Date(offer.offered_at).getTime() > offer.agent_answer_timeout_s * 1000 + STALE_GRACE_MS;
      const leg = offer.agent_call_id ? await this.calls.findById(offer.agent_call_id) : null;
      if (!stale && leg?.sinchCallId && !leg.finalSource) {
        await this.hangUp(leg.sinchCallId);
        timedOut++;
      } else if (stale && offer.agent_call_id) {
        if (leg?.sinchCallId && !leg.finalSource) await this.hangUp(leg.sinchCallId);
        await this.agentLegEnded(offer.id, offer.agent_call_id, 'STALE');
        resolved++;
      }
    }
    const wrapped = await this.dataSource.transaction(async (manager) => {
      const done = (await manager.query(`SELECT id FROM agents WHERE status = 'wrap_up' AND wrap_up_until <= $1 FOR UPDATE SKIP LOCKED`, [now])) as {
        id: string;
      }[];
      await this.agents.transitionMany(
        manager,
        done.map((a) => ({ agentId: a.id, reason: 'wrap_up_done' })),
        'available',
      );
      return done.length;
    });
    return { timedOut, resolved, wrapped };
  }

  private async hangUp(sinchCallId: string): Promise<void> {
    await this.manage(sinchCallId, buildSvaml(svaml.hangup()));
  }

  // false when the call is gone (404); other failures are retried a few times, then logged.
  private async manage(sinchCallId: string, doc: Svaml): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.sinch.manageCall(sinchCallId, doc);
        return true;
      } catch (err) {
        if (err instanceof SinchApiError && err.status === 404) return false;
        if (attempt >= 3) {
          this.logger.error({ err, sinchCallId, action: doc.action?.name }, 'ManageCall failed');
          return false;
        }
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  }
}
