import { summarize } from 'src/common/validation';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import type { CallCustomExtra } from 'src/calls/call-custom';
import { CallsService, type NewCall } from 'src/calls/calls.service';
import type { FieldProblem } from 'src/common/app-error';
import { withDeadline } from 'src/common/deadline';
import { CallerIdPoolResolver } from './caller-id-pools.service';
import { IdempotencyService, type IdempotencyOf } from 'src/common/idempotency/idempotency.service';
import { ComplianceService, notCallable, type ComplianceRefusal } from 'src/compliance/compliance.service';
import { AppError } from 'src/common/app-error';
import { MicroBatcher } from 'src/common/micro-batcher';
import { CalloutMetrics } from './callout-metrics.service';
import { calloutViolations, planCallout, type PlannedCallout } from './callout-request';
import type { CalloutResponse } from './dto/callout.response';
import type { CalloutBatchResponse, CalloutBatchResult } from './dto/callout-batch.response';
import type { CreateCalloutDto } from 'src/callouts/dto/create-callout.dto';
import { CalloutJobs } from 'src/callouts/dialing/callout-jobs.service';
import { invalidBatch, itemProblems } from 'src/callouts/dto/callout-batch.pipe';
import { CALL_KIND_OF, STAFF_KEY, toStoredCallout, type SinchCallout } from './stored-callout';
import { CalloutsError } from 'src/callouts/callouts.errors';
import { CalloutCostEstimator, CalloutSpendGate } from 'src/callouts/callout-cost';
import type { DialJobData } from 'src/callouts/callout.jobs';
import { isDatabaseUnavailable } from 'src/database/db-errors';

const ENQUEUE_DEADLINE_MS = 1_000;

// One call to place: the Sinch request (without `custom`), the caller's data for `custom`, and what the call log
// records about it.
export interface PlaceCall {
  callout: SinchCallout;
  // Goes into `custom` beside the row's id; the callback handlers read it back (e.g. a campaign's tag).
  customExtra?: CallCustomExtra;
  toNumber: string;
  fromNumber?: string;
  country?: string;
  campaignId?: string;
  contactId?: string;
  queueId?: string;
  conferenceId?: string;
  // A call to the service's own staff (a queue agent's leg): not a consumer, so the do-not-call lists and the
  // frequency cap do not apply (an agent takes many calls a day).
  staff?: boolean;
  // The HTTP request that asked for this call (log correlation); place()'s requestId otherwise.
  requestId?: string;
  // Not before this moment (a campaign's pacing): the callouts worker holds the call until then.
  dialAt?: Date;
  // A person waits on the line for this leg (a queue caller held while their agent is rung): its dial job goes
  // before those nobody waits for (campaign legs, API calls), still within the account's pace.
  urgent?: boolean;
}

// What became of one planned callout: its call row, or why compliance refused it (nothing stored for it).
export type Placement = { call: NewCall } | { refusal: ComplianceRefusal };

interface PlanToPlace {
  plan: PlannedCallout;
  requestId?: string;
}

// A request Sinch would refuse, caught before anything was stored; `details` name each request and field.
export class InvalidCallRequestError extends CalloutsError {
  constructor(problems: FieldProblem[]) {
    super('invalid_call_request', `Invalid call request: ${summarize(problems.map((p) => `${p.field}: ${p.message}`))}`, problems);
  }
}

// The one public way to place a call, for every feature. place() validates each request against every Sinch limit,
// writes the call rows (one INSERT) in the caller's transaction, and hands them to the callouts jobs when that
// transaction commits; nothing is queued if it rolls back. A crash between commit and enqueue leaves queued rows
// the sweep enqueues; the job id (the row id) makes a double enqueue harmless.
@Injectable()
export class CalloutsService implements EntitySubscriberInterface {
  private readonly logger = new Logger('Callouts');
  private readonly pending = new WeakMap<QueryRunner, DialJobData[]>();
  // Callouts without an Idempotency-Key, from concurrent requests, share one INSERT and one BullMQ addBulk.
  private readonly batcher: MicroBatcher<PlanToPlace, Placement>;

  constructor(
    private readonly calls: CallsService,
    private readonly idempotency: IdempotencyService,
    private readonly queue: CalloutJobs,
    private readonly metrics: CalloutMetrics,
    private readonly pools: CallerIdPoolResolver,
    private readonly compliance: ComplianceService,
    private readonly cost: CalloutCostEstimator,
    private readonly spendGate: CalloutSpendGate,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    // A transaction subscriber: TypeORM calls afterTransactionCommit / afterTransactionRollback for every transaction.
    dataSource.subscribers.push(this);
    this.batcher = new MicroBatcher({
      run: (items) => this.placePlanned(undefined, items),
      maxBatch: 500,
      // Two groups in flight: the next one fills while they run. Measured against four (the bench, four runs each):
      // fewer, larger groups cost fewer statements and wake-ups per request, 5-40 % more requests per second.
      maxConcurrent: 2,
      // A failed group is retried call by call, so one bad row fails only its own request; not after an outage (a
      // lost connection may have committed the INSERT: running it again could place the calls twice).
      splitOn: (error) => !isDatabaseUnavailable(error),
    });
  }

  // What place() would refuse in this request (Sinch's limits), for a caller that places many and must not let one
  // bad request fail the others.
  problemsOf(request: PlaceCall): FieldProblem[] {
    return invalidFields(request, '');
  }

  // Throws InvalidCallRequestError (a 400 at the HTTP edge) naming each broken limit (fields as Sinch paths prefixed by the request's index, e.g.
  // [3].customCallout.ice.action.number) and writes nothing when any request is invalid.
  async place(manager: EntityManager, requests: readonly PlaceCall[], requestId?: string): Promise<NewCall[]> {
    const runner = manager.queryRunner;
    if (!runner?.isTransactionActive) throw new Error("CalloutsService.place runs inside the caller's transaction: pass its EntityManager");
    const problems = requests.flatMap((r, i) => invalidFields(r, `[${i}].`));
    if (problems.length > 0) throw new InvalidCallRequestError(problems);
    return this.placeChecked(manager, requests, requestId);
  }

  // place() for requests already checked against every Sinch limit (planCallout ran the same validator). With a
  // transaction (`manager`), the jobs are added when it commits; without one, the INSERT is its own transaction and
  // the jobs are added once it has committed.
  private async placeChecked(manager: EntityManager | undefined, requests: readonly PlaceCall[], requestId?: string): Promise<NewCall[]> {
    if (requests.length === 0) return [];
    const placed = await this.calls.createOutbound(
      requests.map((r) => ({
        kind: CALL_KIND_OF[r.callout.method],
        toNumber: r.toNumber,
        fromNumber: r.fromNumber,
        country: r.country,
        request: toStoredCallout(r.callout, r.staff ? { ...r.customExtra, [STAFF_KEY]: true } : r.customExtra),
        campaignId: r.campaignId,
        contactId: r.contactId,
        queueId: r.queueId,
        conferenceId: r.conferenceId,
      })),
      manager,
    );
    const dials = placed.map((p, i) => dialJob(p.id, requests[i].requestId ?? requestId, requests[i].dialAt, requests[i].urgent));
    const runner = manager?.queryRunner;
    if (!runner) {
      await this.enqueueCommitted(dials);
      return placed;
    }
    const list = this.pending.get(runner) ?? [];
    list.push(...dials);
    this.pending.set(runner, list);
    return placed;
  }

  async afterTransactionCommit(event: TransactionCommitEvent): Promise<void> {
    const runner = event.queryRunner;
    // A released savepoint: the outer transaction may still roll back.
    if (runner.isTransactionActive) return;
    const dials = this.pending.get(runner);
    if (!dials) return;
    this.pending.delete(runner);
    await this.enqueueCommitted(dials);
  }

  // One round trip for the committed calls. A failed or slow enqueue (Redis down) is the sweep's to repair, never
  // the caller's error.
  private async enqueueCommitted(dials: DialJobData[]): Promise<void> {
    await withDeadline(this.queue.enqueueMany(dials), ENQUEUE_DEADLINE_MS, 'callout enqueue (Redis)').catch((err: unknown) =>
      this.logger.error({ err, calls: dials.length, callId: dials[0].callId }, 'Enqueueing calls failed; the sweep will pick them up'),
    );
  }

  // The spend gate's answer for an idempotent unit, asked before its transaction takes a connection (the gate's query
  // must not wait for the pool while the transaction holds one) and awaited inside it, on a first run only: a replay
  // never awaits it (its rejection is handled here).
  private gateBeforeTransaction(): Promise<void> {
    const gate = this.spendGate.assertOpen();
    gate.catch(() => undefined);
    return gate;
  }

  // Rolled back to a savepoint, the outer transaction goes on: ids it wrote stay pending, and their jobs, finding
  // no row, end without dialling.
  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) this.pending.delete(event.queryRunner);
  }

  // The admin API: the DTO becomes a Sinch request (a 400 under the API's field names when it breaks a limit); the
  // compliance check, the call row and the idempotency key, when given, commit together. Without a key, concurrent
  // requests share one transaction and one enqueue (each still gets its own answer or refusal).
  async create(dto: CreateCalloutDto, idempotency: IdempotencyOf, requestId?: string): Promise<CalloutResponse> {
    const planned = planCallout(await this.pools.resolve(dto));
    if (!planned.ok) throw new CalloutsError('invalid_callout', planned.problems.map((p) => p.message).join('; '), planned.problems);
    const { plan } = planned;
    const perMinute = this.cost.perMinute(plan.toNumber, plan.country ?? null); // never rejects: null when unknown
    const answer = async (placement: Placement): Promise<CalloutResponse> => {
      if ('refusal' in placement) throw notCallable('destination', placement.refusal);
      return { ...calloutResponse(plan, placement.call), estimatedCostPerMinute: await perMinute };
    };
    if (idempotency.key === undefined) {
      await this.spendGate.assertOpen();
      const response = await answer(await this.batcher.push({ plan, requestId }));
      this.metrics.requested.inc({ type: plan.kind });
      return response;
    }
    // Inside the idempotent unit: a refusal (a spent budget included) stores nothing (not even the key), a replay
    // answers what was answered (a budget spent since does not turn it into a 409).
    const gate = this.gateBeforeTransaction();
    const { response, replayed } = await this.idempotency.run('POST /api/v1/callouts', idempotency, dto, async (manager) => {
      await gate;
      return answer((await this.placePlanned(manager, [{ plan, requestId }]))[0]);
    });
    if (!replayed) this.metrics.requested.inc({ type: plan.kind });
    return response;
  }

  // The batch API: every item planned first (any invalid item: a 400 naming `calls[i].field`, nothing stored), then
  // one transaction for the compliance check, the rows and the idempotency key, and one enqueue. A number compliance
  // refuses is that item's result; the others are placed.
  async createBatch(dtos: readonly CreateCalloutDto[], idempotency: IdempotencyOf, requestId?: string): Promise<CalloutBatchResponse> {
    const problems: FieldProblem[] = [];
    const plans: PlannedCallout[] = [];
    for (const [index, dto] of dtos.entries()) {
      let planned;
      try {
        planned = planCallout(await this.pools.resolve(dto));
      } catch (error) {
        if (!(error instanceof AppError) || error.kind !== 'invalid') throw error;
        problems.push(...itemProblems(index, error.details ?? []));
        continue;
      }
      if (planned.ok) plans.push(planned.plan);
      else problems.push(...itemProblems(index, planned.problems));
    }
    if (problems.length > 0) throw invalidBatch(problems);
    // The spend gate inside the idempotent unit: only a first run is refused, a replay answers what was answered.
    const gate = this.gateBeforeTransaction();
    const { response, replayed } = await this.idempotency.run('POST /api/v1/callouts/batch', idempotency, dtos, async (manager) => {
      await gate;
      const placements = await this.placePlanned(
        manager,
        plans.map((plan) => ({ plan, requestId })),
      );
      // The rows of one INSERT share their creation time.
      const createdAt = placements.find((p) => 'call' in p)?.call.createdAt.toISOString();
      const results = placements.map((placement, index): CalloutBatchResult => {
        if ('call' in placement) return { index, ...calloutResponse(plans[index], placement.call, createdAt) };
        const field = `calls[${index}].destination`;
        const { message } = notCallable(field, placement.refusal);
        return { index, state: 'refused', error: { code: 'not_callable', field, rule: placement.refusal.rule, message } };
      });
      const accepted = results.filter((r) => r.state === 'queued').length;
      const batch: CalloutBatchResponse = { accepted, refused: results.length - accepted, results };
      return batch;
    });
    if (!replayed) {
      placedKinds(plans, response).forEach((kind) => this.metrics.requested.inc({ type: kind }));
    }
    return response;
  }

  // Compliance for all the plans (one statement), then one INSERT for those it allows, in the caller's transaction
  // when `manager` is given (their dial jobs are added when it commits). Without one (callouts without an
  // Idempotency-Key), the INSERT is the only write, so it needs no transaction of its own. The plans were checked
  // against the Sinch limits when they were planned, so place()'s check is not run twice.
  private async placePlanned(manager: EntityManager | undefined, items: readonly PlanToPlace[]): Promise<Placement[]> {
    const refusals = await this.compliance.checkMany(
      items.map((i) => i.plan.toNumber),
      { manager },
    );
    const allowed = items.filter((_, i) => refusals[i] === null);
    const calls = await this.placeChecked(
      manager,
      allowed.map(({ plan, requestId }) => ({
        callout: plan.callout,
        customExtra: plan.customExtra,
        toNumber: plan.toNumber,
        fromNumber: plan.fromNumber,
        country: plan.country,
        conferenceId: plan.conferenceId,
        requestId,
      })),
    );
    let next = 0;
    return refusals.map((refusal) => (refusal ? { refusal } : { call: calls[next++] }));
  }
}

function calloutResponse(plan: PlannedCallout, call: NewCall, createdAt = call.createdAt.toISOString()): Omit<CalloutResponse, 'estimatedCostPerMinute'> {
  return { id: call.id, state: 'queued', type: plan.kind, href: `/api/v1/calls/${call.id}`, createdAt };
}

function placedKinds(plans: readonly PlannedCallout[], response: CalloutBatchResponse): CreateCalloutDto['type'][] {
  return response.results.flatMap((r) => (r.state === 'queued' ? [plans[r.index].kind] : []));
}

function invalidFields(request: PlaceCall, prefix: string): FieldProblem[] {
  return calloutViolations(request.callout, request.customExtra).map((v) => ({ field: prefix + v.path, rule: v.rule, message: v.message }));
}

function dialJob(callId: string, requestId: string | undefined, dialAt: Date | undefined, urgent: boolean | undefined): DialJobData {
  return { callId, ...(requestId ? { requestId } : {}), ...(dialAt ? { dialAt: dialAt.getTime() } : {}), ...(urgent ? { urgent } : {}) };
}
