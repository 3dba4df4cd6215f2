// The audio host process: owns the PortAudio streams (naudiodon) and nothing else. Started by
// NativeAudioHost with an IPC channel; if it crashes, Parley restarts it and reopens devices.
import type { EchoCancellationSettings, EchoProtection } from '../../../../src-shared/echo-cancellation';
import { CAPTURE_CHUNK_MS, type AudioDeviceInfo, type DeviceList, type HostReply, type HostRequest, type OpenedDevice, type OpenedInput } from './audio-host-protocol';
import { PlaybackBuffer } from '../../../core/audio/playback-buffer';
import { CaptureConditioner } from './capture-conditioner';
import { findDeviceByName, preferredChannels } from './device-choice';
import { EchoReferenceFeed } from './echo-reference-feed';
import { EchoStage } from './echo-stage';
import { setProcessPriority } from './process-priority';
import { OutputPacer } from './output-pacer';
import { nativeDevices, openCapture, openPlayback, type CaptureStream, type NaudiodonDevice, type PlaybackStream } from './port-audio-stream';

/**
 * Small chunks keep barge-in and latency short: naudiodon queues NATIVE_QUEUE_CHUNKS past the
 * jitter buffer, and each pending write holds a libuv threadpool thread while that queue is full
 * (the parent raises UV_THREADPOOL_SIZE so capture and playback never starve each other).
 */
const PLAYBACK_CHUNK_MS = 5;
/** Silence goes out in half chunks, so the next answer's first sample waits behind half the queue (see OutputPacer). */
const IDLE_PLAYBACK_CHUNK_MS = 2.5;
const PLAYBACK_CHUNKS_IN_FLIGHT = 1;
const NATIVE_QUEUE_CHUNKS = 3;
/** The sound server's own output latency past naudiodon's queue (~10 ms measured on PulseAudio). */
const SOUND_SERVER_OUTPUT_LATENCY_MS = 10;
/** Audio past the jitter buffer when it is pulled: our chunks, naudiodon's queue, the sound server. */
const DEVICE_SIDE_LATENCY_MS = (PLAYBACK_CHUNKS_IN_FLIGHT + NATIVE_QUEUE_CHUNKS) * PLAYBACK_CHUNK_MS + SOUND_SERVER_OUTPUT_LATENCY_MS;
/**
 * The sound server's input latency before a chunk reaches PortAudio. naudiodon 2.3.6 reports
 * nothing usable: getDevices() truncates PortAudio's latencies (seconds, as doubles) to whole
 * numbers (0), the stream's inputLatency is kept in native code only, and chunk timestamps are
 * whole seconds. So this is the output side's measured PulseAudio figure. The hint is only a
 * starting point: AEC3 searches the delay itself (it found a 250 ms echo with a 60 ms hint on the
 * synthetic room), and on PulseAudio here the real path from hand-over to capture measured
 * 70-200 ms beyond the room's own delay, varying from one stream opening to the next.
 */
const SOUND_SERVER_INPUT_LATENCY_MS = 10;
/** From a sample reaching the microphone to its frame reaching the canceller: a chunk's wait plus the server's buffer. */
const INPUT_SIDE_LATENCY_MS = CAPTURE_CHUNK_MS + SOUND_SERVER_INPUT_LATENCY_MS;
/** Nice value for the audio process (lower is more urgent). */
const AUDIO_PROCESS_PRIORITY = -11;
const STATUS_INTERVAL_MS = 50;
const MAX_QUEUED_SPEECH_MS = 60_000;

let input: { stream: CaptureStream; device: OpenedDevice } | undefined;
let output:
  | { stream: PlaybackStream; device: OpenedDevice; buffer: PlaybackBuffer; pacer: OutputPacer; statusTimer: NodeJS.Timeout; latencyMs: number }
  | undefined;

/**
 * The echo canceller between the microphone and the parent: it lives while an input is open, and
 * its reference is what the output pump hands to the device. A failure at run time is reported
 * and leaves frames unprocessed (the parent's echo gate takes over); it never stops the host.
 */
const echo = new EchoStage({ onProtectionChange: (protection) => send({ type: 'echo-protection', protection }) });

/** Reference handed over → its echo in a captured frame: what is queued past the hand-over, plus the input side. */
function echoDelayHintMs(): number {
  return (output?.latencyMs ?? DEVICE_SIDE_LATENCY_MS) + INPUT_SIDE_LATENCY_MS;
}

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

/** A conditioned 10 ms frame: echo removed in place, then sent (the copy is what travels). */
function sendCaptured(frame: Int16Array, capturedAtMs: number, rawRmsDbfs: number): void {
  echo.processCapture(frame);
  // PCM16 in the host's byte order, little-endian on every platform Parley ships for.
  const pcm = new Uint8Array(frame.byteLength);
  pcm.set(new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength));
  send({ type: 'captured', pcm, capturedAtMs, rawRmsDbfs });
}

async function openInput(deviceName: string | undefined, settings: EchoCancellationSettings): Promise<OpenedInput> {
  await closeInput();
  const { id, info, fellBack } = resolve('input', deviceName);
  const sampleRate = info?.defaultSampleRate ?? 48_000;
  const channels = preferredChannels(info?.maxInputChannels ?? 1);
  const chunkBytes = Math.round((sampleRate * CAPTURE_CHUNK_MS) / 1000) * channels * 2;
  const device: OpenedDevice = { name: info?.name ?? 'default', sampleRate, channels, fellBack };
  const conditioner = new CaptureConditioner({ sampleRate, channels }, sendCaptured);
  // Only the current input speaks: a stream being closed (or failing to) never adds a copy.
  const token = {};
  let current = token;
  const stream = await openCapture(
    { deviceId: id, sampleRate, channels, chunkBytes },
    (pcm) => {
      if (input === current) conditioner.push(pcm, Date.now());
    },
    (message) => {
      if (input === current) send({ type: 'stream-error', kind: 'input', message });
    },
  );
  const opened = { stream, device };
  current = opened;
  input = opened;
  const echoProtection = echo.open(settings, echoDelayHintMs());
  return { ...device, echoProtection };
}

/** New canceller settings for the open microphone, without reopening its stream. */
function setEchoCancellation(settings: EchoCancellationSettings): EchoProtection | null {
  if (!input) return null;
  return echo.open(settings, echoDelayHintMs());
}

async function closeInput(): Promise<void> {
  const current = input;
  input = undefined;
  echo.close();
  if (current) await current.stream.close();
}

async function openOutput(deviceName: string | undefined): Promise<OpenedDevice> {
  await closeOutput();
  const { id, info, fellBack } = resolve('output', deviceName);
  const sampleRate = info?.defaultSampleRate ?? 48_000;
  const channels = preferredChannels(info?.maxOutputChannels ?? 2);
  const pacer = new OutputPacer({
    sampleRate,
    chunkMs: PLAYBACK_CHUNK_MS,
    idleChunkMs: IDLE_PLAYBACK_CHUNK_MS,
    chunksAhead: PLAYBACK_CHUNKS_IN_FLIGHT + NATIVE_QUEUE_CHUNKS,
  });
  const chunkFrames = pacer.chunkFrames;
  const stream = await openPlayback({ deviceId: id, sampleRate, channels, chunkBytes: chunkFrames * channels * 2 }, NATIVE_QUEUE_CHUNKS);
  // The server sends speech faster than real time: a minute of queue keeps a long answer whole.
  const buffer = new PlaybackBuffer({ deviceSampleRate: sampleRate, deviceChannels: channels, maxBufferedMs: MAX_QUEUED_SPEECH_MS });
  const device: OpenedDevice = { name: info?.name ?? 'default', sampleRate, channels, fellBack };
  const statusTimer = setInterval(() => sendPlaybackStatus(buffer), STATUS_INTERVAL_MS);
  const chunkMs = (chunkFrames * 1000) / sampleRate;
  const latencyMs = (PLAYBACK_CHUNKS_IN_FLIGHT + NATIVE_QUEUE_CHUNKS) * chunkMs + SOUND_SERVER_OUTPUT_LATENCY_MS;
  const current = { stream, device, buffer, pacer, statusTimer, latencyMs };
  output = current;
  echo.setDelayHintMs(echoDelayHintMs());
  const reference = new EchoReferenceFeed({ sampleRate, channels }, echo);
  // The device pulls: each accepted chunk asks the buffer for the next one (silence included),
  // keeping PLAYBACK_CHUNKS_IN_FLIGHT chunks between the buffer and the speaker. The pump stops
  // as soon as this output is no longer current.
  const scratch = new Int16Array(chunkFrames * channels);
  const pump = (): void => {
    if (output !== current) return;
    const frames = pacer.framesFor(buffer.isPlaying());
    buffer.pull(scratch, frames);
    const handedAtMs = performance.now();
    /** Our own queue ahead of this chunk: the chunks in flight and naudiodon's. */
    const aheadMs = pacer.handedOver(frames);
    // The canceller's reference is the audio as handed over, stamped with when it reaches the
    // sound server: the queue's depth changes with the chunk length, and a timeline stamped at
    // the hand-over would read a shrinking queue as an underrun (and fill silence that never played).
    reference.push(scratch, frames, handedAtMs + aheadMs);
    const started = buffer.lastPullItemStart;
    if (started) reportPlaybackStart(started, handedAtMs + (started.frameOffset * 1000) / sampleRate + aheadMs);
    const bytes = frames * channels * 2;
    const chunk = Buffer.allocUnsafe(bytes);
    chunk.set(new Uint8Array(scratch.buffer, scratch.byteOffset, bytes));
    stream.write(chunk).then(pump, (error: unknown) => {
      if (output === current) send({ type: 'stream-error', kind: 'output', message: error instanceof Error ? error.message : String(error) });
    });
  };
  for (let index = 0; index < PLAYBACK_CHUNKS_IN_FLIGHT; index++) pump();
  return device;
}

/**
 * An item's first sample reaches the sound server at `handedAtMs` (this process's performance
 * clock: pulled from the jitter buffer, then through our own chunk queue, which is Parley's time);
 * the parent gets it on the shared epoch clock, with when it is heard past the sound server.
 * Estimates from the queue's size and the server's measured latency: naudiodon reports no
 * playback timestamps.
 */
function reportPlaybackStart(started: { readonly itemId: string | undefined }, handedAtMs: number): void {
  const handedAt = performance.timeOrigin + handedAtMs;
  send({ type: 'playback-started', start: { itemId: started.itemId, handedAt, heardAt: handedAt + SOUND_SERVER_OUTPUT_LATENCY_MS } });
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
      echo.close();
      process.exit(0);
      return;
    default:
      break;
  }
  const { requestId } = request;
  try {
    let value: unknown;
    if (request.type === 'list-devices') value = await inTurn(listDevices);
    else if (request.type === 'open-input') value = await inTurn(() => openInput(request.deviceName, request.echoCancellation));
    else if (request.type === 'close-input') value = await inTurn(closeInput);
    else if (request.type === 'set-echo-cancellation') value = await inTurn(() => setEchoCancellation(request.echoCancellation));
    else if (request.type === 'open-output') value = await inTurn(() => openOutput(request.deviceName));
    else if (request.type === 'interrupt') value = output?.buffer.interrupt(output.pacer.aheadMs + SOUND_SERVER_OUTPUT_LATENCY_MS);
    else value = await inTurn(() => closeOutput(request.drain === true));
    send({ type: 'reply', requestId, ok: true, value: value ?? null });
  } catch (error) {
    send({ type: 'reply', requestId, ok: false, message: error instanceof Error ? error.message : String(error) });
  }
}

// Feeding the device is time-critical: ask for a higher scheduling priority for every thread
// (allowed for root or with CAP_SYS_NICE; elsewhere the default priority stays, and only load
// makes underruns). The parent keeps the tail of this process's stderr for its crash reports.
const priority = setProcessPriority(AUDIO_PROCESS_PRIORITY);
if (priority.refused !== undefined) process.stderr.write(`audio process: priority ${AUDIO_PROCESS_PRIORITY} not permitted (${priority.refused}); running at the default\n`);
else if (priority.missed > 0) process.stderr.write(`audio process: priority ${AUDIO_PROCESS_PRIORITY} set on ${priority.raised} threads, not on ${priority.missed}\n`);

process.on('message', (request: HostRequest) => {
  void handle(request);
});
// The parent went away: nothing to play for; leave without waiting on the streams.
process.on('disconnect', () => {
  echo.close();
  process.exit(0);
});
send({ type: 'ready', pid: process.pid });
