import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { EVENT_TOPICS } from './event-stream';

// Query DTOs so the stream routes follow the input policy (unknown parameters are a 400); the values' meaning
// (known topics, the id format) is checked by parseTopics / parseLastEventId, which name the field.
export class QueueEventsQueryDto {
  @ApiPropertyOptional({ example: '1764370000000-0', description: 'The same as the Last-Event-ID header, for clients that cannot set headers on reconnect' })
  @IsOptional()
  @IsString()
  lastEventId?: string;
}

export class EventsQueryDto extends QueueEventsQueryDto {
  @ApiPropertyOptional({ example: 'queues,conferences', description: `Comma-separated, of: ${EVENT_TOPICS.join(', ')} (default: every topic the key's role may see)` })
  @IsOptional()
  @IsString()
  topics?: string;
}
