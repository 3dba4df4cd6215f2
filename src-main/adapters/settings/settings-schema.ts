// The desktop app's settings: their type, defaults, the JSON schema the store validates the file
// with, and the validator for patches coming from the renderer. Pure: no fs, no electron.
import type { AgentBackendKind } from '../../core/agent/agent-backend';
import { TALK_MODES } from '../../core/audio/talk-mode';
import { DEFAULT_VAD_SILENCE_MS, type Dialect } from '../../core/protocol/session-config';
import { DEFAULT_MAX_SESSION_MS } from '../../core/session/resilience';

// The settings type is owned by the IPC contract (the renderer edits the same shape).
export type { Settings, Hotkeys as HotkeySettings } from '../../../src-shared/ipc-contract';
import {
  AGENT_APPROVAL_POLICIES,
  AGENT_BACKENDS as CONTRACT_AGENT_BACKENDS,
  AGENT_SANDBOXES,
  MAX_AGENT_CONFIG_CHARS,
  MAX_SESSION_MINUTES,
  MIN_SESSION_MINUTES,
  NOISE_REDUCTION_CHOICES,
  SEMANTIC_EAGERNESS_LEVELS,
  SESSION_MINUTES_PROBLEM,
  VAD_SILENCE_PROBLEM,
  isSessionMinutes,
  isVadSilenceMs,
  type Hotkeys as HotkeySettings,
  type Settings,
} from '../../../src-shared/ipc-contract';
import {
  AGENT_APPROVAL_TIMEOUT_PROBLEM,
  AGENT_UPDATE_INTERVAL_PROBLEM,
  DEFAULT_AGENT_APPROVAL_TIMEOUT_SECONDS,
  DEFAULT_AGENT_UPDATE_INTERVAL_SECONDS,
  isAgentApprovalTimeoutSeconds,
  isAgentUpdateIntervalSeconds,
} from '../../../src-shared/agent-timing';
import { BUDGET_PROBLEM, DEFAULT_BUDGET_USD, isBudgetUsd, pricingTableTextProblem } from '../../../src-shared/budget-settings';
import { SETTINGS_FIELDS, isSettingsField, type SettingsField, type SettingsPage } from '../../../src-shared/settings-fields';
import {
  DEFAULT_ECHO_CANCELLATION,
  DEFAULT_MIN_BARGE_IN_MS,
  HANDS_FREE_TURN_DETECTIONS,
  MIN_BARGE_IN_PROBLEM,
  isMinBargeInMs,
} from '../../../src-shared/echo-cancellation';

/** What the settings file holds: the settings plus the API key, encrypted by the OS keychain. */
export interface StoredSettings extends Settings {
  /** Base64 of the keychain ciphertext; never the plain key. */
  readonly encryptedApiKey: string | null;
}

export type SettingsKey = keyof Settings;

/** A change from the renderer: any subset of the settings; hotkeys may be partial and are merged. */
export type SettingsPatch = {
  readonly [K in SettingsKey]?: K extends 'hotkeys' ? Partial<HotkeySettings> : Settings[K];
};

export const DIALECTS: readonly Dialect[] = ['v1', 'v2'];
export const AGENT_BACKENDS: readonly AgentBackendKind[] = CONTRACT_AGENT_BACKENDS;
export { AGENT_APPROVAL_POLICIES, AGENT_SANDBOXES };
export { TALK_MODES, NOISE_REDUCTION_CHOICES, SEMANTIC_EAGERNESS_LEVELS, HANDS_FREE_TURN_DETECTIONS };

export const DEFAULT_INSTRUCTIONS =
  'You are Parley, a friendly voice assistant. Keep answers short and spoken. When a request ' +
  'needs research, tools, files or more than a quick answer, hand it to the background agent ' +
  'and tell the user you are on it; when the agent answers, tell the user what it found.';

export const MS_PER_MINUTE = 60_000;
/** The OpenAI Realtime API's limit, which the voice session assumes when nothing is set. */
export const DEFAULT_SESSION_MINUTES = DEFAULT_MAX_SESSION_MS / MS_PER_MINUTE;
export { MAX_SESSION_MINUTES, MIN_SESSION_MINUTES };

export const DEFAULT_SETTINGS: Settings = {
  dialect: 'v2',
  realtimeUrl: 'wss://api.openai.com/v1',
  model: '',
  maxSessionMinutes: DEFAULT_SESSION_MINUTES,
  voice: '',
  instructions: DEFAULT_INSTRUCTIONS,
  agentBackend: 'responses',
  agentUrl: 'https://api.openai.com/v1',
  agentModel: 'gpt-5-mini',
  agentCommand: '',
  agentCwd: '',
  agentConfig: '',
  // Reads go through; anything else is put to the user (card and voice), denied if unanswered.
  agentApproval: 'allow-read-only',
  agentSandbox: 'workspace-write',
  agentUpdateIntervalSeconds: DEFAULT_AGENT_UPDATE_INTERVAL_SECONDS,
  agentApprovalTimeoutSeconds: DEFAULT_AGENT_APPROVAL_TIMEOUT_SECONDS,
  talkMode: 'hands-free',
  noiseReduction: 'auto',
  vadSilenceMs: DEFAULT_VAD_SILENCE_MS,
  semanticEagerness: 'auto',
  echoCancellation: DEFAULT_ECHO_CANCELLATION.enabled,
  noiseSuppression: DEFAULT_ECHO_CANCELLATION.noiseSuppression,
  autoGainControl: DEFAULT_ECHO_CANCELLATION.autoGainControl,
  minBargeInMs: DEFAULT_MIN_BARGE_IN_MS,
  handsFreeTurnDetection: 'server_vad',
  budgetPerSessionUsd: DEFAULT_BUDGET_USD,
  budgetPerDayUsd: DEFAULT_BUDGET_USD,
  pricingTable: '',
  inputDevice: null,
  outputDevice: null,
  hotkeys: { talk: 'CommandOrControl+Shift+Space', holdToTalk: 'CommandOrControl+Alt+Space' },
  startAtLogin: false,
  onboardingDone: false,
};

export const DEFAULT_STORED_SETTINGS: StoredSettings = { ...DEFAULT_SETTINGS, encryptedApiKey: null };

export const SETTINGS_KEYS = Object.keys(DEFAULT_SETTINGS) as SettingsKey[];

const MAX_SHORT_TEXT_CHARS = 200;
const MAX_PATH_CHARS = 4_096;
const MAX_INSTRUCTIONS_CHARS = 20_000;
const MAX_ACCELERATOR_CHARS = 100;
const REALTIME_URL_PATTERN = '^(wss?|https?)://';
const HTTP_URL_PATTERN = '^https?://';
const BASE64_PATTERN = '^[A-Za-z0-9+/]*={0,2}$';

/** JSON schema (draft 2020-12, one entry per top-level key) for conf / electron-store. */
export type JsonSchema = Readonly<Record<string, unknown>>;

const text = (maxLength: number, extra: JsonSchema = {}): JsonSchema => ({ type: 'string', maxLength, ...extra });
const oneOf = (values: readonly string[]): JsonSchema => ({ type: 'string', enum: [...values] });
const device: JsonSchema = { type: ['string', 'null'], maxLength: MAX_SHORT_TEXT_CHARS };

const SCHEMA_WITHOUT_DEFAULTS: Record<keyof StoredSettings, JsonSchema> = {
  dialect: oneOf(DIALECTS),
  realtimeUrl: text(MAX_PATH_CHARS, { pattern: REALTIME_URL_PATTERN }),
  model: text(MAX_SHORT_TEXT_CHARS),
  // Only the type: a hand-edited 1 or 30.5 must not get the whole file thrown away as corrupt;
  // it is listed as a problem (settingShapeProblem) and the session uses the default meanwhile.
  maxSessionMinutes: { type: 'number' },
  voice: text(MAX_SHORT_TEXT_CHARS),
  instructions: text(MAX_INSTRUCTIONS_CHARS),
  agentBackend: oneOf(AGENT_BACKENDS),
  agentUrl: text(MAX_PATH_CHARS, { pattern: HTTP_URL_PATTERN }),
  agentModel: text(MAX_SHORT_TEXT_CHARS, { minLength: 1 }),
  agentCommand: text(MAX_PATH_CHARS),
  agentCwd: text(MAX_PATH_CHARS),
  agentConfig: text(MAX_AGENT_CONFIG_CHARS),
  agentApproval: oneOf(AGENT_APPROVAL_POLICIES),
  agentSandbox: oneOf(AGENT_SANDBOXES),
  // Only the type, as maxSessionMinutes: a hand-edited 2 is a listed problem, not a corrupt file.
  agentUpdateIntervalSeconds: { type: 'number' },
  agentApprovalTimeoutSeconds: { type: 'number' },
  talkMode: oneOf(TALK_MODES),
  noiseReduction: oneOf(NOISE_REDUCTION_CHOICES),
  // Only the type, as maxSessionMinutes: a hand-edited 150 is a listed problem, not a corrupt file.
  vadSilenceMs: { type: 'number' },
  semanticEagerness: oneOf(SEMANTIC_EAGERNESS_LEVELS),
  echoCancellation: { type: 'boolean' },
  noiseSuppression: { type: 'boolean' },
  autoGainControl: { type: 'boolean' },
  // Only the type, as vadSilenceMs: a hand-edited 50 is a listed problem, not a corrupt file.
  minBargeInMs: { type: 'number' },
  handsFreeTurnDetection: oneOf(HANDS_FREE_TURN_DETECTIONS),
  // Only the type, as maxSessionMinutes: a hand-edited -1 or a broken table is a listed problem, not a corrupt file.
  budgetPerSessionUsd: { type: 'number' },
  budgetPerDayUsd: { type: 'number' },
  pricingTable: { type: 'string' },
  inputDevice: device,
  outputDevice: device,
  hotkeys: {
    type: 'object',
    properties: { talk: text(MAX_ACCELERATOR_CHARS), holdToTalk: text(MAX_ACCELERATOR_CHARS) },
    required: ['talk', 'holdToTalk'],
    additionalProperties: false,
  },
  startAtLogin: { type: 'boolean' },
  onboardingDone: { type: 'boolean' },
  encryptedApiKey: { type: ['string', 'null'], pattern: BASE64_PATTERN },
};

/**
 * Each property carries its default so a file missing a key still validates (ajv fills it in).
 * Unknown top-level keys are tolerated on purpose: a file written by a newer Parley must not be
 * thrown away as corrupt after a downgrade.
 */
export const SETTINGS_JSON_SCHEMA: Record<keyof StoredSettings, JsonSchema> = Object.fromEntries(
  Object.entries(SCHEMA_WITHOUT_DEFAULTS).map(([key, schema]) => [
    key,
    { ...schema, default: DEFAULT_STORED_SETTINGS[key as keyof StoredSettings] },
  ]),
) as unknown as Record<keyof StoredSettings, JsonSchema>;

/**
 * A refused setting: `field` names it ("voice", "hotkeys.talk"), `page` is the settings page that
 * holds it, and the message starts with the label the user sees ("Voice: …"). `code` is what the
 * command dispatcher forwards to the renderer. Never carries a value that might be a secret.
 */
export class SettingsValidationError extends Error {
  override readonly name = 'SettingsValidationError';
  readonly code = 'invalid_setting';
  readonly page: SettingsPage;
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(field === '' ? problem : isSettingsField(field) ? `${SETTINGS_FIELDS[field].label}: ${problem}` : `Setting "${field}" ${problem}`);
    this.page = isSettingsField(field) ? SETTINGS_FIELDS[field].page : 'general';
  }
  /** The older name of `field`. */
  get key(): string {
    return this.field;
  }
}

/**
 * A check of a whole change, beyond each value's shape (a voice of the dialect, a command found
 * on PATH, a folder that exists): given the merged settings, it returns what to save (it may
 * adjust them, e.g. reset a voice the new dialect lacks) or throws SettingsValidationError.
 * Injected by the app (src-main/app/settings-check.ts), which owns the file-system lookups.
 */
export type SettingsChangeCheck = (change: { readonly previous: Settings; readonly next: Settings; readonly patch: SettingsPatch }) => Settings;

/** Returns what is wrong with the value, or undefined when it is fine. */
type Check = (value: unknown) => string | undefined;

function textCheck(maxLength: number, minLength = 0): Check {
  return (value) => {
    if (typeof value !== 'string') return 'must be text';
    if (value.length < minLength) return 'must not be empty';
    if (value.length > maxLength) return `must be at most ${maxLength} characters`;
    return undefined;
  };
}

function urlCheck(schemes: readonly string[]): Check {
  const expected = `must be a URL starting with ${schemes.map((scheme) => `${scheme}//`).join(', ')}`;
  return (value) => {
    if (typeof value !== 'string' || value.length > MAX_PATH_CHARS) return expected;
    try {
      return schemes.includes(new URL(value).protocol) ? undefined : expected;
    } catch {
      return expected;
    }
  };
}

function oneOfCheck(values: readonly string[]): Check {
  return (value) => (typeof value === 'string' && values.includes(value) ? undefined : `must be one of ${values.join(', ')}`);
}

const booleanCheck: Check = (value) => (typeof value === 'boolean' ? undefined : 'must be true or false');

const deviceCheck: Check = (value) =>
  value === null ? undefined : typeof value === 'string' && value.length <= MAX_SHORT_TEXT_CHARS ? undefined : 'must be a device name or null (system default)';

const HOTKEY_CHECKS: Record<keyof HotkeySettings, Check> = {
  talk: textCheck(MAX_ACCELERATOR_CHARS),
  holdToTalk: textCheck(MAX_ACCELERATOR_CHARS),
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

const CHECKS: Record<SettingsKey, Check> = {
  dialect: oneOfCheck(DIALECTS),
  realtimeUrl: urlCheck(['wss:', 'ws:', 'https:', 'http:']),
  model: textCheck(MAX_SHORT_TEXT_CHARS),
  maxSessionMinutes: (value) => (isSessionMinutes(value) ? undefined : SESSION_MINUTES_PROBLEM),
  voice: textCheck(MAX_SHORT_TEXT_CHARS),
  instructions: textCheck(MAX_INSTRUCTIONS_CHARS),
  agentBackend: oneOfCheck(AGENT_BACKENDS),
  agentUrl: urlCheck(['https:', 'http:']),
  agentModel: textCheck(MAX_SHORT_TEXT_CHARS, 1),
  agentCommand: textCheck(MAX_PATH_CHARS),
  agentCwd: textCheck(MAX_PATH_CHARS),
  agentConfig: textCheck(MAX_AGENT_CONFIG_CHARS),
  agentApproval: oneOfCheck(AGENT_APPROVAL_POLICIES),
  agentSandbox: oneOfCheck(AGENT_SANDBOXES),
  agentUpdateIntervalSeconds: (value) => (isAgentUpdateIntervalSeconds(value) ? undefined : AGENT_UPDATE_INTERVAL_PROBLEM),
  agentApprovalTimeoutSeconds: (value) => (isAgentApprovalTimeoutSeconds(value) ? undefined : AGENT_APPROVAL_TIMEOUT_PROBLEM),
  talkMode: oneOfCheck(TALK_MODES),
  noiseReduction: oneOfCheck(NOISE_REDUCTION_CHOICES),
  vadSilenceMs: (value) => (isVadSilenceMs(value) ? undefined : VAD_SILENCE_PROBLEM),
  semanticEagerness: oneOfCheck(SEMANTIC_EAGERNESS_LEVELS),
  echoCancellation: booleanCheck,
  noiseSuppression: booleanCheck,
  autoGainControl: booleanCheck,
  minBargeInMs: (value) => (isMinBargeInMs(value) ? undefined : MIN_BARGE_IN_PROBLEM),
  handsFreeTurnDetection: oneOfCheck(HANDS_FREE_TURN_DETECTIONS),
  budgetPerSessionUsd: (value) => (isBudgetUsd(value) ? undefined : BUDGET_PROBLEM),
  budgetPerDayUsd: (value) => (isBudgetUsd(value) ? undefined : BUDGET_PROBLEM),
  pricingTable: (value) => (typeof value !== 'string' ? 'must be text' : pricingTableTextProblem(value)),
  inputDevice: deviceCheck,
  outputDevice: deviceCheck,
  hotkeys: () => undefined, // checked key by key below, so the error names e.g. hotkeys.talk
  startAtLogin: booleanCheck,
  onboardingDone: booleanCheck,
};

/**
 * What is wrong with one stored value's shape (type, length, URL scheme), or undefined; the same
 * checks a patch passes, for listing problems of settings already saved.
 */
export function settingShapeProblem(field: SettingsField, value: unknown): string | undefined {
  if (field === 'hotkeys.talk' || field === 'hotkeys.holdToTalk') return HOTKEY_CHECKS[field === 'hotkeys.talk' ? 'talk' : 'holdToTalk'](value);
  return CHECKS[field](value);
}

function isSettingsKey(key: string): key is SettingsKey {
  return Object.hasOwn(CHECKS, key);
}

/**
 * Checks a patch from an untrusted source (the renderer). Throws SettingsValidationError naming
 * the first offending key; the value itself is never echoed (it might be a pasted secret).
 */
export function validateSettingsPatch(patch: unknown): SettingsPatch {
  if (!isPlainObject(patch)) throw new SettingsValidationError('', 'A settings change must be an object of setting names to values.');
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'encryptedApiKey') {
      throw new SettingsValidationError(key, 'cannot be changed here; set or clear the API key through its own command');
    }
    if (!isSettingsKey(key)) throw new SettingsValidationError(key, 'is not a known setting');
    if (key === 'hotkeys') {
      if (!isPlainObject(value)) throw new SettingsValidationError(key, 'must be an object such as { "talk": "CommandOrControl+Shift+Space" }');
      for (const [hotkey, accelerator] of Object.entries(value)) {
        const hotkeyName = `hotkeys.${hotkey}`;
        if (!Object.hasOwn(HOTKEY_CHECKS, hotkey)) throw new SettingsValidationError(hotkeyName, 'is not a known hotkey');
        const problem = HOTKEY_CHECKS[hotkey as keyof HotkeySettings](accelerator);
        if (problem) throw new SettingsValidationError(hotkeyName, problem);
      }
      continue;
    }
    const problem = CHECKS[key](value);
    if (problem) throw new SettingsValidationError(key, problem);
  }
  return patch as SettingsPatch;
}

/** The public view of what the file holds: known keys only, defaults for anything missing. */
export function publicSettings(stored: Readonly<Record<string, unknown>>): Settings {
  const picked: Record<string, unknown> = {};
  for (const key of SETTINGS_KEYS) picked[key] = Object.hasOwn(stored, key) ? stored[key] : DEFAULT_SETTINGS[key];
  return picked as unknown as Settings;
}
