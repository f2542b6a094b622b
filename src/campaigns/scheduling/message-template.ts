import { SVAML_LIMITS } from 'src/sinch/svaml/svaml.rules';

// Campaign messages with contact attributes: "Hello {{firstName}}, your appointment is on {{date}}."
// Rendered text is spoken by Sinch TTS, in a `say` instruction or inside a `#tts[...]` prompt, so it is cleaned of
// what TTS cannot speak or a prompt would misread (control characters, the brackets that end a #tts[] element)
// and cut to Sinch's 600-character limit.

export type TemplateAttributes = Record<string, string | number | boolean | null | undefined>;

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]{0,63})\s*\}\}/g;
const ANY_BRACES = /\{\{|\}\}/;
// The `#tts[` and `]` around a runMenu prompt take these many characters of the 600.
export const PROMPT_WRAPPER_CHARS = '#tts[]'.length;

export function templatePlaceholders(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]))];
}

// A template's own problems: a stray {{ or }}, or static text alone over the limit.
export function templateProblems(template: string, maxChars: number = SVAML_LIMITS.ttsChars): string[] {
  const problems: string[] = [];
  if (ANY_BRACES.test(template.replace(PLACEHOLDER, ''))) {
    problems.push('has a "{{" or "}}" that is not a placeholder such as {{firstName}} (letters, digits and _ only)');
  }
  const staticText = cleanForTts(template.replace(PLACEHOLDER, ''));
  if (charLength(staticText) > maxChars) problems.push(`is longer than ${maxChars} characters without its placeholders`);
  if (cleanForTts(template).length === 0) problems.push('must contain something to say');
  return problems;
}

// Missing attributes render as nothing, so "Hello {{firstName}}" becomes "Hello" rather than "Hello undefined".
export function renderTemplate(template: string, attributes: TemplateAttributes, maxChars: number = SVAML_LIMITS.ttsChars): string {
  const text = template.replace(PLACEHOLDER, (_, name: string) => {
    const value = attributes[name];
    return value === null || value === undefined ? '' : cleanForTts(String(value));
  });
  return truncate(cleanForTts(text), maxChars);
}

// Control characters out, brackets (which end a #tts[] element) softened, whitespace collapsed.
export function cleanForTts(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- control characters are what a TTS engine must not get
      .replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')
      .replace(/\[/g, '(')
      .replace(/\]/g, ')')
      .replace(/\s+/g, ' ')
      .replace(/\s+([,.;:!?])/g, '$1')
      .trim()
  );
}

export function ttsPrompt(text: string): string {
  return `#tts[${truncate(text, SVAML_LIMITS.ttsChars - PROMPT_WRAPPER_CHARS)}]`;
}

// Cuts at a word boundary when one is near, counting characters as people do (code points, not UTF-16 units).
export function truncate(text: string, maxChars: number): string {
  const chars = [...text];
  if (chars.length <= maxChars) return text;
  const cut = chars.slice(0, maxChars).join('');
  const space = cut.lastIndexOf(' ');
  return (space > maxChars * 0.8 ? cut.slice(0, space) : cut).trim();
}

function charLength(text: string): number {
  return [...text].length;
}
