import { ApiProperty } from '@nestjs/swagger';

export class ManageCallResult {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() sinchCallId: string;
  @ApiProperty({ description: 'The SVAML sent to Sinch' }) svaml: Record<string, unknown>;
}
