// Shortcuts as the native key hook sees them: a parsed accelerator (src-shared/accelerator.ts)
// mapped to uiohook key codes, so the hold-to-talk hook can match raw key events. Pure: the
// uiohook key table is passed in (only its type is imported), so nothing here loads the addon.
import type { UiohookKey } from 'uiohook-napi';
import { AcceleratorError, hookKeyName, type Modifier, type ParsedAccelerator } from '../../src-shared/accelerator';

/** The shape of uiohook-napi's `UiohookKey` export (a plain name → key code table). */
export type UiohookKeyTable = typeof UiohookKey;

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
  const name = hookKeyName(parsed.key);
  const keycode = name !== null ? (table as Readonly<Record<string, number>>)[name] : undefined;
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
