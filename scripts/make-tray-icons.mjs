#!/usr/bin/env node
// Draws the tray icons (one per state) as small anti-aliased PNGs: a speech bubble in the state's
// colour. Run once when the design changes: `node scripts/make-tray-icons.mjs`; the PNGs are
// committed under resources/tray.
import { writeFileSync } from 'node:fs';
import { encodePng } from './png-encode.mjs';

const STATES = {
  idle: [128, 128, 128],
  listening: [46, 160, 67],
  speaking: [31, 111, 235],
  'agent-working': [210, 153, 34],
  error: [218, 54, 51],
};
const SIZES = [16, 32];

/** A square PNG whose pixel (x, y) is pixelAt(x, y) as [r, g, b, a]. */
function png(size, pixelAt) {
  const rgba = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) rgba.set(pixelAt(x, y), (y * size + x) * 4);
  return encodePng(size, rgba);
}

/** Coverage of a bubble (ellipse plus a tail) at a point, 4×4 supersampled. */
function coverage(size, x, y) {
  let inside = 0;
  for (let sy = 0; sy < 4; sy++) {
    for (let sx = 0; sx < 4; sx++) {
      const u = (x + (sx + 0.5) / 4) / size;
      const v = (y + (sy + 0.5) / 4) / size;
      const ellipse = ((u - 0.5) / 0.44) ** 2 + ((v - 0.44) / 0.34) ** 2 <= 1;
      const tail = v > 0.62 && v < 0.95 && u > 0.22 && u < 0.42 && u - 0.22 < (0.95 - v) * 0.6;
      if (ellipse || tail) inside++;
    }
  }
  return inside / 16;
}

for (const [state, [r, g, b]] of Object.entries(STATES)) {
  for (const size of SIZES) {
    const suffix = size === 16 ? '' : '@2x';
    const image = png(size, (x, y) => [r, g, b, Math.round(255 * coverage(size, x, y))]);
    writeFileSync(new URL(`../resources/tray/${state}${suffix}.png`, import.meta.url), image);
  }
}
console.log(`tray icons written for ${Object.keys(STATES).join(', ')}`);
