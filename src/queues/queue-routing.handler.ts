import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { CallbackHandlers } from 'src/calls/handlers/callback-handlers.service';
import { RouteTargets, type TargetCall } from 'src/numbers/routing/route-targets.service';
import type { DiceEvent } from 'src/sinch/callback-events';
import type { Svaml } from 'src/sinch/svaml/svaml.types';
import { AppConfig } from 'src/config/app-config';
import { QueueEntries } from './queue-entries.service';
import { parkSvaml } from './queue-prompts';
import { QueuesService } from './queues.service';

// The queues feature's part of inbound calls: a number routed to a queue parks the caller (answered from memory,
// the entry written after the answer), and the caller's DiCE ends the wait.
@Injectable()
export class QueueRoutingHandler implements OnModuleInit, OnModuleDestroy {
  private readonly unregister: (() => void)[] = [];

  constructor(
    private readonly targets: RouteTargets,
    private readonly handlers: CallbackHandlers,
    private readonly queues: QueuesService,
    private readonly entries: QueueEntries,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.unregister.push(
      this.targets.register('queue', { exists: (id) => this.queues.exists(id), answer: (id, call) => this.answer(id, call) }),
      this.handlers.register({ name: 'queues', dice: (event) => this.dice(event) }),
    );
  }

  onModuleDestroy(): void {
    this.unregister.forEach((off) => off());
  }

  private answer(queueId: string, call: TargetCall): Svaml {
    const queue = this.queues.cached(queueId);
    // Deleted since the route was cached: the numbers handler logs it and the caller gets the next answer.
    if (!queue) throw new Error(`queue ${queueId} is not loaded`);
    this.entries.enqueueLater({
      queueId,
      sinchCallId: call.sinchCallId,
      fromNumber: call.from,
      dialled: call.dialled,
      entryRoute: 'number',
      enqueuedAt: call.receivedAt,
    });
    return parkSvaml(queue, this.config.queues.parkS);
  }

  private async dice(event: DiceEvent): Promise<void> {
    await this.entries.ended(event.callId, event.timestamp ? new Date(event.timestamp) : new Date());
  }
}
