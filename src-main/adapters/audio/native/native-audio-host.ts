import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { errorMessage } from '../../../core/util/errors';
import { silentLogger, type Logger } from '../../../core/util/logger';
import type { AssistantAudioFrame, PlaybackInterruption } from '../../../core/audio/audio-io';
import { DEFAULT_ECHO_CANCELLATION, type EchoCancellationSettings, type EchoProtection } from '../../../../src-shared/echo-cancellation';
import type { DeviceList, HostReply, HostRequest, OpenedDevice, OpenedInput, PlaybackStart, PlaybackStatus } from './audio-host-protocol';
import { PlayBatcher } from './play-batcher';

const READY_TIMEOUT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 5_000;
const SHUTDOWN_GRACE_MS = 1_500;
const MAX_RESTARTS_PER_MINUTE = 5;

export interface NativeAudioHostOptions {
  readonly logger?: Logger;
  /** The child entry; defaults to defaultChildEntry(). */
  readonly childPath?: string;
  readonly execArgv?: readonly string[];
  /** Extra environment for the child (the desktop app sets ELECTRON_RUN_AS_NODE). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface HostListeners {
  /** 10 ms of 24 kHz mono PCM16LE (echo removed when the canceller runs), its last sample's time and its level before the canceller. */
  onCaptured?(pcm: Uint8Array, capturedAtMs: number, rawRmsDbfs: number): void;
  /** The open microphone's echo protection changed by itself, or after a restart reopened it. */
  onEchoProtection?(protection: EchoProtection): void;
  /** The audio process died and was restarted; devices were reopened. */
  onRestarted?(reason: string): void;
  /** Audio could not be restarted (too many crashes): live audio is off. */
  onGaveUp?(reason: string): void;
  onStreamError?(kind: 'input' | 'output', message: string): void;
  onPlaybackStatus?(status: PlaybackStatus): void;
  /** An item's first sample reached the device (the latency waterfall's last step). */
  onPlaybackStarted?(start: PlaybackStart): void;
}

/**
 * The audio process beside this module: in a build (the `parley` command's out/cli) this module
 * is part of the bundle and the built child sits next to it, run as plain JavaScript; from the
 * sources (tests, tsx) it is the TypeScript child, run through tsx.
 */
function defaultChildEntry(): { readonly path: string; readonly execArgv: readonly string[] } {
  const built = fileURLToPath(new URL('./audio-host-child.js', import.meta.url));
  if (existsSync(built)) return { path: built, execArgv: [] };
  return { path: fileURLToPath(new URL('./audio-host-child.ts', import.meta.url)), execArgv: ['--import', 'tsx'] };
}

type RequestBody<T> = T extends { requestId: number } ? Omit<T, 'requestId'> : never;
type HostRequestBody = RequestBody<HostRequest>;

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout };

/**
 * Parley's side of the audio host process. Requests are answered over IPC; a crash of the
 * process restarts it (at most MAX_RESTARTS_PER_MINUTE times) and reopens the devices that were
 * open, so a native fault costs a moment of audio, never the app. shutdown() never hangs: the
 * process gets SHUTDOWN_GRACE_MS to close its streams, then is killed.
 */
export class NativeAudioHost {
  private child: ChildProcess | undefined;
  private nextRequestId = 1;
  private readonly pending = new Map<number, Pending>();
  private wantedInput: { deviceName: string | undefined; echoCancellation: EchoCancellationSettings } | undefined;
  private wantedOutput: { deviceName: string | undefined } | undefined;
  private restarts: number[] = [];
  private stopping = false;
  private readonly logger: Logger;

  constructor(
    private readonly listeners: HostListeners = {},
    private readonly options: NativeAudioHostOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    this.stopping = false;
    await this.spawnChild();
  }

  listDevices(): Promise<DeviceList> {
    return this.request({ type: 'list-devices' }) as Promise<DeviceList>;
  }

  /** Opens the microphone with the echo canceller set up as `echoCancellation` says; the answer says what protects it. */
  async openInput(deviceName: string | undefined, echoCancellation: EchoCancellationSettings = DEFAULT_ECHO_CANCELLATION): Promise<OpenedInput> {
    this.wantedInput = { deviceName, echoCancellation };
    return (await this.request({ type: 'open-input', deviceName, echoCancellation })) as OpenedInput;
  }

  /**
   * New canceller settings for the open microphone (its stream stays open); remembered for a
   * restart. Undefined when no microphone is open (the settings then go with the next openInput).
   */
  async setEchoCancellation(echoCancellation: EchoCancellationSettings): Promise<EchoProtection | undefined> {
    if (!this.wantedInput) return undefined;
    this.wantedInput = { ...this.wantedInput, echoCancellation };
    const protection = (await this.request({ type: 'set-echo-cancellation', echoCancellation })) as EchoProtection | null;
    return protection ?? undefined;
  }

  /** Rejects when the stream would not close; the process is then replaced so nothing stays open. */
  async closeInput(): Promise<void> {
    this.wantedInput = undefined;
    await this.close({ type: 'close-input' });
  }

  async openOutput(deviceName: string | undefined): Promise<OpenedDevice> {
    this.wantedOutput = { deviceName };
    return (await this.request({ type: 'open-output', deviceName })) as OpenedDevice;
  }

  /**
   * Rejects when the stream would not close; the process is then replaced so nothing stays open.
   * `drain` lets the device play what it already holds first.
   */
  async closeOutput(options: { readonly drain?: boolean } = {}): Promise<void> {
    this.wantedOutput = undefined;
    await this.close({ type: 'close-output', drain: options.drain });
  }

  /** Frames written in one turn of the event loop travel together (play-batcher.ts). */
  play(frame: AssistantAudioFrame): void {
    this.plays.write(frame);
  }

  private readonly plays = new PlayBatcher((frame) => this.post({ type: 'play', pcm: frame.pcm, sampleRate: frame.sampleRate, channels: frame.channels, itemId: frame.itemId }));

  endItem(itemId: string | undefined): void {
    this.post({ type: 'end-item', itemId });
  }

  /** Barge-in: the host silences the speaker at once and answers what was played. */
  async interrupt(): Promise<PlaybackInterruption | undefined> {
    const answer = (await this.request({ type: 'interrupt' })) as PlaybackInterruption | null;
    return answer ?? undefined;
  }

  async shutdown(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.post({ type: 'shutdown' });
    const timer = setTimeout(() => child.kill('SIGKILL'), SHUTDOWN_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }

  /**
   * A process that is not running holds no streams, so there is nothing to close. A stream that
   * would not close is released the only sure way: the process is killed, and the restart reopens
   * just the streams still wanted. The failure is still reported to the caller.
   */
  private async close(message: { readonly type: 'close-input' } | { readonly type: 'close-output'; readonly drain?: boolean }): Promise<void> {
    const child = this.child;
    if (!child?.connected) return;
    try {
      await this.request(message);
    } catch (error) {
      if (this.child === child && !this.stopping) {
        this.logger.warn('an audio stream would not close; replacing the audio process', { error: errorMessage(error) });
        child.kill('SIGKILL');
      }
      throw error;
    }
  }

  private spawnChild(): Promise<void> {
    const entry = this.options.childPath === undefined ? defaultChildEntry() : { path: this.options.childPath, execArgv: ['--import', 'tsx'] };
    const child = fork(entry.path, [], {
      execArgv: [...(this.options.execArgv ?? entry.execArgv)],
      serialization: 'advanced',
      // naudiodon's reads and writes each hold a threadpool thread while they wait on the device.
      env: { ...process.env, ...this.options.env, UV_THREADPOOL_SIZE: '8' },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child = child;
    let stderrTail = '';
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      stderrTail = (stderrTail + text).slice(-2_000);
    });
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the audio process did not start within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
      child.on('message', (message: HostReply) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          resolve();
        }
        this.onMessage(message);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the audio process exited during startup (${signal ?? `code ${code}`}): ${lastLine(stderrTail)}`));
      });
    });
    child.once('exit', (code, signal) => this.onChildExit(child, code, signal, stderrTail));
    // A message sent as the process dies fails with EPIPE here; its exit is handled above.
    child.on('error', (error) => this.logger.warn('audio process channel error', { error: errorMessage(error) }));
    return ready;
  }

  private onMessage(message: HostReply): void {
    switch (message.type) {
      case 'captured':
        this.listeners.onCaptured?.(message.pcm, message.capturedAtMs, message.rawRmsDbfs);
        return;
      case 'echo-protection':
        this.listeners.onEchoProtection?.(message.protection);
        return;
      case 'reply': {
        const pending = this.pending.get(message.requestId);
        if (!pending) return;
        this.pending.delete(message.requestId);
        clearTimeout(pending.timer);
        if (message.ok) pending.resolve(message.value);
        else pending.reject(new Error(message.message));
        return;
      }
      case 'stream-error':
        this.listeners.onStreamError?.(message.kind, message.message);
        return;
      case 'playback-status':
        this.listeners.onPlaybackStatus?.(message.status);
        return;
      case 'playback-started':
        this.listeners.onPlaybackStarted?.(message.start);
        return;
      case 'ready':
        return;
    }
  }

  private onChildExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null, stderrTail: string): void {
    if (this.child !== child) return;
    this.child = undefined;
    const reason = `the audio process ${signal ? `was killed by ${signal}` : `exited with code ${code}`}${stderrTail ? `: ${lastLine(stderrTail)}` : ''}`;
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new Error(reason));
      this.pending.delete(id);
    }
    if (this.stopping) return;
    const now = Date.now();
    this.restarts = this.restarts.filter((at) => now - at < 60_000);
    if (this.restarts.length >= MAX_RESTARTS_PER_MINUTE) {
      this.logger.error('audio process keeps crashing; live audio is off', { reason });
      this.listeners.onGaveUp?.(reason);
      return;
    }
    this.restarts.push(now);
    this.logger.warn('audio process died; restarting it', { reason });
    void this.restart(reason);
  }

  private async restart(reason: string): Promise<void> {
    try {
      await this.spawnChild();
      if (this.wantedInput) {
        const { deviceName, echoCancellation } = this.wantedInput;
        const opened = (await this.request({ type: 'open-input', deviceName, echoCancellation })) as OpenedInput;
        this.listeners.onEchoProtection?.(opened.echoProtection);
      }
      if (this.wantedOutput) await this.request({ type: 'open-output', deviceName: this.wantedOutput.deviceName });
      this.listeners.onRestarted?.(reason);
    } catch (error) {
      this.listeners.onGaveUp?.(`${reason}; restarting failed: ${errorMessage(error)}`);
    }
  }

  private request(message: HostRequestBody): Promise<unknown> {
    const requestId = this.nextRequestId++;
    return new Promise((resolve, reject) => {
      if (!this.child?.connected) {
        reject(new Error('the audio process is not running'));
        return;
      }
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new Error(`the audio process did not answer ${message.type} within ${REQUEST_TIMEOUT_MS} ms`));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(requestId, { resolve, reject, timer });
      this.post({ ...message, requestId } as HostRequest);
    });
  }

  private post(message: HostRequest): void {
    // Audio written before this message goes first: an end of item or a barge-in must follow it.
    if (message.type !== 'play') this.plays.flush();
    const child = this.child;
    if (!child?.connected) return;
    try {
      child.send(message);
    } catch (error) {
      this.logger.debug('audio process message dropped', { error: errorMessage(error) });
    }
  }
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1] ?? '';
}
