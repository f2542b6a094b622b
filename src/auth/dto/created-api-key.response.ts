import { ApiProperty } from '@nestjs/swagger';
import { ApiKeyResponse } from 'src/auth/dto/api-key.response';

export class CreatedApiKeyResponse extends ApiKeyResponse {
  @ApiProperty({ description: 'The key itself. Shown once: it is stored only as a hash.' })
  key: string;
}
