/**
 * The desktop app core (AppController) on its real parts, against the loopback mocks: a real
 * settings file in a temp folder, the `ws` transport, the real Responses backend over HTTP. Live
 * audio is off unless a test passes an engine factory. Every event is recorded.
 */

import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { AppState } from '../../src-shared/app-state';
import type { EventEnvelope, EventName, EventPayload, Settings } from '../../src-shared/ipc-contract';
import { applyStatePatch } from '../../src-shared/state-patch';
import { AppController } from '../../src-main/app/app-controller';
import type { AudioEngineFactory } from '../../src-main/app/audio-controller';
import { createSettingsStore, type SecretCipher } from '../../src-main/adapters/settings/settings-store';
import { connectWebSocket } from '../../src-main/adapters/transport/ws-transport';
import type { Logger } from '../../src-main/core/util/logger';
import { tempDir } from './temp-dir';

/** Stands in for the OS keychain (safeStorage): reversible, and the output never holds the input. */
export function testCipher(): SecretCipher {
  const flip = (bytes: Buffer) => Buffer.from([...bytes].map((byte) => byte ^ 0x5a));
  return { isAvailable: () => true, encrypt: (plain) => flip(Buffer.from(plain, 'utf8')), decrypt: (data) => flip(data).toString('utf8') };
}

export interface AppHarness {
  app: AppController;
  userDataDir: string;
  envelopes: EventEnvelope[];
  logLines: string[];
  payloadsOf<E extends EventName>(event: E): Array<EventPayload<E>>;
  /**
   * The state as a renderer would hold it: the first state, then every patch applied in order.
   * Tests compare it with app.snapshot() to prove the patches carry everything.
   */
  mirror(): AppState;
  /** Resolves with the app state once it matches (checked now and after every event). */
  waitForState(predicate: (state: AppState) => boolean, timeoutMs?: number): Promise<AppState>;
  /** Resolves with the first envelope (past or future) of that event matching the predicate. */
  waitFor<E extends EventName>(event: E, predicate?: (payload: EventPayload<E>) => boolean, timeoutMs?: number): Promise<EventPayload<E>>;
}

export interface AppHarnessOptions {
  settings?: Partial<Settings>;
  env?: Record<string, string | undefined>;
  createAudioEngine?: AudioEngineFactory;
  userDataDir?: string;
}

export function startAppHarness(t: TestContext, options: AppHarnessOptions = {}): AppHarness {
  const userDataDir = options.userDataDir ?? tempDir('parley-app-');
  const logLines: string[] = [];
  const record = (message: string, details?: Record<string, unknown>) => void logLines.push(`${message} ${JSON.stringify(details ?? {})}`);
  const logger: Logger = { debug: record, info: record, warn: record, error: record };
  const settings = createSettingsStore({ cwd: userDataDir, cipher: testCipher(), env: options.env ?? {}, logger });
  if (options.settings) settings.update(options.settings);
  const app = new AppController({
    settings,
    historyDir: join(userDataDir, 'history'),
    transport: connectWebSocket,
    createAudioEngine: options.createAudioEngine,
    logger,
  });
  const envelopes: EventEnvelope[] = [];
  const waiters = new Set<() => void>();
  let mirrored: AppState = app.snapshot();
  let mirrorBroken = '';
  app.onEvent((envelope) => {
    envelopes.push(envelope);
    if (envelope.event === 'state') {
      const next = applyStatePatch(mirrored, envelope.payload);
      if (next) mirrored = next;
      else mirrorBroken ||= `patch ${envelope.payload.base}→${envelope.payload.revision} did not follow revision ${mirrored.revision}`;
    }
    for (const waiter of [...waiters]) waiter();
  });
  t.after(() => app.shutdown());
  const payloadsOf = <E extends EventName>(event: E) =>
    envelopes.filter((envelope) => envelope.event === event).map((envelope) => envelope.payload as EventPayload<E>);
  const waitUntil = <T>(find: () => T | undefined, describe: () => string, timeoutMs: number): Promise<T> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const found = find();
        if (found === undefined) return false;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(describe()));
      }, timeoutMs);
      if (!check()) waiters.add(check);
    });
  return {
    app,
    userDataDir,
    envelopes,
    logLines,
    payloadsOf,
    mirror: () => {
      if (mirrorBroken) throw new Error(`the state patches lost track: ${mirrorBroken}`);
      return mirrored;
    },
    waitForState: (predicate, timeoutMs = 5_000) =>
      waitUntil(
        () => (predicate(app.snapshot()) ? app.snapshot() : undefined),
        () => `the app state never matched within ${timeoutMs} ms; last: ${JSON.stringify({ ...app.snapshot(), conversation: app.snapshot().conversation.items })}`,
        timeoutMs,
      ),
    waitFor: (event, predicate = () => true, timeoutMs = 5_000) =>
      waitUntil(
        () => payloadsOf(event).find(predicate),
        () => `no ${event} event matched within ${timeoutMs} ms; saw ${envelopes.map((e) => e.event).join(', ')}`,
        timeoutMs,
      ),
  };
}
