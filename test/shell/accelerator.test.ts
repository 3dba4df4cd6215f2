// Accelerator parsing: what Electron accepts parses to modifiers + one key; what it would refuse
// (or silently misread) fails with a sentence naming the problem.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import {
  AcceleratorError,
  displayAccelerator,
  formatAccelerator,
  modifierKeycodes,
  parseAccelerator,
  sameAccelerator,
  toHookCombo,
  type UiohookKeyTable,
} from '../../src-main/shell/accelerator';

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

function parsed(accelerator: string, platform: NodeJS.Platform = 'linux') {
  const result = parseAccelerator(accelerator, platform);
  return { modifiers: [...result.modifiers].sort(), key: result.key };
}

test('CommandOrControl is Ctrl off macOS and Cmd (meta) on macOS', () => {
  assert.deepEqual(parsed('CommandOrControl+Shift+Space', 'linux'), { modifiers: ['ctrl', 'shift'], key: 'Space' });
  assert.deepEqual(parsed('CommandOrControl+Shift+Space', 'win32'), { modifiers: ['ctrl', 'shift'], key: 'Space' });
  assert.deepEqual(parsed('CmdOrCtrl+Shift+Space', 'darwin'), { modifiers: ['meta', 'shift'], key: 'Space' });
});

test('valid accelerators parse whatever their case and aliases', () => {
  assert.deepEqual(parsed('Alt+F8'), { modifiers: ['alt'], key: 'F8' });
  assert.deepEqual(parsed('F13'), { modifiers: [], key: 'F13' });
  assert.deepEqual(parsed('Control+Alt+P'), { modifiers: ['alt', 'ctrl'], key: 'P' });
  assert.deepEqual(parsed('cmdorctrl+shift+space'), { modifiers: ['ctrl', 'shift'], key: 'Space' });
  assert.deepEqual(parsed('Option+Return', 'darwin'), { modifiers: ['alt'], key: 'Enter' });
  assert.deepEqual(parsed('Super+Esc'), { modifiers: ['meta'], key: 'Escape' });
  assert.deepEqual(parsed('Ctrl+Plus'), { modifiers: ['ctrl'], key: 'Plus' });
  assert.deepEqual(parsed('Ctrl+num5'), { modifiers: ['ctrl'], key: 'num5' });
  assert.deepEqual(parsed(' Shift+; '), { modifiers: ['shift'], key: ';' });
});

test('an unknown key is named, with the nearest known spelling', () => {
  assert.throws(
    () => parseAccelerator('Ctrl+Spcae', 'linux'),
    (error: unknown) => error instanceof AcceleratorError && /unknown key "Spcae"; did you mean "Space"\?/.test(error.message),
  );
  assert.throws(() => parseAccelerator('Ctrl+Shift+Banana', 'linux'), /"Ctrl\+Shift\+Banana" has an unknown key "Banana"\.$/);
});

test('modifiers without a key, two keys, empty parts and AltGr are refused with the reason', () => {
  assert.throws(() => parseAccelerator('Ctrl+Shift', 'linux'), /"Ctrl\+Shift" has only modifiers; add a key/);
  assert.throws(() => parseAccelerator('Ctrl+A+B', 'linux'), /has two keys, "A" and "B"/);
  assert.throws(() => parseAccelerator('Ctrl++', 'linux'), /empty part; write the \+ key as "Plus"/);
  assert.throws(() => parseAccelerator('   ', 'linux'), /The shortcut is empty/);
  assert.throws(() => parseAccelerator('AltGr+A', 'linux'), /AltGr/);
});

test('shortcuts are shown the way each platform writes them', () => {
  assert.equal(formatAccelerator(parseAccelerator('CommandOrControl+Shift+Space', 'linux'), 'linux'), 'Ctrl+Shift+Space');
  assert.equal(formatAccelerator(parseAccelerator('CommandOrControl+Shift+Space', 'darwin'), 'darwin'), 'Shift+Cmd+Space');
  assert.equal(formatAccelerator(parseAccelerator('shift+alt+control+p', 'win32'), 'win32'), 'Ctrl+Alt+Shift+P');
  assert.equal(displayAccelerator('Super+F1', 'win32'), 'Win+F1');
  assert.equal(displayAccelerator('not a shortcut', 'linux'), 'not a shortcut');
});

test('the same combination matches whatever its spelling, per platform', () => {
  const same = (a: string, b: string, platform: NodeJS.Platform) => sameAccelerator(parseAccelerator(a, platform), parseAccelerator(b, platform));
  assert.equal(same('CmdOrCtrl+space', 'Control+Space', 'linux'), true);
  assert.equal(same('CmdOrCtrl+space', 'Control+Space', 'darwin'), false);
  assert.equal(same('Alt+F8', 'Alt+Shift+F8', 'linux'), false);
});

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
