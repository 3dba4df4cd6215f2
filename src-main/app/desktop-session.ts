// One voice session of the desktop app: the VoiceSession with its agent, the talk-mode controller
// the microphone feeds, and the history file, created together from the settings of the moment
// and thrown away together. A new start builds a new DesktopSession.
import { randomBytes } from 'node:crypto';
import type { Settings, TalkMode, TalkState } from '../../src-shared/ipc-contract';
import type { SessionEvent, SessionState } from '../../src-shared/session-events';
import type { AgentBackend } from '../core/agent/agent-backend';
import type { AudioSink } from '../core/audio/audio-io';
import type { CapturedFrame } from '../core/audio/capture-pipeline';
import { TalkModeController, turnDetectionFor } from '../core/audio/talk-mode';
import type { RealtimeSessionConfig } from '../core/protocol/session-config';
import type { RealtimeTransport } from '../core/protocol/transport';
import { VoiceSession } from '../core/session/voice-session';
import { errorMessage } from '../core/util/errors';
import type { Logger } from '../core/util/logger';
import { createAgentBackend } from '../adapters/agent/create-agent-backend';
import { HistoryRecorder } from '../adapters/history/history-recorder';
import { agentSettingsFrom, realtimeConfigFrom } from './session-settings';

export interface DesktopSessionDeps {
  readonly transport: RealtimeTransport;
  readonly sink: AudioSink | undefined;
  readonly historyDir: string;
  readonly logger: Logger;
  readonly now: () => number;
  readonly emit: (event: SessionEvent) => void;
  readonly onTalkState: (state: TalkState) => void;
}

/** Where the key would come from, for the "No API key" message. */
export const API_KEY_WHERE = 'one in Settings › API key, or the OPENAI_API_KEY environment variable';

/** File-name-safe and sortable: 2026-11-23T10-15-00Z_3f9a. */
export function newHistorySessionId(now: Date): string {
  return `${now.toISOString().slice(0, 19).replaceAll(':', '-')}Z_${randomBytes(2).toString('hex')}`;
}

export class DesktopSession {
  readonly voice: VoiceSession;
  readonly talk: TalkModeController;
  private readonly agent: AgentBackend;
  private config: RealtimeSessionConfig;
  private recorder: HistoryRecorder | undefined;

  constructor(
    settings: Settings,
    apiKey: string | undefined,
    muted: boolean,
    private readonly deps: DesktopSessionDeps,
  ) {
    this.config = realtimeConfigFrom(settings);
    this.agent = createAgentBackend(agentSettingsFrom(settings, apiKey), deps.logger);
    this.voice = new VoiceSession({ transport: deps.transport, agent: this.agent, sink: deps.sink, logger: deps.logger });
    this.talk = new TalkModeController(this.voice, {
      mode: settings.talkMode,
      muted,
      localBargeIn: settings.dialect === 'v1',
      onStateChange: (state) => deps.onTalkState(state),
    });
    this.voice.onEvent((event) => this.onEvent(event));
  }

  get state(): SessionState {
    return this.voice.state;
  }

  get historySessionId(): string | undefined {
    return this.recorder?.sessionId;
  }

  start(apiKey: string | undefined): Promise<boolean> {
    return this.voice.start({ config: this.config, apiKey, apiKeySource: API_KEY_WHERE });
  }

  onMicrophoneFrame(frame: CapturedFrame, playbackDbfs: number): void {
    if (this.voice.state === 'live') this.talk.onMicrophoneFrame(frame, frame, playbackDbfs, this.deps.now());
  }

  /** Talk mode and turn detection move together, on the live connection too. */
  setMode(mode: TalkMode): void {
    this.talk.setMode(mode);
    this.config = { ...this.config, turnDetection: turnDetectionFor(mode) };
    if (this.voice.state === 'live') this.voice.updateConfig(this.config);
  }

  /** Voice, instructions and model changes reach the live connection; the rest waits for a restart. */
  applySettings(settings: Settings): void {
    const next = { ...realtimeConfigFrom(settings), turnDetection: this.config.turnDetection };
    const changed = next.voice !== this.config.voice || next.instructions !== this.config.instructions;
    this.config = { ...this.config, voice: next.voice, instructions: next.instructions };
    if (changed && this.voice.state === 'live') this.voice.updateConfig(this.config);
  }

  async stop(): Promise<void> {
    await this.voice.stop();
    await this.agent.dispose().catch((error: unknown) => this.deps.logger.warn('agent dispose failed', { error: errorMessage(error) }));
  }

  private onEvent(event: SessionEvent): void {
    if (event.type === 'state' && event.state === 'live' && !this.recorder) {
      try {
        this.recorder = new HistoryRecorder(this.deps.historyDir, newHistorySessionId(new Date(this.deps.now())), this.deps.now, this.deps.logger);
      } catch (error) {
        this.deps.logger.error('cannot record history', { error: errorMessage(error) });
      }
    }
    this.recorder?.onEvent(event);
    this.deps.emit(event);
  }
}
