// Electron accelerator strings ("CommandOrControl+Shift+Space"), parsed and checked here so a bad
// hotkey setting gets a sentence naming what is wrong instead of Electron's "conversion failure".
// Shared by main (the hotkey manager, the settings check on save) and the renderer (the shortcut
// field), so all of them agree on what a valid shortcut is. Pure: no Node, no DOM, no addon. The
// key table also names each key in the native key hook's vocabulary (uiohook-napi's UiohookKey),
// as plain strings, so the shell can map a shortcut to key codes without this file loading it.

export type Modifier = 'ctrl' | 'alt' | 'shift' | 'meta';
export const MODIFIERS: readonly Modifier[] = ['ctrl', 'alt', 'shift', 'meta'];

/** Node's `process.platform` values; only 'darwin' and 'win32' change how shortcuts read. */
export type AcceleratorPlatform = 'darwin' | 'win32' | 'linux' | (string & {});

export interface ParsedAccelerator {
  readonly modifiers: ReadonlySet<Modifier>;
  /** The key in Electron's canonical spelling: 'Space', 'A', 'F8', 'Up', 'num5', ';'. */
  readonly key: string;
}

export class AcceleratorError extends Error {
  override readonly name = 'AcceleratorError';
  constructor(
    message: string,
    readonly accelerator: string,
    /** What is wrong without repeating the shortcut, e.g. `unknown key "Shft"; did you mean "Shift"?`. */
    readonly reason: string = message,
  ) {
    super(message);
  }
}

/** Modifier spellings Electron accepts, lower-cased; CommandOrControl is resolved per platform. */
const MODIFIER_WORDS: Readonly<Record<string, Modifier | 'command-or-control'>> = {
  command: 'meta',
  cmd: 'meta',
  super: 'meta',
  meta: 'meta',
  control: 'ctrl',
  ctrl: 'ctrl',
  commandorcontrol: 'command-or-control',
  cmdorctrl: 'command-or-control',
  alt: 'alt',
  option: 'alt',
  shift: 'shift',
};

/**
 * Every key Electron accepts (lower-cased spelling → canonical spelling), and what it is called
 * in uiohook-napi's UiohookKey table, or null when the native hook cannot see it as one key
 * (shifted punctuation depends on the keyboard layout; media keys are not in the table).
 */
const KEYS = new Map<string, { readonly canonical: string; readonly hookName: string | null }>();
function key(canonical: string, hookName: string | null, ...aliases: string[]): void {
  for (const spelling of [canonical, ...aliases]) KEYS.set(spelling.toLowerCase(), { canonical, hookName });
}
for (const letter of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') key(letter, letter);
for (const digit of '0123456789') key(digit, digit);
for (let n = 1; n <= 24; n++) key(`F${n}`, `F${n}`);
for (let n = 0; n <= 9; n++) key(`num${n}`, `Numpad${n}`);
key('numdec', 'NumpadDecimal');
key('numadd', 'NumpadAdd');
key('numsub', 'NumpadSubtract');
key('nummult', 'NumpadMultiply');
key('numdiv', 'NumpadDivide');
key('Space', 'Space');
key('Tab', 'Tab');
key('Capslock', 'CapsLock');
key('Numlock', 'NumLock');
key('Scrolllock', 'ScrollLock');
key('Backspace', 'Backspace');
key('Delete', 'Delete');
key('Insert', 'Insert');
key('Enter', 'Enter', 'Return');
key('Up', 'ArrowUp');
key('Down', 'ArrowDown');
key('Left', 'ArrowLeft');
key('Right', 'ArrowRight');
key('Home', 'Home');
key('End', 'End');
key('PageUp', 'PageUp');
key('PageDown', 'PageDown');
key('Escape', 'Escape', 'Esc');
key('PrintScreen', 'PrintScreen');
key(';', 'Semicolon');
key('=', 'Equal');
key(',', 'Comma');
key('-', 'Minus');
key('.', 'Period');
key('/', 'Slash');
key('`', 'Backquote');
key('[', 'BracketLeft');
key('\\', 'Backslash');
key(']', 'BracketRight');
key("'", 'Quote');
for (const shifted of [')', '!', '@', '#', '$', '%', '^', '&', '*', '(', ':', '<', '_', '>', '?', '~', '{', '|', '}', '"']) key(shifted, null);
key('Plus', null);
for (const media of ['VolumeUp', 'VolumeDown', 'VolumeMute', 'MediaNextTrack', 'MediaPreviousTrack', 'MediaStop', 'MediaPlayPause']) key(media, null);

/** Where this code runs: main and tests have `process`; a browser page falls back to 'linux'. */
function currentPlatform(): AcceleratorPlatform {
  return (globalThis as { process?: { platform?: string } }).process?.platform ?? 'linux';
}

function refuse(accelerator: string, reason: string): AcceleratorError {
  return new AcceleratorError(`"${accelerator}" ${reason}`, accelerator, reason);
}

/**
 * Parses an Electron accelerator. CommandOrControl/CmdOrCtrl become `meta` on macOS and `ctrl`
 * elsewhere. Throws AcceleratorError naming the problem: an empty part, an unknown key (with a
 * suggestion), no non-modifier key, or more than one.
 */
export function parseAccelerator(accelerator: string, platform: AcceleratorPlatform = currentPlatform()): ParsedAccelerator {
  const text = accelerator.trim();
  if (text === '') throw new AcceleratorError('The shortcut is empty.', accelerator, 'it is empty');
  const modifiers = new Set<Modifier>();
  let found: string | undefined;
  for (const part of text.split('+')) {
    if (part.trim() === '') throw refuse(accelerator, 'has an empty part; write the + key as "Plus", e.g. "Ctrl+Plus".');
    const word = part.trim().toLowerCase();
    const modifier = MODIFIER_WORDS[word];
    if (modifier) {
      modifiers.add(modifier === 'command-or-control' ? (platform === 'darwin' ? 'meta' : 'ctrl') : modifier);
      continue;
    }
    if (word === 'altgr') throw refuse(accelerator, 'uses AltGr, which Parley cannot listen for; use Alt instead.');
    const known = KEYS.get(word);
    if (!known) {
      const suggestion = closestKnownWord(word);
      throw refuse(accelerator, `has an unknown key "${part.trim()}"` + (suggestion ? `; did you mean "${suggestion}"?` : '.'));
    }
    if (found !== undefined) {
      throw refuse(accelerator, `has two keys, "${found}" and "${known.canonical}"; a shortcut is modifiers plus one key, e.g. "Ctrl+Shift+Space".`);
    }
    found = known.canonical;
  }
  if (found === undefined) throw refuse(accelerator, `has only modifiers; add a key, e.g. "${text}+Space".`);
  return { modifiers, key: found };
}

/** The same combination, whatever the spelling ("CmdOrCtrl+space" equals "Control+Space" off macOS). */
export function sameAccelerator(a: ParsedAccelerator, b: ParsedAccelerator): boolean {
  return a.key === b.key && a.modifiers.size === b.modifiers.size && [...a.modifiers].every((modifier) => b.modifiers.has(modifier));
}

/** How people read a shortcut: "Ctrl+Shift+Space" (Linux, Windows), "Cmd+Shift+Space" (macOS). */
export function formatAccelerator(parsed: ParsedAccelerator, platform: AcceleratorPlatform = currentPlatform()): string {
  const mac = platform === 'darwin';
  const names: Record<Modifier, string> = { ctrl: 'Ctrl', alt: mac ? 'Option' : 'Alt', shift: 'Shift', meta: mac ? 'Cmd' : platform === 'win32' ? 'Win' : 'Super' };
  const order: readonly Modifier[] = mac ? ['ctrl', 'alt', 'shift', 'meta'] : ['ctrl', 'meta', 'alt', 'shift'];
  const keyName = parsed.key.length === 1 ? parsed.key.toUpperCase() : parsed.key;
  return [...order.filter((modifier) => parsed.modifiers.has(modifier)).map((modifier) => names[modifier]), keyName].join('+');
}

/** formatAccelerator for a raw setting; an unparsable one is shown as written. */
export function displayAccelerator(accelerator: string, platform: AcceleratorPlatform = currentPlatform()): string {
  try {
    return formatAccelerator(parseAccelerator(accelerator, platform), platform);
  } catch {
    return accelerator;
  }
}

/**
 * What is wrong with a hotkey setting, as the settings form and main's check both say it:
 * `“Ctrl+Shft+X” is not a valid shortcut: unknown key "Shft"; did you mean "Shift"?`. Undefined
 * when it parses, and for '' (no shortcut).
 */
export function acceleratorProblem(accelerator: string, platform: AcceleratorPlatform = currentPlatform()): string | undefined {
  if (accelerator.trim() === '') return undefined;
  try {
    parseAccelerator(accelerator, platform);
    return undefined;
  } catch (error) {
    if (!(error instanceof AcceleratorError)) throw error;
    return `“${accelerator}” is not a valid shortcut: ${error.reason.replace(/^has (an? )?/, '')}`;
  }
}

/** The key's name in uiohook-napi's UiohookKey table, or null when the hook cannot hold it. */
export function hookKeyName(canonicalKey: string): string | null {
  return KEYS.get(canonicalKey.toLowerCase())?.hookName ?? null;
}

/** The known key or modifier spelling nearest to a typo, if one is within two edits. */
function closestKnownWord(word: string): string | undefined {
  let best: { spelling: string; distance: number } | undefined;
  const candidates = [...new Set([...[...KEYS.values()].map((entry) => entry.canonical), 'CommandOrControl', 'Control', 'Shift', 'Alt', 'Super'])];
  for (const spelling of candidates) {
    if (spelling.length < 2) continue;
    const distance = editDistance(word, spelling.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { spelling, distance };
  }
  return best?.spelling;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}
