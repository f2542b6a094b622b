import type { CalloutType } from 'src/callouts/dto/callout-base.dto';
import { TtsCalloutDto } from 'src/callouts/dto/tts-callout.dto';
import { ConferenceCalloutDto } from 'src/callouts/dto/conference-callout.dto';
import { CustomCalloutDto } from 'src/callouts/dto/custom-callout.dto';

export type CreateCalloutDto = TtsCalloutDto | ConferenceCalloutDto | CustomCalloutDto;

export const CALLOUT_DTO_BY_TYPE: Readonly<Record<CalloutType, new () => CreateCalloutDto>> = {
  tts: TtsCalloutDto,
  conference: ConferenceCalloutDto,
  custom: CustomCalloutDto,
};
