import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';

// The wallboard alias's query (unknown parameters are a 400, as everywhere); parseLastEventId checks the format.
export class QueueEventsQueryDto {
  @ApiPropertyOptional({ example: '1764370000000-0', description: 'The same as the Last-Event-ID header, for clients that cannot set headers on reconnect' })
  @IsOptional()
  @IsString()
  lastEventId?: string;
}
