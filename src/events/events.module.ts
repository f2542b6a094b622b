import { Module } from '@nestjs/common';
import { AdminEvents } from './admin-events.service';
import { EventHub } from './event-hub.service';
import { EventsController } from './events.controller';

// The contract features publish on: AdminEvents.publish(topic, type, data), and the topic type.
export type { EventTopic } from './event-stream';

// The admin event stream: AdminEvents publishes (any process), EventHub serves SSE clients (api processes).
@Module({ controllers: [EventsController], providers: [AdminEvents, EventHub], exports: [AdminEvents] })
export class EventsModule {}
