/**
 * Builds a real VoiceSession (ws transport, real Responses backend over HTTP) against the two
 * loopback mocks, and records every event it emits.
 */
import type { KeepaliveOptions } from '../../src-main/core/protocol/transport';
import type { ResilienceOptions } from '../../src-main/core/session/resilience';
import type { TestContext } from 'node:test';
import type { SessionEvent } from '../../src-shared/session-events';
import { startMockRealtimeServer, type ConnectionScript, type MockRealtimeServer } from './mock-realtime-server';
import { startMockResponsesServer, type MockResponsesServer, type ScriptedReply } from './mock-responses-server';
import type { AgentBackend } from '../../src-main/core/agent/agent-backend';
import type { AudioSink } from '../../src-main/core/audio/audio-io';
import type { Dialect, RealtimeSessionConfig } from '../../src-main/core/protocol/session-config';
import { VoiceSession } from '../../src-main/core/session/voice-session';
import { createResponsesBackend } from '../../src-main/adapters/agent/responses-backend';
import { connectWebSocket } from '../../src-main/adapters/transport/ws-transport';

export const TEST_API_KEY = 'sk-test-key-0123456789';

export function sessionConfig(dialect: Dialect, realtimeUrl: string, overrides: Partial<RealtimeSessionConfig> = {}): RealtimeSessionConfig {
  return {
    dialect,
    realtimeUrl,
    model: dialect === 'v1' ? 'quicksilver-test' : 'gpt-realtime',
    voice: undefined,
    instructions: 'backend prompt',
    transcriptionModel: 'gpt-4o-mini-transcribe',
    turnDetection: 'server_vad',
    sessionId: undefined,
    ...overrides,
  };
}

export interface SessionHarness {
  session: VoiceSession;
  events: SessionEvent[];
  /** Resolves with the first recorded event (past or future) matching predicate. */
  waitForEvent<T extends SessionEvent['type']>(
    type: T,
    predicate?: (event: Extract<SessionEvent, { type: T }>) => boolean,
    timeoutMs?: number,
  ): Promise<Extract<SessionEvent, { type: T }>>;
  eventsOf<T extends SessionEvent['type']>(type: T): Array<Extract<SessionEvent, { type: T }>>;
  dispose(): Promise<void>;
}

export interface HarnessOptions {
  agentBaseUrl?: string;
  agent?: AgentBackend;
  sink?: AudioSink;
  connectTimeoutMs?: number;
  resilience?: Partial<ResilienceOptions>;
  keepalive?: KeepaliveOptions;
  /** The least time between two spoken progress updates of a working agent. */
  agentUpdateIntervalMs?: number;
}

export function createSessionHarness(options: HarnessOptions = {}): SessionHarness {
  const agent =
    options.agent ??
    // One attempt per request: these tests script one reply per request (retries: test/adapters/agent).
    createResponsesBackend({ apiKey: TEST_API_KEY, baseUrl: options.agentBaseUrl ?? 'http://127.0.0.1:9/v1', requestTimeoutMs: 5_000, maxAttempts: 1 });
  const session = new VoiceSession({
    transport: connectWebSocket,
    agent,
    sink: options.sink,
    connectTimeoutMs: options.connectTimeoutMs ?? 3_000,
    newSessionId: () => 'session-test-1',
    ...(options.resilience ? { resilience: options.resilience } : {}),
    ...(options.keepalive ? { keepalive: options.keepalive } : {}),
    ...(options.agentUpdateIntervalMs !== undefined ? { agentUpdateIntervalMs: options.agentUpdateIntervalMs } : {}),
  });
  const events: SessionEvent[] = [];
  const waiters = new Set<() => void>();
  session.onEvent((event) => {
    events.push(event);
    for (const wake of [...waiters]) wake();
  });

  function waitForEvent<T extends SessionEvent['type']>(
    type: T,
    predicate: (event: Extract<SessionEvent, { type: T }>) => boolean = () => true,
    timeoutMs = 5_000,
  ): Promise<Extract<SessionEvent, { type: T }>> {
    const find = () =>
      events.find((event): event is Extract<SessionEvent, { type: T }> => event.type === type && predicate(event as Extract<SessionEvent, { type: T }>));
    return new Promise((resolve, reject) => {
      const found = find();
      if (found) return resolve(found);
      const timer = setTimeout(() => {
        waiters.delete(check);
        const seen = events.map((event) => event.type).join(', ');
        reject(new Error(`timed out after ${timeoutMs} ms waiting for a ${type} event; saw: ${seen}`));
      }, timeoutMs);
      const check = () => {
        const match = find();
        if (!match) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(match);
      };
      waiters.add(check);
    });
  }

  return {
    session,
    events,
    waitForEvent,
    eventsOf: (type) => events.filter((event) => event.type === type) as never,
    async dispose() {
      await session.stop();
      await agent.dispose();
    },
  };
}

/** Lets pending I/O settle (used to show that something did NOT happen). */
export function settle(ms = 150): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface ScenarioOptions {
  /** The realtime mock's connection scripts. */
  realtime: ConnectionScript[];
  /** When given, a Responses mock with these replies backs the session's agent. */
  agentReplies?: ScriptedReply[];
  harness?: HarnessOptions;
}

export interface Scenario {
  realtime: MockRealtimeServer;
  /** The Responses mock; only for scenarios started with agentReplies. */
  readonly agent: MockResponsesServer;
  harness: SessionHarness;
}

/** Both loopback mocks and a session wired to them, torn down when the test ends. */
export async function startScenario(t: TestContext, options: ScenarioOptions): Promise<Scenario> {
  const agent = options.agentReplies ? await startMockResponsesServer(options.agentReplies) : undefined;
  const realtime = await startMockRealtimeServer(options.realtime);
  const harness = createSessionHarness({ ...(agent ? { agentBaseUrl: agent.baseUrl } : {}), ...options.harness });
  t.after(async () => {
    await harness.dispose();
    await realtime.close();
    await agent?.close();
  });
  return {
    realtime,
    harness,
    get agent(): MockResponsesServer {
      if (!agent) throw new Error('this scenario has no agent mock: pass agentReplies to startScenario');
      return agent;
    },
  };
}
