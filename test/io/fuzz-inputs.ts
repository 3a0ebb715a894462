// Seeded corruption of sample files for fuzz.test.ts.

/** A small seeded generator of uniform numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A truncation, one to four changed bytes (headers are hit more often than data), or both. */
export function mutate(src: Uint8Array, rand: () => number): { bytes: Uint8Array; how: string } {
  const int = (n: number) => Math.floor(rand() * n);
  const kind = rand();
  let bytes = src.slice();
  const how: string[] = [];
  if (kind < 0.3 || kind >= 0.85) {
    const len = rand() < 0.5 ? int(Math.min(src.length, 512)) : int(src.length);
    bytes = bytes.slice(0, len);
    how.push(`truncate to ${len}`);
  }
  if (kind >= 0.3 && bytes.length > 0) {
    const flips = 1 + int(4);
    for (let k = 0; k < flips; k++) {
      const pos = rand() < 0.6 ? int(Math.min(bytes.length, 256)) : int(bytes.length);
      const op = rand();
      if (op < 0.4) bytes[pos] ^= 1 << int(8);
      else if (op < 0.8) bytes[pos] = int(256);
      else {
        // a run of 0xff or 0x00: corrupted sizes and counts at their most extreme
        const fill = rand() < 0.5 ? 0xff : 0x00;
        bytes.fill(fill, pos, Math.min(bytes.length, pos + 4));
      }
      how.push(`byte ${pos}`);
    }
  }
  return { bytes, how: how.join(", ") };
}
