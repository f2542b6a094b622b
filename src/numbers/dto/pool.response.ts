import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class PoolNumberStats {
  @ApiProperty() number: string;
  @ApiProperty({ description: 'Outbound calls with this caller id in the last 7 days' }) calls: number;
  @ApiProperty() answered: number;
  @ApiPropertyOptional({ nullable: true, description: 'answered / calls; null without calls' }) answerRate: number | null;
  @ApiProperty({ description: "Answer rate far below the pool's median (likely marked as spam by carriers)" }) flagged: boolean;
}

export class PoolResponse {
  @ApiProperty({ example: 'sales' }) name: string;
  @ApiProperty() excludeFlagged: boolean;
  @ApiPropertyOptional({ nullable: true, description: 'Median answer rate of the numbers with enough calls' }) medianAnswerRate: number | null;
  @ApiProperty({ type: [PoolNumberStats] }) numbers: PoolNumberStats[];
  @ApiProperty() updatedAt: string;
}
