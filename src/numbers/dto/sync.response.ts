import { ApiProperty } from '@nestjs/swagger';

export class SyncResponse {
  @ApiProperty({ type: [String], description: "New in Sinch's list" }) added: string[];
  @ApiProperty({ type: [String], description: "Gone from Sinch's list: marked released, route disabled, left every pool" }) released: string[];
  @ApiProperty({ type: [String], description: "Released before, back in Sinch's list (the route stays disabled until saved again)" }) returned: string[];
  @ApiProperty({ description: 'Numbers whose application changed: [{ number, from, to }]' }) reassigned: {
    number: string;
    from: string | null;
    to: string | null;
  }[];
  @ApiProperty() unchanged: number;
}
