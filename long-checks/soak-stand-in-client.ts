/** Starts the soak's stand-in process (soak-stand-in.ts) and talks to it over IPC. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { StandInCommand, StandInReady, StandInReply, StandInSettings, StandInStats } from './soak-stand-in-protocol';

const STAND_IN_ENTRY = fileURLToPath(new URL('./soak-stand-in.ts', import.meta.url));
const READY_TIMEOUT_MS = 20_000;
const EXIT_TIMEOUT_MS = 5_000;

export interface StandIn {
  readonly realtimeUrl: string;
  readonly agentBaseUrl: string;
  respond(say: string, audioMs: number): Promise<void>;
  respondWithCall(say: string, audioMs: number, callId: string, prompt: string): Promise<void>;
  /** Returns the index of the connection that heard the user. */
  speechStart(frameNumber: number, timeoutMs: number): Promise<number>;
  speechStop(connection: number, transcript: string, audioMs: number): Promise<void>;
  fail(how: 'drop' | 'silence', frameNumber: number, timeoutMs: number): Promise<number>;
  stats(): Promise<StandInStats>;
  /** Closes both servers and waits for the process to exit. */
  close(): Promise<void>;
  readonly exited: boolean;
}

export async function startStandIn(settings: StandInSettings): Promise<StandIn> {
  // Not the soak's own flags (--expose-gc): the stand-in only needs TypeScript.
  const child: ChildProcess = fork(STAND_IN_ENTRY, [JSON.stringify(settings)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 1;

  const ready = await new Promise<StandInReady>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the stand-in process did not start within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the stand-in process exited during start (code ${code})`));
    });
    child.on('message', (message: StandInReady | StandInReply) => {
      if ('type' in message && message.type === 'ready') {
        clearTimeout(timer);
        resolve(message);
        return;
      }
      const reply = message as StandInReply;
      const waiter = pending.get(reply.id);
      pending.delete(reply.id);
      if (reply.ok) waiter?.resolve(reply.value);
      else waiter?.reject(new Error(`stand-in: ${reply.error}`));
    });
  });
  child.on('exit', (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`the stand-in process exited (code ${code})`));
    pending.clear();
  });

  const request = <T>(body: StandInCommand): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (exited) return reject(new Error('the stand-in process has exited'));
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ id, body });
    });

  return {
    realtimeUrl: ready.realtimeUrl,
    agentBaseUrl: ready.agentBaseUrl,
    respond: (say, audioMs) => request({ command: 'respond', say, audioMs }),
    respondWithCall: (say, audioMs, callId, prompt) => request({ command: 'respondWithCall', say, audioMs, callId, prompt }),
    speechStart: (frameNumber, timeoutMs) => request({ command: 'speechStart', frameNumber, timeoutMs }),
    speechStop: (connection, transcript, audioMs) => request({ command: 'speechStop', connection, transcript, audioMs }),
    fail: (how, frameNumber, timeoutMs) => request({ command: 'fail', how, frameNumber, timeoutMs }),
    stats: () => request({ command: 'stats' }),
    async close() {
      if (exited) return;
      try {
        await request({ command: 'close' });
      } finally {
        child.disconnect();
        const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_TIMEOUT_MS);
        await exitedPromise;
        clearTimeout(timer);
      }
    },
    get exited() {
      return exited;
    },
  };
}
