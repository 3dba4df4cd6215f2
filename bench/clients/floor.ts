/**
 * The floor: the least any client must do with this stream. A bare `ws` client that sends a
 * session.update, JSON.parses every frame, base64-decodes audio deltas (keeping only a byte
 * count) and appends transcript deltas to a string. Nothing else.
 */
import WebSocket from 'ws';
import { FINAL_RESPONSE_ID } from '../events-stream';
import { exitAfterWarmup, parseClientArgs, Probe } from './harness';

const args = parseClientArgs(process.argv.slice(2));
const probe = new Probe('floor', args);

if (args.warmup) {
  exitAfterWarmup();
} else {
  run();
}

interface WireEvent {
  type: string;
  delta?: string;
  response?: { id?: string };
}

function run(): void {
  const seen = probe.seen;
  seen.frames = 0;
  seen.finalResponseDone = false;
  let transcript = '';

  const socket = new WebSocket(`${args.wsBase}/v1/realtime?model=gpt-realtime`, {
    headers: { Authorization: 'Bearer sk-bench' },
    perMessageDeflate: false,
  });
  socket.on('open', () => {
    socket.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime', output_modalities: ['audio'] } }));
  });
  socket.on('message', (data: Buffer) => {
    probe.firstEvent();
    const event = JSON.parse(data.toString()) as WireEvent;
    seen.frames!++;
    switch (event.type) {
      case 'response.output_audio.delta':
        seen.audioDeltas++;
        seen.audioBytes += Buffer.from(event.delta!, 'base64').length;
        return;
      case 'response.output_audio_transcript.delta':
        seen.transcriptDeltas++;
        transcript += event.delta!;
        return;
      case 'response.done':
        if (event.response?.id === FINAL_RESPONSE_ID) seen.finalResponseDone = true;
        return;
      default:
        return;
    }
  });
  socket.on('close', (code) => {
    probe.lastEvent();
    seen.transcriptChars = transcript.length;
    if (code !== 1000) probe.fail(`the server closed the connection with code ${code}`);
    else probe.finish();
  });
  socket.on('error', (error) => probe.fail(`websocket error: ${error.message}`));
}
