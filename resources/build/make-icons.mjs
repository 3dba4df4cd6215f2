#!/usr/bin/env node
// Renders resources/icon.svg into the icons electron-builder packs: icon.png (512×512, Linux and
// the source of truth), icon.icns (macOS) and icon.ico (Windows). Run it when the SVG changes:
// `node resources/build/make-icons.mjs`; the outputs are committed next to this file.
//
// No image library: Debian's Chromium (driven by playwright-core, already a dev dependency)
// rasterizes the SVG straight at each size into a canvas, and the container formats are written
// here. Set CHROMIUM_PATH when Chromium is not at /usr/bin/chromium.
/* global Image, document -- used inside page.evaluate, which runs in Chromium */
import { readFileSync, writeFileSync } from 'node:fs';
import { encodePng } from '../../scripts/png-encode.mjs';
import { chromium } from 'playwright-core';

const SVG_FILE = new URL('../icon.svg', import.meta.url);
const OUTPUT_DIR = new URL('./', import.meta.url);
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PNG_SIZE = 512;
/** Windows sizes; the 256 entry is stored as PNG, the small ones as 32-bit BMP (what every loader, NSIS included, reads). */
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
const ICO_PNG_MIN_SIZE = 256;
/** macOS icon types (all PNG-encoded, supported since 10.7) and the pixel size of each. */
const ICNS_TYPES = [
  ['icp4', 16],
  ['icp5', 32],
  ['ic11', 32],
  ['ic12', 64],
  ['ic07', 128],
  ['ic13', 256],
  ['ic08', 256],
  ['ic14', 512],
  ['ic09', 512],
  ['ic10', 1024],
];

// ---------------------------------------------------------------- rasterizing

/** Returns size → RGBA pixels (not premultiplied), each rendered from the vector at that size. */
async function rasterize(svg, sizes) {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage();
    const rendered = await page.evaluate(
      async ({ svgText, sizeList }) => {
        const out = {};
        for (const size of sizeList) {
          // Re-state the intrinsic size so the vector is rasterized at `size`, not scaled from 64 px.
          const sized = svgText.replace(/<svg\b[^>]*>/, (tag) =>
            tag.replace(/\swidth="[^"]*"/, '').replace(/\sheight="[^"]*"/, '').replace('<svg', `<svg width="${size}" height="${size}"`),
          );
          const image = new Image();
          image.src = `data:image/svg+xml;base64,${btoa(sized)}`;
          await image.decode();
          const canvas = document.createElement('canvas');
          canvas.width = size;
          canvas.height = size;
          const context = canvas.getContext('2d');
          context.drawImage(image, 0, 0, size, size);
          const { data } = context.getImageData(0, 0, size, size);
          let binary = '';
          for (let i = 0; i < data.length; i += 0x8000) binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
          out[size] = btoa(binary);
        }
        return out;
      },
      { svgText: svg, sizeList: sizes },
    );
    return new Map(Object.entries(rendered).map(([size, base64]) => [Number(size), Buffer.from(base64, 'base64')]));
  } finally {
    await browser.close();
  }
}

// ---------------------------------------------------------------- PNG

// ---------------------------------------------------------------- ICO

/** A 32-bit BGRA DIB, bottom-up, with the all-zero AND mask that ICO entries carry. */
function encodeIcoBitmap(size, rgba) {
  const header = Buffer.alloc(40);
  const maskRowBytes = Math.ceil(size / 32) * 4;
  const pixels = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    const target = (size - 1 - y) * size * 4;
    for (let x = 0; x < size; x++) {
      const source = (y * size + x) * 4;
      pixels[target + x * 4] = rgba[source + 2];
      pixels[target + x * 4 + 1] = rgba[source + 1];
      pixels[target + x * 4 + 2] = rgba[source];
      pixels[target + x * 4 + 3] = rgba[source + 3];
    }
  }
  const mask = Buffer.alloc(maskRowBytes * size);
  header.writeUInt32LE(40, 0); // biSize
  header.writeInt32LE(size, 4);
  header.writeInt32LE(size * 2, 8); // XOR image + AND mask
  header.writeUInt16LE(1, 12); // planes
  header.writeUInt16LE(32, 14); // bits per pixel
  header.writeUInt32LE(pixels.length + mask.length, 20);
  return Buffer.concat([header, pixels, mask]);
}

function encodeIco(images) {
  const directory = Buffer.alloc(6 + 16 * images.length);
  directory.writeUInt16LE(0, 0);
  directory.writeUInt16LE(1, 2); // icon
  directory.writeUInt16LE(images.length, 4);
  let offset = directory.length;
  images.forEach(({ size, data }, index) => {
    const entry = 6 + index * 16;
    directory[entry] = size >= 256 ? 0 : size; // 0 means 256
    directory[entry + 1] = size >= 256 ? 0 : size;
    directory.writeUInt16LE(1, entry + 4); // planes
    directory.writeUInt16LE(32, entry + 6); // bits per pixel
    directory.writeUInt32LE(data.length, entry + 8);
    directory.writeUInt32LE(offset, entry + 12);
    offset += data.length;
  });
  return Buffer.concat([directory, ...images.map((image) => image.data)]);
}

// ---------------------------------------------------------------- ICNS

function encodeIcns(entries) {
  const blocks = entries.map(({ type, data }) => {
    const header = Buffer.alloc(8);
    header.write(type, 0, 'ascii');
    header.writeUInt32BE(data.length + 8, 4);
    return Buffer.concat([header, data]);
  });
  const body = Buffer.concat(blocks);
  const header = Buffer.alloc(8);
  header.write('icns', 0, 'ascii');
  header.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([header, body]);
}

// ---------------------------------------------------------------- main

const svg = readFileSync(SVG_FILE, 'utf8');
const sizes = [...new Set([PNG_SIZE, ...ICO_SIZES, ...ICNS_TYPES.map(([, size]) => size)])].sort((a, b) => a - b);
const pixels = await rasterize(svg, sizes);
const pngOf = new Map(sizes.map((size) => [size, encodePng(size, pixels.get(size))]));

writeFileSync(new URL('icon.png', OUTPUT_DIR), pngOf.get(PNG_SIZE));
writeFileSync(
  new URL('icon.ico', OUTPUT_DIR),
  encodeIco(ICO_SIZES.map((size) => ({ size, data: size >= ICO_PNG_MIN_SIZE ? pngOf.get(size) : encodeIcoBitmap(size, pixels.get(size)) }))),
);
writeFileSync(new URL('icon.icns', OUTPUT_DIR), encodeIcns(ICNS_TYPES.map(([type, size]) => ({ type, data: pngOf.get(size) }))));
console.log(`icons written to ${new URL('.', OUTPUT_DIR).pathname}: icon.png (${PNG_SIZE}px), icon.ico (${ICO_SIZES.join(', ')}), icon.icns (${ICNS_TYPES.map(([type]) => type).join(', ')})`);
