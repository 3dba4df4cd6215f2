// A small in-memory AppPort for the shell tests: records commands, lets the test push events and
// settings changes, and answers with whatever snapshot/settings the test set.
import { initialConversationState } from '../../src-shared/conversation-reducer';
import { EMPTY_USAGE_TOTALS } from '../../src-shared/usage';
import type {
  AppState,
  CommandHandlers,
  CommandName,
  EventEnvelope,
  HotkeyStatus,
  Problem,
  Settings,
} from '../../src-shared/ipc-contract';
import type { AppPort } from '../../src-main/app/app-port';

export const TEST_SETTINGS: Settings = {
  dialect: 'v2',
  realtimeUrl: 'wss://api.openai.com/v1',
  model: '',
  maxSessionMinutes: 60,
  voice: '',
  instructions: '',
  agentBackend: 'none',
  agentUrl: 'https://api.openai.com/v1',
  agentModel: 'gpt-5-mini',
  agentCommand: '',
  agentCwd: '',
  agentConfig: '',
  agentApproval: 'allow-read-only',
  agentSandbox: 'workspace-write',
  agentUpdateIntervalSeconds: 20,
  agentApprovalTimeoutSeconds: 60,
  talkMode: 'hands-free',
  noiseReduction: 'auto',
  vadSilenceMs: 500,
  semanticEagerness: 'auto',
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: false,
  minBargeInMs: 250,
  handsFreeTurnDetection: 'server_vad',
  budgetPerSessionUsd: 0,
  budgetPerDayUsd: 0,
  pricingTable: '',
  inputDevice: null,
  outputDevice: null,
  hotkeys: { talk: 'CommandOrControl+Shift+Space', holdToTalk: 'Alt+F8' },
  startAtLogin: false,
  onboardingDone: true,
};

export const HOTKEYS_OK: HotkeyStatus = {
  talk: { accelerator: 'CommandOrControl+Shift+Space', active: true, problem: null },
  holdToTalk: { accelerator: 'Alt+F8', active: true, problem: null, mode: 'hold' },
};

export function makeSnapshot(overrides: Partial<AppState> = {}): AppState {
  return {
    status: 'idle',
    session: 'idle',
    talk: { mode: 'hands-free', muted: false, talking: false },
    devices: { input: null, output: null },
    agentWorking: false,
    apiKeySet: true,
    onboardingDone: true,
    micCheck: false,
    hotkeys: HOTKEYS_OK,
    problems: [],
    conversation: initialConversationState,
    historyRevision: 0,
    usage: EMPTY_USAGE_TOTALS,
    cost: { sessionUsd: 0, dayUsd: 0, lastTurn: null },
    rateLimits: [],
    echoProtection: null,
    revision: 1,
    ...overrides,
  };
}

/** A shown error problem, as main's store makes them. */
export function errorProblem(title: string, message: string, recoverable = true): Problem {
  return { id: title, code: 'server_error', severity: 'error', title, message, recoverable, settingsPage: null, scope: 'session' };
}

type Handler = (args: any) => unknown;

export class FakeAppPort implements AppPort {
  readonly calls: Array<[CommandName, unknown]> = [];
  readonly reportedHotkeys: HotkeyStatus[] = [];
  private readonly handlers = new Map<CommandName, Handler>();
  private readonly eventListeners = new Set<(envelope: EventEnvelope) => void>();
  private readonly settingsListeners = new Set<(settings: Settings) => void>();
  currentSnapshot: AppState;
  currentSettings: Settings;
  shutdownCalls = 0;
  /** What shutdown() does; resolves at once by default. */
  shutdownImpl: () => Promise<void> = async () => {};

  readonly commands: CommandHandlers = new Proxy({} as CommandHandlers, {
    get: (_target, name: string) => (args: unknown) => {
      this.calls.push([name as CommandName, args]);
      const handler = this.handlers.get(name as CommandName);
      return handler ? handler(args) : undefined;
    },
  });

  constructor(snapshot: AppState = makeSnapshot(), settings: Settings = TEST_SETTINGS) {
    this.currentSnapshot = snapshot;
    this.currentSettings = settings;
  }

  handle<N extends CommandName>(name: N, handler: (args: any) => unknown): void {
    this.handlers.set(name, handler);
  }

  callsOf(name: CommandName): unknown[] {
    return this.calls.filter(([called]) => called === name).map(([, args]) => args);
  }

  snapshot(): AppState {
    return this.currentSnapshot;
  }

  settings(): Settings {
    return this.currentSettings;
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
    this.reportedHotkeys.push(status);
  }

  shutdown(): Promise<void> {
    this.shutdownCalls += 1;
    return this.shutdownImpl();
  }

  get listenerCount(): number {
    return this.eventListeners.size + this.settingsListeners.size;
  }

  emit(envelope: EventEnvelope): void {
    for (const listener of this.eventListeners) listener(envelope);
  }

  /** Changes the state and sends the patch, as the app's store does. */
  setSnapshot(overrides: Partial<AppState>): AppState {
    const base = this.currentSnapshot.revision;
    this.currentSnapshot = { ...this.currentSnapshot, ...overrides, revision: base + 1 };
    this.emit({ event: 'state', payload: { base, revision: base + 1, fields: overrides } });
    return this.currentSnapshot;
  }

  changeSettings(patch: Partial<Settings>): void {
    this.currentSettings = { ...this.currentSettings, ...patch };
    for (const listener of this.settingsListeners) listener(this.currentSettings);
  }
}
