import { isE164 } from 'src/common/phone-number';
import type { FieldProblem } from 'src/common/app-error';
import type { CalloutDestination } from 'src/sinch/voice-client.types';
import type { EndpointType } from './agent.entity';

const SIP_URI = /^sips?:[^@\s]+@[^@\s]+$/i;
const USER_NAME = /^[A-Za-z0-9_.@+-]{1,64}$/;

// An endpoint the agent's leg can be placed to, or the problem with it.
export function endpointProblem(type: EndpointType, endpoint: string): FieldProblem | undefined {
  const ok = type === 'pstn' ? isE164(endpoint) : type === 'sip' ? SIP_URI.test(endpoint) : USER_NAME.test(endpoint);
  if (ok) return undefined;
  const expected =
    type === 'pstn' ? 'an E.164 number (+ and digits)' : type === 'sip' ? 'a SIP URI (sip:user@host)' : 'a Sinch user name (letters, digits, _ . @ + -)';
  return { field: 'endpoint', rule: 'reachable', message: `endpoint must be ${expected} for endpointType ${type}` };
}

// Where the conference callout rings: Sinch's destination types.
export function destinationOf(type: EndpointType, endpoint: string): CalloutDestination {
  if (type === 'pstn') return { type: 'number', endpoint };
  if (type === 'sip') return { type: 'sip', endpoint: endpoint.replace(/^sips?:/i, '') };
  return { type: 'username', endpoint };
}
