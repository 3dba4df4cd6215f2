#!/usr/bin/env node
// Draws the tray icons (one per state) as small anti-aliased PNGs: a speech bubble in the state's
// colour. Run once when the design changes: `node scripts/make-tray-icons.mjs`; the PNGs are
// committed under resources/tray.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const STATES = {
  idle: [128, 128, 128],
  listening: [46, 160, 67],
  speaking: [31, 111, 235],
  'agent-working': [210, 153, 34],
  error: [218, 54, 51],
};
const SIZES = [16, 32];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
function png(size, pixelAt) {
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x++) row.set(pixelAt(x, y), 1 + x * 4);
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
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
