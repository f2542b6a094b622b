// How long things take on the simulated line. Whole seconds keep reported durations exact and predictable:
// speech at ~15 characters a second (about 150 words a minute), at least one second per prompt.
const CHARS_PER_SECOND = 15;
const MEDIA_FILE_S = 3;

export function speechMs(text: string): number {
  return Math.max(1, Math.ceil(text.trim().length / CHARS_PER_SECOND)) * 1000;
}

// One prompt element: "#tts[...]", "#ssml[...]", "#href[url]", a bare URL or a Sinch-hosted file id.
function elementMs(element: string): number {
  const tagged = /^#(tts|ssml)\[([\s\S]*)\]$/i.exec(element);
  if (tagged) {
    const text = tagged[1].toLowerCase() === 'ssml' ? tagged[2].replace(/<[^>]*>/g, ' ') : tagged[2];
    return speechMs(text);
  }
  return MEDIA_FILE_S * 1000;
}

// Several prompts may be joined with ';' (menus, park, ttsCallout.prompts).
export function promptMs(prompt: string | undefined): number {
  if (!prompt || prompt.trim() === '') return 0;
  return splitPrompts(prompt).reduce((sum, p) => sum + elementMs(p), 0);
}

export function filesMs(ids: readonly string[]): number {
  return ids.reduce((sum, id) => sum + elementMs(id.trim()), 0);
}

// "w" is a 500 ms pause, each tone about 250 ms.
export function dtmfMs(value: string): number {
  let ms = 0;
  for (const c of value) ms += c === 'w' ? 500 : 250;
  return ms;
}

function splitPrompts(prompt: string): string[] {
  // Split on ';' outside brackets, so SSML entities or text with semicolons inside #tts[...] stay whole.
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of prompt) {
    if (c === '[') depth++;
    if (c === ']') depth = Math.max(0, depth - 1);
    if (c === ';' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}
