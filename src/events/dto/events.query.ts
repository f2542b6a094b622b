import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { QueueEventsQueryDto } from 'src/events/dto/queue-events.query';
import { EVENT_TOPICS } from 'src/events/event-stream';

// The event stream's query; parseTopics checks the topics (and names the unknown ones).
export class EventsQueryDto extends QueueEventsQueryDto {
  @ApiPropertyOptional({
    example: 'queues,conferences',
    description: `Comma-separated, of: ${EVENT_TOPICS.join(', ')} (default: every topic the key's role may see)`,
  })
  @IsOptional()
  @IsString()
  topics?: string;
}
