// Accelerator parsing (src-shared, used by main and the renderer alike): what Electron accepts
// parses to modifiers + one key; what it would refuse (or silently misread) fails with a sentence
// naming the problem, and a reason that does not repeat the shortcut.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AcceleratorError,
  displayAccelerator,
  formatAccelerator,
  parseAccelerator,
  sameAccelerator,
  type AcceleratorPlatform,
} from '../../src-shared/accelerator';

function parsed(accelerator: string, platform: AcceleratorPlatform = 'linux') {
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
  const same = (a: string, b: string, platform: AcceleratorPlatform) => sameAccelerator(parseAccelerator(a, platform), parseAccelerator(b, platform));
  assert.equal(same('CmdOrCtrl+space', 'Control+Space', 'linux'), true);
  assert.equal(same('CmdOrCtrl+space', 'Control+Space', 'darwin'), false);
  assert.equal(same('Alt+F8', 'Alt+Shift+F8', 'linux'), false);
});

test('the reason says what is wrong without repeating the shortcut, for a setting to quote', () => {
  assert.throws(
    () => parseAccelerator('Ctrl+Shft+X', 'linux'),
    (error: unknown) => error instanceof AcceleratorError && error.reason === 'has an unknown key "Shft"; did you mean "Shift"?',
  );
  assert.throws(() => parseAccelerator('', 'linux'), (error: unknown) => error instanceof AcceleratorError && error.reason === 'it is empty');
});
