// mulberry32: tiny, fast and good enough for fault injection and ids; the point is reproducibility, not crypto.
export type Random = () => number;

export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Independent streams per purpose, so an extra fault roll never shifts the ids (and vice versa).
export function deriveSeed(seed: number, stream: number): number {
  return (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca6b)) >>> 0;
}

export function createIdGenerator(random: Random): () => string {
  return () => {
    const hex: string[] = [];
    for (let i = 0; i < 4; i++) {
      hex.push(
        Math.floor(random() * 0x100000000)
          .toString(16)
          .padStart(8, '0'),
      );
    }
    const h = hex.join('');
    // Shaped like a v4 UUID, as Sinch's callIds are.
    const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  };
}

// The simulator's random sources, all derived from one seed. They are not restarted by POST /_sim/reset: call ids
// must never repeat within one simulator (a service's database outlives a reset), and the same seed with the same
// requests still gives the same run.
export class SeededStreams {
  private readonly ids: () => string;
  private readonly references: () => string;
  private readonly faults: Random;

  constructor(readonly seed: number) {
    this.ids = createIdGenerator(mulberry32(deriveSeed(seed, 1)));
    this.references = createIdGenerator(mulberry32(deriveSeed(seed, 2)));
    this.faults = mulberry32(deriveSeed(seed, 3));
  }

  callId(): string {
    return this.ids();
  }

  reference(): string {
    return this.references();
  }

  faultRoll(): number {
    return this.faults();
  }
}
