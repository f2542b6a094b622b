import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CallsModule } from 'src/calls/calls.module';
import { CallbackUrlService } from './callback-url.service';
import { NumberRate } from './number-rate.entity';
import { NumberRates } from './number-rates.service';
import { NUMBERS_JOBS } from './numbers.jobs';
import { NumbersSyncProcessor } from './numbers-sync.processor';
import { NumbersSync } from './numbers-sync.service';
import { NumbersController } from './numbers.controller';
import { NumbersService } from './numbers.service';
import { PhoneNumber } from './phone-number.entity';
import { CallerIdPool } from './pools/caller-id-pool.entity';
import { CallerIdPools } from './pools/caller-id-pools.service';
import { NumberRouteAudit } from './route-audit.entity';
import { InboundRouteHandler } from './routing/inbound-route.handler';
import { RouteCache } from 'src/numbers/routing/route-cache.service';
import { RouteClock } from 'src/numbers/routing/route-clock.service';
import { RouteTargets } from 'src/numbers/routing/route-targets.service';

// Numbers: the account's numbers synced with Sinch, their inbound routes (answered at ICE from memory), business
// hours, caller-id pools and rates. Queues and conferences plug their route targets into RouteTargets.
@Module({
  imports: [TypeOrmModule.forFeature([PhoneNumber, NumberRouteAudit, CallerIdPool, NumberRate]), CallsModule, BullModule.registerQueue({ name: NUMBERS_JOBS.queue })],
  controllers: [NumbersController],
  providers: [
    NumbersService,
    NumbersSync,
    NumbersSyncProcessor,
    NumberRates,
    CallbackUrlService,
    CallerIdPools,
    RouteCache,
    RouteClock,
    RouteTargets,
    InboundRouteHandler,
  ],
  exports: [CallerIdPools, NumberRates, RouteTargets],
})
export class NumbersModule {}
