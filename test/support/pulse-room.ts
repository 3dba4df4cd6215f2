/**
 * A simulated room on a private PulseAudio server, for echo-cancellation tests:
 *
 *   app ──▶ spk (null sink, 48 kHz stereo, the default speaker)
 *            └─ spk.monitor ──module-loopback (echoDelayMs, echoAttenuationDb)──▶ room (null sink, 48 kHz stereo)
 *   person (paplay) ──────────────────────────────────────────────────────────▶ room
 *                                                                               └─ room.monitor = the default microphone
 *
 * PulseAudio does not promise the loopback's latency (it adds its own buffers) and a volume
 * command can be refused, so the room is MEASURED when it starts: bursts of noise are played on
 * the speaker and found in the microphone by cross-correlation (both monitors are on this
 * process's clock, see pulse-monitor.ts). Tests assert the measured room is the one asked for
 * before they judge anything heard in it.
 *
 * The test process's XDG_RUNTIME_DIR points at the server, so the audio host process uses it too.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWavPcm16 } from '../../src-main/core/audio/wav';
import { PulseMonitor } from './pulse-monitor';
import { seededNoise } from './seeded-noise';

export const ROOM_SAMPLE_RATE_HZ = 24_000;
/** The room sink has the speaker sink's format: the loopback copies without resampling. */
const ROOM_SINK_RATE_HZ = 48_000;
const ROOM_SINK_CHANNELS = 2;
const BURST_MS = 300;
const BURST_RMS_DBFS = -18;
const BURSTS = 3;
const BURST_GAP_MS = 300;
/** The loopback resamples and settles its rate for a moment after it loads. */
const LOOPBACK_SETTLE_MS = 1_000;
const MONITOR_CHUNK_MS = 10;
const MAX_MEASURED_DELAY_MS = 700;
const DAEMON_EXIT_WAIT_MS = 3_000;
const LOOPBACK_STEER_S = 10;

export interface PulseRoomOptions {
  /** How long after leaving the speaker the echo reaches the microphone, ms (module-loopback latency_msec). */
  readonly echoDelayMs: number;
  /** How much quieter the echo is than the speaker, dB (positive: 10 means 10 dB down). */
  readonly echoAttenuationDb: number;
  /**
   * Let PulseAudio steer the loopback's resampling rate to hold the delay (module-loopback's
   * adjust_time, 10 s). Off (the default) the echo path is an exact delayed copy (correlation
   * 1.00) that drifts about 1 ms a minute (measured; with a 24 kHz mono room sink it drifted 5 ms
   * a minute). On, the delay holds but the path varies (correlation 0.6-0.98), which costs the
   * canceller more than the drift does (the same canceller in lockstep: 23-29 dB a minute).
   */
  readonly holdDelay?: boolean;
}

export interface RoomMeasurement {
  /** Speaker monitor to microphone, ms (the lag of the cross-correlation's peak). */
  readonly delayMs: number;
  /** Speaker level minus the echo's level in the microphone, dB. */
  readonly attenuationDb: number;
  /** Normalised correlation at the peak (1: the echo is a scaled copy of the speaker). */
  readonly correlation: number;
}

export interface PulseRoom {
  readonly runtimeDir: string;
  readonly requested: PulseRoomOptions;
  /** The room as measured when it started (the median of a few bursts). */
  readonly measured: RoomMeasurement;
  /** False when PulseAudio refused the loopback's volume (the echo is then not attenuated). */
  readonly volumeApplied: boolean;
  /** Listens to what the microphone hears (room.monitor, 24 kHz mono). The caller closes it. */
  listenToMicrophone(maxSeconds: number): PulseMonitor;
  /** Listens to what the speaker plays (spk.monitor, 24 kHz mono). The caller closes it. */
  listenToSpeaker(maxSeconds: number): PulseMonitor;
  /**
   * The person says something: the WAV is played into the room. `startedAtMs` (Date.now) is when
   * the player was started; `done` resolves once it has been played.
   */
  speakInRoom(wavPath: string): { readonly startedAtMs: number; readonly done: Promise<void> };
  /** Plays a WAV on the speaker without the app (to study the room itself). */
  playOnSpeaker(wavPath: string): { readonly startedAtMs: number; readonly done: Promise<void> };
  /** Measures the room again with noise bursts (nothing else should play meanwhile). */
  measure(): Promise<RoomMeasurement>;
  /** One line for logs: asked for and measured. */
  describe(): string;
  close(): Promise<void>;
}

export function pulseRoomUnavailableReason(): string | undefined {
  for (const tool of ['pulseaudio', 'pactl', 'paplay', 'parec']) {
    if (spawnSync('which', [tool]).status !== 0) return `${tool} is not installed (apt-get install pulseaudio pulseaudio-utils libasound2-plugins)`;
  }
  return undefined;
}

export async function startPulseRoom(options: PulseRoomOptions): Promise<PulseRoom> {
  if (!(options.echoDelayMs > 0 && options.echoDelayMs < MAX_MEASURED_DELAY_MS)) throw new RangeError(`startPulseRoom: echoDelayMs must be 1 to ${MAX_MEASURED_DELAY_MS - 1}, got ${options.echoDelayMs}`);
  if (!(options.echoAttenuationDb >= 0)) throw new RangeError(`startPulseRoom: echoAttenuationDb must be ≥ 0 (dB down), got ${options.echoAttenuationDb}`);
  const runtimeDir = mkdtempSync(join(tmpdir(), 'parley-room-'));
  const env = { ...process.env, XDG_RUNTIME_DIR: runtimeDir };
  const pactl = (...args: string[]): string => run('pactl', args, env);
  run(
    'pulseaudio',
    [
      '--daemonize=yes',
      '-n',
      '--exit-idle-time=-1',
      '--disallow-exit',
      '--load=module-native-protocol-unix',
      '--load=module-null-sink sink_name=spk rate=48000 channels=2',
      `--load=module-null-sink sink_name=room rate=${ROOM_SINK_RATE_HZ} channels=${ROOM_SINK_CHANNELS}`,
    ],
    env,
  );
  const previousRuntimeDir = process.env['XDG_RUNTIME_DIR'];
  const monitors = new Set<PulseMonitor>();
  const players = new Set<ReturnType<typeof spawn>>();
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    for (const player of players) player.kill('SIGKILL');
    await Promise.all([...monitors].map((monitor) => monitor.close()));
    spawnSync('pulseaudio', ['--kill'], { env });
    const deadline = Date.now() + DAEMON_EXIT_WAIT_MS;
    while (Date.now() < deadline && spawnSync('pulseaudio', ['--check'], { env }).status === 0) await sleep(50);
    rmSync(runtimeDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    if (process.env['XDG_RUNTIME_DIR'] === runtimeDir) {
      if (previousRuntimeDir === undefined) delete process.env['XDG_RUNTIME_DIR'];
      else process.env['XDG_RUNTIME_DIR'] = previousRuntimeDir;
    }
  };

  try {
    pactl('set-default-sink', 'spk');
    pactl('set-default-source', 'room.monitor');
    const moduleIndex = pactl(
      'load-module',
      'module-loopback',
      'source=spk.monitor',
      'sink=room',
      `latency_msec=${Math.round(options.echoDelayMs)}`,
      'source_dont_move=true',
      'sink_dont_move=true',
      // Without rate steering the echo is an exact delayed copy; steering nudges the resampling
      // rate every 10 s (the burst correlation drops to 0.8-0.98) but holds the delay.
      `adjust_time=${options.holdDelay ? LOOPBACK_STEER_S : 0}`,
    ).trim();
    const volumeApplied = attenuateLoopback(pactl, moduleIndex, options.echoAttenuationDb);
    process.env['XDG_RUNTIME_DIR'] = runtimeDir;

    const listen = (device: string, maxSeconds: number): PulseMonitor => {
      const monitor = new PulseMonitor({ device, sampleRate: ROOM_SAMPLE_RATE_HZ, latencyMs: MONITOR_CHUNK_MS, maxSeconds });
      monitors.add(monitor);
      const closeMonitor = monitor.close.bind(monitor);
      monitor.close = () => {
        monitors.delete(monitor);
        return closeMonitor();
      };
      return monitor;
    };
    const play = (device: string, wavPath: string): { startedAtMs: number; done: Promise<void> } => {
      const startedAtMs = Date.now();
      const player = spawn('paplay', [`--device=${device}`, '--latency-msec=20', wavPath], { env, stdio: 'ignore' });
      players.add(player);
      const done = new Promise<void>((resolve, reject) => {
        player.on('error', reject);
        player.on('close', (code) => {
          players.delete(player);
          if (code === 0 || closed) resolve();
          else reject(new Error(`paplay --device=${device} ${wavPath} exited with ${code}`));
        });
      });
      return { startedAtMs, done };
    };
    const burstPath = join(runtimeDir, 'burst.wav');
    writeFileSync(burstPath, noiseBurstWav());
    const measure = async (): Promise<RoomMeasurement> => {
      const seconds = (LOOPBACK_SETTLE_MS + BURSTS * (BURST_MS + BURST_GAP_MS) + 2_000) / 1000 + 5;
      const speaker = listen('spk.monitor', seconds);
      const microphone = listen('room.monitor', seconds);
      try {
        await Promise.all([speaker.waitForSamples(ROOM_SAMPLE_RATE_HZ / 2, 10_000), microphone.waitForSamples(ROOM_SAMPLE_RATE_HZ / 2, 10_000)]);
        await sleep(LOOPBACK_SETTLE_MS);
        const found: RoomMeasurement[] = [];
        for (let burst = 0; burst < BURSTS; burst++) {
          const from = speaker.sampleCount;
          await play('spk', burstPath).done;
          const threshold = Math.round(32768 * 10 ** ((BURST_RMS_DBFS - 12) / 20));
          const onset = await speaker.until(() => {
            const index = speaker.findLoud(from, threshold);
            return index === -1 ? undefined : index;
          }, 3_000);
          if (onset === undefined) throw new Error('the noise burst never reached the speaker monitor');
          const length = Math.round((BURST_MS * ROOM_SAMPLE_RATE_HZ) / 1000);
          const lastNeeded = microphone.sampleAtTime(speaker.timeOfSample(onset + length) + MAX_MEASURED_DELAY_MS);
          await microphone.waitForSamples(lastNeeded, 5_000);
          found.push(measureEchoPath(speaker, microphone, onset, length, MAX_MEASURED_DELAY_MS));
          await sleep(BURST_GAP_MS);
        }
        return medianMeasurement(found);
      } finally {
        await speaker.close();
        await microphone.close();
      }
    };

    const measured = await measure();
    return {
      runtimeDir,
      requested: { ...options },
      measured,
      volumeApplied,
      listenToMicrophone: (maxSeconds) => listen('room.monitor', maxSeconds),
      listenToSpeaker: (maxSeconds) => listen('spk.monitor', maxSeconds),
      speakInRoom: (wavPath) => play('room', wavPath),
      playOnSpeaker: (wavPath) => play('spk', wavPath),
      measure,
      describe: () =>
        `room asked: echo ${options.echoDelayMs} ms late, ${options.echoAttenuationDb} dB down${options.holdDelay ? ' (delay held)' : ''}; measured: ${measured.delayMs.toFixed(1)} ms, ${measured.attenuationDb.toFixed(1)} dB (correlation ${measured.correlation.toFixed(2)}${volumeApplied ? '' : ', volume refused'})`,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Where `length` samples of the speaker from `speakerOnset` reappear in the microphone: the lag
 * (up to maxDelayMs) with the highest normalised cross-correlation, and the level change there.
 * The two monitors are aligned on this process's clock (PulseMonitor.timeOfSample), so the lag is
 * the room's delay, not the recorders' start-up difference.
 */
export function measureEchoPath(speaker: PulseMonitor, microphone: PulseMonitor, speakerOnset: number, length: number, maxDelayMs: number): RoomMeasurement {
  const rate = speaker.sampleRate;
  const reference = new Float64Array(length);
  let referenceEnergy = 0;
  for (let index = 0; index < length; index++) {
    reference[index] = speaker.sample(speakerOnset + index);
    referenceEnergy += reference[index]! * reference[index]!;
  }
  const zeroLag = microphone.sampleAtTime(speaker.timeOfSample(speakerOnset));
  const maxLag = Math.round((maxDelayMs * rate) / 1000);
  const heard = new Float64Array(length + maxLag);
  for (let index = 0; index < heard.length; index++) heard[index] = microphone.sample(zeroLag + index);
  // Running energy of the microphone window, for the normalisation at every lag.
  let windowEnergy = 0;
  for (let index = 0; index < length; index++) windowEnergy += heard[index]! * heard[index]!;
  let best = { lag: 0, correlation: -Infinity, energy: 0 };
  for (let lag = 0; lag <= maxLag; lag++) {
    if (lag > 0) {
      const leaving = heard[lag - 1]!;
      const entering = heard[lag + length - 1]!;
      windowEnergy += entering * entering - leaving * leaving;
    }
    let dot = 0;
    for (let index = 0; index < length; index++) dot += reference[index]! * heard[lag + index]!;
    const correlation = windowEnergy > 0 && referenceEnergy > 0 ? dot / Math.sqrt(windowEnergy * referenceEnergy) : 0;
    if (correlation > best.correlation) best = { lag, correlation, energy: Math.max(0, windowEnergy) };
  }
  return {
    delayMs: (best.lag / rate) * 1000,
    attenuationDb: 10 * Math.log10(referenceEnergy / Math.max(best.energy, 1e-9)),
    correlation: best.correlation,
  };
}

function medianMeasurement(measurements: readonly RoomMeasurement[]): RoomMeasurement {
  const sorted = [...measurements].sort((a, b) => a.delayMs - b.delayMs);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Lowers the loopback's playback stream (its sink-input) by `attenuationDb`; false when refused. */
function attenuateLoopback(pactl: (...args: string[]) => string, moduleIndex: string, attenuationDb: number): boolean {
  const listing = pactl('list', 'sink-inputs');
  const block = listing.split(/\n(?=Sink Input #)/).find((entry) => new RegExp(`^\\s*Owner Module: ${moduleIndex}$`, 'm').test(entry));
  const index = block ? /^Sink Input #(\d+)/m.exec(block)?.[1] : undefined;
  if (index === undefined) throw new Error(`the loopback (module ${moduleIndex}) has no playback stream: ${listing.slice(0, 400)}`);
  try {
    // A linear factor: a value starting with "-" would be read as a relative change.
    pactl('set-sink-input-volume', index, (10 ** (-attenuationDb / 20)).toFixed(6));
    return true;
  } catch {
    return false;
  }
}

function noiseBurstWav(): Uint8Array {
  const noise = seededNoise(11);
  const samples = Math.round((BURST_MS * ROOM_SAMPLE_RATE_HZ) / 1000);
  // Uniform noise has an RMS of peak/√3.
  const peak = 32768 * 10 ** (BURST_RMS_DBFS / 20) * Math.sqrt(3);
  const pcm = Buffer.alloc(samples * 2);
  for (let index = 0; index < samples; index++) pcm.writeInt16LE(Math.round(noise() * peak), index * 2);
  return encodeWavPcm16(ROOM_SAMPLE_RATE_HZ, 1, pcm);
}

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv): string {
  const result = spawnSync(command, args, { env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
  return result.stdout;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
