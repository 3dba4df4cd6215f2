// Electron accelerator strings ("CommandOrControl+Shift+Space"), parsed and checked here so a bad
// hotkey setting gets a sentence naming what is wrong instead of Electron's "conversion failure",
// and so the hold-to-talk hook can match raw key codes. Pure: the uiohook key table is passed in
// (only its type is imported), so nothing here loads the native addon.
import type { UiohookKey } from 'uiohook-napi';

export type Modifier = 'ctrl' | 'alt' | 'shift' | 'meta';
export const MODIFIERS: readonly Modifier[] = ['ctrl', 'alt', 'shift', 'meta'];

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
  ) {
    super(message);
  }
}

/** The shape of uiohook-napi's `UiohookKey` export (a plain name → key code table). */
export type UiohookKeyTable = typeof UiohookKey;
type UiohookKeyName = keyof UiohookKeyTable;

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
 * Every key Electron accepts (lower-cased spelling → canonical spelling), and what it is on the
 * uiohook side: a key name in UiohookKey, or null when the native hook cannot see it as one key
 * (shifted punctuation depends on the keyboard layout; media keys are not in the table).
 */
const KEYS = new Map<string, { readonly canonical: string; readonly uiohook: UiohookKeyName | null }>();
function key(canonical: string, uiohook: UiohookKeyName | null, ...aliases: string[]): void {
  for (const spelling of [canonical, ...aliases]) KEYS.set(spelling.toLowerCase(), { canonical, uiohook });
}
for (const letter of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') key(letter, letter as UiohookKeyName);
for (const digit of '0123456789') key(digit, Number(digit) as UiohookKeyName);
for (let n = 1; n <= 24; n++) key(`F${n}`, `F${n}` as UiohookKeyName);
for (let n = 0; n <= 9; n++) key(`num${n}`, `Numpad${n}` as UiohookKeyName);
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

/**
 * Parses an Electron accelerator. CommandOrControl/CmdOrCtrl become `meta` on macOS and `ctrl`
 * elsewhere. Throws AcceleratorError naming the problem: an empty part, an unknown key (with a
 * suggestion), no non-modifier key, or more than one.
 */
export function parseAccelerator(accelerator: string, platform: NodeJS.Platform = process.platform): ParsedAccelerator {
  const text = accelerator.trim();
  if (text === '') throw new AcceleratorError('The shortcut is empty.', accelerator);
  const modifiers = new Set<Modifier>();
  let found: string | undefined;
  for (const part of text.split('+')) {
    if (part.trim() === '') {
      throw new AcceleratorError(`"${accelerator}" has an empty part; write the + key as "Plus", e.g. "Ctrl+Plus".`, accelerator);
    }
    const word = part.trim().toLowerCase();
    const modifier = MODIFIER_WORDS[word];
    if (modifier) {
      modifiers.add(modifier === 'command-or-control' ? (platform === 'darwin' ? 'meta' : 'ctrl') : modifier);
      continue;
    }
    if (word === 'altgr') {
      throw new AcceleratorError(`"${accelerator}" uses AltGr, which Parley cannot listen for; use Alt instead.`, accelerator);
    }
    const known = KEYS.get(word);
    if (!known) {
      const suggestion = closestKnownWord(word);
      throw new AcceleratorError(
        `"${accelerator}" has an unknown key "${part.trim()}"` + (suggestion ? `; did you mean "${suggestion}"?` : '.'),
        accelerator,
      );
    }
    if (found !== undefined) {
      throw new AcceleratorError(
        `"${accelerator}" has two keys, "${found}" and "${known.canonical}"; a shortcut is modifiers plus one key, e.g. "Ctrl+Shift+Space".`,
        accelerator,
      );
    }
    found = known.canonical;
  }
  if (found === undefined) {
    throw new AcceleratorError(`"${accelerator}" has only modifiers; add a key, e.g. "${text}+Space".`, accelerator);
  }
  return { modifiers, key: found };
}

/** The same combination, whatever the spelling ("CmdOrCtrl+space" equals "Control+Space" off macOS). */
export function sameAccelerator(a: ParsedAccelerator, b: ParsedAccelerator): boolean {
  return a.key === b.key && a.modifiers.size === b.modifiers.size && [...a.modifiers].every((modifier) => b.modifiers.has(modifier));
}

/** How people read a shortcut: "Ctrl+Shift+Space" (Linux, Windows), "Cmd+Shift+Space" (macOS). */
export function formatAccelerator(parsed: ParsedAccelerator, platform: NodeJS.Platform = process.platform): string {
  const mac = platform === 'darwin';
  const names: Record<Modifier, string> = { ctrl: 'Ctrl', alt: mac ? 'Option' : 'Alt', shift: 'Shift', meta: mac ? 'Cmd' : platform === 'win32' ? 'Win' : 'Super' };
  const order: readonly Modifier[] = mac ? ['ctrl', 'alt', 'shift', 'meta'] : ['ctrl', 'meta', 'alt', 'shift'];
  const keyName = parsed.key.length === 1 ? parsed.key.toUpperCase() : parsed.key;
  return [...order.filter((modifier) => parsed.modifiers.has(modifier)).map((modifier) => names[modifier]), keyName].join('+');
}

/** formatAccelerator for a raw setting; an unparsable one is shown as written. */
export function displayAccelerator(accelerator: string, platform: NodeJS.Platform = process.platform): string {
  try {
    return formatAccelerator(parseAccelerator(accelerator, platform), platform);
  } catch {
    return accelerator;
  }
}

export interface HookCombo {
  readonly modifiers: ReadonlySet<Modifier>;
  /** The uiohook key code of the non-modifier key. */
  readonly keycode: number;
}

/**
 * Maps a parsed accelerator to uiohook key codes. Throws AcceleratorError for keys the hook
 * cannot see as one physical key (shifted punctuation, "Plus", media keys).
 */
export function toHookCombo(parsed: ParsedAccelerator, table: UiohookKeyTable, accelerator = parsed.key): HookCombo {
  const known = KEYS.get(parsed.key.toLowerCase());
  const keycode = known?.uiohook != null ? table[known.uiohook] : undefined;
  if (keycode === undefined) {
    throw new AcceleratorError(
      `"${parsed.key}" in "${accelerator}" cannot be held through the native key hook; choose a letter, digit, F-key or named key such as Space.`,
      accelerator,
    );
  }
  return { modifiers: parsed.modifiers, keycode };
}

/** Key code → the modifier it is, for both the left and right keys. */
export function modifierKeycodes(table: UiohookKeyTable): ReadonlyMap<number, Modifier> {
  return new Map<number, Modifier>([
    [table.Ctrl, 'ctrl'],
    [table.CtrlRight, 'ctrl'],
    [table.Alt, 'alt'],
    [table.AltRight, 'alt'],
    [table.Shift, 'shift'],
    [table.ShiftRight, 'shift'],
    [table.Meta, 'meta'],
    [table.MetaRight, 'meta'],
  ]);
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
