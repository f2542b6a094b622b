import { PartialType } from '@nestjs/swagger';
import { CreateCampaignDto } from 'src/campaigns/dto/create-campaign.dto';

// Any subset of the settings; allowed while the campaign is a draft or paused.
export class UpdateCampaignDto extends PartialType(CreateCampaignDto) {}
