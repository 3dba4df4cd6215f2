/**
 * A private PulseAudio server with two null sinks, for real-time audio tests: `spk` (48 kHz
 * stereo) is the default speaker and `micsink` (24 kHz mono) feeds the default microphone
 * (`micsink.monitor`). Both are paced in real time like hardware. The test process's
 * XDG_RUNTIME_DIR points at it, so child processes (the audio host) use it too.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PulseAudioFixture {
  readonly runtimeDir: string;
  /** Plays a WAV file into the fake microphone; resolves when it has been played. */
  playIntoMicrophone(wavPath: string): Promise<void>;
  /** Records what the app plays on the speaker until stop() is called. */
  recordSpeaker(wavPath: string): { stop(): Promise<void> };
  /**
   * The recordings (`source-outputs`) or playback streams (`sink-inputs`) open on this server, as
   * `pactl list` shows them; with a process id, only that process's (the app's audio process).
   */
  streams(kind: PulseStreamKind, processId?: number): PulseStream[];
  close(): void;
}

export type PulseStreamKind = 'source-outputs' | 'sink-inputs';

export interface PulseStream {
  /** The stream's index on the server (`Source Output #12`). */
  readonly index: number;
  /** `application.process.id`, when the client reported it. */
  readonly processId: number | undefined;
  readonly applicationName: string | undefined;
}

/** Parses `pactl list source-outputs|sink-inputs` (the long form: the short one has no process id). */
export function parsePulseStreams(listing: string): PulseStream[] {
  const streams: PulseStream[] = [];
  for (const block of listing.split(/\n(?=(?:Source Output|Sink Input) #)/)) {
    const index = /^(?:Source Output|Sink Input) #(\d+)/m.exec(block);
    if (!index) continue;
    const processId = /application\.process\.id = "(\d+)"/.exec(block)?.[1];
    const applicationName = /application\.name = "([^"]*)"/.exec(block)?.[1];
    streams.push({ index: Number(index[1]), processId: processId === undefined ? undefined : Number(processId), applicationName });
  }
  return streams;
}

export function pulseAudioUnavailableReason(): string | undefined {
  for (const tool of ['pulseaudio', 'pactl', 'paplay', 'parecord']) {
    if (spawnSync('which', [tool]).status !== 0) return `${tool} is not installed (apt-get install pulseaudio pulseaudio-utils libasound2-plugins)`;
  }
  return undefined;
}

export function startPulseAudio(): PulseAudioFixture {
  const runtimeDir = mkdtempSync(join(tmpdir(), 'parley-pulse-'));
  const env = { ...process.env, XDG_RUNTIME_DIR: runtimeDir };
  const run = (command: string, args: string[]) => {
    const result = spawnSync(command, args, { env, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
  };
  run('pulseaudio', [
    '--daemonize=yes',
    '-n',
    '--exit-idle-time=-1',
    '--disallow-exit',
    '--load=module-native-protocol-unix',
    '--load=module-null-sink sink_name=spk rate=48000 channels=2',
    '--load=module-null-sink sink_name=micsink rate=24000 channels=1',
  ]);
  run('pactl', ['set-default-sink', 'spk']);
  run('pactl', ['set-default-source', 'micsink.monitor']);
  process.env['XDG_RUNTIME_DIR'] = runtimeDir;

  return {
    runtimeDir,
    playIntoMicrophone(wavPath) {
      return new Promise((resolve, reject) => {
        const player = spawn('paplay', ['--device=micsink', wavPath], { env, stdio: 'ignore' });
        player.on('error', reject);
        player.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`paplay exited with ${code}`))));
      });
    },
    recordSpeaker(wavPath) {
      const recorder = spawn('parecord', ['--device=spk.monitor', '--latency-msec=20', '--file-format=wav', wavPath], { env, stdio: 'ignore' });
      return {
        stop: () =>
          new Promise<void>((resolve) => {
            recorder.once('close', () => resolve());
            recorder.kill('SIGINT');
          }),
      };
    },
    streams(kind, processId) {
      const result = spawnSync('pactl', ['list', kind], { env, encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`pactl list ${kind} failed: ${result.stderr || result.stdout}`);
      const all = parsePulseStreams(result.stdout);
      return processId === undefined ? all : all.filter((stream) => stream.processId === processId);
    },
    close() {
      spawnSync('pulseaudio', ['--kill'], { env });
      // The daemon removes its own files as it exits: wait for it (bounded) before removing the
      // folder, or the removal races it (ENOTEMPTY on a loaded machine).
      const deadline = Date.now() + DAEMON_EXIT_WAIT_MS;
      while (Date.now() < deadline && spawnSync('pulseaudio', ['--check'], { env }).status === 0) sleepSync(50);
      rmSync(runtimeDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    },
  };
}

const DAEMON_EXIT_WAIT_MS = 3_000;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
