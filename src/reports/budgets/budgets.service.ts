import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import { createHmac } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CalloutSpendGate } from 'src/callouts/callout-cost';
import { CallRollups, trimDecimal } from 'src/calls/rollups/call-rollups.service';
import { CampaignsService } from 'src/campaigns/campaigns.service';
import { AppError } from 'src/common/app-error';
import { invalidField } from 'src/common/validation';
import { ReportsError } from 'src/reports/reports.errors';
import { AppConfig } from 'src/config/app-config';
import { AdminEvents } from 'src/events/admin-events.service';
import { QueueBridge } from 'src/queues/queue-bridge.service';
import type { BudgetAlertResponse, BudgetResponse, CreateBudgetDto } from './budget.dto';
import { BUDGET_JOBS } from './budgets.jobs';

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
// An alert recorded but not dispatched this long ago (its process died in between) is dispatched again.
const REDISPATCH_AFTER_S = 60;

// The start (local date) of a budget's current period and that instant, from its row (alias b).
const PERIOD_START = `CASE b.period WHEN 'day' THEN (now() AT TIME ZONE b.time_zone)::date ELSE date_trunc('month', now() AT TIME ZONE b.time_zone)::date END`;
const BUDGET_COLUMNS = `b.id, b.name, b.scope, b.scope_id AS "scopeId", b.period, b.time_zone AS "timeZone", trim(b.currency) AS currency,
  b.amount::text AS amount, b.thresholds, b.pause_at_limit AS "pauseAtLimit", b.alert_urls AS "alertUrls",
  (${PERIOD_START})::text AS "periodStart", (${PERIOD_START})::timestamp AT TIME ZONE b.time_zone AS "startAt"`;

interface BudgetRow extends Omit<BudgetResponse, 'spent' | 'alerts'> {
  startAt: Date;
}

interface StoredAlert {
  id: string;
  threshold: number;
  spend: string;
  periodStart: string;
}

// Spend budgets: each budget's spend in its current period (from the call roll-ups, exact numeric), thresholds
// crossed once per period (a unique row; with several workers only one inserts it), an admin event, a signed POST
// per alert URL (retried by BullMQ, each attempt logged) and, at 100 %, paused campaigns and refused callouts.
@Injectable()
export class BudgetsService implements OnModuleInit {
  private readonly logger = new Logger('Budgets');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(BUDGET_JOBS.queue) private readonly queue: Queue,
    private readonly rollups: CallRollups,
    private readonly campaigns: CampaignsService,
    private readonly events: AdminEvents,
    private readonly gate: CalloutSpendGate,
    private readonly config: AppConfig,
    private readonly queues: QueueBridge,
  ) {}

  onModuleInit(): void {
    this.gate.provide(() => this.exhaustedGlobalBudget());
  }

  async create(dto: CreateBudgetDto): Promise<BudgetResponse> {
    if ((dto.scope === 'global') !== (dto.scopeId === undefined)) {
      throw invalidField(
        'scopeId',
        dto.scope === 'global' ? 'forbidden' : 'required',
        `scopeId: ${dto.scope === 'global' ? 'not with a global budget' : `required with scope ${dto.scope}`}`,
      );
    }
    if (!CURRENCIES.has(dto.currency)) throw invalidField('currency', 'iso4217', `currency: ${dto.currency} is not an ISO 4217 currency`);
    if (!/[1-9]/.test(dto.amount)) throw invalidField('amount', 'positive', 'amount: must be more than 0');
    const timeZone = dto.timeZone ?? 'UTC';
    const now = new Date();
    if (!(await this.rollups.isKnownTimeZone(timeZone))) throw invalidField('timeZone', 'iana', `timeZone: ${timeZone} is not a known time zone`);
    if (await this.rollups.hasPartHourOffset(timeZone, now, new Date(now.getTime() + 366 * 86_400_000))) {
      throw invalidField('timeZone', 'whole_hours', `timeZone: ${timeZone} is not a whole number of hours from UTC (spend is summed per hour)`);
    }
    if ((dto.alertUrls?.length ?? 0) > 0 && !this.config.budgets.alertSecret) {
      throw invalidField('alertUrls', 'secret_missing', 'alertUrls: alerts are signed, and BUDGET_ALERT_SECRET is not configured');
    }
    // A queue budget pauses nothing (a queue's calls are inbound or a campaign's bridged callees): it only alerts.
    if (dto.scope === 'queue' && dto.pauseAtLimit === true) {
      throw invalidField('pauseAtLimit', 'not_with_queue', 'pauseAtLimit: a queue budget only alerts (nothing is paused at its limit)');
    }
    if (dto.scopeId !== undefined && !(await this.scopeExists(dto.scope, dto.scopeId))) {
      throw invalidField('scopeId', 'exists', `scopeId: no ${dto.scope} ${dto.scopeId}`);
    }
    const pause = dto.pauseAtLimit ?? dto.scope !== 'queue';
    const thresholds = [...new Set([...(dto.thresholds ?? [50, 80, 100]), ...(pause ? [100] : [])])].sort((a, b) => a - b);
    const [{ id }] = await this.dataSource.query<{ id: string }[]>(
      `INSERT INTO budgets (name, scope, scope_id, period, time_zone, currency, amount, thresholds, pause_at_limit, alert_urls)
       VALUES ($1, $2, $3, $4, $5, $6, $7::numeric, $8::int[], $9, $10::text[]) RETURNING id`,
      [dto.name, dto.scope, dto.scopeId ?? null, dto.period, timeZone, dto.currency, dto.amount, thresholds, pause, dto.alertUrls ?? []],
    );
    return this.get(id);
  }

  async list(): Promise<BudgetResponse[]> {
    const rows: BudgetRow[] = await this.dataSource.query(`SELECT ${BUDGET_COLUMNS} FROM budgets b ORDER BY b.created_at, b.id`);
    return Promise.all(rows.map((b) => this.withSpend(b)));
  }

  async get(id: string): Promise<BudgetResponse> {
    const [row] = await this.dataSource.query<BudgetRow[]>(`SELECT ${BUDGET_COLUMNS} FROM budgets b WHERE b.id = $1`, [id]);
    if (!row) throw new ReportsError('budget_not_found', `No budget ${id}`);
    return this.withSpend(row);
  }

  async remove(id: string): Promise<void> {
    const deleted: unknown[] = await this.dataSource.query('DELETE FROM budgets WHERE id = $1 RETURNING id', [id]);
    if (deleted.length === 0) throw new ReportsError('budget_not_found', `No budget ${id}`);
    this.gate.invalidate();
  }

  // The check job: every budget's spend against its thresholds; new crossings are dispatched, and crossings whose
  // dispatch was cut short are dispatched again. A budget that fails (its alert not enqueued, …) is logged and the
  // others are still checked. Then every campaign running under a pausing budget already spent this period (resumed
  // or started since its 100 % crossing) is paused again. Returns the alerts dispatched.
  async check(): Promise<{ budgets: number; alerts: number }> {
    const budgets: BudgetRow[] = await this.dataSource.query(`SELECT ${BUDGET_COLUMNS} FROM budgets b`);
    let alerts = 0;
    for (const budget of budgets) {
      await this.isolated(budget.id, async () => {
        const spent = await this.spent(budget);
        const crossed: { id: string; threshold: number }[] = await this.dataSource.query(
          `INSERT INTO budget_alerts (budget_id, period_start, threshold, spend)
           SELECT $1, $2::date, t, $3::numeric FROM unnest($4::int[]) t WHERE $3::numeric * 100 >= $5::numeric * t
           ON CONFLICT (budget_id, period_start, threshold) DO NOTHING RETURNING id, threshold`,
          [budget.id, budget.periodStart, spent, budget.thresholds, budget.amount],
        );
        for (const alert of crossed) {
          await this.dispatch(budget, { id: alert.id, threshold: alert.threshold, spend: spent, periodStart: budget.periodStart });
          alerts++;
        }
      });
    }
    const stale: (StoredAlert & { budgetId: string })[] = await this.dataSource.query(
      `SELECT id, budget_id AS "budgetId", threshold, spend::text, period_start::text AS "periodStart" FROM budget_alerts
       WHERE dispatched_at IS NULL AND crossed_at < now() - make_interval(secs => $1)`,
      [REDISPATCH_AFTER_S],
    );
    for (const alert of stale) {
      const budget = budgets.find((b) => b.id === alert.budgetId);
      if (!budget) continue;
      await this.isolated(budget.id, async () => {
        await this.dispatch(budget, alert);
        alerts++;
      });
    }
    const spentOut: { id: string }[] = await this.dataSource.query(
      `SELECT DISTINCT b.id FROM budgets b JOIN budget_alerts a ON a.budget_id = b.id AND a.threshold >= 100 AND a.period_start = ${PERIOD_START}
       WHERE b.pause_at_limit AND a.dispatched_at IS NOT NULL`,
    );
    for (const { id } of spentOut) {
      const budget = budgets.find((b) => b.id === id);
      if (budget) await this.isolated(id, () => this.pauseCampaigns(budget));
    }
    return { budgets: budgets.length, alerts };
  }

  private async isolated(budgetId: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.logger.error({ budgetId, error: error instanceof Error ? error.message : String(error) }, 'Budget check failed for this budget');
    }
  }

  // One POST of an alert to one URL: JSON body, `X-Budget-Timestamp` (Unix seconds) and `X-Budget-Signature:
  // sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with BUDGET_ALERT_SECRET>`. Each attempt is logged; a failure
  // throws, so BullMQ retries it with backoff.
  async deliver(alertId: string, url: string, attempt: number): Promise<number> {
    const secret = this.config.budgets.alertSecret;
    const [alert] = await this.dataSource.query<Record<string, unknown>[]>(
      `SELECT a.id AS "alertId", a.budget_id AS "budgetId", b.name AS "budgetName", b.scope, b.scope_id AS "scopeId", b.period,
         a.period_start::text AS "periodStart", a.threshold, trim(b.currency) AS currency, b.amount::text AS amount, a.spend::text AS spend,
         a.crossed_at AS "crossedAt"
       FROM budget_alerts a JOIN budgets b ON b.id = a.budget_id WHERE a.id = $1`,
      [alertId],
    );
    if (!alert) return 0; // the budget was deleted meanwhile
    if (!secret) {
      this.logger.error({ alertId, url }, 'Budget alert not sent: BUDGET_ALERT_SECRET is not configured (alerts are signed)');
      return 0;
    }
    for (const k of ['amount', 'spend'] as const) alert[k] = trimDecimal(alert[k] as string);
    const body = JSON.stringify({ type: 'budget.threshold_crossed', ...alert });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-budget-timestamp': timestamp, 'x-budget-signature': `sha256=${signature}` },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      status = res.status;
      await res.arrayBuffer();
      if (!res.ok) error = `HTTP ${res.status}`;
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    await this.dataSource.query('INSERT INTO budget_alert_deliveries (alert_id, url, attempt, status, error) VALUES ($1, $2, $3, $4, $5)', [
      alertId,
      url,
      attempt,
      status,
      error,
    ]);
    if (error) throw new Error(`Budget alert ${alertId} to ${url}: ${error}`);
    return status ?? 0;
  }

  // An alert's event, its POSTs and, at 100 % of a pausing budget, the pause. A stale re-dispatch of an earlier
  // period's alert (its process died before the period ended) still notifies, but pauses nothing in the new period.
  private async dispatch(budget: BudgetRow, alert: StoredAlert): Promise<void> {
    const { id: alertId, threshold, spend } = alert;
    const data = { budgetId: budget.id, name: budget.name, scope: budget.scope, scopeId: budget.scopeId, periodStart: alert.periodStart, threshold };
    await this.events.publish('budgets', 'threshold_crossed', {
      ...data,
      alertId,
      currency: budget.currency,
      amount: trimDecimal(budget.amount),
      spend: trimDecimal(spend),
    });
    // One job per URL, its id derived from the alert: a dispatch repeated after a crash does not send it twice.
    await Promise.all(budget.alertUrls.map((url, i) => BUDGET_JOBS.add(this.queue, 'deliver', { alertId, url }, { jobId: `alert-${alertId}-${i}` })));
    if (threshold >= 100 && budget.pauseAtLimit && alert.periodStart === budget.periodStart) {
      this.gate.invalidate();
      await this.pauseCampaigns(budget);
    }
    await this.dataSource.query('UPDATE budget_alerts SET dispatched_at = now() WHERE id = $1', [alertId]);
    this.logger.warn({ ...data, spend }, 'Budget threshold crossed');
  }

  // At 100 %: the budget's campaign if running, or every running campaign for a global budget (a queue budget pauses none).
  private async pauseCampaigns(budget: BudgetRow): Promise<void> {
    if (budget.scope === 'queue') return;
    const running: { id: string }[] = await this.dataSource.query(`SELECT id FROM campaigns WHERE status = 'running' AND ($1::uuid IS NULL OR id = $1::uuid)`, [
      budget.scope === 'campaign' ? budget.scopeId : null,
    ]);
    for (const { id } of running) {
      try {
        await this.campaigns.transition(id, 'pause');
      } catch (error) {
        if (!(error instanceof AppError)) throw error; // not running (any more), or gone: nothing to pause
      }
    }
  }

  // A global budget at its limit this period, with pauseAtLimit: new callouts are refused.
  private async exhaustedGlobalBudget(): Promise<string | null> {
    const [row] = await this.dataSource.query<{ name: string; amount: string; currency: string }[]>(
      `SELECT b.name, b.amount::text AS amount, trim(b.currency) AS currency FROM budgets b
       JOIN budget_alerts a ON a.budget_id = b.id AND a.threshold >= 100 AND a.period_start = ${PERIOD_START}
       WHERE b.scope = 'global' AND b.pause_at_limit LIMIT 1`,
    );
    return row ? `the ${row.currency} ${trimDecimal(row.amount)} budget "${row.name}" is spent for this period` : null;
  }

  private async scopeExists(scope: CreateBudgetDto['scope'], id: string): Promise<boolean> {
    if (scope === 'queue') return this.queues.exists(id);
    const found: unknown[] = await this.dataSource.query('SELECT 1 FROM campaigns WHERE id = $1', [id]);
    return found.length > 0;
  }

  private spent(budget: BudgetRow): Promise<string> {
    return this.rollups.spendSince(
      budget.startAt,
      budget.currency,
      budget.scope === 'campaign' ? { campaignId: budget.scopeId! } : budget.scope === 'queue' ? { queueId: budget.scopeId! } : {},
    );
  }

  private async withSpend(budget: BudgetRow): Promise<BudgetResponse> {
    const { startAt: _startAt, ...rest } = budget;
    const alerts: BudgetAlertResponse[] = await this.dataSource.query(
      `SELECT a.id, a.period_start::text AS "periodStart", a.threshold, a.spend::text AS spend, a.crossed_at AS "crossedAt",
         coalesce((SELECT jsonb_agg(jsonb_build_object('url', d.url, 'attempt', d.attempt, 'status', d.status, 'error', d.error, 'at', d.at) ORDER BY d.at, d.id)
           FROM budget_alert_deliveries d WHERE d.alert_id = a.id), '[]'::jsonb) AS deliveries
       FROM budget_alerts a WHERE a.budget_id = $1 AND a.period_start = $2::date ORDER BY a.threshold`,
      [budget.id, budget.periodStart],
    );
    return {
      ...rest,
      amount: trimDecimal(budget.amount),
      spent: trimDecimal(await this.spent(budget)),
      alerts: alerts.map((a) => ({ ...a, spend: trimDecimal(a.spend) })),
    };
  }
}
