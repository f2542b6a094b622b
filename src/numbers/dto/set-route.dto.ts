import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional } from 'class-validator';

const ROUTE_EXAMPLE = {
  route: {
    type: 'menu',
    menus: [
      {
        id: 'main',
        prompt: 'For sales press 1, for support press 2',
        options: [
          { dtmf: '1', route: { type: 'forward', to: '+46701234567' } },
          { dtmf: '2', menu: 'support' },
        ],
      },
      { id: 'support', prompt: 'For billing press 1', options: [{ dtmf: '1', route: { type: 'message', text: 'Please write to billing@example.com' } }] },
    ],
  },
  businessHours: {
    timeZone: 'Europe/Stockholm',
    weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], open: '08:00', close: '17:00' }],
    holidays: ['2026-12-25'],
  },
  afterHours: { type: 'message', text: 'We are closed. Our opening hours are 8 to 17, Monday to Friday.' },
};

// The route document is checked field by field by parseRouting (number-routes.ts), which names nested fields.
export class SetRouteDto {
  @ApiProperty({
    description: "The route: message, forward, menu, queue, conference or reject (see the README's Numbers section)",
    example: ROUTE_EXAMPLE.route,
    type: 'object',
    additionalProperties: true,
  })
  @IsObject()
  route: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'Opening hours in an IANA zone; outside them afterHours runs',
    example: ROUTE_EXAMPLE.businessHours,
    type: 'object',
    additionalProperties: true,
  })
  @IsOptional()
  @IsObject()
  businessHours?: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'The route outside business hours (required with businessHours)',
    example: ROUTE_EXAMPLE.afterHours,
    type: 'object',
    additionalProperties: true,
  })
  @IsOptional()
  @IsObject()
  afterHours?: Record<string, unknown>;
}
