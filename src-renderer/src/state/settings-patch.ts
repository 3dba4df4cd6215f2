// The settings form sends only what changed. Pure.
import type { Settings, SettingsPatch } from '../../../src-shared/ipc-contract';

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
 * The setting a server error names, e.g. "settings.update: hotkeys.talk must …" → "hotkeys.talk",
 * so the form can mark that field.
 */
export function settingNamedIn(message: string, keys: readonly string[]): string | null {
  const body = message.replace(/^settings\.update:\s*/, '');
  let best: string | null = null;
  for (const key of keys) {
    const pattern = new RegExp(`(^|[^A-Za-z.])${key.replace('.', '\\.')}(?![A-Za-z])`);
    if (pattern.test(body) && (!best || key.length > best.length)) best = key;
  }
  return best;
}
