// The shortcut field records key presses as accelerators; every one it produces must be one the
// shared parser (the one main checks saves with) accepts, on every platform, and mean the keys pressed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { acceleratorProblem, formatAccelerator, parseAccelerator } from '../../src-shared/accelerator';
import { comboToAccelerator, type KeyCombo } from '../../src-renderer/src/state/accelerator';

const press = (code: string, key: string, modifiers: Partial<Pick<KeyCombo, 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>> = {}): KeyCombo => ({
  code,
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...modifiers,
});

const PRESSES: readonly KeyCombo[] = [
  press('Space', ' ', { ctrlKey: true, shiftKey: true }),
  press('KeyP', 'p', { altKey: true, ctrlKey: true }),
  press('Digit7', '7', { ctrlKey: true }),
  press('F8', 'F8'),
  press('Numpad5', '5', { ctrlKey: true }),
  press('NumpadAdd', '+', { altKey: true }),
  press('ArrowUp', 'ArrowUp', { ctrlKey: true, metaKey: true }),
  press('Semicolon', ';', { ctrlKey: true }),
  press('Backquote', '`', { altKey: true, shiftKey: true }),
  press('MediaPlayPause', 'MediaPlayPause'),
  press('IntlRo', '+', { ctrlKey: true }),
];

test('every recorded shortcut parses with the shared parser, on macOS and elsewhere', () => {
  for (const mac of [false, true]) {
    for (const combo of PRESSES) {
      const result = comboToAccelerator(combo, mac);
      assert.equal(result.kind, 'accelerator', `${combo.code} should record`);
      if (result.kind !== 'accelerator') continue;
      const platform = mac ? 'darwin' : 'linux';
      assert.equal(acceleratorProblem(result.accelerator, platform), undefined, `${result.accelerator} (${platform})`);
    }
  }
});

test('a recorded shortcut means the keys that were pressed', () => {
  const linux = comboToAccelerator(press('Space', ' ', { ctrlKey: true, shiftKey: true }), false);
  assert.equal(linux.kind === 'accelerator' && formatAccelerator(parseAccelerator(linux.accelerator, 'linux'), 'linux'), 'Ctrl+Shift+Space');
  const mac = comboToAccelerator(press('KeyK', 'k', { metaKey: true, altKey: true }), true);
  assert.equal(mac.kind === 'accelerator' && formatAccelerator(parseAccelerator(mac.accelerator, 'darwin'), 'darwin'), 'Option+Cmd+K');
});

test('a typed shortcut that does not parse gets the same sentence main refuses a save with', () => {
  assert.equal(acceleratorProblem('Ctrl+Shft+X', 'linux'), '“Ctrl+Shft+X” is not a valid shortcut: unknown key "Shft"; did you mean "Shift"?');
  assert.equal(acceleratorProblem('', 'linux'), undefined, 'empty means no shortcut');
});
