// Every setting the form edits, with the label the user sees and the settings page it lives on,
// so main's messages name a setting in the user's words ("Working folder: …") and a problem can
// open the page that fixes it. Shared by the settings check in main and the renderer's form.
import type { Hotkeys, Settings, SettingsPage } from './ipc-contract';

export type { SettingsPage };

/** A setting as the form names it: each top-level key, and each hotkey on its own. */
export type SettingsField = Exclude<keyof Settings, 'hotkeys'> | `hotkeys.${keyof Hotkeys}`;

export interface SettingsFieldInfo {
  /** What the form calls it, and what messages start with. */
  readonly label: string;
  readonly page: SettingsPage;
}

export const SETTINGS_FIELDS: Readonly<Record<SettingsField, SettingsFieldInfo>> = {
  dialect: { label: 'Protocol', page: 'general' },
  realtimeUrl: { label: 'Realtime URL', page: 'general' },
  model: { label: 'Model', page: 'general' },
  maxSessionMinutes: { label: 'Session length limit', page: 'general' },
  voice: { label: 'Voice', page: 'general' },
  instructions: { label: 'Instructions', page: 'general' },
  talkMode: { label: 'Talk mode', page: 'general' },
  startAtLogin: { label: 'Start at login', page: 'general' },
  onboardingDone: { label: 'Onboarding', page: 'general' },
  agentBackend: { label: 'Agent backend', page: 'agent' },
  agentUrl: { label: 'Agent URL', page: 'agent' },
  agentModel: { label: 'Agent model', page: 'agent' },
  agentCommand: { label: 'Agent command', page: 'agent' },
  agentCwd: { label: 'Working folder', page: 'agent' },
  agentConfig: { label: 'Codex config overrides', page: 'agent' },
  agentApproval: { label: 'Approval policy', page: 'agent' },
  agentSandbox: { label: 'Codex sandbox', page: 'agent' },
  agentUpdateIntervalSeconds: { label: 'Spoken progress interval', page: 'agent' },
  agentApprovalTimeoutSeconds: { label: 'Permission request timeout', page: 'agent' },
  inputDevice: { label: 'Microphone', page: 'audio' },
  outputDevice: { label: 'Speaker', page: 'audio' },
  noiseReduction: { label: 'Noise reduction', page: 'audio' },
  vadSilenceMs: { label: 'Pause that ends a turn', page: 'audio' },
  semanticEagerness: { label: 'Turn-taking eagerness', page: 'audio' },
  echoCancellation: { label: 'Echo cancellation', page: 'audio' },
  noiseSuppression: { label: 'Noise suppression', page: 'audio' },
  autoGainControl: { label: 'Automatic gain control', page: 'audio' },
  minBargeInMs: { label: 'Minimum barge-in', page: 'audio' },
  handsFreeTurnDetection: { label: 'Turn detection', page: 'audio' },
  budgetPerSessionUsd: { label: 'Budget per session', page: 'usage' },
  budgetPerDayUsd: { label: 'Budget per day', page: 'usage' },
  pricingTable: { label: 'Pricing table', page: 'usage' },
  'hotkeys.talk': { label: 'Talk hotkey', page: 'hotkeys' },
  'hotkeys.holdToTalk': { label: 'Hold-to-talk hotkey', page: 'hotkeys' },
};

export function isSettingsField(name: string): name is SettingsField {
  return Object.hasOwn(SETTINGS_FIELDS, name);
}
