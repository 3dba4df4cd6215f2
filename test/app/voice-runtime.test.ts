// The one voice-runtime assembly shared by the desktop app and the headless command: a real
// VoiceSession over the ws transport against the loopback realtime mock, with a recording
// microphone, sink, engine and agent to pin the wiring and the release order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionEvent } from '../../src-shared/session-events';
import type { AgentBackend } from '../../src-main/core/agent/agent-backend';
import type { AudioSink } from '../../src-main/core/audio/audio-io';
import type { CapturedFrame } from '../../src-main/core/audio/capture-pipeline';
import type { Logger } from '../../src-main/core/util/logger';
import type { LevelledMicrophone } from '../../src-main/adapters/audio/native/native-audio-engine';
import { connectWebSocket } from '../../src-main/adapters/transport/ws-transport';
import { createVoiceRuntime, engineAudio, type VoiceRuntimeAudio, type VoiceRuntimeOptions } from '../../src-main/app/voice-runtime';
import { startMockRealtimeServer } from '../support/mock-realtime-server';
import { sessionConfig, TEST_API_KEY } from '../support/session-harness';

const FRAME_BYTES = 960;

function frame(level: number): CapturedFrame {
  const pcm = Buffer.alloc(FRAME_BYTES);
  for (let index = 0; index < pcm.length; index += 2) pcm.writeInt16LE(index % 4 === 0 ? level : -level, index);
  return { pcm, capturedAtMs: 0, rmsDbfs: level === 0 ? -Infinity : -12, peakDbfs: level === 0 ? -Infinity : -10 };
}

/** Records every release step in one shared list; any step can be told to fail. */
function recordingParts(steps: string[], fail: { sink?: string; agent?: string; engine?: string } = {}) {
  let feed: ((frame: CapturedFrame) => void) | undefined;
  const microphone: LevelledMicrophone = {
    start: (onFrame) => {
      steps.push('microphone.start');
      feed = onFrame;
    },
    stop: async () => {
      steps.push('microphone.stop');
      feed = undefined;
    },
  };
  const sink: AudioSink = {
    write: () => {},
    isPlaying: () => false,
    interrupt: () => undefined,
    close: async () => {
      steps.push('sink.close');
      if (fail.sink) throw new Error(fail.sink);
    },
  };
  const agent: AgentBackend = {
    kind: 'none',
    delegates: false,
    runRequest: () => {
      throw new Error('not used');
    },
    reset: () => {},
    dispose: async () => {
      steps.push('agent.dispose');
      if (fail.agent) throw new Error(fail.agent);
    },
  };
  const engine = {
    microphone,
    speaker: sink,
    playbackLevelDbfs: -Infinity,
    shutdown: async () => {
      steps.push('engine.shutdown');
      if (fail.engine) throw new Error(fail.engine);
    },
  };
  return { microphone, sink, agent, engine, feed: (captured: CapturedFrame) => feed?.(captured) };
}

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const record = (level: string) => (message: string, details?: Record<string, unknown>) => void lines.push(`${level}: ${message} ${JSON.stringify(details ?? {})}`);
  return { lines, debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
}

async function liveServer(t: { after(fn: () => Promise<void>): void }) {
  const server = await startMockRealtimeServer([{ batches: [[{ type: 'session.updated', session: { id: 'sess_runtime' } }]] }]);
  t.after(() => server.close());
  return server;
}

function options(url: string, agent: AgentBackend, audio: VoiceRuntimeAudio, steps: string[], logger: Logger = recordingLogger()): VoiceRuntimeOptions {
  return {
    config: sessionConfig('v1', url),
    transport: connectWebSocket,
    agent: { kind: 'none', apiKey: undefined, url: undefined, model: undefined, instructions: undefined, command: undefined, cwd: undefined, timeoutMs: undefined },
    createAgent: () => agent,
    audio,
    talk: { mode: 'hands-free' },
    logger,
    now: () => 0,
    onEvent: (event: SessionEvent) => {
      if (event.type === 'closed') steps.push('session.closed');
    },
  };
}

test('the runtime opens its microphone only once live, and microphone frames reach the server through the talk-mode controller', async (t) => {
  const server = await liveServer(t);
  const steps: string[] = [];
  const parts = recordingParts(steps);
  const runtime = createVoiceRuntime(options(server.url, parts.agent, engineAudio(parts.engine, { input: true, output: true }), steps));
  assert.deepEqual(steps, [], 'nothing opens before start');
  assert.equal(await runtime.start(TEST_API_KEY, 'a test key'), true);
  assert.deepEqual(steps, ['microphone.start']);
  for (let count = 0; count < 5; count++) parts.feed(frame(4_000));
  await server.waitForFrames(0, 6, 5_000);
  const appends = (server.connections[0]!.frames as any[]).filter((sent) => sent.type === 'input_audio_buffer.append');
  assert.equal(appends.length, 5);
  assert.equal(Buffer.from(appends[0].audio, 'base64').length, FRAME_BYTES);
  assert.deepEqual(await runtime.stop(), []);
});

test('stop releases microphone, session, sink, agent and engine in that order, once', async (t) => {
  const server = await liveServer(t);
  const steps: string[] = [];
  const parts = recordingParts(steps);
  const runtime = createVoiceRuntime(options(server.url, parts.agent, engineAudio(parts.engine, { input: true, output: true }), steps));
  await runtime.start(TEST_API_KEY, 'a test key');
  steps.length = 0;
  const [first, second] = await Promise.all([runtime.stop(), runtime.stop()]);
  assert.deepEqual(steps, ['microphone.stop', 'session.closed', 'sink.close', 'agent.dispose', 'engine.shutdown']);
  assert.equal(first, second, 'a second stop answers the first one');
  assert.equal(runtime.session.state, 'closed');
  await server.waitForClose(0);
  await assert.rejects(runtime.start(TEST_API_KEY, 'a test key'), /create a new one/);
});

test('a failing close is reported with the part it belongs to, and every later step still runs', async (t) => {
  const server = await liveServer(t);
  const steps: string[] = [];
  const logger = recordingLogger();
  const parts = recordingParts(steps, { sink: 'disk full', agent: 'child would not exit' });
  const audio: VoiceRuntimeAudio = { ...engineAudio(parts.engine, { input: true, output: true }), sinkName: 'the output WAV file out.wav' };
  const runtime = createVoiceRuntime(options(server.url, parts.agent, audio, steps, logger));
  await runtime.start(TEST_API_KEY, 'a test key');
  const failures = await runtime.stop();
  assert.deepEqual(failures, [
    { part: 'the output WAV file out.wav', message: 'disk full' },
    { part: 'the agent', message: 'child would not exit' },
  ]);
  assert.ok(steps.includes('engine.shutdown'), 'the engine is shut down after earlier failures');
  assert.equal(logger.lines.filter((line) => line.startsWith('warn: could not close')).length, 2, 'each failure is logged too');
});

test('a sink the runtime does not own (the desktop speaker) is left open, and frames come in through onMicrophoneFrame', async (t) => {
  const server = await liveServer(t);
  const steps: string[] = [];
  const parts = recordingParts(steps);
  const runtime = createVoiceRuntime(options(server.url, parts.agent, { sink: parts.sink, ownsSink: false }, steps));
  runtime.onMicrophoneFrame(frame(4_000), -Infinity); // not live yet: dropped
  await runtime.start(TEST_API_KEY, 'a test key');
  runtime.onMicrophoneFrame(frame(4_000), -Infinity);
  await server.waitForFrames(0, 2, 5_000);
  assert.deepEqual(await runtime.stop(), []);
  assert.deepEqual(steps, ['session.closed', 'agent.dispose']);
  const appends = (server.connections[0]!.frames as any[]).filter((sent) => sent.type === 'input_audio_buffer.append');
  assert.equal(appends.length, 1, 'only the frame sent while live');
});

test('a session that cannot connect opens no microphone, and stop still releases the rest', async () => {
  const server = await startMockRealtimeServer([]);
  const url = server.url;
  await server.close();
  const steps: string[] = [];
  const parts = recordingParts(steps);
  const runtime = createVoiceRuntime(options(url, parts.agent, engineAudio(parts.engine, { input: true, output: false }), steps));
  assert.equal(await runtime.start(TEST_API_KEY, 'a test key'), false);
  assert.deepEqual(await runtime.stop(), []);
  assert.deepEqual(steps, ['agent.dispose', 'engine.shutdown'], 'no microphone, no speaker of its own');
});

test('setMode moves talk mode and turn detection together, on the live connection', async (t) => {
  const server = await liveServer(t);
  const steps: string[] = [];
  const parts = recordingParts(steps);
  const runtime = createVoiceRuntime({ ...options(server.url, parts.agent, {}, steps), config: sessionConfig('v2', server.url) });
  await runtime.start(TEST_API_KEY, 'a test key');
  runtime.setMode('push-to-talk');
  assert.equal(runtime.talk.mode, 'push-to-talk');
  assert.equal(runtime.config.turnDetection, 'none');
  const frames = await server.waitForFrames(0, 2, 5_000);
  const update = (frames as any[])[1];
  assert.equal(update.type, 'session.update');
  assert.equal(update.session.audio.input.turn_detection, null);
  runtime.updateVoice({ voice: 'cedar', instructions: 'be brief' });
  const [, , voiceUpdate] = (await server.waitForFrames(0, 3, 5_000)) as any[];
  assert.equal(voiceUpdate.session.audio.output.voice, 'cedar');
  await runtime.stop();
});

test('setEchoProtection: the canceller turns the server interrupt off on the live v2 session, and the chosen hands-free detection survives mode changes', async (t) => {
  const server = await liveServer(t);
  const steps: string[] = [];
  const parts = recordingParts(steps);
  const base = options(server.url, parts.agent, {}, steps);
  const runtime = createVoiceRuntime({
    ...base,
    config: sessionConfig('v2', server.url, { turnDetection: 'semantic_vad' }),
    talk: { mode: 'hands-free', minBargeInMs: 400, handsFreeTurnDetection: 'semantic_vad' },
  });
  assert.equal(runtime.talk.minBargeInMs, 400);
  await runtime.start(TEST_API_KEY, 'a test key');
  runtime.setEchoProtection({ kind: 'canceller', delayHintMs: 60 });
  assert.equal(runtime.talk.echoProtection, 'canceller');
  assert.equal(runtime.config.interruptResponse, false);
  const turnDetectionOf = async (count: number) => ((await server.waitForFrames(0, count, 5_000)) as any[])[count - 1].session.audio.input.turn_detection;
  assert.deepEqual(await turnDetectionOf(2), { type: 'semantic_vad', eagerness: 'auto', interrupt_response: false, create_response: true });

  runtime.setMode('push-to-talk');
  assert.equal(await turnDetectionOf(3), null);
  assert.equal(runtime.config.interruptResponse, undefined, 'push-to-talk has no server interrupt to turn off');
  runtime.setMode('hands-free');
  assert.deepEqual(await turnDetectionOf(4), { type: 'semantic_vad', eagerness: 'auto', interrupt_response: false, create_response: true });

  runtime.setEchoProtection({ kind: 'gate', reason: 'unavailable', message: 'no library here' });
  assert.equal(runtime.talk.echoProtection, 'gate');
  assert.equal((await turnDetectionOf(5)).interrupt_response, true);
  await runtime.stop();
});

test('setEchoProtection on v1 changes the talk controller only: v1 has no interrupt_response', async (t) => {
  const server = await liveServer(t);
  const steps: string[] = [];
  const parts = recordingParts(steps);
  const runtime = createVoiceRuntime(options(server.url, parts.agent, {}, steps));
  runtime.setEchoProtection({ kind: 'canceller', delayHintMs: 60 });
  assert.equal(runtime.talk.echoProtection, 'canceller');
  assert.equal(runtime.config.interruptResponse, undefined);
  await runtime.stop();
});
