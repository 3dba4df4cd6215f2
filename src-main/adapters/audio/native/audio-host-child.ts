// The audio host process: owns the PortAudio streams (naudiodon) and nothing else. Started by
// NativeAudioHost with an IPC channel; if it crashes, Parley restarts it and reopens devices.
import { createRequire } from 'node:module';
import { setPriority } from 'node:os';
import { CAPTURE_CHUNK_MS, type AudioDeviceInfo, type DeviceList, type HostReply, type HostRequest, type OpenedDevice } from './audio-host-protocol';
import { PlaybackBuffer } from '../../../core/audio/playback-buffer';
import { findDeviceByName, preferredChannels } from './device-choice';

interface NaudiodonDevice {
  id: number;
  name: string;
  hostAPIName: string;
  maxInputChannels: number;
  maxOutputChannels: number;
  defaultSampleRate: number;
}
interface NaudiodonStream extends NodeJS.EventEmitter {
  start(): void;
  abort(callback?: () => void): void;
  write?(chunk: Uint8Array, callback?: (error?: Error | null) => void): boolean;
}
interface Naudiodon {
  SampleFormat16Bit: number;
  getDevices(): NaudiodonDevice[];
  AudioIO: new (options: Record<string, unknown>) => NaudiodonStream;
}

/**
 * Small chunks keep barge-in and latency short: naudiodon queues NATIVE_QUEUE_CHUNKS past the
 * jitter buffer, and each pending write holds a libuv threadpool thread while that queue is full
 * (the parent raises UV_THREADPOOL_SIZE so capture and playback never starve each other).
 */
const PLAYBACK_CHUNK_MS = 5;
const PLAYBACK_CHUNKS_IN_FLIGHT = 1;
const NATIVE_QUEUE_CHUNKS = 3;
/** Audio past the jitter buffer when it is pulled: our chunks, naudiodon's queue, the sound server (~10 ms measured on PulseAudio). */
const DEVICE_SIDE_LATENCY_MS = (PLAYBACK_CHUNKS_IN_FLIGHT + NATIVE_QUEUE_CHUNKS) * PLAYBACK_CHUNK_MS + 10;
/** Nice value for the audio process (lower is more urgent). */
const AUDIO_PROCESS_PRIORITY = -11;
const STATUS_INTERVAL_MS = 50;
const MAX_QUEUED_SPEECH_MS = 60_000;
const ABORT_TIMEOUT_MS = 500;

const require = createRequire(import.meta.url);
const portAudio = require('naudiodon') as Naudiodon;

let input: { stream: NaudiodonStream; device: OpenedDevice } | undefined;
let output: { stream: NaudiodonStream; device: OpenedDevice; buffer: PlaybackBuffer; statusTimer: NodeJS.Timeout } | undefined;

function send(message: HostReply): void {
  process.send?.(message);
}

function nativeDevices(): NaudiodonDevice[] {
  return portAudio.getDevices();
}

function describe(device: NaudiodonDevice): AudioDeviceInfo {
  return {
    name: device.name,
    hostApi: device.hostAPIName,
    maxInputChannels: device.maxInputChannels,
    maxOutputChannels: device.maxOutputChannels,
    defaultSampleRate: device.defaultSampleRate,
  };
}

function listDevices(): DeviceList {
  const devices = nativeDevices();
  return {
    inputs: devices.filter((device) => device.maxInputChannels > 0).map(describe),
    outputs: devices.filter((device) => device.maxOutputChannels > 0).map(describe),
  };
}

/** The chosen device, or the system default (PortAudio id -1) when it is missing or unset. */
function resolve(kind: 'input' | 'output', wanted: string | undefined): { id: number; info: NaudiodonDevice | undefined; fellBack: boolean } {
  const devices = nativeDevices().filter((device) => (kind === 'input' ? device.maxInputChannels : device.maxOutputChannels) > 0);
  const found = findDeviceByName(devices.map(describe), wanted);
  const native = found ? devices.find((device) => device.name === found.name) : undefined;
  if (native) return { id: native.id, info: native, fellBack: false };
  const fallback = devices.find((device) => device.name === 'default') ?? devices[0];
  return { id: -1, info: fallback, fellBack: wanted !== undefined && wanted !== 'default' };
}

function abortStream(stream: NaudiodonStream): Promise<void> {
  // quit() would block until the next buffer arrives; abort does not, and is bounded anyway.
  return new Promise((done) => {
    const timer = setTimeout(done, ABORT_TIMEOUT_MS);
    try {
      stream.abort(() => {
        clearTimeout(timer);
        done();
      });
    } catch {
      clearTimeout(timer);
      done();
    }
  });
}

async function openInput(deviceName: string | undefined): Promise<OpenedDevice> {
  await closeInput();
  const { id, info, fellBack } = resolve('input', deviceName);
  const sampleRate = info?.defaultSampleRate ?? 48_000;
  const channels = preferredChannels(info?.maxInputChannels ?? 1);
  const chunkBytes = Math.round((sampleRate * CAPTURE_CHUNK_MS) / 1000) * channels * 2;
  const stream = new portAudio.AudioIO({
    inOptions: { channelCount: channels, sampleFormat: portAudio.SampleFormat16Bit, sampleRate, deviceId: id, closeOnError: false, highwaterMark: chunkBytes },
  });
  const device: OpenedDevice = { name: info?.name ?? 'default', sampleRate, channels, fellBack };
  stream.on('data', (chunk: Buffer) => send({ type: 'captured', pcm: chunk, capturedAtMs: Date.now() }));
  stream.on('error', (error: Error) => send({ type: 'stream-error', kind: 'input', message: error.message }));
  stream.start();
  input = { stream, device };
  return device;
}

async function closeInput(): Promise<void> {
  const current = input;
  input = undefined;
  if (current) await abortStream(current.stream);
}

async function openOutput(deviceName: string | undefined): Promise<OpenedDevice> {
  await closeOutput();
  const { id, info, fellBack } = resolve('output', deviceName);
  const sampleRate = info?.defaultSampleRate ?? 48_000;
  const channels = preferredChannels(info?.maxOutputChannels ?? 2);
  const chunkFrames = Math.round((sampleRate * PLAYBACK_CHUNK_MS) / 1000);
  const chunkBytes = chunkFrames * channels * 2;
  const stream = new portAudio.AudioIO({
    outOptions: {
      channelCount: channels,
      sampleFormat: portAudio.SampleFormat16Bit,
      sampleRate,
      deviceId: id,
      closeOnError: false,
      highwaterMark: chunkBytes,
      maxQueue: NATIVE_QUEUE_CHUNKS,
    },
  });
  stream.on('error', (error: Error) => send({ type: 'stream-error', kind: 'output', message: error.message }));
  // The server sends speech faster than real time: a minute of queue keeps a long answer whole.
  const buffer = new PlaybackBuffer({ deviceSampleRate: sampleRate, deviceChannels: channels, maxBufferedMs: MAX_QUEUED_SPEECH_MS });
  const device: OpenedDevice = { name: info?.name ?? 'default', sampleRate, channels, fellBack };
  const statusTimer = setInterval(() => sendPlaybackStatus(buffer), STATUS_INTERVAL_MS);
  const current = { stream, device, buffer, statusTimer };
  output = current;
  stream.start();
  // The device pulls: each accepted chunk asks the buffer for the next one (silence included),
  // keeping PLAYBACK_CHUNKS_IN_FLIGHT chunks between the buffer and the speaker.
  const scratch = new Int16Array(chunkFrames * channels);
  const pump = (): void => {
    if (output !== current) return;
    buffer.pull(scratch, chunkFrames);
    const chunk = Buffer.allocUnsafe(chunkBytes);
    chunk.set(new Uint8Array(scratch.buffer, scratch.byteOffset, chunkBytes));
    stream.write?.(chunk, () => pump());
  };
  for (let index = 0; index < PLAYBACK_CHUNKS_IN_FLIGHT; index++) pump();
  return device;
}

function sendPlaybackStatus(buffer: PlaybackBuffer): void {
  const stats = buffer.stats;
  send({
    type: 'playback-status',
    status: {
      playing: buffer.isPlaying(),
      levelDbfs: buffer.outputLevelDbfs,
      bufferedMs: stats.bufferedMs,
      underruns: stats.underruns,
      droppedMs: stats.droppedMs,
    },
  });
}

async function closeOutput(): Promise<void> {
  const current = output;
  output = undefined;
  if (!current) return;
  clearInterval(current.statusTimer);
  await abortStream(current.stream);
}

async function handle(request: HostRequest): Promise<void> {
  switch (request.type) {
    case 'play':
      output?.buffer.push(request);
      return;
    case 'end-item':
      output?.buffer.markItemEnded(request.itemId);
      return;
    case 'shutdown':
      await Promise.all([closeInput(), closeOutput()]);
      process.exit(0);
      return;
    default:
      break;
  }
  const { requestId } = request;
  try {
    let value: unknown;
    if (request.type === 'list-devices') value = listDevices();
    else if (request.type === 'open-input') value = await openInput(request.deviceName);
    else if (request.type === 'close-input') value = await closeInput();
    else if (request.type === 'open-output') value = await openOutput(request.deviceName);
    else if (request.type === 'interrupt') value = output?.buffer.interrupt(DEVICE_SIDE_LATENCY_MS);
    else value = await closeOutput();
    send({ type: 'reply', requestId, ok: true, value: value ?? null });
  } catch (error) {
    send({ type: 'reply', requestId, ok: false, message: error instanceof Error ? error.message : String(error) });
  }
}

// Feeding the device is time-critical: ask for a higher scheduling priority (allowed for root
// or with CAP_SYS_NICE; elsewhere the default priority stays, and only load makes underruns).
try {
  setPriority(0, AUDIO_PROCESS_PRIORITY);
} catch {
  // not permitted: fine
}

process.on('message', (request: HostRequest) => {
  void handle(request);
});
// The parent went away: nothing to play for; leave without waiting on the streams.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', pid: process.pid });
