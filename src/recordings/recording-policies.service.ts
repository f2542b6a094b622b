import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AppError } from 'src/common/app-error';
import { startRefreshing } from 'src/common/refresh-loop';
import { AppConfig } from 'src/config/app-config';
import { svaml } from 'src/sinch/svaml/svaml.builders';
import type { Svaml, SvamlInstruction } from 'src/sinch/svaml/svaml.types';
import { RecordingPolicy, type PolicyTargetType, type RecordingMode } from './recording-policy.entity';

export interface PolicyTarget {
  type: PolicyTargetType;
  id: string;
}

export interface EffectivePolicy {
  mode: RecordingMode;
  optOut: boolean;
  notice: string | null;
  retentionDays: number;
  transcribe: boolean;
  // Which target decided ('default' when none had a policy).
  source: PolicyTargetType | 'default';
}

export const DEFAULT_CONSENT_NOTICE = 'This call may be recorded for quality and training purposes.';
const REFRESH_MS = 2000;

// Recording policies per campaign, inbound route (by number), queue and conference room, over a global default
// (RECORDINGS_DEFAULT_POLICY). Precedence, most specific first: the callout's own `record` flag, then the first
// of the targets a feature passes that has a policy (a campaign, queue or conference room before the number
// route the call came in on), then the default. Answers come from memory: callback answers may not query.
@Injectable()
export class RecordingPolicies implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('RecordingPolicies');
  private readonly targets = new Map<PolicyTargetType, (id: string) => boolean | Promise<boolean>>();
  private policies = new Map<string, RecordingPolicy>();
  private stopRefreshing?: () => void;

  constructor(
    @InjectRepository(RecordingPolicy) private readonly repository: Repository<RecordingPolicy>,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.config.runsApi && !this.config.runsWorkers) return;
    this.stopRefreshing = await startRefreshing(this.logger, 'recording policies', REFRESH_MS, () => this.reload());
  }

  onModuleDestroy(): void {
    this.stopRefreshing?.();
  }

  // How a feature makes its targets valid for policies (`exists` is asked when a policy is saved).
  registerTarget(type: PolicyTargetType, exists: (id: string) => boolean | Promise<boolean>): () => void {
    this.targets.set(type, exists);
    return () => {
      if (this.targets.get(type) === exists) this.targets.delete(type);
    };
  }

  // The policy that applies to a call touching these targets, most specific first.
  effective(targets: readonly PolicyTarget[]): EffectivePolicy {
    for (const target of targets) {
      const p = this.policies.get(key(target));
      if (p) {
        return {
          mode: p.mode,
          optOut: p.optOut,
          notice: p.notice,
          retentionDays: p.retentionDays ?? this.config.recordings.retentionDays,
          transcribe: p.transcribe,
          source: p.targetType,
        };
      }
    }
    const mode = this.config.recordings.defaultPolicy;
    return { mode, optOut: false, notice: null, retentionDays: this.config.recordings.retentionDays, transcribe: false, source: 'default' };
  }

  // The SVAML instructions to put before a call's action: none (off), startRecording (on), or the consent notice
  // then startRecording (consent). The storage options are filled in on the way to Sinch (recording-defaults.ts).
  instructionsFor(targets: readonly PolicyTarget[], locale?: string): SvamlInstruction[] {
    const policy = this.effective(targets);
    if (policy.mode === 'off') return [];
    const record = svaml.startRecording(policy.transcribe ? { transcriptionOptions: { enabled: true, ...(locale ? { locale } : {}) } } : {});
    if (policy.mode === 'on') return [record];
    return [svaml.say(policy.notice ?? DEFAULT_CONSENT_NOTICE, locale), record];
  }

  // An answer with the policy's instructions first (its action unchanged): how a feature records its calls. An
  // answer that already records is left alone: the feature that built it (a queue or conference room behind an
  // inbound route) applied its more specific policy first.
  applyTo(answer: Svaml, targets: readonly PolicyTarget[], locale?: string): Svaml {
    if (answer.instructions?.some((i) => i.name === 'startRecording')) return answer;
    if (answer.action?.name === 'hangup' && !answer.instructions?.length) return answer;
    const first = this.instructionsFor(targets, locale);
    if (first.length === 0) return answer;
    return { ...answer, instructions: [...first, ...(answer.instructions ?? [])] };
  }

  list(): RecordingPolicy[] {
    return [...this.policies.values()];
  }

  async put(target: PolicyTarget, values: Pick<RecordingPolicy, 'mode' | 'optOut' | 'notice' | 'retentionDays' | 'transcribe'>): Promise<RecordingPolicy> {
    await this.assertTargetExists(target);
    await this.repository.upsert({ targetType: target.type, targetId: target.id, ...values }, ['targetType', 'targetId']);
    const saved = await this.repository.findOneByOrFail({ targetType: target.type, targetId: target.id });
    this.policies.set(key(target), saved);
    return saved;
  }

  async remove(target: PolicyTarget): Promise<void> {
    const result = await this.repository.delete({ targetType: target.type, targetId: target.id });
    if (!result.affected) throw new AppError('not_found', `No recording policy on ${target.type} ${target.id}`);
    this.policies.delete(key(target));
  }

  private async assertTargetExists(target: PolicyTarget): Promise<void> {
    const exists = this.targets.get(target.type);
    if (!exists) {
      const message = `${target.type} recording policies are not available: no ${target.type} feature is installed`;
      throw new AppError('invalid', message, [{ field: 'targetType', rule: 'available_target', message }]);
    }
    if (!(await exists(target.id))) {
      const message = `${target.type} ${target.id} does not exist`;
      throw new AppError('not_found', message, [{ field: 'targetId', rule: 'exists', message }]);
    }
  }

  private async reload(): Promise<void> {
    const rows = await this.repository.find();
    this.policies = new Map(rows.map((p) => [key({ type: p.targetType, id: p.targetId }), p]));
  }
}

function key(target: PolicyTarget): string {
  return `${target.type}:${target.id}`;
}
