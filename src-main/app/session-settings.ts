// Settings → what one voice session and its agent are configured with. Pure, but for the file
// lookups agentSettingsProblem makes by default.
import {
  DEFAULT_AGENT_APPROVAL_TIMEOUT_SECONDS,
  DEFAULT_AGENT_UPDATE_INTERVAL_SECONDS,
  MS_PER_SECOND,
  isAgentApprovalTimeoutSeconds,
  isAgentUpdateIntervalSeconds,
} from '../../src-shared/agent-timing';
import { DEFAULT_MIN_BARGE_IN_MS, isMinBargeInMs, type EchoCancellationSettings } from '../../src-shared/echo-cancellation';
import { agentConfigLines, isSessionMinutes, isVadSilenceMs, type Settings } from '../../src-shared/ipc-contract';
import type { SettingsField } from '../../src-shared/settings-fields';
import type { AgentBackendSettings } from '../adapters/agent/create-agent-backend';
import { DEFAULT_SESSION_MINUTES, MS_PER_MINUTE } from '../adapters/settings/settings-schema';
import { turnDetectionFor } from '../core/audio/talk-mode';
import { DEFAULT_VAD_SILENCE_MS, noiseReductionFor, type RealtimeSessionConfig } from '../core/protocol/session-config';
import type { ResilienceOptions } from '../core/session/resilience';
import { nodeSettingsCheckDeps, settingsProblems, type SettingsCheckDeps } from './settings-check';

export const TRANSCRIPTION_MODEL = 'gpt-4o-mini-transcribe';
/** A local agent command gets this long before it is stopped and the failure is spoken. */
export const AGENT_TIMEOUT_MS = 10 * 60_000;

const orUndefined = (value: string): string | undefined => (value.trim() === '' ? undefined : value.trim());

export function realtimeConfigFrom(settings: Settings): RealtimeSessionConfig {
  return {
    dialect: settings.dialect,
    realtimeUrl: settings.realtimeUrl,
    model: orUndefined(settings.model),
    voice: orUndefined(settings.voice),
    instructions: settings.instructions,
    transcriptionModel: TRANSCRIPTION_MODEL,
    turnDetection: turnDetectionFor(settings.talkMode, settings.handsFreeTurnDetection),
    // The system default speaker has no name here: auto then takes far field, the safe side in a room.
    noiseReduction: noiseReductionFor(settings.noiseReduction, settings.outputDevice ?? undefined),
    // Out of range (a hand-edited file) is listed by settingsProblems; the default applies meanwhile.
    vadSilenceMs: isVadSilenceMs(settings.vadSilenceMs) ? settings.vadSilenceMs : DEFAULT_VAD_SILENCE_MS,
    semanticEagerness: settings.semanticEagerness,
    sessionId: undefined,
  };
}

/** The echo canceller's settings for the audio engine. */
export function echoCancellationFrom(settings: Settings): EchoCancellationSettings {
  return { enabled: settings.echoCancellation, noiseSuppression: settings.noiseSuppression, autoGainControl: settings.autoGainControl };
}

/** True when a change of settings must reopen the microphone with new canceller settings. */
export function echoCancellationChanged(settings: Settings, previous: Settings): boolean {
  return settings.echoCancellation !== previous.echoCancellation || settings.noiseSuppression !== previous.noiseSuppression || settings.autoGainControl !== previous.autoGainControl;
}

/** Out of range (a hand-edited file) is listed by settingsProblems; the default applies meanwhile. */
export function minBargeInMsFrom(settings: Settings): number {
  return isMinBargeInMs(settings.minBargeInMs) ? settings.minBargeInMs : DEFAULT_MIN_BARGE_IN_MS;
}

/**
 * The provider's session limit the voice session renews before. A stored value out of range (a
 * hand-edited file) is listed in "Settings need attention" by settingsProblems; until it is fixed
 * the session uses the default rather than refusing to start.
 */
export function resilienceFrom(settings: Settings): Pick<ResilienceOptions, 'maxSessionMs'> {
  const minutes = isSessionMinutes(settings.maxSessionMinutes) ? settings.maxSessionMinutes : DEFAULT_SESSION_MINUTES;
  return { maxSessionMs: minutes * MS_PER_MINUTE };
}

export function agentSettingsFrom(settings: Settings, apiKey: string | undefined): AgentBackendSettings {
  const codingAgent = settings.agentBackend === 'codex' || settings.agentBackend === 'acp';
  return {
    kind: settings.agentBackend,
    apiKey,
    url: settings.agentUrl,
    // The agent model setting is the Responses API's (default gpt-5-mini): Codex and ACP agents use their own.
    model: codingAgent ? undefined : settings.agentModel,
    instructions: undefined,
    command: orUndefined(settings.agentCommand),
    cwd: orUndefined(settings.agentCwd),
    // Coding agents work for many minutes on one task: their own limits apply (cancel stops them).
    timeoutMs: codingAgent ? undefined : AGENT_TIMEOUT_MS,
    config: agentConfigLines(settings.agentConfig),
    approvalPolicy: settings.agentApproval,
    sandbox: settings.agentSandbox,
    approvalTimeoutMs: agentApprovalTimeoutMsFrom(settings),
  };
}

/**
 * The least time between two spoken progress updates of a working agent. Out of range (a
 * hand-edited file) is listed by settingsProblems; the default applies meanwhile.
 */
export function agentUpdateIntervalMsFrom(settings: Settings): number {
  const seconds = isAgentUpdateIntervalSeconds(settings.agentUpdateIntervalSeconds) ? settings.agentUpdateIntervalSeconds : DEFAULT_AGENT_UPDATE_INTERVAL_SECONDS;
  return seconds * MS_PER_SECOND;
}

/** How long a coding agent's permission request waits for the user before it is denied; as agentUpdateIntervalMsFrom. */
export function agentApprovalTimeoutMsFrom(settings: Settings): number {
  const seconds = isAgentApprovalTimeoutSeconds(settings.agentApprovalTimeoutSeconds) ? settings.agentApprovalTimeoutSeconds : DEFAULT_AGENT_APPROVAL_TIMEOUT_SECONDS;
  return seconds * MS_PER_SECOND;
}

/** Agent settings that would only fail mid-conversation, once the voice model hands work over. */
const AGENT_FIELDS = new Set<SettingsField>(['agentBackend', 'agentUrl', 'agentModel', 'agentCommand', 'agentCwd', 'agentConfig', 'agentApproval', 'agentSandbox']);

/**
 * Checked before a session starts: the first problem of the agent's settings as stored now (the
 * command gone from PATH, the working folder deleted, none set), as a sentence that names the
 * setting, or undefined. The full list, for "Settings need attention", is settingsProblems.
 */
export function agentSettingsProblem(settings: Settings, deps: SettingsCheckDeps = nodeSettingsCheckDeps()): string | undefined {
  return settingsProblems(settings, deps).find((problem) => AGENT_FIELDS.has(problem.field))?.message;
}
