import { ApiProperty } from '@nestjs/swagger';

export class CallbackUrlResponse {
  @ApiProperty({ description: 'What Sinch has for this application: { primary?, fallback? }' }) sinch: { primary?: string; fallback?: string };
  @ApiProperty({ example: 'https://cc.example.com/webhooks/sinch/voice' }) expected: string;
  @ApiProperty({ description: "Sinch's primary URL is the expected one" }) matches: boolean;
}
