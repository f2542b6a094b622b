import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AdminEvents } from 'src/events/admin-events.service';
import { ConferenceEvent } from './conference-event.entity';

export interface TimelineEntry {
  roomId: string;
  sessionId: string | null;
  participantId?: string | null;
  type: string;
  apiKeyId?: string | null;
  data?: Record<string, unknown>;
}

// Every session's timeline (joins, leaves, moderation) goes through here: one place that writes it and publishes
// it on the admin event stream (topic `conferences`).
@Injectable()
export class ConferenceTimeline {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: AdminEvents,
  ) {}

  async record(entries: TimelineEntry[], manager?: EntityManager): Promise<void> {
    if (entries.length === 0) return;
    // (TypeORM's deep-partial type does not take a jsonb Record, hence the cast.)
    await (manager ?? this.dataSource.manager).insert(
      ConferenceEvent,
      entries.map((e) => ({
        roomId: e.roomId,
        sessionId: e.sessionId,
        participantId: e.participantId ?? null,
        type: e.type,
        apiKeyId: e.apiKeyId ?? null,
        data: e.data ?? {},
      })) as unknown as QueryDeepPartialEntity<ConferenceEvent>[],
    );
    // Not awaited: publish never throws, and a caller's transaction must not wait on Redis. A notification, not the
    // record (the timeline is): a client that missed one reloads the live view.
    for (const e of entries) {
      void this.events.publish('conferences', e.type, {
        roomId: e.roomId,
        sessionId: e.sessionId,
        participantId: e.participantId ?? null,
        apiKeyId: e.apiKeyId ?? null,
        ...(e.data ?? {}),
      });
    }
  }
}
