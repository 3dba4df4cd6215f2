// The desktop app without Electron: settings, the voice session, live audio, talk modes and
// history behind the IPC contract's command handlers, with one event stream for the renderer,
// the tray and the web bridge. The Electron shell and the loopback web bridge are thin layers
// over this; tests drive it directly in plain Node.
import type {
  AppError,
  AppStateSnapshot,
  CommandHandlers,
  EventEnvelope,
  HotkeyStatus,
  NoticeKind,
  Settings,
  TalkState,
} from '../../src-shared/ipc-contract';
import { isForwardedSessionEvent } from '../../src-shared/ipc-contract';
import type { SessionEvent } from '../../src-shared/session-events';
import type { RealtimeTransport } from '../core/protocol/transport';
import { errorMessage } from '../core/util/errors';
import { silentLogger, type Logger } from '../core/util/logger';
import type { SettingsStore } from '../adapters/settings/settings-store';
import type { AppPort } from './app-port';
import { appStatus } from './app-status';
import { AudioController, type AudioEngineFactory } from './audio-controller';
import { DesktopSession } from './desktop-session';
import { HistoryService } from './history-service';
import { agentSettingsProblem } from './session-settings';

export interface AppControllerOptions {
  readonly settings: SettingsStore;
  readonly historyDir: string;
  readonly transport: RealtimeTransport;
  /** Undefined runs Parley without live audio (typed conversation only). */
  readonly createAudioEngine: AudioEngineFactory | undefined;
  readonly logger?: Logger;
  readonly now?: () => number;
  /** Quit must finish within 2 s; the parts get this long together. */
  readonly shutdownDeadlineMs?: number;
}

const SHUTDOWN_DEADLINE_MS = 1_800;

function inactiveHotkeys(settings: Settings): HotkeyStatus {
  return {
    talk: { accelerator: settings.hotkeys.talk, active: false, problem: null },
    holdToTalk: { accelerator: settings.hotkeys.holdToTalk, active: false, problem: null, mode: settings.hotkeys.holdToTalk ? 'hold' : 'off' },
  };
}

export class AppController implements AppPort {
  readonly commands: CommandHandlers;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly audio: AudioController;
  private readonly history: HistoryService;
  private readonly eventListeners = new Set<(envelope: EventEnvelope) => void>();
  private readonly settingsListeners = new Set<(settings: Settings) => void>();
  private session: DesktopSession | undefined;
  private muted = false;
  private lastError: AppError | null = null;
  private hotkeys: HotkeyStatus;
  private lastSnapshotKey = '';
  private shuttingDown: Promise<void> | undefined;

  constructor(private readonly options: AppControllerOptions) {
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
    this.hotkeys = inactiveHotkeys(options.settings.get());
    this.audio = new AudioController({
      createEngine: options.createAudioEngine,
      devices: () => {
        const { inputDevice, outputDevice } = options.settings.get();
        return { input: inputDevice, output: outputDevice };
      },
      logger: this.logger,
      onLevels: (levels) => this.publish({ event: 'levels', payload: levels }),
      onNotice: (kind, message) => this.notice(kind, message),
      onChange: () => this.refreshState(),
    });
    this.history = new HistoryService(options.historyDir, () => {
      const state = this.session?.state;
      return state === 'live' || state === 'connecting' ? this.session?.historySessionId : undefined;
    });
    options.settings.onChange((settings, previous) => this.onSettingsChanged(settings, previous));
    this.commands = this.buildCommands();
    const settingsNotice = options.settings.notice;
    // After the composition root has subscribed (the outbox then holds it for the renderer).
    if (settingsNotice) setImmediate(() => this.notice('warning', settingsNotice.message));
    this.lastSnapshotKey = JSON.stringify(this.snapshot());
  }

  snapshot(): AppStateSnapshot {
    const settings = this.options.settings.get();
    const session = this.session;
    const talk = this.talkState();
    const agentWorking = session?.voice.isAgentWorking ?? false;
    const sessionState = session?.state ?? 'idle';
    return {
      status: appStatus({ session: sessionState, talk, assistantSpeaking: sessionState === 'live' && this.audio.speaking, agentWorking, lastError: this.lastError }),
      session: sessionState,
      talk,
      devices: { input: settings.inputDevice, output: settings.outputDevice },
      agentWorking,
      apiKeySet: this.options.settings.apiKeyStatus().isSet,
      onboardingDone: settings.onboardingDone,
      micCheck: this.audio.isMicCheckOn,
      hotkeys: this.hotkeys,
      lastError: this.lastError,
    };
  }

  settings(): Settings {
    return this.options.settings.get();
  }

  onEvent(listener: (envelope: EventEnvelope) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onSettingsChange(listener: (settings: Settings) => void): () => void {
    this.settingsListeners.add(listener);
    return () => this.settingsListeners.delete(listener);
  }

  reportHotkeys(status: HotkeyStatus): void {
    this.hotkeys = status;
    this.refreshState();
  }

  /** Stops the session (socket closed) and the audio process; bounded by the deadline. */
  shutdown(): Promise<void> {
    this.shuttingDown ??= (async () => {
      const session = this.session;
      const work = Promise.allSettled([session?.stop(), this.audio.shutdown()]);
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), this.options.shutdownDeadlineMs ?? SHUTDOWN_DEADLINE_MS)));
      const outcome = await Promise.race([work, deadline]);
      clearTimeout(timer);
      if (outcome === 'late') this.logger.warn('shutdown overran its deadline; quitting anyway');
    })();
    return this.shuttingDown;
  }

  // -------------------------------------------------------------------------------------------

  private buildCommands(): CommandHandlers {
    const store = this.options.settings;
    return {
      'app.ready': () => this.snapshot(),
      'session.start': () => this.startSession(),
      'session.stop': () => this.stopSession(),
      'session.sendText': ({ text }) => {
        const session = this.requireLiveSession('send a message');
        session.voice.sendText(text);
      },
      'agent.cancel': () => {
        if (!this.session?.voice.isAgentWorking) throw new Error('No agent is working right now.');
        this.session.voice.cancelAgent();
        this.refreshState();
      },
      'talk.setMode': ({ mode }) => {
        store.update({ talkMode: mode });
        return this.talkState();
      },
      'talk.setMuted': ({ muted }) => {
        this.muted = muted;
        this.session?.talk.setMuted(muted);
        this.refreshState();
        return this.talkState();
      },
      'talk.press': () => this.withTalk((talk) => talk.pressTalk()),
      'talk.release': () => this.withTalk((talk) => talk.releaseTalk()),
      'talk.toggle': () => this.withTalk((talk) => talk.toggleTalk()),
      'audio.micCheck': ({ enabled }) => this.audio.setMicCheck(enabled),
      'audio.testSound': () => this.audio.playTestSound(),
      'devices.list': () => this.audio.listDevices(),
      'devices.setInput': async ({ name }) => {
        store.update({ inputDevice: name });
      },
      'devices.setOutput': async ({ name }) => {
        store.update({ outputDevice: name });
      },
      'settings.get': () => store.get(),
      'settings.update': (patch) => store.update(patch),
      'apiKey.status': () => store.apiKeyStatus(),
      'apiKey.set': ({ key }) => {
        store.setApiKey(key);
        if (this.lastError?.code === 'missing_api_key' || this.lastError?.code === 'key_rejected') this.lastError = null;
        this.refreshState();
        return store.apiKeyStatus();
      },
      'apiKey.clear': () => {
        store.clearApiKey();
        this.refreshState();
        return store.apiKeyStatus();
      },
      'history.list': () => this.history.list(),
      'history.exportMarkdown': ({ sessionId }) => this.history.exportMarkdown(sessionId),
      'history.delete': ({ sessionId }) => this.history.delete(sessionId),
    };
  }

  private async startSession(): Promise<void> {
    if (this.shuttingDown) throw new Error('Parley is quitting.');
    const settings = this.options.settings.get();
    const problem = agentSettingsProblem(settings);
    if (problem) {
      this.setError({ code: 'invalid_config', message: problem, recoverable: true });
      throw new Error(problem);
    }
    const previous = this.session;
    this.session = undefined;
    if (previous) {
      await this.audio.attachSession(undefined);
      await previous.stop();
    }
    this.lastError = null;
    const apiKey = this.options.settings.resolveApiKey();
    const sink = await this.audio.speakerForSession();
    const session = new DesktopSession(settings, apiKey, this.muted, {
      transport: this.options.transport,
      sink,
      historyDir: this.history.directory,
      logger: this.logger,
      now: this.now,
      emit: (event) => this.onSessionEvent(session, event),
      onTalkState: () => this.refreshState(),
    });
    this.session = session;
    this.refreshState();
    const live = await session.start(apiKey);
    if (live && this.session === session) {
      await this.audio.attachSession((frame, playbackDbfs) => session.onMicrophoneFrame(frame, playbackDbfs));
      this.audio.keepReporting();
    }
    this.refreshState();
  }

  private async stopSession(): Promise<void> {
    const session = this.session;
    if (!session) return;
    await this.audio.attachSession(undefined);
    await session.stop();
    this.refreshState();
  }

  private onSessionEvent(session: DesktopSession, event: SessionEvent): void {
    if (session !== this.session) return;
    if (event.type === 'audio.output') {
      this.audio.keepReporting();
      return;
    }
    if (event.type === 'error' && event.code !== 'not_running') {
      this.setError({ code: event.code, message: event.message, recoverable: event.recoverable });
    }
    if (event.type === 'closed') void this.audio.attachSession(undefined);
    if (isForwardedSessionEvent(event)) this.publish({ event: 'session', payload: event });
    this.refreshState();
  }

  private onSettingsChanged(settings: Settings, previous: Settings): void {
    const session = this.session;
    if (settings.talkMode !== previous.talkMode) session?.setMode(settings.talkMode);
    if (session) session.applySettings(settings);
    if (settings.inputDevice !== previous.inputDevice) {
      this.audio.switchInput(settings.inputDevice).catch((error: unknown) => this.notice('warning', `Could not switch the microphone: ${errorMessage(error)}`));
    }
    if (settings.outputDevice !== previous.outputDevice) {
      this.audio.switchOutput(settings.outputDevice).catch((error: unknown) => this.notice('warning', `Could not switch the speaker: ${errorMessage(error)}`));
    }
    if (settings.hotkeys.talk !== previous.hotkeys.talk || settings.hotkeys.holdToTalk !== previous.hotkeys.holdToTalk) {
      this.hotkeys = inactiveHotkeys(settings);
    }
    for (const listener of this.settingsListeners) listener(settings);
    this.refreshState();
  }

  private talkState(): TalkState {
    return this.session?.talk.state ?? { mode: this.options.settings.get().talkMode, muted: this.muted, talking: false };
  }

  private withTalk(action: (talk: DesktopSession['talk']) => void): TalkState {
    const session = this.requireLiveSession('talk');
    action(session.talk);
    this.refreshState();
    return session.talk.state;
  }

  private requireLiveSession(what: string): DesktopSession {
    const session = this.session;
    if (!session || session.state !== 'live') throw new Error(`No voice session is running: start one to ${what}.`);
    return session;
  }

  private setError(error: AppError): void {
    this.lastError = error;
  }

  private notice(kind: NoticeKind, message: string): void {
    this.logger.info('notice', { kind, message });
    this.publish({ event: 'notice', payload: { kind, message } });
  }

  /** Sends a `state` event when the snapshot really changed (levels polls call this 20×/s). */
  private refreshState(): void {
    const snapshot = this.snapshot();
    const key = JSON.stringify(snapshot);
    if (key === this.lastSnapshotKey) return;
    this.lastSnapshotKey = key;
    this.publish({ event: 'state', payload: snapshot });
  }

  private publish(envelope: EventEnvelope): void {
    for (const listener of this.eventListeners) {
      try {
        listener(envelope);
      } catch (error) {
        this.logger.error('event listener failed', { event: envelope.event, error: errorMessage(error) });
      }
    }
  }
}
