import { Injectable, Logger } from '@nestjs/common';
import { trimDecimal } from 'src/calls/rollups/call-rollups.service';
import { CalloutsError } from 'src/callouts/callouts.errors';
import { MicroBatcher } from 'src/common/micro-batcher';

// What a minute of a call to a number is expected to cost: { amount (exact decimal string), currency }.
export interface CostPerMinute {
  amount: string;
  currency: string;
}

export interface RateDestination {
  toNumber: string;
  country: string | null;
}

// The destinations' rates from what is already known (no request to Sinch on a callout's path), one per destination.
export type RatesOf = (destinations: readonly RateDestination[]) => Promise<(CostPerMinute | null)[]>;

// A callout's expected cost per minute in its 202 answer. The numbers feature owns the rates (Sinch's queryNumber,
// cached per number) and provides the lookup here, as it does for caller-id pools (callouts stays below features).
// Concurrent callouts share one lookup (one statement, not one per request).
@Injectable()
export class CalloutCostEstimator {
  private readonly logger = new Logger('CalloutCost');
  private readonly batcher = new MicroBatcher<RateDestination, CostPerMinute | null>({
    run: (destinations) => (this.ratesOf ? this.ratesOf(destinations) : Promise.resolve(destinations.map(() => null))),
    maxBatch: 1000,
    maxConcurrent: 2,
  });
  private ratesOf?: RatesOf;

  provide(ratesOf: RatesOf): void {
    this.ratesOf = ratesOf;
  }

  // null when no rate is known for the number or its country (never fails the callout).
  async perMinute(toNumber: string, country: string | null): Promise<CostPerMinute | null> {
    if (!this.ratesOf) return null;
    try {
      const rate = await this.batcher.push({ toNumber, country });
      return rate && { amount: trimDecimal(rate.amount), currency: rate.currency };
    } catch (error) {
      this.logger.warn({ country, error: error instanceof Error ? error.message : String(error) }, 'No rate for the callout estimate');
      return null;
    }
  }
}

// Refuses new callouts while a spend budget says so (the reports feature's global budgets at 100 %): it provides the
// check here, as numbers provides the rates. The answer is kept for a second (one query per second, not per callout);
// the process that records a budget's crossing drops it at once, the others see it within that second.
const GATE_TTL_MS = 1000;

@Injectable()
export class CalloutSpendGate {
  private exhausted?: () => Promise<string | null>;
  private known?: { reason: Promise<string | null>; until: number };

  provide(exhausted: () => Promise<string | null>): void {
    this.exhausted = exhausted;
  }

  invalidate(): void {
    this.known = undefined;
  }

  // A 409 naming the budget when one is spent.
  async assertOpen(): Promise<void> {
    if (!this.exhausted) return;
    if (!this.known || this.known.until < Date.now()) {
      const reason = this.exhausted();
      this.known = { reason, until: Date.now() + GATE_TTL_MS };
      reason.catch(() => (this.known = undefined));
    }
    const reason = await this.known.reason;
    if (reason) throw new CalloutsError('budget_exhausted', `Callouts are refused: ${reason}`);
  }
}
