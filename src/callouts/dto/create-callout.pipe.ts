import { Injectable, PipeTransform } from '@nestjs/common';
import { createValidationPipe } from 'src/common/validation';
import { CALLOUT_DTO_BY_TYPE, type CreateCalloutDto } from 'src/callouts/dto/create-callout.dto';
import { CALLOUT_TYPES, type CalloutType } from 'src/callouts/dto/callout-base.dto';
import { CalloutsError } from 'src/callouts/callouts.errors';

const isCalloutType = (value: unknown): value is CalloutType => CALLOUT_TYPES.includes(value as CalloutType);

// Discriminated validation: `type` picks the DTO class, which is then validated like any body (whitelist,
// unknown fields refused). One problem per field (stopAtFirstError): "conferenceId is required", not also
// "must be a string" and "must be shorter than 64 characters".
@Injectable()
export class CreateCalloutPipe implements PipeTransform<unknown, Promise<CreateCalloutDto>> {
  private readonly pipe = createValidationPipe({ stopAtFirstError: true });

  async transform(value: unknown): Promise<CreateCalloutDto> {
    const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
    if (!isCalloutType(type)) {
      const message = `type must be one of the following values: ${CALLOUT_TYPES.join(', ')}`;
      throw new CalloutsError('invalid_callout', message, [{ field: 'type', rule: 'isIn', message }]);
    }
    return (await this.pipe.transform(value, { type: 'body', metatype: CALLOUT_DTO_BY_TYPE[type] })) as CreateCalloutDto;
  }
}
