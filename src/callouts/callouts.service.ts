import { Injectable, Logger } from '@nestjs/common';
import { CallsService } from 'src/calls/calls.service';
import { AppError } from 'src/common/app-error';
import { IdempotencyService } from 'src/common/idempotency/idempotency.service';
import { ComplianceService } from 'src/compliance/compliance.service';
import { CalloutMetrics } from './callout-metrics';
import { planCallout } from './callout-request';
import type { CalloutResponse } from './dto/callout.response';
import type { CreateCalloutDto } from './dto/create-callout.dto';
import { CalloutQueue } from './queue/callout-queue';
import { toStoredCallout } from './stored-callout';

const IDEMPOTENCY_SCOPE = 'POST /api/v1/callouts';

@Injectable()
export class CalloutsService {
  private readonly logger = new Logger('Callouts');

  constructor(
    private readonly calls: CallsService,
    private readonly idempotency: IdempotencyService,
    private readonly queue: CalloutQueue,
    private readonly metrics: CalloutMetrics,
    private readonly compliance: ComplianceService,
  ) {}

  // Validated against every Sinch limit first; then the call row (and the idempotency key, when given) commit
  // together, and only then is the job added. A crash between commit and enqueue leaves a queued row that the
  // sweep enqueues; the job id (the row id) makes a double enqueue harmless.
  async create(dto: CreateCalloutDto, idempotencyKey?: string, requestId?: string): Promise<CalloutResponse> {
    const planned = planCallout(dto);
    if (!planned.ok) throw new AppError('invalid', planned.problems.map((p) => p.message).join('; '), planned.problems);
    const { plan } = planned;

    const { response, replayed } = await this.idempotency.run(IDEMPOTENCY_SCOPE, idempotencyKey, dto, async (manager) => {
      // Inside the idempotent unit: a refusal stores nothing (not even the key), a replay answers what was answered.
      await this.compliance.assertCallable(plan.toNumber, 'destination', { manager });
      const call = await this.calls.createOutbound(
        {
          kind: plan.kind,
          toNumber: plan.toNumber,
          fromNumber: plan.fromNumber,
          country: plan.country,
          conferenceId: plan.conferenceId,
          request: toStoredCallout(plan.request, plan.customExtra),
        },
        manager,
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
    if (replayed) return response;

    this.metrics.requested.inc({ type: plan.kind });
    try {
      await this.queue.enqueue(response.id, requestId);
    } catch (error) {
      // The row is committed: answering 202 is right, the sweep will enqueue it.
      this.logger.error({ err: error, callId: response.id }, 'Enqueueing the callout failed; the sweep will pick it up');
    }
    return response;
  }
}
