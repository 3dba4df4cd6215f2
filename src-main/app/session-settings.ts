// Settings → what one voice session and its agent are configured with. Pure.
import type { Settings } from '../../src-shared/ipc-contract';
import type { AgentBackendSettings } from '../adapters/agent/create-agent-backend';
import { turnDetectionFor } from '../core/audio/talk-mode';
import type { RealtimeSessionConfig } from '../core/protocol/session-config';

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
    turnDetection: turnDetectionFor(settings.talkMode),
    sessionId: undefined,
  };
}

export function agentSettingsFrom(settings: Settings, apiKey: string | undefined): AgentBackendSettings {
  return {
    kind: settings.agentBackend,
    apiKey,
    url: settings.agentUrl,
    model: settings.agentModel,
    instructions: undefined,
    command: orUndefined(settings.agentCommand),
    cwd: orUndefined(settings.agentCwd),
    timeoutMs: AGENT_TIMEOUT_MS,
  };
}

/** Checks what would only fail later, mid-conversation; answers a sentence naming the setting. */
export function agentSettingsProblem(settings: Settings): string | undefined {
  if (settings.agentBackend === 'command' && settings.agentCommand.trim() === '') {
    return 'The agent backend is "command" but no agent command is set: set one in Settings › Agent, or choose another backend.';
  }
  return undefined;
}
