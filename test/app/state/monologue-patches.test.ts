// Parley issue #10: in the desktop app every transcript delta used to send the whole growing
// bubble to the renderer (a splice replacing it), so a 10 MB monologue cost deltas × text. With
// linear events the store appends, and each patch carries only the new piece.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HotkeyStatus } from '../../../src-shared/app-state';
import { applyStatePatch } from '../../../src-shared/state-patch';
import { AppStore } from '../../../src-main/app/state/app-store';
import { silentLogger } from '../../../src-main/core/util/logger';
import { heapUsedBytes, MONOLOGUE_CHARS, MONOLOGUE_DELTAS, playMonologue } from '../../support/monologue';

const HOTKEYS: HotkeyStatus = {
  talk: { accelerator: 'Ctrl+Space', active: true, problem: null },
  holdToTalk: { accelerator: '', active: false, problem: null, mode: 'off' },
};
/** A patch as the IPC sends it is JSON-sized; an append patch is ~200 bytes around its 100 characters. */
const MAX_PATCH_BYTES_PER_TEXT_BYTE = 3;
/** The text is held twice (main's state and the renderer's mirror), as ropes of 100,000 pieces. */
const MAX_HEAP_GROWTH_BYTES = 160 * 1024 * 1024;

test('a 10 MB monologue in 100,000 deltas costs state patches and memory in proportion to its text', () => {
  const heapBefore = heapUsedBytes();
  const store = new AppStore(
    { talk: { mode: 'hands-free', muted: false, talking: false }, devices: { input: null, output: null }, apiKeySet: true, onboardingDone: true, hotkeys: HOTKEYS },
    silentLogger,
  );
  let mirror = store.state;
  let patchBytes = 0;
  let patches = 0;
  store.subscribe((_state, patch) => {
    patchBytes += JSON.stringify(patch).length;
    patches++;
    // Fail fast rather than run out of memory if patches are not linear.
    if (patchBytes > MAX_PATCH_BYTES_PER_TEXT_BYTE * MONOLOGUE_CHARS) throw new Error(`patches passed ${MAX_PATCH_BYTES_PER_TEXT_BYTE}× the text after ${patches}`);
    const next = applyStatePatch(mirror, patch);
    assert.ok(next, `patch ${patch.base}→${patch.revision} follows ${mirror.revision}`);
    mirror = next;
  });
  let at = 0;
  const started = performance.now();
  store.dispatch({ type: 'session-event', event: { type: 'state', state: 'live' }, at });
  playMonologue((event) => {
    if (event.type !== 'audio.output') store.dispatch({ type: 'session-event', event, at: ++at });
  });
  const elapsedMs = performance.now() - started;
  const heapGrowth = heapUsedBytes() - heapBefore;
  const [bubble] = store.state.conversation.items;
  assert.equal(bubble?.kind === 'entry' && bubble.text.length, MONOLOGUE_CHARS);
  const [mirrored] = mirror.conversation.items;
  assert.equal(mirrored?.kind === 'entry' && mirrored.text === (bubble?.kind === 'entry' && bubble.text), true, 'the renderer rebuilt the same text');
  assert.ok(patches >= MONOLOGUE_DELTAS, `${patches} patches`);
  assert.ok(patchBytes < MAX_PATCH_BYTES_PER_TEXT_BYTE * MONOLOGUE_CHARS, `${patchBytes} patch bytes for ${MONOLOGUE_CHARS} characters`);
  assert.ok(heapGrowth < MAX_HEAP_GROWTH_BYTES, `the heap grew by ${(heapGrowth / 1e6).toFixed(1)} MB`);
  console.log(`patches: ${MONOLOGUE_CHARS / 1e6} MB text → ${patches} patches, ${(patchBytes / 1e6).toFixed(1)} MB (${(patchBytes / MONOLOGUE_CHARS).toFixed(2)}×), heap +${(heapGrowth / 1e6).toFixed(1)} MB, ${elapsedMs.toFixed(0)} ms`);
});
