/**
 * Local latency of the live audio paths on real-time PulseAudio devices (a private PulseAudio
 * with null sinks, test/support/pulse-audio.ts): Parley's NativeAudioEngine (audio host child
 * process, naudiodon/PortAudio, ALSA `default` → PulseAudio) on the default devices, with every
 * time on this process's performance.now() clock.
 *
 *  a. microphone frame → its bytes on the wire. A VoiceSession (dialect v1, agent none, ws
 *     transport) against the loopback mock realtime server, fed by engine.microphone through the
 *     hands-free TalkModeController, as the headless command wires it. For every frame:
 *     the mock's arrival time of its input_audio_buffer.append minus the frame's capturedAtMs
 *     (the capture pipeline's stamp of the frame's FIRST sample, derived from the host child's
 *     Date.now() at chunk arrival), converted to performance.now(); "frame complete" adds 20 ms
 *     (the frame's last sample). Independently, 60 ms tone probes played into the fake microphone
 *     (pacat → micsink) are found on micsink.monitor by a parec listener and in the appended audio:
 *     that measures from the frame's last sample being AT THE SOURCE, including the device path
 *     (PulseAudio → ALSA plugin → PortAudio → naudiodon) that capturedAtMs cannot see.
 *  b. assistant delta → first sample at the device. With the speaker open and pumping silence,
 *     speaker.write() of one delta (a 1 kHz tone burst) at T; the onset is found on spk.monitor
 *     (what the null sink rendered). The same with a reference player (`pacat --latency-msec=5`
 *     on a pipe, written at T) calibrates the measuring path.
 *  c. barge-in → silence. While a long tone plays, speaker.interrupt() at T; silence = the first
 *     sample after which spk.monitor stays below the threshold for 20 ms.
 *
 * Bursts and barge-ins are spaced with a random 0–20 ms jitter so they do not lock to the 10 ms
 * device cycle.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { AssistantAudioFrame } from '../../src-main/core/audio/audio-io';
import type { CapturedFrame } from '../../src-main/core/audio/capture-pipeline';
import { TalkModeController, type TalkTarget } from '../../src-main/core/audio/talk-mode';
import type { RealtimeSessionConfig } from '../../src-main/core/protocol/session-config';
import { VoiceSession } from '../../src-main/core/session/voice-session';
import { createNoneBackend } from '../../src-main/adapters/agent/none-backend';
import type { OpenedDevice } from '../../src-main/adapters/audio/native/audio-host-protocol';
import { NativeAudioEngine } from '../../src-main/adapters/audio/native/native-audio-engine';
import { connectWebSocket } from '../../src-main/adapters/transport/ws-transport';
import { startMockRealtimeServer } from '../../test/support/mock-realtime-server';
import { pulseAudioUnavailableReason, startPulseAudio } from '../../test/support/pulse-audio';
import { PulseMonitor } from '../../test/support/pulse-monitor';
import { distribution, sleep, type Distribution } from '../../test/support/stats';
import { stopChild } from '../../test/support/stop-child';

export interface LiveOptions {
  /** Seconds of microphone frames measured in (a), after a 1 s warm-up. */
  readonly wireSeconds: number;
  /** Tone bursts in (b), for the engine and again for the reference player. */
  readonly bursts: number;
  /** Extra (b) bursts with a single 20 ms delta (below the jitter buffer's start threshold). */
  readonly shortBursts: number;
  readonly bargeIns: number;
  readonly log: (text: string) => void;
}

export interface MonitorReport {
  readonly device: string;
  readonly sampleRate: number;
  readonly medianChunkMs: number;
  /** Chunk arrival minus its envelope time: how late the measuring path delivered, ms. */
  readonly deliveryResidualMs: Distribution;
}

export interface WireResult {
  readonly framesSent: number;
  readonly framesMeasured: number;
  /** Frames whose on-wire audio differed from what was sent (should be 0). */
  readonly contentMismatches: number;
  /** Mock arrival − capturedAtMs (the frame's first sample), ms. */
  readonly fromFirstSampleMs: Distribution;
  /** Mock arrival − (capturedAtMs + 20 ms): from the frame's last sample, ms. */
  readonly fromFrameCompleteMs: Distribution;
  /** Date.now() − performance.now() before and after the run (the clock conversion), ms. */
  readonly clockOffsetMs: readonly [number, number];
  readonly probes: {
    readonly played: number;
    readonly heardAtSource: number;
    readonly matched: number;
    /** Mock arrival of the frame holding the probe's onset − the onset at micsink.monitor, ms. */
    readonly onsetToWireMs: Distribution;
    /** The same from the last sample of that frame at the source, ms. */
    readonly frameCompleteAtSourceToWireMs: Distribution;
    /** For the same frames: capturedAtMs + 20 ms minus that frame's last sample at the source (how late the pipeline's stamp is), ms. */
    readonly stampLagMs: Distribution;
  };
}

export interface BurstResult {
  readonly label: string;
  readonly attempted: number;
  readonly detected: number;
  /** Envelope time of the onset − T, ms (the reported latency). */
  readonly latencyMs: Distribution;
  /** Arrival of the parec chunk holding the onset − T, ms (upper bound, includes parec's chunking). */
  readonly arrivalLatencyMs: Distribution;
  /** Per detected burst: envelope latency, ms. */
  readonly samplesMs: readonly number[];
}

export interface BargeInTrial {
  /** Tone rendered before interrupt() was called: T − onset, ms. */
  readonly heardAtCallMs: number;
  /** Tone rendered in all, onset → silence, ms. */
  readonly heardUntilSilenceMs: number;
  /** interrupt() → silence, ms. */
  readonly silenceMs: number;
  /** What the engine reported as played (the truncation point it would send), ms. */
  readonly reportedPlayedMs: number | undefined;
}

export interface BargeInResult {
  readonly attempted: number;
  readonly detected: number;
  /** Envelope time of the first sample of sustained silence − T, ms. */
  readonly silenceMs: Distribution;
  readonly arrivalSilenceMs: Distribution;
  /** interrupt() → its reply from the audio host, ms. */
  readonly replyMs: Distribution;
  /** Reported playedMs − tone rendered when interrupt() was called (onset → T), ms. */
  readonly reportedMinusHeardAtCallMs: Distribution;
  /** Reported playedMs − tone rendered in all (onset → silence; the audio already handed to the device still plays), ms. */
  readonly reportedMinusHeardUntilSilenceMs: Distribution;
  readonly trials: readonly BargeInTrial[];
}

export interface LiveResult {
  readonly input: OpenedDevice;
  readonly output: OpenedDevice;
  readonly wire: WireResult;
  readonly delta: BurstResult;
  readonly shortDelta: BurstResult;
  readonly reference: BurstResult;
  /** Engine delta latency median − reference median, ms. */
  readonly deltaOverReferenceMs: number;
  readonly bargeIn: BargeInResult;
  readonly speakerMonitor: MonitorReport;
  readonly micMonitor: MonitorReport;
  /** The engine's playback status after the bursts (underruns count drained responses, see README). */
  readonly playbackUnderrunsAfterBursts: number;
  readonly notices: readonly string[];
  readonly wallMs: number;
}

const TONE_HZ = 1000;
const TONE_AMPLITUDE = 0.5;
/** Onset / silence threshold on the monitors: -40 dBFS (the tone is -6 dBFS peak). */
const LOUD_THRESHOLD = Math.round(32768 * 0.01);
/** Probe onsets in the (resampled twice) wire audio and at the source: -20 dBFS. */
const PROBE_THRESHOLD = Math.round(32768 * 0.1);
const SILENCE_HOLD_MS = 20;
const MONITOR_LATENCY_MS = 5;
const SPEAKER_MONITOR_RATE = 48_000;
const MIC_MONITOR_RATE = 24_000;
const FRAME_MS = 20;
const FRAME_SAMPLES = 480;
const DETECT_TIMEOUT_MS = 1_500;

/** `ms` of a 1 kHz sine (from phase 0) then `silenceMs` of silence, PCM16LE mono. */
function toneBurst(sampleRate: number, ms: number, silenceMs = 0): Buffer {
  const toneSamples = Math.round((sampleRate * ms) / 1000);
  const buffer = Buffer.alloc((toneSamples + Math.round((sampleRate * silenceMs) / 1000)) * 2);
  for (let index = 0; index < toneSamples; index++) {
    buffer.writeInt16LE(Math.round(32767 * TONE_AMPLITUDE * Math.sin((2 * Math.PI * TONE_HZ * index) / sampleRate)), index * 2);
  }
  return buffer;
}

function jitter(): Promise<void> {
  return sleep(Math.random() * 20);
}

/** Date.now() − performance.now(): the max over a 3 ms busy loop removes Date.now()'s whole-ms flooring. */
function dateMinusPerformanceMs(): number {
  let best = -Infinity;
  const end = performance.now() + 3;
  while (performance.now() < end) {
    const difference = Date.now() - performance.now();
    if (difference > best) best = difference;
  }
  return best;
}

/** Indices where |x| reaches threshold after at least `quiet` samples below it. */
function onsets(samples: Int16Array, threshold: number, quiet: number): number[] {
  const found: number[] = [];
  let quietRun = quiet;
  for (let index = 0; index < samples.length; index++) {
    const value = samples[index]!;
    if (value >= threshold || value <= -threshold) {
      if (quietRun >= quiet) found.push(index);
      quietRun = 0;
    } else {
      quietRun++;
    }
  }
  return found;
}

function monitorReport(monitor: PulseMonitor): MonitorReport {
  return { device: monitor.device, sampleRate: monitor.sampleRate, medianChunkMs: monitor.medianChunkMs(), deliveryResidualMs: monitor.deliveryResidualMs() };
}

/** A long-running `pacat` playing raw mono PCM16 from its stdin (the probe and reference player). */
class PipePlayer {
  private readonly child: ChildProcessByStdio<Writable, null, Readable>;
  private exited = false;

  constructor(device: string, sampleRate: number) {
    this.child = spawn(
      'pacat',
      ['--playback', `--device=${device}`, `--latency-msec=${MONITOR_LATENCY_MS}`, '--raw', '--format=s16le', `--rate=${sampleRate}`, '--channels=1'],
      { env: process.env, stdio: ['pipe', 'ignore', 'pipe'] },
    );
    this.child.stderr.resume();
    this.child.stdin.on('error', () => {});
    this.child.on('exit', () => (this.exited = true));
  }

  write(pcm: Buffer): void {
    if (!this.exited) this.child.stdin.write(pcm);
  }

  close(): Promise<void> {
    return this.exited ? Promise.resolve() : stopChild(this.child);
  }
}

function benchSessionConfig(realtimeUrl: string): RealtimeSessionConfig {
  return {
    dialect: 'v1',
    realtimeUrl,
    model: 'bench-model',
    voice: undefined,
    instructions: 'audio latency benchmark',
    transcriptionModel: 'gpt-4o-mini-transcribe',
    turnDetection: 'server_vad',
    sessionId: undefined,
  };
}

/** (a): microphone → talk mode → VoiceSession → ws → mock server, with tone probes into the fake microphone. */
async function measureWire(engine: NativeAudioEngine, micMonitor: PulseMonitor, options: LiveOptions): Promise<WireResult> {
  const mock = await startMockRealtimeServer([{ batches: [] }]);
  const session = new VoiceSession({ transport: connectWebSocket, agent: createNoneBackend(), sink: engine.speaker, connectTimeoutMs: 5_000 });
  const probePlayer = new PipePlayer('micsink', MIC_MONITOR_RATE);
  try {
    const live = await session.start({ config: benchSessionConfig(mock.url), apiKey: 'sk-bench-not-a-real-key' });
    if (!live) throw new Error('the VoiceSession did not go live against the mock server');
    await mock.waitForFrames(0, 1);

    let current: CapturedFrame | undefined;
    const sent: { capturedAtMs: number; pcm: Buffer }[] = [];
    const target: TalkTarget = {
      sendAudio: (pcm) => {
        const accepted = session.sendAudio(pcm);
        if (accepted && current) sent.push({ capturedAtMs: current.capturedAtMs, pcm });
        return accepted;
      },
      commitAudio: () => session.commitAudio(),
      interruptPlayback: () => session.interruptPlayback(),
      clearInputBuffer: () => void session.clearInputBuffer(),
    };
    const talk = new TalkModeController(target, { mode: 'hands-free' });
    let firstFrameAt: number | undefined;
    let micError: Error | undefined;
    const offsetBefore = dateMinusPerformanceMs();
    engine.microphone.start(
      (frame) => {
        firstFrameAt ??= performance.now();
        current = frame;
        talk.onMicrophoneFrame(frame, frame, engine.playbackLevelDbfs, Date.now());
        current = undefined;
      },
      (error) => (micError = error ?? new Error('the microphone ended')),
    );
    const deadline = performance.now() + 8_000;
    while (firstFrameAt === undefined && !micError && performance.now() < deadline) await sleep(20);
    if (micError) throw micError;
    if (firstFrameAt === undefined) throw new Error('no microphone frame within 8 s');
    const warmupFrames = sent.length + 50; // the first second after the first frame is not measured
    await sleep(1_000);

    let played = 0;
    const probe = toneBurst(MIC_MONITOR_RATE, 60);
    const endAt = performance.now() + options.wireSeconds * 1000;
    while (performance.now() < endAt - 400) {
      probePlayer.write(probe);
      played++;
      await sleep(380);
      await jitter();
    }
    while (performance.now() < endAt) await sleep(20);
    await engine.microphone.stop();
    const offsetAfter = dateMinusPerformanceMs();
    await sleep(300);
    if (micError) throw micError;

    const connection = mock.connections[0]!;
    const appendTimes: number[] = [];
    const appendAudio: Buffer[] = [];
    connection.frames.forEach((frame, index) => {
      const candidate = frame as { type?: unknown; audio?: unknown };
      if (candidate.type === 'input_audio_buffer.append' && typeof candidate.audio === 'string') {
        appendTimes.push(connection.frameTimes[index]!);
        appendAudio.push(Buffer.from(candidate.audio, 'base64'));
      }
    });
    if (appendAudio.length !== sent.length) {
      throw new Error(`the mock received ${appendAudio.length} appends for ${sent.length} frames sent`);
    }
    const offset = (offsetBefore + offsetAfter) / 2;
    let contentMismatches = 0;
    const fromFirst: number[] = [];
    const firstSampleAtPerf = sent.map((frame) => frame.capturedAtMs - offset);
    for (let index = 0; index < sent.length; index++) {
      if (!appendAudio[index]!.equals(sent[index]!.pcm)) contentMismatches++;
      if (index >= warmupFrames) fromFirst.push(appendTimes[index]! - firstSampleAtPerf[index]!);
    }

    // Probes: onset at the source (micsink.monitor) vs the frame that carried it on the wire.
    const wire = new Int16Array(appendAudio.length * FRAME_SAMPLES);
    appendAudio.forEach((pcm, frame) => {
      for (let sample = 0; sample < FRAME_SAMPLES; sample++) wire[frame * FRAME_SAMPLES + sample] = pcm.readInt16LE(sample * 2);
    });
    const quiet = (MIC_MONITOR_RATE * 100) / 1000;
    const sourceOnsets = onsets(micMonitorSamples(micMonitor), PROBE_THRESHOLD, quiet).map((index) => micMonitor.timeOfSample(index));
    const onsetToWire: number[] = [];
    const completeToWire: number[] = [];
    const stampLag: number[] = [];
    for (const index of onsets(wire, PROBE_THRESHOLD, quiet)) {
      const frame = Math.floor(index / FRAME_SAMPLES);
      if (frame < warmupFrames) continue;
      const arrived = appendTimes[frame]!;
      const source = sourceOnsets.filter((time) => time <= arrived && arrived - time < 300).at(-1);
      if (source === undefined) continue;
      const frameEndAtSource = source + (((frame + 1) * FRAME_SAMPLES - index) / MIC_MONITOR_RATE) * 1000;
      onsetToWire.push(arrived - source);
      completeToWire.push(arrived - frameEndAtSource);
      stampLag.push(firstSampleAtPerf[frame]! + FRAME_MS - frameEndAtSource);
    }
    return {
      framesSent: sent.length,
      framesMeasured: fromFirst.length,
      contentMismatches,
      fromFirstSampleMs: distribution(fromFirst),
      fromFrameCompleteMs: distribution(fromFirst.map((value) => value - FRAME_MS)),
      clockOffsetMs: [offsetBefore, offsetAfter],
      probes: {
        played,
        heardAtSource: sourceOnsets.length,
        matched: onsetToWire.length,
        onsetToWireMs: distribution(onsetToWire),
        frameCompleteAtSourceToWireMs: distribution(completeToWire),
        stampLagMs: distribution(stampLag),
      },
    };
  } finally {
    await session.stop();
    await probePlayer.close();
    await mock.close();
  }
}

function micMonitorSamples(monitor: PulseMonitor): Int16Array {
  const out = new Int16Array(monitor.sampleCount);
  for (let index = 0; index < out.length; index++) out[index] = monitor.sample(index);
  return out;
}

/** Waits for the speaker monitor to have been quiet for `ms` up to now. */
async function waitQuiet(monitor: PulseMonitor, ms: number): Promise<void> {
  const hold = (monitor.sampleRate * ms) / 1000;
  const quiet = await monitor.until(() => {
    const from = monitor.sampleCount - hold;
    return from > 0 && monitor.findLoud(from, LOUD_THRESHOLD) === -1 ? true : undefined;
  }, 3_000);
  if (!quiet) throw new Error(`${monitor.device} did not fall quiet for ${ms} ms`);
}

/** (b): `play` at T, onset on the speaker monitor; `bursts` times. */
async function measureBursts(label: string, monitor: PulseMonitor, bursts: number, play: (burst: number) => void): Promise<BurstResult> {
  const latency: number[] = [];
  const arrival: number[] = [];
  for (let burst = 0; burst < bursts; burst++) {
    await waitQuiet(monitor, 100);
    await jitter();
    const start = performance.now();
    const searchFrom = monitor.sampleAtTime(start - 5);
    play(burst);
    const onset = await monitor.until(() => {
      const index = monitor.findLoud(searchFrom, LOUD_THRESHOLD);
      return index === -1 ? undefined : index;
    }, DETECT_TIMEOUT_MS);
    if (onset === undefined) continue;
    latency.push(monitor.timeOfSample(onset) - start);
    arrival.push(monitor.arrivalOfSample(onset) - start);
  }
  return {
    label,
    attempted: bursts,
    detected: latency.length,
    latencyMs: distribution(latency),
    arrivalLatencyMs: distribution(arrival),
    samplesMs: latency.map((value) => Math.round(value * 100) / 100),
  };
}

/** (c): a long tone, interrupt() 300–320 ms after it became audible, silence on the monitor. */
async function measureBargeIn(engine: NativeAudioEngine, monitor: PulseMonitor, trials: number): Promise<BargeInResult> {
  const silence: number[] = [];
  const arrival: number[] = [];
  const reply: number[] = [];
  const minusAtCall: number[] = [];
  const minusUntilSilence: number[] = [];
  const details: BargeInTrial[] = [];
  const tone = toneBurst(24_000, 2_000);
  const hold = (monitor.sampleRate * SILENCE_HOLD_MS) / 1000;
  for (let trial = 0; trial < trials; trial++) {
    await waitQuiet(monitor, 100);
    await jitter();
    const itemId = `bench_barge_${trial}`;
    const searchFrom = monitor.sampleAtTime(performance.now() - 5);
    // The server sends faster than real time: the whole answer arrives as 20 ms deltas at once.
    for (let offset = 0; offset < tone.length; offset += 960) {
      engine.speaker.write({ pcm: tone.subarray(offset, offset + 960), sampleRate: 24_000, channels: 1, itemId });
    }
    const onset = await monitor.until(() => {
      const index = monitor.findLoud(searchFrom, LOUD_THRESHOLD);
      return index === -1 ? undefined : index;
    }, DETECT_TIMEOUT_MS);
    if (onset === undefined) continue;
    const onsetAt = monitor.timeOfSample(onset);
    while (performance.now() < onsetAt + 300) await sleep(2);
    await jitter();
    const start = performance.now();
    const silenceFrom = monitor.sampleAtTime(start - 5);
    const answer = engine.speaker.interrupt();
    let repliedAt = NaN;
    let playedMs: number | undefined;
    void Promise.resolve(answer).then(
      (interruption) => {
        repliedAt = performance.now();
        playedMs = interruption?.playedMs;
      },
      () => {},
    );
    const quietAt = await monitor.until(() => {
      const index = monitor.findQuietFrom(silenceFrom, LOUD_THRESHOLD, hold);
      return index === -1 ? undefined : index;
    }, DETECT_TIMEOUT_MS);
    if (quietAt === undefined) continue;
    // The tone must still have been playing when interrupt() was called, or the trial proves nothing.
    if (quietAt <= monitor.sampleAtTime(start) - hold) continue;
    const silenceMs = monitor.timeOfSample(quietAt) - start;
    const heardUntilSilenceMs = ((quietAt - onset) / monitor.sampleRate) * 1000;
    silence.push(silenceMs);
    arrival.push(monitor.arrivalOfSample(quietAt) - start);
    await sleep(50);
    if (Number.isFinite(repliedAt)) reply.push(repliedAt - start);
    if (playedMs !== undefined) {
      minusAtCall.push(playedMs - (start - onsetAt));
      minusUntilSilence.push(playedMs - heardUntilSilenceMs);
    }
    const round = (value: number) => Math.round(value * 100) / 100;
    details.push({ heardAtCallMs: round(start - onsetAt), heardUntilSilenceMs: round(heardUntilSilenceMs), silenceMs: round(silenceMs), reportedPlayedMs: playedMs });
  }
  return {
    attempted: trials,
    detected: silence.length,
    silenceMs: distribution(silence),
    arrivalSilenceMs: distribution(arrival),
    replyMs: distribution(reply),
    reportedMinusHeardAtCallMs: distribution(minusAtCall),
    reportedMinusHeardUntilSilenceMs: distribution(minusUntilSilence),
    trials: details,
  };
}

export function liveUnavailableReason(): string | undefined {
  return pulseAudioUnavailableReason();
}

export async function measureLive(options: LiveOptions): Promise<LiveResult> {
  const started = performance.now();
  const pulse = startPulseAudio();
  const notices: string[] = [];
  const engine = new NativeAudioEngine({ onNotice: (notice) => notices.push(`${notice.kind}: ${notice.message}`) });
  // Generous: every burst takes well under a second, every barge-in under two (48 kHz × 2 B = 96 kB/s).
  const maxSeconds = 60 + options.wireSeconds + options.bursts * 2 + options.shortBursts + options.bargeIns * 2;
  const speakerMonitor = new PulseMonitor({ device: 'spk.monitor', sampleRate: SPEAKER_MONITOR_RATE, latencyMs: MONITOR_LATENCY_MS, maxSeconds });
  const micMonitor = new PulseMonitor({ device: 'micsink.monitor', sampleRate: MIC_MONITOR_RATE, latencyMs: MONITOR_LATENCY_MS, maxSeconds });
  let reference: PipePlayer | undefined;
  // Ctrl-C must not leave the daemonized PulseAudio behind (the parec/pacat children and the audio
  // host leave on their own when their pipes or IPC channel close).
  const onSignal = (): void => {
    pulse.close();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    options.log('live: starting PulseAudio null sinks, the audio host process and the monitors');
    await engine.start();
    const output = await engine.prepareSpeaker();
    // The engine does not expose the opened microphone; the host opens the default device at its listed rate and ≤ 2 channels.
    const listed = (await engine.listDevices()).inputs.find((device) => device.name === 'default');
    const input: OpenedDevice = {
      name: 'default',
      sampleRate: listed?.defaultSampleRate ?? NaN,
      channels: Math.max(1, Math.min(2, listed?.maxInputChannels ?? 1)),
      fellBack: false,
    };
    await Promise.all([speakerMonitor.waitForSamples(SPEAKER_MONITOR_RATE, 10_000), micMonitor.waitForSamples(MIC_MONITOR_RATE, 10_000)]);

    options.log(`live: (a) microphone → wire for ${options.wireSeconds} s (VoiceSession v1 + mock server, tone probes into the microphone)`);
    const wire = await measureWire(engine, micMonitor, options);

    options.log(`live: (b) delta → device, ${options.bursts} × 100 ms tone in one delta`);
    const burst = toneBurst(24_000, 100, 10);
    const write = (frame: AssistantAudioFrame) => engine.speaker.write(frame);
    const delta = await measureBursts('engine, 100 ms delta', speakerMonitor, options.bursts, (index) =>
      write({ pcm: burst, sampleRate: 24_000, channels: 1, itemId: `bench_delta_${index}` }),
    );
    const shortBurst = toneBurst(24_000, 20);
    const shortDelta = await measureBursts('engine, lone 20 ms delta', speakerMonitor, options.shortBursts, (index) =>
      write({ pcm: shortBurst, sampleRate: 24_000, channels: 1, itemId: `bench_short_${index}` }),
    );
    const playbackUnderrunsAfterBursts = engine.playbackStatus.underruns;

    options.log(`live: (c) barge-in → silence, ${options.bargeIns} trials`);
    const bargeIn = await measureBargeIn(engine, speakerMonitor, options.bargeIns);

    options.log(`live: (b) reference player (pacat --latency-msec=${MONITOR_LATENCY_MS}), ${options.bursts} bursts`);
    reference = new PipePlayer('spk', SPEAKER_MONITOR_RATE);
    const referenceBurst = toneBurst(SPEAKER_MONITOR_RATE, 100, 10);
    await sleep(300);
    const referenceResult = await measureBursts(`reference pacat (${MONITOR_LATENCY_MS} ms buffer)`, speakerMonitor, options.bursts, () => reference!.write(referenceBurst));

    return {
      input,
      output,
      wire,
      delta,
      shortDelta,
      reference: referenceResult,
      deltaOverReferenceMs: delta.latencyMs.median - referenceResult.latencyMs.median,
      bargeIn,
      speakerMonitor: monitorReport(speakerMonitor),
      micMonitor: monitorReport(micMonitor),
      playbackUnderrunsAfterBursts,
      notices,
      wallMs: performance.now() - started,
    };
  } finally {
    await reference?.close();
    await engine.shutdown().catch(() => {});
    await Promise.all([speakerMonitor.close(), micMonitor.close()]);
    pulse.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
