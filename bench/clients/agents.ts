/**
 * The OpenAI Agents SDK client: a RealtimeSession over the OpenAIRealtimeWebSocket transport (in
 * Node the SDK's `_shims` resolve WebSocket to the `ws` package, so no global WebSocket is needed),
 * with a RealtimeAgent that has no tools. Audio is counted from the session's `audio` events (the
 * SDK decodes base64 into an ArrayBuffer for them), transcript deltas from the transport's
 * `audio_transcript_delta`, and every frame from the session's `transport_event` (where
 * `response.done resp_final` is seen). The end of the stream is the server's close, seen as the
 * transport's `connection_change` to disconnected.
 */
import { OpenAIRealtimeWebSocket, RealtimeAgent, RealtimeSession } from '@openai/agents-realtime';
import { FINAL_RESPONSE_ID } from '../events-stream';
import { exitAfterWarmup, parseClientArgs, Probe } from './harness';

const args = parseClientArgs(process.argv.slice(2));
const probe = new Probe('agents', args);

if (args.warmup) {
  exitAfterWarmup();
} else {
  run().catch((error: unknown) => probe.fail(`agents client failed: ${error instanceof Error ? error.stack : String(error)}`));
}

async function run(): Promise<void> {
  const seen = probe.seen;
  seen.frames = 0;
  seen.finalResponseDone = false;
  let transcript = '';

  const agent = new RealtimeAgent({ name: 'bench', instructions: 'You are a benchmark.' });
  const transport = new OpenAIRealtimeWebSocket();
  const session = new RealtimeSession(agent, { transport, model: 'gpt-realtime' });

  session.on('transport_event', (event) => {
    probe.firstEvent();
    seen.frames!++;
    if (event.type === 'response.done' && (event as { response?: { id?: string } }).response?.id === FINAL_RESPONSE_ID) {
      seen.finalResponseDone = true;
    }
  });
  session.on('audio', (event) => {
    seen.audioDeltas++;
    seen.audioBytes += event.data.byteLength;
  });
  transport.on('audio_transcript_delta', (event) => {
    seen.transcriptDeltas++;
    transcript += event.delta;
  });
  session.on('error', (error) => probe.notes.push(`session error event: ${describe(error.error)}`));
  transport.on('connection_change', (status) => {
    if (status !== 'disconnected' || !probe.started) return;
    probe.lastEvent();
    seen.transcriptChars = transcript.length;
    probe.finish();
  });

  await session.connect({ apiKey: 'sk-bench', url: `${args.wsBase}/v1/realtime?model=gpt-realtime` });
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  try {
    return JSON.stringify(error).slice(0, 300);
  } catch {
    return String(error);
  }
}
