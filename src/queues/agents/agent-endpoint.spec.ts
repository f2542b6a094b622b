import { destinationOf, endpointProblem } from './agent-endpoint';

describe('agent endpoints', () => {
  it.each([
    ['pstn', '+46701234567', true],
    ['pstn', '0701234567', false],
    ['sip', 'sip:alice@pbx.example.com', true],
    ['sip', 'alice@pbx', false],
    ['user', 'alice.b', true],
    ['user', 'alice b', false],
  ] as const)('%s %s reachable=%p', (type, endpoint, ok) => {
    const problem = endpointProblem(type, endpoint);
    if (ok) expect(problem).toBeUndefined();
    else expect(problem).toMatchObject({ field: 'endpoint', rule: 'reachable' });
  });

  it('maps to the callout destination', () => {
    expect(destinationOf('pstn', '+46701234567')).toEqual({ type: 'number', endpoint: '+46701234567' });
    expect(destinationOf('sip', 'sip:alice@pbx.example.com')).toEqual({ type: 'sip', endpoint: 'alice@pbx.example.com' });
    expect(destinationOf('user', 'alice')).toEqual({ type: 'username', endpoint: 'alice' });
  });
});
