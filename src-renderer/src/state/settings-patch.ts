// The settings form sends only what changed. Pure.
import type { Settings, SettingsPatch } from '../../../src-shared/ipc-contract';
import { DIALECT_NAMES, defaultVoice } from '../../../src-shared/realtime-voices';

/** Keys the form edits (onboardingDone belongs to onboarding). */
export type EditableSettings = Omit<Settings, 'onboardingDone'>;

export function settingsPatch(saved: Settings, draft: EditableSettings): SettingsPatch {
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(draft) as (keyof EditableSettings)[]) {
    if (key === 'hotkeys') continue;
    if (draft[key] !== saved[key]) patch[key] = draft[key];
  }
  const hotkeys: Record<string, string> = {};
  if (draft.hotkeys.talk !== saved.hotkeys.talk) hotkeys.talk = draft.hotkeys.talk;
  if (draft.hotkeys.holdToTalk !== saved.hotkeys.holdToTalk) hotkeys.holdToTalk = draft.hotkeys.holdToTalk;
  if (Object.keys(hotkeys).length > 0) patch.hotkeys = hotkeys;
  return patch as SettingsPatch;
}

export function isEmptyPatch(patch: SettingsPatch): boolean {
  return Object.keys(patch).length === 0;
}

/**
 * What the form says after a save. Main may adjust what it saves: a protocol change resets a
 * voice the new protocol does not offer, and the user should know their choice is gone.
 */
export function savedMessage(sent: EditableSettings, saved: Settings): string {
  if (sent.voice.trim() !== '' && saved.voice === '') {
    return `Saved. The voice is now the default (${defaultVoice(saved.dialect)}): “${sent.voice}” is not a voice of ${DIALECT_NAMES[saved.dialect]}.`;
  }
  return 'Saved.';
}
