import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { invalidField } from 'src/common/validation';
import { RecordingsError } from './recordings.errors';
import { startRefreshing } from 'src/common/refresh-loop';
import { AppConfig } from 'src/config/app-config';
import { buildSvaml, svaml } from 'src/sinch/svaml/svaml.builders';
import type { MenuResult } from 'src/sinch/callback-events';
import type { Svaml, SvamlInstruction } from 'src/sinch/svaml/svaml.types';
import { RecordingPolicy, type PolicyTargetType, type RecordingMode } from './recording-policy.entity';

export interface PolicyTarget {
  type: PolicyTargetType;
  id: string;
}

interface TargetRegistration {
  exists: (id: string) => boolean | Promise<boolean>;
  optOut: boolean;
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
// consent with optOut: the key that declines, and what the caller is told about it.
export const OPT_OUT_KEY = '9';
const OPT_OUT_PROMPT = `Press ${OPT_OUT_KEY} if you do not want to be recorded.`;
const OPT_OUT_RETURN = 'rec:optout';
const OPT_OUT_WAIT_MS = 4000;
const REFRESH_MS = 2000;

// Recording policies per campaign, inbound route (by number), queue and conference room, over a global default
// (RECORDINGS_DEFAULT_POLICY). Precedence, most specific first: the callout's own `record` flag, then the first
// of the targets a feature passes that has a policy (a campaign, queue or conference room before the number
// route the call came in on), then the default. Answers come from memory: callback answers may not query.
@Injectable()
export class RecordingPolicies implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('RecordingPolicies');
  private readonly targets = new Map<PolicyTargetType, TargetRegistration>();
  private policies = new Map<string, RecordingPolicy>();
  // Answers a feature already decided for (its more specific target, possibly `off`): a later applyTo (the number
  // route's, behind a queue or conference) leaves them alone.
  private readonly decided = new WeakSet<Svaml>();
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

  // How a feature makes its targets valid for policies (`exists` is asked when a policy is saved). `optOut`: the
  // feature asks the opt-out question (consentMenu / afterConsent); a policy with optOut on any other target is a 400.
  registerTarget(type: PolicyTargetType, exists: (id: string) => boolean | Promise<boolean>, options: { optOut?: boolean } = {}): () => void {
    const registration: TargetRegistration = { exists, optOut: options.optOut === true };
    this.targets.set(type, registration);
    return () => {
      if (this.targets.get(type) === registration) this.targets.delete(type);
    };
  }

  // The target types whose feature applies optOut (the global default has no optOut: RECORDINGS_DEFAULT_POLICY is a mode).
  optOutTargets(): PolicyTargetType[] {
    return [...this.targets].filter(([, r]) => r.optOut).map(([type]) => type);
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
    const record = startRecording(policy, locale);
    if (policy.mode === 'on') return [record];
    return [svaml.say(policy.notice ?? DEFAULT_CONSENT_NOTICE, locale), record];
  }

  // An answer with the policy's instructions first (its action unchanged): how a feature records its calls. An
  // answer that already records is left alone: the feature that built it (a queue or conference room behind an
  // inbound route) applied its more specific policy first.
  applyTo(answer: Svaml, targets: readonly PolicyTarget[], locale?: string): Svaml {
    if (this.decided.has(answer) || answer.instructions?.some((i) => i.name === 'startRecording')) return answer;
    if (answer.action?.name === 'hangup' && !answer.instructions?.length) return answer;
    const first = this.instructionsFor(targets, locale);
    const applied = first.length === 0 ? answer : { ...answer, instructions: [...first, ...(answer.instructions ?? [])] };
    this.decided.add(applied);
    return applied;
  }

  // consent with optOut ("press 9 to not be recorded"): a one-key menu saying the notice, to answer with instead of
  // the feature's action; undefined when the policy asks no question. Its PIE comes back with `menuId` (the
  // feature's own, naming what to do next) and goes to afterConsent.
  consentMenu(targets: readonly PolicyTarget[], menuId: string, locale?: string): Svaml | undefined {
    const policy = this.effective(targets);
    if (policy.mode !== 'consent' || !policy.optOut) return undefined;
    const prompt = `#tts[${`${policy.notice ?? DEFAULT_CONSENT_NOTICE} ${OPT_OUT_PROMPT}`.replace(/\[/g, '(').replace(/\]/g, ')')}]`;
    const question = {
      mainPrompt: prompt,
      maxDigits: 1,
      timeoutMills: OPT_OUT_WAIT_MS,
      options: [{ dtmf: OPT_OUT_KEY, action: `return(${OPT_OUT_RETURN})` as const }],
    };
    // Sinch wants a menu named "main"; the one that runs (`mainMenu`) is the feature's, so that its id comes back in
    // the PIE whether the caller pressed a key or not (a timeout has no return value to carry it).
    const answer = buildSvaml(
      svaml.runMenu([{ id: menuId, ...question }, ...(menuId === 'main' ? [] : [{ id: 'main', ...question }])], {
        barge: true,
        mainMenu: menuId,
        ...(locale ? { locale } : {}),
      }),
    );
    this.decided.add(answer);
    return answer;
  }

  // consentMenu in front of an answer the caller is about to get, unless a more specific feature already decided it
  // (a queue or conference room behind an inbound route: its own policy, and its own question) or it records nothing
  // (a bare hangup): how an inbound route asks before its own action.
  consentBefore(answer: Svaml, targets: readonly PolicyTarget[], menuId: string, locale?: string): Svaml | undefined {
    if (this.decided.has(answer) || (answer.action?.name === 'hangup' && !answer.instructions?.length)) return undefined;
    return this.consentMenu(targets, menuId, locale);
  }

  // The consent menu's PIE: the feature's next answer, recorded unless the caller pressed the opt-out key (no
  // key, or another, is consent: the notice was said). An answer a more specific feature decided is left alone.
  afterConsent(result: MenuResult, answer: Svaml, targets: readonly PolicyTarget[], locale?: string): Svaml {
    if (this.decided.has(answer)) return answer;
    const declined = declinedRecording(result);
    const policy = this.effective(targets);
    const record = declined || policy.mode === 'off' ? [] : [startRecording(policy, locale)];
    const decided = { ...answer, instructions: [...record, ...(answer.instructions ?? [])] };
    this.decided.add(decided);
    return decided;
  }

  list(): RecordingPolicy[] {
    return [...this.policies.values()];
  }

  async put(target: PolicyTarget, values: Pick<RecordingPolicy, 'mode' | 'optOut' | 'notice' | 'retentionDays' | 'transcribe'>): Promise<RecordingPolicy> {
    await this.assertTargetExists(target);
    if (values.optOut) this.assertOptOutSupported(target.type);
    await this.repository.upsert({ targetType: target.type, targetId: target.id, ...values }, ['targetType', 'targetId']);
    const saved = await this.repository.findOneByOrFail({ targetType: target.type, targetId: target.id });
    this.policies.set(key(target), saved);
    return saved;
  }

  async remove(target: PolicyTarget): Promise<void> {
    const result = await this.repository.delete({ targetType: target.type, targetId: target.id });
    if (!result.affected) throw new RecordingsError('recording_policy_not_found', `No recording policy on ${target.type} ${target.id}`);
    this.policies.delete(key(target));
  }

  private async assertTargetExists(target: PolicyTarget): Promise<void> {
    const exists = this.targets.get(target.type)?.exists;
    if (!exists) {
      const message = `${target.type} recording policies are not available: no ${target.type} feature is installed`;
      throw invalidField('targetType', 'available_target', message);
    }
    if (!(await exists(target.id))) {
      const message = `${target.type} ${target.id} does not exist`;
      throw new RecordingsError('policy_target_not_found', message, [{ field: 'targetId', rule: 'exists', message }]);
    }
  }

  private assertOptOutSupported(type: PolicyTargetType): void {
    if (this.targets.get(type)?.optOut) return;
    const supported = this.optOutTargets();
    const message = `optOut is not supported for ${type} policies (the call would be recorded without asking); supported for: ${supported.join(', ') || 'none'}`;
    throw invalidField('optOut', 'not_supported_for_target', message);
  }

  private async reload(): Promise<void> {
    const rows = await this.repository.find();
    this.policies = new Map(rows.map((p) => [key({ type: p.targetType, id: p.targetId }), p]));
  }
}

// A consent menu's answer: the caller pressed the opt-out key.
export function declinedRecording(result: MenuResult): boolean {
  return result.type === 'return' && result.value === OPT_OUT_RETURN;
}

function startRecording(policy: EffectivePolicy, locale?: string): SvamlInstruction {
  return svaml.startRecording(policy.transcribe ? { transcriptionOptions: { enabled: true, ...(locale ? { locale } : {}) } } : {});
}

function key(target: PolicyTarget): string {
  return `${target.type}:${target.id}`;
}
