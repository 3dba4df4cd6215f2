// Which settings live on which tab, so an error naming a setting can point at its tab.
import type { SettingsPage as SettingsTab } from '../../../../src-shared/app-state';
import { SETTINGS_FIELDS } from '../../../../src-shared/settings-fields';

export const SETTINGS_TABS: readonly { readonly id: SettingsTab; readonly label: string }[] = [
  { id: 'general', label: 'General & voice' },
  { id: 'agent', label: 'Agent' },
  { id: 'audio', label: 'Audio' },
  { id: 'usage', label: 'Usage' },
  { id: 'hotkeys', label: 'Hotkeys' },
  { id: 'api-key', label: 'API key' },
];

// Derived from the shared table main's messages use, so a refusal's field always has a tab and a
// label; `hotkeys` as a whole is what the contract's own checks may name.
const FIELD_INFO = Object.entries(SETTINGS_FIELDS);

export const FIELD_TABS: Readonly<Record<string, SettingsTab>> = {
  ...Object.fromEntries(FIELD_INFO.map(([field, info]) => [field, info.page])),
  hotkeys: 'hotkeys',
};

export const FIELD_LABELS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(FIELD_INFO.map(([field, info]) => [field, info.label])),
  hotkeys: 'Hotkeys',
};
