/**
 * Parley's core as the app uses it: VoiceSession + the `ws` transport + the `none` agent backend,
 * dialect v2, the assistant audio streamed to a temporary WAV file by createWavFileSink. Counted
 * from the public session event stream only: `audio.output` (audio deltas and bytes) and
 * `transcript.delta`. The end of the stream is the server's normal close, which Parley reports
 * as `closed` with reason `transport_closed` (see events-stream.ts for why not an in-band
 * marker); the counts are then checked against the plan.
 *
 * `--variant nosink` runs without an AudioSink, to separate the WAV writing from the rest.
 */
import { rmSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AudioSink } from '../../src-main/core/audio/audio-io';
import type { RealtimeSessionConfig } from '../../src-main/core/protocol/session-config';
import { VoiceSession } from '../../src-main/core/session/voice-session';
import { createNoneBackend } from '../../src-main/adapters/agent/none-backend';
import { createWavFileSink } from '../../src-main/adapters/audio/wav-file-sink';
import { connectWebSocket } from '../../src-main/adapters/transport/ws-transport';
import { exitAfterWarmup, parseClientArgs, Probe } from './harness';

const WAV_HEADER_BYTES = 44;

const args = parseClientArgs(process.argv.slice(2));
const withSink = args.variant !== 'nosink';
const probe = new Probe(withSink ? 'parley' : 'parley-nosink', args);

if (args.warmup) {
  exitAfterWarmup();
} else {
  run().catch((error: unknown) => probe.fail(`parley client failed: ${error instanceof Error ? error.stack : String(error)}`));
}

async function run(): Promise<void> {
  const seen = probe.seen;
  let transcriptChars = 0;
  const wavPath = join(tmpdir(), `parley-bench-${process.pid}.wav`);
  const sink: AudioSink | undefined = withSink ? createWavFileSink(wavPath) : undefined;
  if (sink) process.on('exit', () => rmSync(wavPath, { force: true })); // also when a run fails
  const session = new VoiceSession({ transport: connectWebSocket, agent: createNoneBackend(), sink });

  let ending = false;
  const end = async () => {
    if (ending) return;
    ending = true;
    if (sink) {
      await sink.close();
      const size = (await stat(wavPath)).size;
      probe.notes.push(`WAV file: ${size} bytes`);
      if (size !== WAV_HEADER_BYTES + seen.audioBytes) probe.notes.push(`WAV size mismatch: expected ${WAV_HEADER_BYTES + seen.audioBytes}`);
      await rm(wavPath, { force: true });
    }
    probe.finish();
  };

  session.onEvent((event) => {
    switch (event.type) {
      case 'audio.output':
        probe.firstEvent();
        seen.audioDeltas++;
        seen.audioBytes += event.pcm.byteLength;
        return;
      case 'transcript.delta':
        probe.firstEvent();
        seen.transcriptDeltas++;
        transcriptChars += event.delta.length;
        return;
      case 'session.ready':
        probe.firstEvent();
        return;
      case 'error':
        if (!probe.ended) probe.fail(`session error: ${event.code}: ${event.message}`);
        return;
      case 'closed':
        if (event.reason !== 'server_ended' || !probe.started) {
          probe.fail(`session closed (${event.reason}) ${probe.started ? 'abnormally' : 'before the stream started'}`);
          return;
        }
        probe.lastEvent();
        seen.transcriptChars = transcriptChars;
        void end().catch((error: unknown) => probe.fail(`closing failed: ${String(error)}`));
        return;
      default:
        return;
    }
  });

  const config: RealtimeSessionConfig = {
    dialect: 'v2',
    realtimeUrl: args.wsBase.replace(/^ws:/, 'http:'),
    model: 'gpt-realtime',
    voice: undefined,
    instructions: 'You are a benchmark.',
    transcriptionModel: 'gpt-4o-mini-transcribe',
    turnDetection: 'server_vad',
    sessionId: undefined,
  };
  const live = await session.start({ config, apiKey: 'sk-bench' });
  if (!live && !probe.ended) probe.fail('the session did not start');
}
