import { cleanForTts, renderTemplate, templatePlaceholders, templateProblems, truncate, ttsPrompt } from 'src/campaigns/scheduling/message-template';

describe('message template', () => {
  it("fills placeholders from the contact's attributes", () => {
    expect(renderTemplate('Hello {{firstName}}, you owe {{ amount }} kronor.', { firstName: 'Astrid', amount: 120 })).toBe('Hello Astrid, you owe 120 kronor.');
  });

  it('renders a missing attribute as nothing, without a stray space before punctuation', () => {
    expect(renderTemplate('Hello {{firstName}}, welcome.', {})).toBe('Hello, welcome.');
    expect(renderTemplate('Hello {{firstName}}!', { firstName: null })).toBe('Hello!');
  });

  it('lists the placeholders a template uses, once each', () => {
    expect(templatePlaceholders('{{a}} {{ b }} {{a}}')).toEqual(['a', 'b']);
  });

  it('keeps attribute values from breaking a #tts[] prompt or the speech', () => {
    const evil = 'Bob];#href[http://evil.example/x.mp3]\u0007\nline';
    const text = renderTemplate('Hi {{name}}', { name: evil });
    expect(text).toBe('Hi Bob);#href(http://evil.example/x.mp3) line');
    expect(ttsPrompt(text)).toBe(`#tts[${text}]`);
    expect(ttsPrompt(text).indexOf(']')).toBe(ttsPrompt(text).length - 1);
  });

  it('limits the spoken text to 600 characters, at a word boundary', () => {
    const text = renderTemplate('{{long}}', { long: 'word '.repeat(200) });
    expect([...text].length).toBeLessThanOrEqual(600);
    expect(text.endsWith('word')).toBe(true);
    expect([...ttsPrompt('x'.repeat(700))].length).toBe(600);
  });

  it('counts characters, not UTF-16 units', () => {
    expect(truncate('😀'.repeat(10), 5)).toBe('😀'.repeat(5));
  });

  it('reports template problems', () => {
    expect(templateProblems('Hello {{firstName}}')).toEqual([]);
    expect(templateProblems('Hello {{first name}}')[0]).toMatch(/placeholder/);
    expect(templateProblems('Hello {{firstName}')[0]).toMatch(/placeholder/);
    expect(templateProblems('x'.repeat(601))[0]).toMatch(/600/);
    expect(templateProblems('   ')).toEqual(['must contain something to say']);
  });

  it('cleans whitespace and control characters', () => {
    expect(cleanForTts('  a\t\tb \r\n c  ')).toBe('a b c');
  });
});
