import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';

// A JSON body is held whole and capped at 1 MB by Fastify: larger lists go as text/csv (streamed).
export const JSON_IMPORT_MAX = 5000;

export class ContactInputDto {
  @ApiProperty({ example: '+14045005001', description: 'International format (or national with ?defaultCountry=)' })
  @MaxLength(64)
  @IsString()
  phone: string;

  @ApiPropertyOptional({ example: 'America/Denver', description: "IANA zone; default: the number's country, else the campaign default" })
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
