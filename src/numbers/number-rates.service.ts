import { Injectable, OnModuleInit } from '@nestjs/common';
import { CalloutCostEstimator, type RateDestination } from 'src/callouts/callout-cost';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { normalizePhoneNumber } from 'src/common/phone-number';
import { AppConfig } from 'src/config/app-config';
import { SinchVoiceClient } from 'src/sinch/voice-client';
import type { RateResponse } from 'src/numbers/dto/rate.response';
import { NumberRate } from './number-rate.entity';
import { RouteClock } from 'src/numbers/routing/route-clock.service';
import { sinchFailure } from './sinch-failure';

// What a number costs per minute, its country and type: Sinch's queryNumber, cached per number in Postgres for
// NUMBERS_RATE_TTL_H so every process (and the cost estimates) reads it without asking Sinch each time.
@Injectable()
export class NumberRates implements OnModuleInit {
  constructor(
    @InjectRepository(NumberRate) private readonly rates: Repository<NumberRate>,
    private readonly client: SinchVoiceClient,
    private readonly config: AppConfig,
    private readonly clock: RouteClock,
    private readonly calloutCost: CalloutCostEstimator,
  ) {}

  // A callout's 202 shows its destination's rate from the cache, without asking Sinch on the callout's path.
  onModuleInit(): void {
    this.calloutCost.provide((destinations) => this.cachedRates(destinations));
  }

  // Each number's cached rate, else the latest cached rate of a number in its country (expired ones too: an
  // estimate); one statement for all, one answer per destination in the order given.
  async cachedRates(destinations: readonly RateDestination[]): Promise<({ amount: string; currency: string } | null)[]> {
    const rows: { i: string; amount: string; currency: string }[] = await this.rates.query(
      `SELECT q.i, r.amount, r.currency FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS q(number, country, i)
       CROSS JOIN LATERAL (SELECT rate_amount::text AS amount, trim(rate_currency) AS currency FROM number_rates
         WHERE rate_amount IS NOT NULL AND rate_currency IS NOT NULL AND (number = q.number OR country = q.country)
         ORDER BY (number = q.number) DESC, fetched_at DESC LIMIT 1) r`,
      [destinations.map((d) => d.toNumber), destinations.map((d) => d.country)],
    );
    const rates: ({ amount: string; currency: string } | null)[] = destinations.map(() => null);
    for (const row of rows) rates[Number(row.i) - 1] = { amount: row.amount, currency: row.currency };
    return rates;
  }

  async get(input: string, options: { refresh?: boolean } = {}): Promise<RateResponse> {
    const number = normalizePhoneNumber(input)?.e164 ?? input;
    const now = this.clock.now();
    if (!options.refresh) {
      const cached = await this.rates.findOneBy({ number });
      if (cached && cached.expiresAt > now) return toResponse(cached, true);
    }
    let answer;
    try {
      answer = await this.client.queryNumber(number);
    } catch (error) {
      throw sinchFailure(error, 'number', `Sinch could not tell the rate of ${number}`);
    }
    const row: NumberRate = {
      number,
      country: answer.countryId && /^[A-Z]{2}$/.test(answer.countryId) ? answer.countryId : null,
      numberType: answer.numberType ?? null,
      rateAmount: answer.rate?.amount ?? null,
      rateCurrency: answer.rate?.currency ?? null,
      fetchedAt: now,
      expiresAt: new Date(now.getTime() + this.config.numbers.rateTtlH * 3600_000),
    };
    await this.rates.upsert(row, ['number']);
    // Read back: the amount as the numeric column keeps it, the same string a cached answer gives.
    return toResponse(await this.rates.findOneByOrFail({ number }), false);
  }
}

function toResponse(row: NumberRate, cached: boolean): RateResponse {
  return {
    number: row.number,
    country: row.country,
    numberType: row.numberType,
    rate: row.rateAmount !== null && row.rateCurrency !== null ? { amount: row.rateAmount, currency: row.rateCurrency } : null,
    fetchedAt: row.fetchedAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    cached,
  };
}
