import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import type { CallCustomExtra } from 'src/calls/call-custom';
import { CallsService, type NewCall } from 'src/calls/calls.service';
import type { FieldProblem } from 'src/common/app-error';
import { withDeadline } from 'src/common/deadline';
import { CallerIdPoolResolver } from './caller-id-pools.service';
import { IdempotencyService } from 'src/common/idempotency/idempotency.service';
import { ComplianceService } from 'src/compliance/compliance.service';
import { CalloutMetrics } from './callout-metrics.service';
import { calloutViolations, planCallout } from './callout-request';
import type { CalloutResponse } from './dto/callout.response';
import type { CreateCalloutDto } from 'src/callouts/dto/create-callout.dto';
import { CalloutJobs } from 'src/callouts/dialing/callout-jobs.service';
import { CALL_KIND_OF, STAFF_KEY, toStoredCallout, type SinchCallout } from './stored-callout';
import { CalloutsError, CalloutsErrorCode } from 'src/callouts/callouts.errors';

const IDEMPOTENCY_SCOPE = 'POST /api/v1/callouts';
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
}

// A request Sinch would refuse, caught before anything was stored; `details` name each request and field.
export class InvalidCallRequestError extends CalloutsError {
  constructor(problems: FieldProblem[]) {
    const shown = problems
      .slice(0, 3)
      .map((p) => `${p.field}: ${p.message}`)
      .join('; ');
    super(CalloutsErrorCode.InvalidCallRequest, `Invalid call request: ${shown}${problems.length > 3 ? ` (+${problems.length - 3} more)` : ''}`, problems);
  }
}

interface PendingDial {
  callId: string;
  requestId?: string;
}

// The one public way to place a call, for every feature. place() validates each request against every Sinch limit,
// writes the call rows (one INSERT) in the caller's transaction, and hands them to the callouts jobs when that
// transaction commits; nothing is queued if it rolls back. A crash between commit and enqueue leaves queued rows
// the sweep enqueues; the job id (the row id) makes a double enqueue harmless.
@Injectable()
export class CalloutsService implements EntitySubscriberInterface {
  private readonly logger = new Logger('Callouts');
  private readonly pending = new WeakMap<QueryRunner, PendingDial[]>();

  constructor(
    private readonly calls: CallsService,
    private readonly idempotency: IdempotencyService,
    private readonly queue: CalloutJobs,
    private readonly metrics: CalloutMetrics,
    private readonly pools: CallerIdPoolResolver,
    private readonly compliance: ComplianceService,
    @InjectDataSource() dataSource: DataSource,
  ) {
    // A transaction subscriber: TypeORM calls afterTransactionCommit / afterTransactionRollback for every transaction.
    dataSource.subscribers.push(this);
  }

  // Throws InvalidCallRequestError (a 400 at the HTTP edge) naming each broken limit (fields as Sinch paths prefixed by the request's index, e.g.
  // [3].customCallout.ice.action.number) and writes nothing when any request is invalid.
  async place(manager: EntityManager, requests: readonly PlaceCall[], requestId?: string): Promise<NewCall[]> {
    const runner = manager.queryRunner;
    if (!runner?.isTransactionActive) throw new Error("CalloutsService.place runs inside the caller's transaction: pass its EntityManager");
    const problems = requests.flatMap((r, i) => invalidFields(r, `[${i}].`));
    if (problems.length > 0) throw new InvalidCallRequestError(problems);
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
    const list = this.pending.get(runner) ?? [];
    list.push(...placed.map((p) => ({ callId: p.id, requestId })));
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
    await Promise.all(
      dials.map(({ callId, requestId }) =>
        // The row is committed: a failed or slow enqueue (Redis down) is the sweep's to repair, never the caller's error.
        withDeadline(this.queue.enqueue(callId, requestId), ENQUEUE_DEADLINE_MS, 'callout enqueue (Redis)').catch((err: unknown) =>
          this.logger.error({ err, callId }, 'Enqueueing a call failed; the sweep will pick it up'),
        ),
      ),
    );
  }

  // Rolled back to a savepoint, the outer transaction goes on: ids it wrote stay pending, and their jobs, finding
  // no row, end without dialling.
  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) this.pending.delete(event.queryRunner);
  }

  // The admin API: the DTO becomes a Sinch request (a 400 under the API's field names when it breaks a limit); the
  // call row and the idempotency key, when given, commit together.
  async create(dto: CreateCalloutDto, idempotencyKey?: string, requestId?: string): Promise<CalloutResponse> {
    const planned = planCallout(await this.pools.resolve(dto));
    if (!planned.ok) throw new CalloutsError(CalloutsErrorCode.InvalidCallout, planned.problems.map((p) => p.message).join('; '), planned.problems);
    const { plan } = planned;

    const { response, replayed } = await this.idempotency.run(IDEMPOTENCY_SCOPE, idempotencyKey, dto, async (manager) => {
      // Inside the idempotent unit: a refusal stores nothing (not even the key), a replay answers what was answered.
      await this.compliance.assertCallable(plan.toNumber, 'destination', { manager });
      const [call] = await this.place(
        manager,
        [
          {
            callout: plan.callout,
            customExtra: plan.customExtra,
            toNumber: plan.toNumber,
            fromNumber: plan.fromNumber,
            country: plan.country,
            conferenceId: plan.conferenceId,
          },
        ],
        requestId,
      );
      const created: CalloutResponse = {
        id: call.id,
        state: 'queued',
        type: plan.kind,
        href: `/api/v1/calls/${call.id}`,
        createdAt: call.createdAt.toISOString(),
      };
      return created;
    });
    if (!replayed) this.metrics.requested.inc({ type: plan.kind });
    return response;
  }
}

function invalidFields(request: PlaceCall, prefix: string): FieldProblem[] {
  return calloutViolations(request.callout, request.customExtra).map((v) => ({ field: prefix + v.path, rule: v.rule, message: v.message }));
}
