// The audio host process: owns the PortAudio streams (naudiodon) and nothing else. Started by
// NativeAudioHost with an IPC channel; if it crashes, Parley restarts it and reopens devices.
import { setPriority } from 'node:os';
import { CAPTURE_CHUNK_MS, type AudioDeviceInfo, type DeviceList, type HostReply, type HostRequest, type OpenedDevice } from './audio-host-protocol';
import { PlaybackBuffer } from '../../../core/audio/playback-buffer';
import { findDeviceByName, preferredChannels } from './device-choice';
import { nativeDevices, openCapture, openPlayback, type CaptureStream, type NaudiodonDevice, type PlaybackStream } from './port-audio-stream';

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

let input: { stream: CaptureStream; device: OpenedDevice } | undefined;
let output: { stream: PlaybackStream; device: OpenedDevice; buffer: PlaybackBuffer; statusTimer: NodeJS.Timeout } | undefined;

/**
 * Every PortAudio open, close and device listing runs one after another: a device switch closes
 * the old stream before the new one opens, two streams of a kind never overlap however requests
 * interleave, and PortAudio's initialise/terminate pairs (each stream does both; a close
 * terminates on a worker thread) never run at the same time.
 */
let serial: Promise<unknown> = Promise.resolve();
function inTurn<T>(work: () => T | Promise<T>): Promise<T> {
  const run = serial.then(work, work);
  serial = run.catch(() => undefined);
  return run;
}

function send(message: HostReply): void {
  process.send?.(message);
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

async function openInput(deviceName: string | undefined): Promise<OpenedDevice> {
  await closeInput();
  const { id, info, fellBack } = resolve('input', deviceName);
  const sampleRate = info?.defaultSampleRate ?? 48_000;
  const channels = preferredChannels(info?.maxInputChannels ?? 1);
  const chunkBytes = Math.round((sampleRate * CAPTURE_CHUNK_MS) / 1000) * channels * 2;
  const device: OpenedDevice = { name: info?.name ?? 'default', sampleRate, channels, fellBack };
  // Only the current input speaks: a stream being closed (or failing to) never adds a copy.
  const token = {};
  let current = token;
  const stream = await openCapture(
    { deviceId: id, sampleRate, channels, chunkBytes },
    (pcm) => {
      if (input === current) send({ type: 'captured', pcm, capturedAtMs: Date.now() });
    },
    (message) => {
      if (input === current) send({ type: 'stream-error', kind: 'input', message });
    },
  );
  const opened = { stream, device };
  current = opened;
  input = opened;
  return device;
}

async function closeInput(): Promise<void> {
  const current = input;
  input = undefined;
  if (current) await current.stream.close();
}

async function openOutput(deviceName: string | undefined): Promise<OpenedDevice> {
  await closeOutput();
  const { id, info, fellBack } = resolve('output', deviceName);
  const sampleRate = info?.defaultSampleRate ?? 48_000;
  const channels = preferredChannels(info?.maxOutputChannels ?? 2);
  const chunkFrames = Math.round((sampleRate * PLAYBACK_CHUNK_MS) / 1000);
  const chunkBytes = chunkFrames * channels * 2;
  const stream = await openPlayback({ deviceId: id, sampleRate, channels, chunkBytes }, NATIVE_QUEUE_CHUNKS);
  // The server sends speech faster than real time: a minute of queue keeps a long answer whole.
  const buffer = new PlaybackBuffer({ deviceSampleRate: sampleRate, deviceChannels: channels, maxBufferedMs: MAX_QUEUED_SPEECH_MS });
  const device: OpenedDevice = { name: info?.name ?? 'default', sampleRate, channels, fellBack };
  const statusTimer = setInterval(() => sendPlaybackStatus(buffer), STATUS_INTERVAL_MS);
  const current = { stream, device, buffer, statusTimer };
  output = current;
  // The device pulls: each accepted chunk asks the buffer for the next one (silence included),
  // keeping PLAYBACK_CHUNKS_IN_FLIGHT chunks between the buffer and the speaker. The pump stops
  // as soon as this output is no longer current.
  const scratch = new Int16Array(chunkFrames * channels);
  const pump = (): void => {
    if (output !== current) return;
    buffer.pull(scratch, chunkFrames);
    const chunk = Buffer.allocUnsafe(chunkBytes);
    chunk.set(new Uint8Array(scratch.buffer, scratch.byteOffset, chunkBytes));
    stream.write(chunk).then(pump, (error: unknown) => {
      if (output === current) send({ type: 'stream-error', kind: 'output', message: error instanceof Error ? error.message : String(error) });
    });
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

async function closeOutput(drain = false): Promise<void> {
  const current = output;
  output = undefined;
  if (!current) return;
  clearInterval(current.statusTimer);
  // The speaker is silent from now on, whatever the device does with its last chunks.
  const { underruns, droppedMs } = current.buffer.stats;
  send({ type: 'playback-status', status: { playing: false, levelDbfs: -Infinity, bufferedMs: 0, underruns, droppedMs } });
  await current.stream.close({ drain });
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
      // Leaving closes whatever did not close in time: the parent kills us after its grace period.
      await Promise.allSettled([inTurn(closeInput), inTurn(() => closeOutput())]);
      process.exit(0);
      return;
    default:
      break;
  }
  const { requestId } = request;
  try {
    let value: unknown;
    if (request.type === 'list-devices') value = await inTurn(listDevices);
    else if (request.type === 'open-input') value = await inTurn(() => openInput(request.deviceName));
    else if (request.type === 'close-input') value = await inTurn(closeInput);
    else if (request.type === 'open-output') value = await inTurn(() => openOutput(request.deviceName));
    else if (request.type === 'interrupt') value = output?.buffer.interrupt(DEVICE_SIDE_LATENCY_MS);
    else value = await inTurn(() => closeOutput(request.drain === true));
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
