import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from 'src/common/pagination';
import { CONTACT_STATUSES, type ContactStatus } from 'src/campaigns/campaign-contact.entity';

export class ListContactsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: CONTACT_STATUSES })
  @IsOptional()
  @IsIn(CONTACT_STATUSES)
  status?: ContactStatus;

  @ApiPropertyOptional({ description: 'One number' })
  @IsOptional()
  @MaxLength(64)
  @IsString()
  phone?: string;
}
