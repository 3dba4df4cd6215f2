// The desktop app without Electron: settings, the voice session, live audio, talk modes and
// history behind the IPC contract's command handlers. Every part reports into one AppStore,
// which owns the app state; the renderer, the tray and the web bridge receive that state and
// its revisioned patches. The Electron shell and the loopback web bridge are thin layers over
// this; tests drive it directly in plain Node.
import { DaySpendFile, MemoryDaySpend, type DaySpend } from '../adapters/usage/day-spend-file';
import type { AppState, HotkeyStatus, Problem } from '../../src-shared/app-state';
import type { CommandHandlers, EventEnvelope, Settings, TalkState } from '../../src-shared/ipc-contract';
import type { EchoProtection } from '../../src-shared/echo-cancellation';
import { isForwardedSessionEvent } from '../../src-shared/ipc-contract';
import type { SessionEvent } from '../../src-shared/session-events';
import type { RealtimeTransport } from '../core/protocol/transport';
import { errorMessage } from '../core/util/errors';
import { silentLogger, type Logger } from '../core/util/logger';
import { registerSecret } from '../core/util/redact';
import type { SettingsStore } from '../adapters/settings/settings-store';
import type { AppPort } from './app-port';
import { AudioController, type AudioEngineFactory } from './audio-controller';
import { DesktopSession } from './desktop-session';
import { HistoryService } from './history-service';
import { agentSettingsProblem, echoCancellationChanged, echoCancellationFrom } from './session-settings';
import { nodeSettingsCheckDeps, settingsProblems, type SettingsCheckDeps } from './settings-check';
import { AppStore } from './state/app-store';
import { problem } from './state/problems';

export interface AppControllerOptions {
  readonly settings: SettingsStore;
  readonly historyDir: string;
  readonly transport: RealtimeTransport;
  /** Undefined runs Parley without live audio (typed conversation only). */
  readonly createAudioEngine: AudioEngineFactory | undefined;
  readonly logger?: Logger;
  readonly now?: () => number;
  /** How to check settings against this machine (PATH, folders); the default is the real one. */
  readonly settingsCheck?: SettingsCheckDeps;
  /** Quit must finish within 2 s; the parts get this long together. */
  readonly shutdownDeadlineMs?: number;
  /** Where today's spending is kept across restarts (the user data folder); absent: in memory. */
  readonly daySpendFile?: string;
}

const SHUTDOWN_DEADLINE_MS = 1_800;
/** The toast after a voice change the running session can no longer take. */
export const VOICE_NEXT_SESSION_NOTICE = 'The new voice applies from the next session.';

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
  private readonly store: AppStore;
  private readonly settingsCheck: SettingsCheckDeps;
  private session: DesktopSession | undefined;
  /** Today's spending, shared by every session of this run (and kept in its file across runs). */
  private readonly daySpend: DaySpend;
  private muted = false;
  private shuttingDown: Promise<void> | undefined;

  constructor(private readonly options: AppControllerOptions) {
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
    this.settingsCheck = options.settingsCheck ?? nodeSettingsCheckDeps();
    this.daySpend = options.daySpendFile ? new DaySpendFile(options.daySpendFile, this.logger) : new MemoryDaySpend();
    const settings = options.settings.get();
    this.store = new AppStore(
      {
        talk: { mode: settings.talkMode, muted: false, talking: false },
        devices: { input: settings.inputDevice, output: settings.outputDevice },
        apiKeySet: options.settings.apiKeyStatus().isSet,
        onboardingDone: settings.onboardingDone,
        hotkeys: inactiveHotkeys(settings),
      },
      this.logger,
    );
    this.store.subscribe((_state, patch) => this.publish({ event: 'state', payload: patch }));
    registerSecret(options.settings.resolveApiKey());
    this.audio = new AudioController({
      createEngine: options.createAudioEngine,
      devices: () => {
        const { inputDevice, outputDevice } = options.settings.get();
        return { input: inputDevice, output: outputDevice };
      },
      logger: this.logger,
      onLevels: (levels) => this.publish({ event: 'levels', payload: levels }),
      onNotice: (kind, message) => this.audioNotice(kind, message),
      echoCancellation: () => echoCancellationFrom(options.settings.get()),
      onEchoProtection: (protection) => this.onEchoProtection(protection),
      onChange: () => this.reportAudio(),
    });
    this.history = new HistoryService(options.historyDir, () => {
      const state = this.session?.state;
      return state === 'live' || state === 'connecting' || state === 'reconnecting' ? this.session?.historySessionId : undefined;
    });
    options.settings.onChange((settings, previous) => this.onSettingsChanged(settings, previous));
    this.commands = this.buildCommands();
    const settingsNotice = options.settings.notice;
    if (settingsNotice) this.store.dispatch({ type: 'problem', problem: problem({ code: 'settings_reset', message: settingsNotice.message, recoverable: true }) });
    this.reportSettings(settings);
  }

  /** The app state now (also pushed as revisioned `state` patches whenever it changes). */
  snapshot(): AppState {
    return this.store.state;
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
    this.store.dispatch({ type: 'hotkeys', hotkeys: status });
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
      'problems.dismiss': ({ id }) => this.store.dispatch({ type: 'dismiss-problem', id }),
      'session.start': () => this.startSession(),
      'session.stop': () => this.stopSession(),
      'session.sendText': ({ text }) => {
        const session = this.requireLiveSession('send a message');
        session.voice.sendText(text);
      },
      'agent.cancel': () => {
        if (!this.session?.voice.isAgentWorking) throw new Error('No agent is working right now.');
        this.session.voice.cancelAgent();
        this.reportSessionFacts();
      },
      'agent.answerApproval': ({ approvalId, decision }) => {
        if (!this.session) throw new Error('No session is running: the agent is not waiting for an answer.');
        return this.session.voice.answerAgentApproval(approvalId, decision, 'click');
      },
      'talk.setMode': ({ mode }) => {
        store.update({ talkMode: mode });
        return this.talkState();
      },
      'talk.setMuted': ({ muted }) => {
        this.muted = muted;
        this.session?.talk.setMuted(muted);
        this.reportSessionFacts();
        return this.talkState();
      },
      'talk.press': () => this.withTalk((talk) => talk.pressTalk()),
      'talk.release': () => this.withTalk((talk) => talk.releaseTalk()),
      'talk.toggle': () => this.withTalk((talk) => talk.toggleTalk()),
      'audio.micCheck': ({ enabled }) => this.audio.setMicCheck(enabled),
      'audio.testSound': () => this.audio.playTestSound(),
      'audio.roomCheck': () => this.audio.runRoomCheck(),
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
        registerSecret(key);
        store.setApiKey(key);
        this.store.dispatch({ type: 'api-key-changed', apiKeySet: store.apiKeyStatus().isSet });
        return store.apiKeyStatus();
      },
      'apiKey.clear': () => {
        store.clearApiKey();
        this.store.dispatch({ type: 'api-key-changed', apiKeySet: store.apiKeyStatus().isSet });
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
    // The stored settings may have gone stale (a folder deleted): show it, and refuse what would fail.
    this.reportSettings(settings);
    // Shown already as a settings problem (with the page that fixes it); the refusal says it too.
    const settingsProblem = agentSettingsProblem(settings, this.settingsCheck);
    if (settingsProblem) throw new Error(settingsProblem);
    const previous = this.session;
    this.session = undefined;
    if (previous) {
      await this.audio.attachSession(undefined);
      await previous.stop();
    }
    const apiKey = this.options.settings.resolveApiKey();
    registerSecret(apiKey);
    // Live audio turned off on purpose (PARLEY_NO_AUDIO, --no-audio) is no problem to report.
    const sink = this.options.createAudioEngine ? await this.audio.speakerForSession() : undefined;
    const session = new DesktopSession(settings, apiKey, this.muted, {
      transport: this.options.transport,
      sink,
      historyDir: this.history.directory,
      logger: this.logger,
      now: this.now,
      daySpend: this.daySpend,
      emit: (event) => this.onSessionEvent(session, event),
      onTalkState: () => this.reportSessionFacts(),
    });
    this.session = session;
    // Known from an earlier microphone open: the first session.update already says who interrupts.
    const protection = this.audio.echoProtection;
    if (protection) session.setEchoProtection(protection);
    this.reportSessionFacts();
    const live = await session.start(apiKey);
    if (live && this.session === session && this.options.createAudioEngine) {
      await this.audio.attachSession((frame, playbackDbfs) => session.onMicrophoneFrame(frame, playbackDbfs));
      this.audio.keepReporting();
    }
    this.reportSessionFacts();
  }

  private async stopSession(): Promise<void> {
    const session = this.session;
    if (!session) return;
    await this.audio.attachSession(undefined);
    await session.stop();
    this.reportSessionFacts();
  }

  private onSessionEvent(session: DesktopSession, event: SessionEvent): void {
    if (session !== this.session) return;
    if (event.type === 'audio.output') {
      this.audio.keepReporting();
      return;
    }
    if (event.type === 'closed') void this.audio.attachSession(undefined);
    if (isForwardedSessionEvent(event)) this.store.dispatch({ type: 'session-event', event, at: this.now() });
    this.reportSessionFacts();
  }

  private onSettingsChanged(settings: Settings, previous: Settings): void {
    const session = this.session;
    if (settings.talkMode !== previous.talkMode) session?.setMode(settings.talkMode);
    // The live API fixes the voice once the model has spoken; the toast says when it takes effect.
    if (session?.applySettings(settings)) this.publish({ event: 'notice', payload: { message: VOICE_NEXT_SESSION_NOTICE } });
    if (settings.inputDevice !== previous.inputDevice) {
      this.audio.switchInput(settings.inputDevice).catch((error: unknown) => this.audioNotice('warning', `Could not switch the microphone: ${errorMessage(error)}`));
    }
    if (echoCancellationChanged(settings, previous)) {
      this.audio.setEchoCancellation(echoCancellationFrom(settings)).catch((error: unknown) => this.audioNotice('warning', `Could not apply the echo cancellation settings: ${errorMessage(error)}`));
    }
    if (settings.outputDevice !== previous.outputDevice) {
      this.audio.switchOutput(settings.outputDevice).catch((error: unknown) => this.audioNotice('warning', `Could not switch the speaker: ${errorMessage(error)}`));
    }
    if (settings.hotkeys.talk !== previous.hotkeys.talk || settings.hotkeys.holdToTalk !== previous.hotkeys.holdToTalk) {
      this.store.dispatch({ type: 'hotkeys', hotkeys: inactiveHotkeys(settings) });
    }
    this.reportSettings(settings);
    this.reportSessionFacts();
    for (const listener of this.settingsListeners) listener(settings);
  }

  /** The microphone opened (or its canceller failed): the window and the live session follow. */
  private onEchoProtection(protection: EchoProtection): void {
    this.store.dispatch({ type: 'echo-protection', protection });
    this.session?.setEchoProtection(protection);
    if (protection.kind === 'gate' && protection.reason === 'unavailable') this.logger.warn('echo canceller unavailable', { reason: protection.message });
  }

  private reportSettings(settings: Settings): void {
    this.store.dispatch({
      type: 'settings',
      devices: { input: settings.inputDevice, output: settings.outputDevice },
      onboardingDone: settings.onboardingDone,
      apiKeySet: this.options.settings.apiKeyStatus().isSet,
      settingsProblems: this.storedSettingsProblems(settings),
    });
  }

  /** Problems of the settings as stored (a folder deleted since, a command gone from PATH). */
  private storedSettingsProblems(settings: Settings): readonly Problem[] {
    return settingsProblems(settings, this.settingsCheck).map((found) =>
      problem({ code: 'settings_invalid', message: found.message, recoverable: true, cause: found.field, settingsPage: found.page }),
    );
  }

  private reportSessionFacts(): void {
    this.store.dispatch({ type: 'session-facts', talk: this.talkState(), agentWorking: this.session?.voice.isAgentWorking ?? false });
  }

  private reportAudio(): void {
    this.store.dispatch({ type: 'audio', micCheck: this.audio.isMicCheckOn, assistantSpeaking: this.audio.speaking });
  }

  private talkState(): TalkState {
    return this.session?.talk.state ?? { mode: this.options.settings.get().talkMode, muted: this.muted, talking: false };
  }

  private withTalk(action: (talk: DesktopSession['talk']) => void): TalkState {
    const session = this.requireLiveSession('talk');
    action(session.talk);
    this.reportSessionFacts();
    return session.talk.state;
  }

  /**
   * The computer sleeps or the network is gone: the session's connection cannot last, so it is
   * closed and no reconnect is tried until `resumeConnection()` (no pile of failed attempts).
   */
  suspendConnection(reason: string): void {
    this.session?.voice.suspend(reason);
  }

  /** Awake or back online: a waiting reconnect tries now. */
  resumeConnection(): void {
    this.session?.voice.resume();
  }

  private requireLiveSession(what: string): DesktopSession {
    const session = this.session;
    // While reconnecting, what is sent waits for the new connection.
    if (!session || (session.state !== 'live' && session.state !== 'reconnecting')) throw new Error(`No voice session is running: start one to ${what}.`);
    return session;
  }

  /** Audio news: passing news is a toast; a warning or failure is a problem until solved. */
  private audioNotice(kind: 'info' | 'warning' | 'error', message: string): void {
    this.logger.info('audio notice', { kind, message });
    if (kind === 'info') {
      this.publish({ event: 'notice', payload: { message } });
      return;
    }
    this.store.dispatch({
      type: 'problem',
      problem: problem({ code: 'audio_problem', message, recoverable: kind === 'warning', severity: kind, cause: message }),
    });
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
