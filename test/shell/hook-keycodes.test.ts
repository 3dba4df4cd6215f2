// Shortcuts as the native key hook sees them: parsed accelerators mapped to uiohook key codes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { parseAccelerator } from '../../src-shared/accelerator';
import { modifierKeycodes, toHookCombo, type UiohookKeyTable } from '../../src-main/shell/hook-keycodes';

/**
 * uiohook-napi's real key table, read in a child process: on Linux without a display, merely
 * loading the addon makes the process exit with code 1 ("Couldn't find per display information").
 */
function realKeyTable(): UiohookKeyTable | undefined {
  const script = "process.stdout.write(JSON.stringify(require('uiohook-napi').UiohookKey))";
  const child = spawnSync(process.execPath, ['-e', script], { cwd: dirname(fileURLToPath(import.meta.url)), encoding: 'utf8' });
  try {
    return JSON.parse(child.stdout) as UiohookKeyTable;
  } catch {
    return undefined;
  }
}
const TABLE = realKeyTable();
const NO_TABLE = TABLE ? false : 'uiohook-napi (an optional dependency) is not installed';

test('keys map to uiohook key codes; keys the hook cannot hold are refused', { skip: NO_TABLE }, () => {
  const table = TABLE!;
  const combo = toHookCombo(parseAccelerator('Alt+F8', 'linux'), table);
  assert.equal(combo.keycode, table.F8);
  assert.deepEqual([...combo.modifiers], ['alt']);
  assert.equal(toHookCombo(parseAccelerator('CommandOrControl+Shift+Space', 'linux'), table).keycode, table.Space);
  assert.equal(toHookCombo(parseAccelerator('Ctrl+Up', 'linux'), table).keycode, table.ArrowUp);
  assert.equal(toHookCombo(parseAccelerator('Ctrl+num0', 'linux'), table).keycode, table.Numpad0);
  assert.equal(toHookCombo(parseAccelerator('Ctrl+7', 'linux'), table).keycode, table[7]);
  assert.equal(toHookCombo(parseAccelerator('Ctrl+`', 'linux'), table).keycode, table.Backquote);
  assert.throws(() => toHookCombo(parseAccelerator('Ctrl+Plus', 'linux'), table, 'Ctrl+Plus'), /"Plus" in "Ctrl\+Plus" cannot be held/);
  assert.throws(() => toHookCombo(parseAccelerator('VolumeUp', 'linux'), table), /cannot be held through the native key hook/);
});

test('every key with a uiohook name resolves to a real key code', { skip: NO_TABLE }, () => {
  const keys = [
    ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
    ...Array.from({ length: 24 }, (_, n) => `F${n + 1}`),
    ...Array.from({ length: 10 }, (_, n) => `num${n}`),
    ...['numdec', 'numadd', 'numsub', 'nummult', 'numdiv', 'Space', 'Tab', 'Capslock', 'Numlock', 'Scrolllock', 'Backspace'],
    ...['Delete', 'Insert', 'Enter', 'Up', 'Down', 'Left', 'Right', 'Home', 'End', 'PageUp', 'PageDown', 'Escape', 'PrintScreen'],
    ...[';', '=', ',', '-', '.', '/', '`', '[', '\\', ']', "'"],
  ];
  const codes = new Set<number>();
  for (const key of keys) {
    const { keycode } = toHookCombo(parseAccelerator(`Ctrl+${key}`, 'linux'), TABLE!);
    assert.equal(typeof keycode, 'number', key);
    codes.add(keycode);
  }
  assert.equal(codes.size, keys.length, 'no two keys share a key code');
});

test('left and right modifier keys map to the same modifier', { skip: NO_TABLE }, () => {
  const modifiers = modifierKeycodes(TABLE!);
  assert.equal(modifiers.get(TABLE!.Ctrl), 'ctrl');
  assert.equal(modifiers.get(TABLE!.CtrlRight), 'ctrl');
  assert.equal(modifiers.get(TABLE!.AltRight), 'alt');
  assert.equal(modifiers.get(TABLE!.MetaRight), 'meta');
  assert.equal(modifiers.get(TABLE!.Space), undefined);
});
