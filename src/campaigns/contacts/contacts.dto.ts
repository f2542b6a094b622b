import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsDefined, IsIn, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { PageQueryDto } from 'src/common/pagination';
import { CONTACT_STATUSES, type ContactStatus } from 'src/campaigns/campaign-contact.entity';

// A JSON body is held whole and capped at 1 MB by Fastify: larger lists go as text/csv (streamed).
export const JSON_IMPORT_MAX = 5000;

export class ContactInputDto {
  @ApiProperty({ example: '+14045005001', description: 'International format (or national with ?defaultCountry=)' })
  @MaxLength(64)
  @IsString()
  phone: string;

  @ApiPropertyOptional({ example: 'America/Denver', description: 'IANA zone; default: the number\'s country, else the campaign default' })
  @IsOptional()
  @MaxLength(64)
  @IsString()
  timeZone?: string;

  @ApiPropertyOptional({ example: { firstName: 'Ann' }, description: 'Usable in the message as {{firstName}}' })
  @IsOptional()
  @IsObject()
  attributes?: Record<string, unknown>;
}

export class ImportContactsDto {
  @ApiProperty({ type: [ContactInputDto], maxItems: JSON_IMPORT_MAX, description: 'Larger lists: send text/csv' })
  @ValidateNested({ each: true })
  @Type(() => ContactInputDto)
  @ArrayMaxSize(JSON_IMPORT_MAX)
  @ArrayMinSize(1)
  @IsArray()
  @IsDefined()
  contacts: ContactInputDto[];
}

const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class ImportQueryDto {
  @ApiPropertyOptional({ description: 'true: any rejected row fails the whole import (400, nothing stored)', default: false })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  strict?: boolean;

  @ApiPropertyOptional({ example: 'SE', description: 'Country for numbers written without a country code' })
  @IsOptional()
  @Matches(/^[A-Z]{2}$/, { message: 'defaultCountry must be an ISO 3166 alpha-2 code such as SE' })
  defaultCountry?: string;
}

export class ImportErrorResponse {
  @ApiPropertyOptional({ description: 'CSV: the line in the file (the header is line 1)' }) line?: number;
  @ApiPropertyOptional({ description: 'JSON: the index in contacts' }) index?: number;
  @ApiPropertyOptional() phone?: string;
  @ApiProperty() field: string;
  @ApiProperty() reason: string;
}

export class ImportResultResponse {
  @ApiProperty({ description: 'Rows read (= inserted + merged + rejected)' }) rows: number;
  @ApiProperty({ description: 'New contacts' }) inserted: number;
  @ApiProperty({ description: 'Rows merged into a contact with the same number (earlier in this import, or already there)' }) merged: number;
  @ApiProperty({ description: 'Contacts of this import on a do-not-call list (status dnc)' }) dnc: number;
  @ApiProperty() rejected: number;
  @ApiProperty({ type: [ImportErrorResponse], description: 'Each rejected row, the first 1000' }) errors: ImportErrorResponse[];
  @ApiProperty({ description: 'True when more rows were rejected than listed' }) errorsTruncated: boolean;
}

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

export class ContactResponse {
  @ApiProperty() id: string;
  @ApiProperty() phone: string;
  @ApiPropertyOptional({ nullable: true }) country: string | null;
  @ApiProperty() timeZone: string;
  @ApiProperty({ enum: ['contact', 'country', 'campaign_default'] }) timeZoneSource: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) attributes: Record<string, unknown>;
  @ApiProperty({ enum: CONTACT_STATUSES }) status: ContactStatus;
  @ApiProperty() attempts: number;
  @ApiPropertyOptional({ nullable: true, description: 'When pending: the earliest next dial' }) nextAttemptAt: string | null;
  @ApiPropertyOptional({ nullable: true }) lastResult: string | null;
  @ApiPropertyOptional({ nullable: true }) lastCallId: string | null;
  @ApiPropertyOptional({ nullable: true }) lastAttemptAt: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}
