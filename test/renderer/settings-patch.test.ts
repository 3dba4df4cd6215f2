// The settings form's pure helpers: what a save says when main adjusted what it saved, and the
// field a contract-level refusal names.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Settings } from '../../src-shared/ipc-contract';
import { DEFAULT_SETTINGS } from '../../src-main/adapters/settings/settings-schema';
import { savedMessage, type EditableSettings } from '../../src-renderer/src/state/settings-patch';

function draftOf(settings: Settings): EditableSettings {
  const { onboardingDone: _onboardingDone, ...rest } = settings;
  return rest;
}

test('a save that reset the voice for the new protocol says which voice went and what plays now', () => {
  const sent = draftOf({ ...DEFAULT_SETTINGS, dialect: 'v1', voice: 'cedar' });
  const saved: Settings = { ...DEFAULT_SETTINGS, dialect: 'v1', voice: '' };
  assert.equal(savedMessage(sent, saved), 'Saved. The voice is now the default (cove): “cedar” is not a voice of the v1 (quicksilver) realtime API.');
});

test('a plain save, or clearing the voice on purpose, just says saved', () => {
  assert.equal(savedMessage(draftOf({ ...DEFAULT_SETTINGS, voice: 'ash' }), { ...DEFAULT_SETTINGS, voice: 'ash' }), 'Saved.');
  assert.equal(savedMessage(draftOf({ ...DEFAULT_SETTINGS, voice: '' }), DEFAULT_SETTINGS), 'Saved.');
  assert.equal(savedMessage(draftOf({ ...DEFAULT_SETTINGS, voice: 'Cedar' }), { ...DEFAULT_SETTINGS, voice: 'cedar' }), 'Saved.');
});
