import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { decodeCursor, toPage, type Page } from 'src/common/pagination';
import { AppConfig } from 'src/config/app-config';
import { Campaign } from './campaign.entity';
import { canTransition, EDITABLE_STATUSES, transitionError, TRANSITIONS, type CampaignAction } from './campaign-lifecycle';
import { settingsFromCreate, settingsFromUpdate, type CampaignSettings, type SettingsResult } from './campaign-settings';
import { CampaignCallsReader } from './campaign-calls.service';
import { CallerIdPoolResolver } from 'src/callouts/caller-id-pools.service';
import { IdempotencyService, type IdempotencyOf } from 'src/common/idempotency/idempotency.service';
import { CallWithdrawal } from 'src/campaigns/dialer/call-withdrawal.service';
import { CampaignScripts } from 'src/campaigns/dialer/campaign-scripts.service';
import { toCampaignResponse, type CampaignResponse } from './dto/campaign.response';
import type { CreateCampaignDto } from 'src/campaigns/dto/create-campaign.dto';
import type { UpdateCampaignDto } from 'src/campaigns/dto/update-campaign.dto';
import type { ListCampaignsQueryDto } from './dto/list-campaigns.query';
import { CampaignsError } from 'src/campaigns/campaigns.errors';
import { QueueBridge } from 'src/queues/queue-bridge.service';
import { usesAgents } from './dialer/dial-mode';

// An action without an Idempotency-Key (the API's pause / resume / cancel, a budget's pause).
const NO_KEY: IdempotencyOf = { owner: 'none' };

// Campaign settings and lifecycle. Every status change is one conditional UPDATE (... WHERE status IN (allowed)),
// so two operators (or an operator and the dialer completing it) never both win.
@Injectable()
export class CampaignsService {
  private readonly logger = new Logger('Campaigns');

  constructor(
    @InjectRepository(Campaign) private readonly campaigns: Repository<Campaign>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly callsReader: CampaignCallsReader,
    private readonly withdrawal: CallWithdrawal,
    private readonly idempotency: IdempotencyService,
    private readonly scripts: CampaignScripts,
    private readonly pools: CallerIdPoolResolver,
    private readonly queues: QueueBridge,
  ) {}

  async create(dto: CreateCampaignDto, createdBy: string | null): Promise<CampaignResponse> {
    const settings = await this.checked(this.valid(settingsFromCreate(dto, this.limits())));
    const row = await this.campaigns.save(this.campaigns.create({ ...settings, status: 'draft', createdBy }));
    return toCampaignResponse(row);
  }

  async update(id: string, dto: UpdateCampaignDto): Promise<CampaignResponse> {
    const current = await this.findOrFail(id);
    if (!EDITABLE_STATUSES.includes(current.status)) {
      throw new CampaignsError('campaign_not_editable', `Cannot update a campaign that is ${current.status}: settings change only while it is draft or paused`);
    }
    const settings = await this.checked(this.valid(settingsFromUpdate(current, dto, this.limits())));
    await this.dataSource.transaction(async (manager) => {
      const updated = await manager
        .createQueryBuilder()
        .update(Campaign)
        .set({ ...settings, updatedAt: () => 'now()' })
        .where('id = :id AND status IN (:...editable)', { id, editable: EDITABLE_STATUSES })
        .execute();
      if (!updated.affected) throw new CampaignsError('campaign_changed', 'The campaign changed state meanwhile; read it again and retry');
      // Contacts placed in the default zone follow it; contacts with their own zone or their country's do not.
      if (settings.defaultTimeZone !== current.defaultTimeZone) {
        await manager.query(
          `UPDATE campaign_contacts SET time_zone = $2, updated_at = now() WHERE campaign_id = $1 AND time_zone_source = 'campaign_default'`,
          [id, settings.defaultTimeZone],
        );
      }
      if (settings.spendCapCurrency !== current.spendCapCurrency) {
        const spent = settings.spendCapCurrency ? await this.callsReader.spend(id, settings.spendCapCurrency, manager) : '0';
        await manager.query('UPDATE campaigns SET spent_amount = $2 WHERE id = $1', [id, spent]);
      }
    });
    const updatedRow = await this.findOrFail(id);
    this.scripts.put(updatedRow);
    return toCampaignResponse(updatedRow);
  }

  async list(query: ListCampaignsQueryDto): Promise<Page<CampaignResponse>> {
    const limit = query.limit ?? 50;
    const after = decodeCursor(query.cursor);
    const qb = this.campaigns
      .createQueryBuilder('c')
      .orderBy('c.created_at', 'DESC')
      .addOrderBy('c.id', 'DESC')
      .take(limit + 1);
    if (query.status) qb.andWhere('c.status = :status', { status: query.status });
    if (after) qb.andWhere('(c.created_at, c.id) < (:createdAt, :id)', after);
    return toPage(await qb.getMany(), limit, toCampaignResponse);
  }

  async get(id: string): Promise<CampaignResponse> {
    return toCampaignResponse(await this.findOrFail(id));
  }

  async exists(id: string): Promise<boolean> {
    return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) && (await this.campaigns.existsBy({ id }));
  }

  async findOrFail(id: string): Promise<Campaign> {
    const row = await this.campaigns.findOneBy({ id });
    if (!row) throw new CampaignsError('campaign_not_found', `Campaign ${id} not found`);
    return row;
  }

  // An operator's action. 409 names the state the campaign is in and the ones the action needs. A start with an
  // Idempotency-Key answers a repeat with the first answer instead of a 409.
  async transition(id: string, action: Exclude<CampaignAction, 'complete'>, idempotency: IdempotencyOf = NO_KEY): Promise<CampaignResponse> {
    const current = await this.findOrFail(id);
    const { response, replayed } = await this.idempotency.run(`POST /api/v1/campaigns/{id}/${action}`, idempotency, { id }, async (m) => {
      if (!canTransition(action, current.status)) throw new CampaignsError('invalid_transition', transitionError(action, current.status));
      if (action === 'start' && !(await this.hasContacts(id, m))) {
        throw new CampaignsError('campaign_has_no_contacts', 'Cannot start a campaign without contacts: import contacts first');
      }
      const moved = await this.moveWith(m, id, action, null);
      if (!moved) throw new CampaignsError('invalid_transition', transitionError(action, (await this.findOrFail(id)).status));
      return toCampaignResponse(moved);
    });
    if (replayed) return response;
    this.logger.log({ campaignId: id, action, from: current.status, to: response.status }, 'Campaign status changed');
    this.scripts.put(await this.findOrFail(id));
    if (action === 'pause' || action === 'cancel') await this.withdrawal.withdrawCampaign(id, action === 'pause' ? 'campaign paused' : 'campaign cancelled');
    return response;
  }

  // The status change itself; null when the campaign was not in a state the action may start from.
  // Used by the operator's actions and by the dialer (pause on the spend cap, complete when done).
  async move(id: string, action: CampaignAction, reason: string | null): Promise<Campaign | null> {
    const moved = await this.dataSource.transaction((m) => this.moveWith(m, id, action, reason));
    if (moved) this.scripts.put(moved);
    return moved;
  }

  private async moveWith(m: EntityManager, id: string, action: CampaignAction, reason: string | null): Promise<Campaign | null> {
    const { from, to } = TRANSITIONS[action];
    const result = await m
      .createQueryBuilder()
      .update(Campaign)
      .set({
        status: to,
        statusReason: reason,
        updatedAt: () => 'now()',
        // A start or resume refills the pacing bucket from scratch (no saved-up burst from before the pause).
        ...(to === 'running' ? { nextDialAt: null } : {}),
        ...(action === 'start' ? { startedAt: () => 'coalesce(started_at, now())' } : {}),
        ...(to === 'completed' || to === 'cancelled' ? { finishedAt: () => 'now()' } : {}),
      })
      .where('id = :id AND status IN (:...from)', { id, from })
      .execute();
    if (!result.affected) return null;
    if (to === 'cancelled' || to === 'completed') {
      // Nobody will call them now; they are kept (and counted) as skipped, with the reason.
      await m.query(`UPDATE campaign_contacts SET status = 'skipped', last_result = $2, updated_at = now() WHERE campaign_id = $1 AND status = 'pending'`, [
        id,
        to === 'cancelled' ? 'campaign_cancelled' : 'campaign_completed',
      ]);
    }
    return m.findOneByOrFail(Campaign, { id });
  }

  private async hasContacts(id: string, m: EntityManager): Promise<boolean> {
    const rows: unknown[] = await m.query('SELECT 1 FROM campaign_contacts WHERE campaign_id = $1 LIMIT 1', [id]);
    return rows.length > 0;
  }

  private limits() {
    return { maxCallsPerSecond: this.config.callouts.perSecond, now: new Date() };
  }

  // Settings that name other things are checked against them: the queues named (the dialer's agents' queue, the
  // IVR's "talk to an agent" queue) must exist, and a caller-id pool must exist and have a usable number (else a 400
  // naming cli.pool; it is stored by name). The other dial rules are in dialingProblems.
  private async checked(settings: CampaignSettings): Promise<CampaignSettings> {
    const { dialing, message } = settings;
    await this.checkQueue('dialing.queueId', usesAgents(dialing) ? dialing.queueId : undefined);
    await this.checkQueue('message.agentQueueId', message.type === 'ivr' ? message.agentQueueId : undefined);
    if (settings.callerIdPool === null) return settings;
    return { ...settings, callerIdPool: (await this.pools.open(settings.callerIdPool, 'cli.pool')).name };
  }

  private async checkQueue(field: string, queueId: string | null | undefined): Promise<void> {
    if (!queueId || (await this.queues.exists(queueId))) return;
    const message = `${field}: queue ${queueId} does not exist`;
    throw new CampaignsError('invalid_campaign', message, [{ field, rule: 'exists', message }]);
  }

  private valid(result: SettingsResult): CampaignSettings {
    if (!result.ok) throw new CampaignsError('invalid_campaign', result.problems.map((p) => p.message).join('; '), result.problems);
    return result.settings;
  }
}
