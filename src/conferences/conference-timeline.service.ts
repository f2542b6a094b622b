import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ConferenceEvent } from './conference-event.entity';

export interface TimelineEntry {
  roomId: string;
  sessionId: string | null;
  participantId?: string | null;
  type: string;
  apiKeyId?: string | null;
  data?: Record<string, unknown>;
}

// Every session's timeline (joins, leaves, moderation) goes through here: one place that writes it.
@Injectable()
export class ConferenceTimeline {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

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
  }
}
