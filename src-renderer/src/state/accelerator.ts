// A pressed key combination → an Electron accelerator ("CommandOrControl+Shift+Space"). Pure:
// it takes the fields of a KeyboardEvent, so it is testable without a DOM.

export interface KeyCombo {
  readonly key: string;
  readonly code: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
  readonly shiftKey: boolean;
}

export type ComboResult =
  | { readonly kind: 'accelerator'; readonly accelerator: string }
  /** Only modifiers are down so far: keep listening. */
  | { readonly kind: 'incomplete'; readonly preview: string }
  | { readonly kind: 'rejected'; readonly reason: string };

const MODIFIER_CODES = new Set([
  'ControlLeft', 'ControlRight', 'ShiftLeft', 'ShiftRight', 'AltLeft', 'AltRight', 'MetaLeft', 'MetaRight', 'OSLeft', 'OSRight',
]);
const MODIFIER_KEYS = new Set(['Control', 'Shift', 'Alt', 'Meta', 'OS', 'AltGraph']);

const NAMED_CODES: Record<string, string> = {
  Space: 'Space', Enter: 'Enter', NumpadEnter: 'Enter', Tab: 'Tab', Backspace: 'Backspace', Delete: 'Delete', Insert: 'Insert',
  Escape: 'Escape', Home: 'Home', End: 'End', PageUp: 'PageUp', PageDown: 'PageDown',
  ArrowUp: 'Up', ArrowDown: 'Down', ArrowLeft: 'Left', ArrowRight: 'Right',
  Minus: '-', Equal: '=', BracketLeft: '[', BracketRight: ']', Backslash: '\\', Semicolon: ';', Quote: "'",
  Comma: ',', Period: '.', Slash: '/', Backquote: '`', IntlBackslash: '\\',
  CapsLock: 'Capslock', NumLock: 'Numlock', ScrollLock: 'Scrolllock', PrintScreen: 'PrintScreen',
  NumpadAdd: 'numadd', NumpadSubtract: 'numsub', NumpadMultiply: 'nummult', NumpadDivide: 'numdiv', NumpadDecimal: 'numdec',
  MediaPlayPause: 'MediaPlayPause', MediaStop: 'MediaStop', MediaTrackNext: 'MediaNextTrack', MediaTrackPrevious: 'MediaPreviousTrack',
  AudioVolumeUp: 'VolumeUp', AudioVolumeDown: 'VolumeDown', AudioVolumeMute: 'VolumeMute',
};

/** Keys that make sense as a global shortcut on their own. */
function standsAlone(keyName: string): boolean {
  return /^F([1-9]|1\d|2[0-4])$/.test(keyName) || keyName.startsWith('Media') || keyName.startsWith('Volume');
}

/** The accelerator name of the non-modifier key, or null when it has none. */
export function acceleratorKey(combo: Pick<KeyCombo, 'key' | 'code'>): string | null {
  const { code, key } = combo;
  if (/^Key[A-Z]$/.test(code)) return code.slice(3);
  if (/^Digit\d$/.test(code)) return code.slice(5);
  if (/^Numpad\d$/.test(code)) return `num${code.slice(6)}`;
  if (/^F\d{1,2}$/.test(code)) return code;
  const named = NAMED_CODES[code];
  if (named) return named;
  // Unknown physical key: fall back to the character it typed.
  if (key.length === 1 && key !== '+' && key.trim() !== '') return key.toUpperCase();
  if (key === '+') return 'Plus';
  return null;
}

export function modifierNames(combo: KeyCombo, isMac: boolean): string[] {
  const names: string[] = [];
  if (isMac) {
    if (combo.metaKey) names.push('CommandOrControl');
    if (combo.ctrlKey) names.push('Control');
  } else {
    if (combo.ctrlKey) names.push('CommandOrControl');
  }
  if (combo.altKey) names.push('Alt');
  if (combo.shiftKey) names.push('Shift');
  if (!isMac && combo.metaKey) names.push('Super');
  return names;
}

export function comboToAccelerator(combo: KeyCombo, isMac: boolean): ComboResult {
  const modifiers = modifierNames(combo, isMac);
  if (MODIFIER_CODES.has(combo.code) || MODIFIER_KEYS.has(combo.key)) {
    return { kind: 'incomplete', preview: modifiers.length > 0 ? `${modifiers.join('+')}+…` : '…' };
  }
  const keyName = acceleratorKey(combo);
  if (!keyName) return { kind: 'rejected', reason: `The key “${combo.key || combo.code}” cannot be used in a shortcut.` };
  if (modifiers.length === 0 && !standsAlone(keyName)) {
    return { kind: 'rejected', reason: `Add Ctrl, Alt or Shift to “${keyName}”: a global shortcut needs a modifier.` };
  }
  if (modifiers.length === 1 && modifiers[0] === 'Shift' && !standsAlone(keyName)) {
    return { kind: 'rejected', reason: `Shift+${keyName} would stop you typing that character anywhere; add Ctrl or Alt.` };
  }
  return { kind: 'accelerator', accelerator: [...modifiers, keyName].join('+') };
}

export function isMacPlatform(): boolean {
  const platform =
    (navigator as Navigator & { userAgentData?: { platform?: string } }).userAgentData?.platform ?? navigator.platform ?? '';
  return /mac/i.test(platform);
}
