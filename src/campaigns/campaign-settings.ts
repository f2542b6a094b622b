import type { FieldProblem } from 'src/common/app-error';
import { normalizePhoneNumber } from 'src/common/phone-number';
import { canonicalTimeZone } from 'src/common/zoned-time';
import type { Campaign, CampaignMessage, MachineAction } from './campaign.entity';
import type { CreateCampaignDto } from 'src/campaigns/dto/create-campaign.dto';
import type { UpdateCampaignDto } from 'src/campaigns/dto/update-campaign.dto';
import type { RetryPolicyDto } from './dto/campaign-settings.dto';
import { AGENTLESS, dialingProblems, mergeDialing, type Dialing } from './dialer/dial-mode';
import { windowProblems, type CallingWindow } from './scheduling/calling-window';
import { templateProblems } from './scheduling/message-template';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './scheduling/retry-policy';

// The settings of a campaign as stored, after normalisation (E.164 caller ids, canonical zone, merged policy).
export interface CampaignSettings {
  name: string;
  callerIds: string[];
  // A caller-id pool instead of callerIds (its name once the service checked it).
  callerIdPool: string | null;
  locale: string;
  message: CampaignMessage;
  machineAction: MachineAction;
  machineMessage: string | null;
  callingWindow: CallingWindow;
  defaultTimeZone: string;
  callsPerSecond: number;
  maxConcurrent: number;
  retryPolicy: RetryPolicy;
  spendCapAmount: string | null;
  spendCapCurrency: string | null;
  startAt: Date | null;
  endAt: Date | null;
  dialing: Dialing;
}

export interface SettingsLimits {
  // The global callout rate (SINCH_CALLOUTS_PER_SECOND): no campaign may ask for more.
  maxCallsPerSecond: number;
  now: Date;
}

export type SettingsResult = { ok: true; settings: CampaignSettings } | { ok: false; problems: FieldProblem[] };

export function settingsFromCreate(dto: CreateCampaignDto, limits: SettingsLimits): SettingsResult {
  return check(
    {
      name: dto.name.trim(),
      callerIds: dto.callerIds ?? [],
      callerIdPool: dto.cli?.pool ?? null,
      locale: dto.locale ?? 'en-US',
      message: toMessage(dto.message),
      machineAction: dto.answeringMachine?.action ?? 'hangup',
      machineMessage: dto.answeringMachine?.message ?? null,
      callingWindow: { days: [...dto.callingWindow.days].sort(), start: dto.callingWindow.start, end: dto.callingWindow.end },
      defaultTimeZone: dto.defaultTimeZone,
      callsPerSecond: dto.pacing.callsPerSecond,
      maxConcurrent: dto.pacing.maxConcurrent,
      retryPolicy: mergePolicy(DEFAULT_RETRY_POLICY, dto.retryPolicy),
      spendCapAmount: dto.spendCap?.amount ?? null,
      spendCapCurrency: dto.spendCap?.currency ?? null,
      startAt: dto.startAt ? new Date(dto.startAt) : null,
      endAt: dto.endAt ? new Date(dto.endAt) : null,
      dialing: mergeDialing(AGENTLESS, dto.dialing),
    },
    limits,
  );
}

// A partial update over the stored settings; the result is checked as a whole (end after start, and so on).
export function settingsFromUpdate(current: Campaign, dto: UpdateCampaignDto, limits: SettingsLimits): SettingsResult {
  const has = <K extends keyof UpdateCampaignDto>(key: K) => dto[key] !== undefined;
  return check(
    {
      name: dto.name?.trim() ?? current.name,
      // A pool replaces the list (and the list the pool) unless both are given, which check() refuses.
      callerIds: dto.callerIds ?? (dto.cli?.pool ? [] : current.callerIds),
      callerIdPool: has('cli') ? (dto.cli?.pool ?? null) : dto.callerIds ? null : current.callerIdPool,
      locale: dto.locale ?? current.locale,
      message: dto.message ? toMessage(dto.message) : current.message,
      machineAction: dto.answeringMachine?.action ?? current.machineAction,
      machineMessage: has('answeringMachine') ? (dto.answeringMachine?.message ?? null) : current.machineMessage,
      callingWindow: dto.callingWindow
        ? { days: [...dto.callingWindow.days].sort(), start: dto.callingWindow.start, end: dto.callingWindow.end }
        : current.callingWindow,
      defaultTimeZone: dto.defaultTimeZone ?? current.defaultTimeZone,
      callsPerSecond: dto.pacing?.callsPerSecond ?? current.callsPerSecond,
      maxConcurrent: dto.pacing?.maxConcurrent ?? current.maxConcurrent,
      retryPolicy: mergePolicy(current.retryPolicy, dto.retryPolicy),
      // Left out: unchanged; null: removed.
      spendCapAmount: has('spendCap') ? (dto.spendCap?.amount ?? null) : current.spendCapAmount,
      spendCapCurrency: has('spendCap') ? (dto.spendCap?.currency ?? null) : current.spendCapCurrency,
      startAt: has('startAt') ? (dto.startAt ? new Date(dto.startAt) : null) : current.startAt,
      endAt: has('endAt') ? (dto.endAt ? new Date(dto.endAt) : null) : current.endAt,
      dialing: mergeDialing(current.dialing, dto.dialing),
    },
    limits,
  );
}

function toMessage(dto: CreateCampaignDto['message']): CampaignMessage {
  if (dto.type === 'tts') return { type: 'tts', text: dto.text ?? '' };
  const message: CampaignMessage = { type: 'ivr', prompt: dto.prompt ?? '', options: (dto.options ?? []).map((o) => ({ digit: o.digit, action: o.action })) };
  if (dto.transferNumber !== undefined) message.transferNumber = dto.transferNumber;
  if (dto.agentQueueId !== undefined) message.agentQueueId = dto.agentQueueId;
  if (dto.optOutScope !== undefined) message.optOutScope = dto.optOutScope;
  if (dto.confirmText !== undefined) message.confirmText = dto.confirmText;
  if (dto.optOutText !== undefined) message.optOutText = dto.optOutText;
  return message;
}

// The API spells outcomes in camelCase (noAnswer); the policy uses the call states' spelling (no_answer).
function mergePolicy(base: RetryPolicy, dto: RetryPolicyDto | undefined): RetryPolicy {
  if (!dto) return base;
  const rule = (r: { delayS: number; maxAttempts: number } | undefined, fallback: RetryPolicy[keyof RetryPolicy]) =>
    r ? { delayS: r.delayS, maxAttempts: r.maxAttempts } : fallback;
  return {
    busy: rule(dto.busy, base.busy),
    no_answer: rule(dto.noAnswer, base.no_answer),
    failed: rule(dto.failed, base.failed),
    machine: rule(dto.machine, base.machine),
  };
}

function check(settings: CampaignSettings, limits: SettingsLimits): SettingsResult {
  const problems: FieldProblem[] = [];
  const add = (field: string, rule: string, message: string) => problems.push({ field, rule, message });

  const callerIds = settings.callerIds.map((cli) => normalizePhoneNumber(cli)?.e164);
  callerIds.forEach((cli, i) => cli === undefined && add(`callerIds[${i}]`, 'isDialableNumber', `callerIds[${i}] must be a valid phone number`));
  if (new Set(callerIds).size !== callerIds.length) add('callerIds', 'unique', 'callerIds must not list a number twice');
  if (settings.callerIdPool !== null && callerIds.length > 0) add('callerIds', 'exclusive', 'callerIds must be left out when cli.pool is given');
  if (settings.callerIdPool === null && callerIds.length === 0)
    add('callerIds', 'required', 'callerIds must list at least one number, or cli.pool name a caller-id pool');

  const zone = canonicalTimeZone(settings.defaultTimeZone);
  if (!zone) add('defaultTimeZone', 'timeZone', `defaultTimeZone "${settings.defaultTimeZone}" is not an IANA time zone such as America/New_York`);

  for (const p of windowProblems(settings.callingWindow)) add(`callingWindow.${p.field}`, 'callingWindow', `callingWindow.${p.message}`);

  if (settings.callsPerSecond > limits.maxCallsPerSecond) {
    add('pacing.callsPerSecond', 'max', `pacing.callsPerSecond must not exceed the global limit of ${limits.maxCallsPerSecond} calls per second`);
  }

  checkMessage(settings, add);

  if (settings.startAt && settings.endAt && settings.endAt <= settings.startAt) {
    add('endAt', 'after_start', 'endAt must be after startAt');
  }
  if (settings.endAt && settings.endAt <= limits.now) add('endAt', 'future', 'endAt must be in the future');
  problems.push(...dialingProblems(settings.dialing));

  if (problems.length > 0) return { ok: false, problems };
  const message: CampaignMessage =
    settings.message.type === 'ivr' && settings.message.transferNumber
      ? { ...settings.message, transferNumber: normalizePhoneNumber(settings.message.transferNumber)?.e164 }
      : settings.message;
  return { ok: true, settings: { ...settings, message, callerIds: callerIds as string[], defaultTimeZone: zone as string } };
}

function checkMessage(settings: CampaignSettings, add: (field: string, rule: string, message: string) => void): void {
  const template = (field: string, text: string | null | undefined) => {
    if (text === null || text === undefined) return;
    for (const problem of templateProblems(text)) add(field, 'template', `${field} ${problem}`);
  };
  const { message } = settings;
  if (message.type === 'tts') {
    template('message.text', message.text);
  } else {
    template('message.prompt', message.prompt);
    template('message.confirmText', message.confirmText);
    template('message.optOutText', message.optOutText);
    const digits = message.options.map((o) => o.digit);
    if (new Set(digits).size !== digits.length) add('message.options', 'unique', 'message.options must not use a digit twice');
    if (message.options.some((o) => o.action === 'agent') && !message.transferNumber && !message.agentQueueId) {
      add('message.transferNumber', 'required', 'message.transferNumber or message.agentQueueId is required when an option has the action "agent"');
    }
    if (message.transferNumber && !normalizePhoneNumber(message.transferNumber)) {
      add('message.transferNumber', 'isDialableNumber', 'message.transferNumber must be a valid phone number');
    }
  }
  template('answeringMachine.message', settings.machineMessage);
}
