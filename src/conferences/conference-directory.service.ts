import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RefreshedCache } from 'src/common/refresh-loop';
import { AppConfig } from 'src/config/app-config';
import type { ConferenceRole } from './conference-participant.entity';
import { ConferenceRoom } from './conference-room.entity';

const REFRESH_MS = 5_000;

interface Present {
  role: ConferenceRole;
}

// What dial-in answers need, in memory: every room, and who is in each (by Sinch call id). Callback answers come
// from here (Sinch waits on the line). This process's own changes apply at once; other processes' at the next
// reload (every 5 s), which also re-reads presence from Postgres so the counts never drift for long.
@Injectable()
export class ConferenceDirectory extends RefreshedCache {
  protected readonly logger = new Logger('ConferenceDirectory');
  private rooms = new Map<string, ConferenceRoom>();
  private presence = new Map<string, Map<string, Present>>();
  // Admitted here but maybe not written yet: kept across reloads until written or gone.
  private readonly unwritten = new Map<string, { roomId: string; role: ConferenceRole }>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {
    super();
  }

  protected plan() {
    return { what: 'conference rooms', everyMs: REFRESH_MS, here: this.config.runsApi };
  }

  async refresh(): Promise<void> {
    const rooms = await this.dataSource.getRepository(ConferenceRoom).find();
    const rows: { room_id: string; sinch_call_id: string; role: ConferenceRole }[] = await this.dataSource.query(
      `SELECT room_id, sinch_call_id, role FROM conference_participants WHERE left_at IS NULL AND sinch_call_id IS NOT NULL`,
    );
    const presence = new Map<string, Map<string, Present>>();
    const add = (roomId: string, sinchCallId: string, role: ConferenceRole) => {
      const inRoom = presence.get(roomId) ?? new Map<string, Present>();
      inRoom.set(sinchCallId, { role });
      presence.set(roomId, inRoom);
    };
    for (const r of rows) add(r.room_id, r.sinch_call_id, r.role);
    for (const [sinchCallId, u] of this.unwritten) add(u.roomId, sinchCallId, u.role);
    this.rooms = new Map(rooms.map((r) => [r.id, r]));
    this.presence = presence;
  }

  room(id: string): ConferenceRoom | undefined {
    return this.rooms.get(id);
  }

  byConferenceId(sinchConferenceId: string): ConferenceRoom | undefined {
    for (const room of this.rooms.values()) if (room.sinchConferenceId === sinchConferenceId) return room;
    return undefined;
  }

  put(room: ConferenceRoom): void {
    this.rooms.set(room.id, room);
  }

  remove(id: string): void {
    this.rooms.delete(id);
    this.presence.delete(id);
  }

  present(roomId: string): number {
    return this.presence.get(roomId)?.size ?? 0;
  }

  admit(roomId: string, sinchCallId: string, role: ConferenceRole): void {
    const inRoom = this.presence.get(roomId) ?? new Map<string, Present>();
    inRoom.set(sinchCallId, { role });
    this.presence.set(roomId, inRoom);
    this.unwritten.set(sinchCallId, { roomId, role });
  }

  written(sinchCallId: string): void {
    this.unwritten.delete(sinchCallId);
  }

  release(roomId: string, sinchCallId: string): void {
    this.unwritten.delete(sinchCallId);
    this.presence.get(roomId)?.delete(sinchCallId);
  }
}
