import { decodeCallCustom, encodeCallCustom } from 'src/calls/call-custom';
import { readTag } from 'src/campaigns/dialer/campaign-call-tag';
import { callerIdFor, campaignCallout, templateVariables } from 'src/campaigns/dialer/campaign-callout';
import { validateCustomCallout } from 'src/sinch/voice-request.validator';

const campaign = {
  id: '11111111-1111-4111-8111-111111111111',
  locale: 'sv-SE',
  message: { type: 'tts' as const, text: 'Hej {{firstName}}, du har en tid {{date}}.' },
  machineMessage: 'Ring oss, {{firstName}}.',
};
const contact = {
  id: '22222222-2222-4222-8222-222222222222',
  phone: '+46701234567',
  attempt: 1,
  attributes: { firstName: 'Åsa', date: 'i morgon', secret: 'x' },
};

describe('campaign callout', () => {
  it('lists the attributes the messages use, once each', () => {
    expect(templateVariables(campaign)).toEqual(['firstName', 'date']);
  });

  it('rotates caller ids', () => {
    expect([0, 1, 2, 3].map((n) => callerIdFor(['+1', '+2', '+3'], n))).toEqual(['+1', '+2', '+3', '+1']);
  });

  it('dials the contact with AMD through an inline ICE, leaving ACE and PIE to the webhook', () => {
    const { request, extra } = campaignCallout(campaign, contact, '+46101234567', templateVariables(campaign));
    expect(request).toEqual({
      ice: { action: { name: 'connectPstn', number: '+46701234567', cli: '+46101234567', locale: 'sv-SE', maxDuration: 3600, amd: { enabled: true } } },
    });
    const custom = encodeCallCustom('33333333-3333-4333-8333-333333333333', extra);
    expect(validateCustomCallout({ ...request, custom })).toEqual([]);
    expect(readTag(decodeCallCustom(custom)?.extra)).toEqual({
      campaignId: campaign.id,
      contactId: contact.id,
      attempt: 1,
      cli: '+46101234567',
      vars: { firstName: 'Åsa', date: 'i morgon' },
    });
  });
});
