import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { CalloutBaseDto, OptionalLocale, TTS_CHARS } from 'src/callouts/dto/callout-base.dto';

export class TtsCalloutDto extends CalloutBaseDto {
  declare type: 'tts';

  @ApiPropertyOptional({ maxLength: TTS_CHARS, description: 'Text read to the callee (text or prompts is required)' })
  @ValidateIf((o: TtsCalloutDto) => o.prompts === undefined || o.text !== undefined)
  @MaxLength(TTS_CHARS)
  @MinLength(1)
  @IsString({ message: 'text must be a string (a tts callout needs text or prompts)' })
  text?: string;

  @ApiPropertyOptional({ maxLength: TTS_CHARS, example: '#tts[Hello];#href[https://example.com/jingle.mp3]' })
  @IsOptional()
  @MaxLength(TTS_CHARS)
  @MinLength(1)
  @IsString()
  prompts?: string;

  @OptionalLocale()
  locale?: string;
}
