// Which settings live on which tab, so an error naming a setting can point at its tab.
import type { SettingsTab } from '../../state/banners';

export const SETTINGS_TABS: readonly { readonly id: SettingsTab; readonly label: string }[] = [
  { id: 'general', label: 'General & voice' },
  { id: 'agent', label: 'Agent' },
  { id: 'audio', label: 'Audio' },
  { id: 'hotkeys', label: 'Hotkeys' },
  { id: 'api-key', label: 'API key' },
];

export const FIELD_TABS: Readonly<Record<string, SettingsTab>> = {
  dialect: 'general',
  realtimeUrl: 'general',
  model: 'general',
  voice: 'general',
  instructions: 'general',
  talkMode: 'general',
  startAtLogin: 'general',
  agentBackend: 'agent',
  agentUrl: 'agent',
  agentModel: 'agent',
  agentCommand: 'agent',
  agentCwd: 'agent',
  inputDevice: 'audio',
  outputDevice: 'audio',
  hotkeys: 'hotkeys',
  'hotkeys.talk': 'hotkeys',
  'hotkeys.holdToTalk': 'hotkeys',
};

export const FIELD_LABELS: Readonly<Record<string, string>> = {
  dialect: 'Protocol',
  realtimeUrl: 'Realtime URL',
  model: 'Model',
  voice: 'Voice',
  instructions: 'Instructions',
  talkMode: 'Talk mode',
  startAtLogin: 'Start at login',
  agentBackend: 'Agent backend',
  agentUrl: 'Agent URL',
  agentModel: 'Agent model',
  agentCommand: 'Agent command',
  agentCwd: 'Agent working folder',
  inputDevice: 'Microphone',
  outputDevice: 'Speaker',
  hotkeys: 'Hotkeys',
  'hotkeys.talk': 'Talk hotkey',
  'hotkeys.holdToTalk': 'Hold-to-talk hotkey',
};
