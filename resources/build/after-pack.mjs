// electron-builder afterPack hook (see electron-builder.yml).
//
// Linux only: node-gyp links naudiodon.node with an absolute RUNPATH to the folder it was built in
// (e.g. /home/dev/parley/node_modules/naudiodon/build/Release), where it copies the PortAudio
// library it ships (libportaudio.so.2). Installed elsewhere, the audio host would fail to load
// naudiodon unless the system happens to have its own libportaudio2. This rewrites that RUNPATH
// to $ORIGIN, "the folder of naudiodon.node", which is where the packaged copy of
// libportaudio.so.2 sits (both are unpacked from the asar). macOS (@loader_path) and Windows (DLL
// next to the addon) already resolve it this way.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Addons whose shared libraries are shipped next to them, relative to app.asar.unpacked. */
const ORIGIN_RUNPATH_ADDONS = [{ addon: 'node_modules/naudiodon/build/Release/naudiodon.node', library: 'libportaudio.so.2' }];
const ORIGIN = '$ORIGIN';

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const DT_NULL = 0;
const DT_STRTAB = 5;
const DT_RPATH = 15;
const DT_RUNPATH = 29;

/**
 * Reads the RUNPATH (or the older RPATH) of an ELF shared object. Returns undefined when it has
 * neither; throws when the buffer is not a little-endian ELF file.
 */
export function readRunpath(elf) {
  const entry = findRunpathEntry(elf);
  return entry ? readCString(elf, entry.stringOffset) : undefined;
}

/**
 * Rewrites the RUNPATH/RPATH string in place to `value` (which must not be longer than the
 * current one: the string table cannot grow without relinking). Only the leading bytes are
 * overwritten, so a string the linker merged into its tail stays intact. Returns the previous
 * value, or undefined when the file has no RUNPATH (and was left alone).
 */
export function rewriteRunpath(elf, value = ORIGIN) {
  const entry = findRunpathEntry(elf);
  if (!entry) return undefined;
  const previous = readCString(elf, entry.stringOffset);
  if (previous === value) return previous;
  const bytes = Buffer.from(`${value}\0`, 'utf8');
  if (bytes.length > Buffer.byteLength(previous, 'utf8') + 1) {
    throw new Error(`cannot set RUNPATH to "${value}": longer than the current "${previous}"`);
  }
  bytes.copy(elf, entry.stringOffset);
  return previous;
}

/** The hook electron-builder calls once per platform and arch after the app folder is laid out. */
export default async function afterPack(context) {
  if (context.electronPlatformName !== 'linux') return;
  const unpacked = join(context.appOutDir, 'resources', 'app.asar.unpacked');
  for (const { addon, library } of ORIGIN_RUNPATH_ADDONS) {
    const addonPath = join(unpacked, addon);
    if (!existsSync(addonPath)) {
      // naudiodon is an optional dependency: without it Parley runs with WAV files and text only.
      console.warn(`  • parley afterPack: ${addon} is not in the package (optional native audio did not build); skipped`);
      continue;
    }
    if (!existsSync(join(dirname(addonPath), library))) {
      throw new Error(
        `parley afterPack: ${library} is missing next to ${addonPath}; check that electron-builder.yml unpacks ` +
          `**/node_modules/naudiodon/** and that naudiodon's build copied the library into build/Release`,
      );
    }
    const elf = readFileSync(addonPath);
    const previous = rewriteRunpath(elf, ORIGIN);
    if (previous === undefined || previous === ORIGIN) continue;
    writeFileSync(addonPath, elf);
    console.log(`  • parley afterPack: ${addon} RUNPATH ${previous} → ${ORIGIN}`);
  }
}

function findRunpathEntry(elf) {
  if (elf.length < 52 || elf.readUInt32BE(0) !== 0x7f454c46) throw new Error('not an ELF file');
  const is64 = elf[4] === 2;
  if (elf[5] !== 1) throw new Error('only little-endian ELF files are supported');
  const word = (offset) => (is64 ? Number(elf.readBigUInt64LE(offset)) : elf.readUInt32LE(offset));
  const programHeaderOffset = word(is64 ? 0x20 : 0x1c);
  const programHeaderSize = elf.readUInt16LE(is64 ? 0x36 : 0x2a);
  const programHeaderCount = elf.readUInt16LE(is64 ? 0x38 : 0x2c);

  const loads = [];
  let dynamic;
  for (let index = 0; index < programHeaderCount; index++) {
    const header = programHeaderOffset + index * programHeaderSize;
    const type = elf.readUInt32LE(header);
    const segment = is64
      ? { offset: word(header + 0x08), address: word(header + 0x10), size: word(header + 0x20) }
      : { offset: word(header + 0x04), address: word(header + 0x08), size: word(header + 0x10) };
    if (type === PT_LOAD) loads.push(segment);
    else if (type === PT_DYNAMIC) dynamic = segment;
  }
  if (!dynamic) return undefined;

  const entrySize = is64 ? 16 : 8;
  let stringTableAddress;
  let runpath;
  let rpath;
  for (let offset = dynamic.offset; offset + entrySize <= dynamic.offset + dynamic.size; offset += entrySize) {
    const tag = word(offset);
    const value = word(offset + entrySize / 2);
    if (tag === DT_NULL) break;
    if (tag === DT_STRTAB) stringTableAddress = value;
    else if (tag === DT_RUNPATH) runpath = value;
    else if (tag === DT_RPATH) rpath = value;
  }
  const stringIndex = runpath ?? rpath;
  if (stringIndex === undefined) return undefined;
  if (stringTableAddress === undefined) throw new Error('ELF file has a RUNPATH but no string table');
  const load = loads.find((segment) => stringTableAddress >= segment.address && stringTableAddress < segment.address + segment.size);
  if (!load) throw new Error('ELF string table is outside every loaded segment');
  return { stringOffset: load.offset + (stringTableAddress - load.address) + stringIndex };
}

function readCString(buffer, offset) {
  const end = buffer.indexOf(0, offset);
  if (end < 0) throw new Error('unterminated string in ELF string table');
  return buffer.toString('utf8', offset, end);
}
