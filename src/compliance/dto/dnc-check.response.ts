import { ApiProperty } from '@nestjs/swagger';
import { DncEntryResponse } from 'src/compliance/dto/dnc-entry.response';

export class DncCheckResponse {
  @ApiProperty() phone: string;
  @ApiProperty({ description: "True when an active entry (global, or the campaign's) blocks calls to it" }) blocked: boolean;
  @ApiProperty({ type: [DncEntryResponse] }) entries: DncEntryResponse[];
}
