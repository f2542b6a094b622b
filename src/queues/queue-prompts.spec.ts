import { assertValidSvaml } from 'src/sinch/svaml/svaml.validator';
import { announcement, messageAndHangup, parkSvaml, promptOf } from './queue-prompts';

describe('queue prompts', () => {
  const queue = { greeting: 'Welcome to [support]', holdPrompt: 'Please hold', locale: 'en-US' };

  it('parks with the greeting first, the hold prompt on repeat and the park limit', () => {
    const doc = parkSvaml(queue, 600);
    expect(doc.action).toEqual({ name: 'park', introPrompt: '#tts[Welcome to (support)]', holdPrompt: '#tts[Please hold]', maxDuration: 600, locale: 'en-US' });
    expect(() => assertValidSvaml(doc, 'ice')).not.toThrow();
  });

  it('re-parks with the announcement instead of the greeting, valid in a ManageCall PATCH', () => {
    const doc = parkSvaml({ ...queue, greeting: null }, 600, announcement(3, 240));
    expect(doc.action).toMatchObject({ introPrompt: '#tts[You are number 3 in line. The expected wait is about 4 minutes.]' });
    expect(() => assertValidSvaml(doc, 'patch')).not.toThrow();
  });

  it('plays a URL hold prompt as media', () => {
    expect(promptOf('https://example.com/music.mp3')).toBe('https://example.com/music.mp3');
    expect(parkSvaml({ greeting: null, holdPrompt: 'https://example.com/m.mp3', locale: null }, 300).action).toEqual({
      name: 'park',
      holdPrompt: 'https://example.com/m.mp3',
      maxDuration: 300,
    });
  });

  it('announces the next caller and rounds the expected wait to at least a minute', () => {
    expect(announcement(1)).toBe('You are next in line.');
    expect(announcement(2, 10)).toBe('You are number 2 in line. The expected wait is about 1 minute.');
  });

  it('ends with a message', () => {
    expect(messageAndHangup('Bye', null)).toEqual({ instructions: [{ name: 'say', text: 'Bye' }], action: { name: 'hangup' } });
  });
});
