import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CallsModule } from 'src/calls/calls.module';
import { EventsModule } from 'src/events/events.module';
import { NumbersModule } from 'src/numbers/numbers.module';
import { RecordingsModule } from 'src/recordings/recordings.module';
import { ConferenceCallHandler } from './conference-call.handler';
import { ConferenceCommands } from './conference-commands.service';
import { ConferenceDirectory } from './conference-directory.service';
import { ConferenceEvent } from './conference-event.entity';
import { ConferenceHistory } from './conference-history.service';
import { ConferenceDialOut } from './conference-dial-out.service';
import { ConferenceLive } from './conference-live.service';
import { ConferenceModeration } from './conference-moderation.service';
import { ConferenceParticipant } from './conference-participant.entity';
import { ConferenceRoom } from './conference-room.entity';
import { ConferenceRooms } from './conference-rooms.service';
import { ConferenceSession } from './conference-session.entity';
import { ConferenceSessions } from './conference-sessions.service';
import { ConferenceTimeline } from './conference-timeline.service';
import { ConferencesController } from './conferences.controller';

// Conference rooms: settings, dial-in through a number routed to a room (PIN menu), dial-out as conference
// callouts (CalloutsService.place), the live view checked against Sinch, moderation, sessions and their timeline.
@Module({
  imports: [
    TypeOrmModule.forFeature([ConferenceRoom, ConferenceSession, ConferenceParticipant, ConferenceEvent]),
    CallsModule,
    NumbersModule,
    EventsModule,
    RecordingsModule,
  ],
  controllers: [ConferencesController],
  providers: [
    ConferenceDirectory,
    ConferenceTimeline,
    ConferenceCommands,
    ConferenceSessions,
    ConferenceRooms,
    ConferenceLive,
    ConferenceDialOut,
    ConferenceModeration,
    ConferenceHistory,
    ConferenceCallHandler,
  ],
})
export class ConferencesModule {}
