// One voice session of the desktop app: the voice runtime (VoiceSession, agent, talk-mode
// controller; assembled in voice-runtime.ts like the headless command's) and the history file,
// created together from the settings of the moment and thrown away together. A new start builds
// a new DesktopSession.
import { randomBytes } from 'node:crypto';
import type { EchoProtection } from '../../src-shared/echo-cancellation';
import type { Settings, TalkMode, TalkState } from '../../src-shared/ipc-contract';
import type { SessionEvent, SessionState } from '../../src-shared/session-events';
import type { AudioSink } from '../core/audio/audio-io';
import type { CapturedFrame } from '../core/audio/capture-pipeline';
import type { TalkModeController } from '../core/audio/talk-mode';
import type { RealtimeTransport } from '../core/protocol/transport';
import type { VoiceSession } from '../core/session/voice-session';
import { errorMessage } from '../core/util/errors';
import type { Logger } from '../core/util/logger';
import { HistoryRecorder } from '../adapters/history/history-recorder';
import { MemoryDaySpend, type DaySpend } from '../adapters/usage/day-spend-file';
import { budgetCapsFrom, sessionCostsFrom } from './session-costs';
import { agentSettingsFrom, agentUpdateIntervalMsFrom, minBargeInMsFrom, realtimeConfigFrom, resilienceFrom } from './session-settings';
import { createVoiceRuntime, type VoiceRuntime, type VoiceRuntimeOptions } from './voice-runtime';

export interface DesktopSessionDeps {
  readonly transport: RealtimeTransport;
  readonly sink: AudioSink | undefined;
  readonly historyDir: string;
  readonly logger: Logger;
  readonly now: () => number;
  readonly emit: (event: SessionEvent) => void;
  readonly onTalkState: (state: TalkState) => void;
  /** Today's spending across sessions (a file in the user data folder); absent: kept for this session only. */
  readonly daySpend?: DaySpend;
  /** Assembles the runtime; createVoiceRuntime unless a test watches what a session is built with. */
  readonly createRuntime?: (options: VoiceRuntimeOptions) => VoiceRuntime;
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
  private readonly runtime: VoiceRuntime;
  private recorder: HistoryRecorder | undefined;

  constructor(
    settings: Settings,
    apiKey: string | undefined,
    muted: boolean,
    private readonly deps: DesktopSessionDeps,
  ) {
    this.runtime = (deps.createRuntime ?? createVoiceRuntime)({
      config: realtimeConfigFrom(settings),
      transport: deps.transport,
      agent: agentSettingsFrom(settings, apiKey),
      // The speaker and microphone belong to the AudioController, which outlives sessions: it
      // feeds frames through onMicrophoneFrame and closes the speaker itself.
      audio: { sink: deps.sink, ownsSink: false },
      talk: {
        mode: settings.talkMode,
        muted,
        minBargeInMs: minBargeInMsFrom(settings),
        handsFreeTurnDetection: settings.handsFreeTurnDetection,
        onStateChange: (state) => deps.onTalkState(state),
      },
      resilience: resilienceFrom(settings),
      agentUpdateIntervalMs: agentUpdateIntervalMsFrom(settings),
      logger: deps.logger,
      now: deps.now,
      onEvent: (event) => this.onEvent(event),
      // Every reply and agent request is priced; the caps stop the session (settings › Usage).
      costs: sessionCostsFrom(settings, deps.daySpend ?? new MemoryDaySpend()),
    });
    this.voice = this.runtime.session;
    this.talk = this.runtime.talk;
  }

  get state(): SessionState {
    return this.voice.state;
  }

  get historySessionId(): string | undefined {
    return this.recorder?.sessionId;
  }

  start(apiKey: string | undefined): Promise<boolean> {
    return this.runtime.start(apiKey, API_KEY_WHERE);
  }

  onMicrophoneFrame(frame: CapturedFrame, playbackDbfs: number): void {
    this.runtime.onMicrophoneFrame(frame, playbackDbfs);
  }

  /** Talk mode and turn detection move together, on the live connection too. */
  setMode(mode: TalkMode): void {
    this.runtime.setMode(mode);
  }

  /** The microphone's protection changed (or became known): barge-in and turn detection follow it. */
  setEchoProtection(protection: EchoProtection): void {
    this.runtime.setEchoProtection(protection);
  }

  /**
   * Voice and instructions reach the live connection; the rest waits for a restart. True when a
   * voice change could not (the model has spoken in this session): it applies from the next one.
   */
  applySettings(settings: Settings): boolean {
    const next = realtimeConfigFrom(settings);
    // A raised cap applies at once (a lowered one too: the next priced reply checks it).
    this.runtime.costMeter?.setCaps(budgetCapsFrom(settings));
    return this.runtime.updateVoice({ voice: next.voice, instructions: next.instructions });
  }

  /** Release failures are logged by the runtime (and not thrown: a stop always completes). */
  async stop(): Promise<void> {
    await this.runtime.stop();
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
