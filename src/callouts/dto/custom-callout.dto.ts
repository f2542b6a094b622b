import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional } from 'class-validator';
import { type Svaml } from 'src/sinch/svaml/svaml.types';
import { CalloutBaseDto, OptionalLocale, OptionalMaxDuration } from 'src/callouts/dto/callout-base.dto';

export class CustomCalloutDto extends CalloutBaseDto {
  declare type: 'custom';

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'Inline ICE SVAML. Its instructions run first; its action, if given, must be connectPstn without a number (the destination is dialled). Default: connectPstn to destination',
  })
  @IsOptional()
  @IsObject()
  ice?: Svaml;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Inline ACE SVAML (default: continue)' })
  @IsOptional()
  @IsObject()
  ace?: Svaml;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Inline PIE SVAML (runMenu answers)' })
  @IsOptional()
  @IsObject()
  pie?: Svaml;

  @OptionalMaxDuration()
  maxDuration?: number;

  @OptionalLocale()
  locale?: string;
}
