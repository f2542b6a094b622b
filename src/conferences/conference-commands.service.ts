import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SinchApiError } from 'src/sinch/sinch-errors';
import type { MusicOnHold } from 'src/sinch/svaml/svaml.types';
import { SinchVoiceClient } from 'src/sinch/voice-client';
import { AppConfig } from 'src/config/app-config';
import { JOIN_COMMAND_RETRY_MS, JOIN_COMMAND_TRIES } from './conference-config';
import { ConferenceDirectory } from './conference-directory.service';
import { ConferenceParticipant } from './conference-participant.entity';
import type { ConferenceRoom } from './conference-room.entity';
import { ConferenceTimeline } from './conference-timeline.service';
import { paced } from './paced';

export const PARTICIPANT_ACTIONS = ['mute', 'unmute', 'hold', 'resume', 'kick'] as const;
export type ParticipantAction = (typeof PARTICIPANT_ACTIONS)[number];

export interface CommandOptions {
  music?: MusicOnHold;
  apiKeyId?: string | null;
  // Set by the room's own rules (join muted, wait for a moderator) right after a join: Sinch may 404 for a moment.
  justJoined?: boolean;
  // Held by the room while it waits for a moderator (resumed when one joins), not by a moderator.
  forModerator?: boolean;
}

// Sinch no longer has the leg in the room (it left, or the room is gone).
export class NotInSinchRoom extends Error {}

export type CommandResult =
  { participantId: string; ok: true; participant: ConferenceParticipant } | { participantId: string; ok: false; status: number; error: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Sends participant commands to Sinch and records what they changed: the participant's row and the session's
// timeline. Many participants at once go out paced (config.conferences) and each one's outcome is reported.
@Injectable()
export class ConferenceCommands {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly voice: SinchVoiceClient,
    private readonly timeline: ConferenceTimeline,
    private readonly directory: ConferenceDirectory,
    private readonly config: AppConfig,
  ) {}

  async send(room: ConferenceRoom, p: ConferenceParticipant, action: ParticipantAction, options: CommandOptions = {}): Promise<ConferenceParticipant> {
    const sinchCallId = p.sinchCallId as string;
    const music = action === 'hold' ? (options.music ?? room.musicOnHold) : undefined;
    await this.toSinch(options.justJoined ? JOIN_COMMAND_TRIES : 1, async () => {
      if (action === 'kick') await this.voice.kickConferenceParticipant(room.sinchConferenceId, sinchCallId);
      else
        await this.voice.manageConferenceParticipant(room.sinchConferenceId, sinchCallId, { command: SINCH_COMMAND[action], ...(music ? { moh: music } : {}) });
    });
    const change: Partial<ConferenceParticipant> =
      action === 'mute'
        ? { muted: true }
        : action === 'unmute'
          ? { muted: false }
          : action === 'hold'
            ? { onHold: true, heldForModerator: options.forModerator === true }
            : action === 'resume'
              ? { onHold: false, heldForModerator: false }
              : { leftAt: new Date(), leaveReason: 'kicked' };
    await this.dataSource.transaction(async (manager) => {
      await manager.update(ConferenceParticipant, { id: p.id }, change);
      await this.timeline.record(
        [
          {
            roomId: room.id,
            sessionId: p.sessionId,
            participantId: p.id,
            type: action,
            apiKeyId: options.apiKeyId,
            data: { ...(music ? { music } : {}), ...(options.forModerator ? { by: 'wait_for_moderator' } : {}) },
          },
          ...(action === 'kick' ? [{ roomId: room.id, sessionId: p.sessionId, participantId: p.id, type: 'left', data: { reason: 'kicked' } }] : []),
        ],
        manager,
      );
    });
    if (action === 'kick') this.directory.release(room.id, sinchCallId);
    return Object.assign(p, change);
  }

  async sendMany(room: ConferenceRoom, ps: ConferenceParticipant[], action: ParticipantAction, options: CommandOptions = {}): Promise<CommandResult[]> {
    // Sinch documents no rate limit for these requests (429 is back-pressure): a mute-everyone over 100 legs at the
    // default 10/s takes about 10 s rather than a burst.
    const { commandsPerSecond, commandConcurrency } = this.config.conferences;
    const outcomes = await paced(ps, { perSecond: commandsPerSecond, concurrency: commandConcurrency }, (p) => this.send(room, p, action, options));
    return outcomes.map((o, i) =>
      o.ok
        ? { participantId: ps[i].id, ok: true, participant: o.value }
        : {
            participantId: ps[i].id,
            ok: false,
            status: o.error instanceof NotInSinchRoom ? 409 : 502,
            error: o.error instanceof Error ? o.error.message : String(o.error),
          },
    );
  }

  // Everyone out (Sinch's DELETE of the whole conference); an empty room (404) is already the wanted state.
  async kickAll(room: ConferenceRoom): Promise<void> {
    try {
      await this.voice.kickConferenceAll(room.sinchConferenceId);
    } catch (error) {
      if (!(error instanceof SinchApiError && error.status === 404)) throw error;
    }
  }

  private async toSinch(tries: number, request: () => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await request();
      } catch (error) {
        if (!(error instanceof SinchApiError && error.status === 404)) throw error;
        if (attempt >= tries) throw new NotInSinchRoom('Sinch no longer has this participant in the conference');
        await sleep(JOIN_COMMAND_RETRY_MS);
      }
    }
  }
}

const SINCH_COMMAND = { mute: 'mute', unmute: 'unmute', hold: 'onhold', resume: 'resume' } as const;
