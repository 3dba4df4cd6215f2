/**
 * The soak's stand-in process: the GA realtime stand-in server (test/support/ga-realtime-server.ts)
 * and the agent server, driven over IPC by long-checks/soak-conversation.ts. They run apart from
 * the client so that what they record (every frame, an hour of audio) is not in the memory the
 * soak measures.
 *
 * Speech is heard where the audio goes: the user's turn happens on the connection that received
 * the turn's microphone frames, and a network failure hits the connection the microphone audio
 * goes to, as with a real service (the server's own "latest connection" may be a renewal that
 * the client has prepared but not switched to yet).
 */
import { startGaRealtimeServer, type GaRealtimeServer } from '../test/support/ga-realtime-server';
import type { GaConnection } from '../test/support/ga-realtime-connection';
import { EARLIER_REQUEST_ANSWER_PREFIX } from '../src-main/core/handoff/handoff-voice';
import type { StandInCommand, StandInReady, StandInRequest, StandInReply, StandInSettings, StandInStats } from './soak-stand-in-protocol';
import { startSseAgentStandIn } from './sse-agent-stand-in';

const KEPT_EXAMPLES = 5;
const POLL_EVERY_MS = 2;
const AGENT_ANSWER_MARK = 'Agent answer ';

/** The answer the agent gives to its `number`th request; the soak expects it spoken, and finds it by AGENT_ANSWER_MARK. */
function agentAnswerText(number: number): string {
  return `${AGENT_ANSWER_MARK}${number}: the report is ready.`;
}

/** The number the soak driver writes into the first 4 bytes of each microphone frame (little endian). */
function frameNumberOf(base64: string): number {
  const head = Buffer.from(base64.slice(0, 8), 'base64');
  return head.length >= 4 ? head.readUInt32LE(0) : 0;
}

/** What the stand-in has read of each connection's frames so far. */
class FrameScan {
  private readonly offsets: number[] = [];
  private readonly pruned = new Set<number>();
  appendsReceived = 0;
  appendsReplayed = 0;
  agentAnswersDelivered = 0;
  /** The highest frame number received, and the connection it arrived on. */
  newestFrameNumber = 0;
  newestFrameConnection = -1;

  constructor(private readonly server: GaRealtimeServer) {}

  wasPruned(index: number): boolean {
    return this.pruned.has(index);
  }

  /** Reads the frames that arrived since the last scan; forgets the records of closed connections. */
  scan(): void {
    const connections = this.server.connections as unknown as readonly GaConnection[];
    for (let index = 0; index < connections.length; index++) {
      if (this.pruned.has(index)) continue;
      const connection = connections[index]!;
      const frames = connection.frames;
      for (let at = this.offsets[index] ?? 0; at < frames.length; at++) this.read(index, frames[at]);
      this.offsets[index] = frames.length;
      if (connection.closed) {
        // The stand-in keeps every frame and event for tests; an hour of them would only be noise here.
        (connection.frames as unknown[]).length = 0;
        (connection.sent as unknown[]).length = 0;
        this.pruned.add(index);
      }
    }
  }

  private read(index: number, frame: unknown): void {
    if (typeof frame !== 'object' || frame === null) return;
    const event = frame as { type?: unknown; audio?: unknown; item?: { type?: unknown; output?: unknown; content?: Array<{ text?: unknown }> } };
    if (event.type === 'input_audio_buffer.append') {
      const number = typeof event.audio === 'string' ? frameNumberOf(event.audio) : 0;
      if (number <= this.newestFrameNumber) {
        this.appendsReplayed++;
        return;
      }
      this.appendsReceived++;
      this.newestFrameNumber = number;
      this.newestFrameConnection = index;
      return;
    }
    if (event.type !== 'conversation.item.create' || !event.item) return;
    const item = event.item;
    if (item.type === 'function_call_output' && typeof item.output === 'string' && item.output.includes(AGENT_ANSWER_MARK)) this.agentAnswersDelivered++;
    const text = item.content?.[0]?.text;
    if (item.type === 'message' && typeof text === 'string' && text.startsWith(EARLIER_REQUEST_ANSWER_PREFIX) && text.includes(AGENT_ANSWER_MARK)) this.agentAnswersDelivered++;
  }
}

async function main(): Promise<void> {
  const settings = JSON.parse(process.argv[2] ?? '{}') as StandInSettings;
  const server = await startGaRealtimeServer({ maxSessionMs: settings.maxSessionMs, eventDelayMs: 0 });
  const agent = await startSseAgentStandIn({ name: 'soak agent server', answerText: agentAnswerText, answerDelayMs: settings.agentAnswerDelayMs });
  const scan = new FrameScan(server);
  // Closed connections are forgotten as they go, not only when asked.
  const pruneTimer = setInterval(() => scan.scan(), 500);

  const connectionAt = (index: number): GaConnection => {
    const connection = (server.connections as unknown as readonly GaConnection[])[index];
    if (!connection) throw new Error(`no connection ${index}`);
    return connection;
  };

  /** Waits until `count` microphone frames have arrived in all; answers the connection that got the newest. */
  const heardAudio = async (count: number, timeoutMs: number): Promise<number> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      scan.scan();
      if (scan.newestFrameNumber >= count) return scan.newestFrameConnection;
      if (Date.now() > deadline) throw new Error(`microphone frame ${count} did not arrive within ${timeoutMs} ms (newest: ${scan.newestFrameNumber})`);
      await new Promise((resolve) => setTimeout(resolve, POLL_EVERY_MS));
    }
  };

  const stats = (): StandInStats => {
    scan.scan();
    const errorsByCode: Record<string, number> = {};
    for (const error of server.errorsSent) errorsByCode[error.code ?? 'null'] = (errorsByCode[error.code ?? 'null'] ?? 0) + 1;
    return {
      connections: server.connections.length,
      violations: server.violations.length,
      violationExamples: server.violations.slice(0, KEPT_EXAMPLES).map((record) => `connection ${record.connection}: ${record.violations.join('; ')} in ${JSON.stringify(record.frame).slice(0, 200)}`),
      errorsByCode,
      expiries: server.errorsSent
        .filter((error) => error.code === 'session_expired')
        .map((error) => {
          const connection = connectionAt(error.connection) as unknown as { silent: boolean; closed: boolean };
          const lastFrame = (server.connections[error.connection]?.frames ?? []).slice(-1)[0] as { type?: string } | undefined;
          return `connection ${error.connection}${connection.silent ? ' (silenced by the soak)' : ''}${scan.wasPruned(error.connection) ? '' : `, last client frame ${lastFrame?.type ?? 'none'}`}`;
        }),
      errorExamples: server.errorsSent
        .filter((error) => error.code !== 'session_expired')
        .slice(0, KEPT_EXAMPLES)
        .map((error) => `connection ${error.connection}: ${error.code}: ${error.message.slice(0, 200)}`),
      invalidServerEvents: server.invalidServerEvents.length,
      appendsReceived: scan.appendsReceived,
      appendsReplayed: scan.appendsReplayed,
      agentAnswersDelivered: scan.agentAnswersDelivered,
      agentRequests: agent.requestCount,
      agentAnswersSent: agent.answersSent,
      rssBytes: process.memoryUsage().rss,
    };
  };

  const run = async (body: StandInCommand): Promise<unknown> => {
    switch (body.command) {
      case 'respond':
        server.respond({ say: body.say, audioMs: body.audioMs });
        return undefined;
      case 'respondWithCall':
        server.respondWithCall({ say: body.say, audioMs: body.audioMs, name: 'background_agent', callId: body.callId, arguments: { prompt: body.prompt } });
        return undefined;
      case 'speechStart': {
        const index = await heardAudio(body.frameNumber, body.timeoutMs);
        connectionAt(index).userStartsSpeaking();
        return index;
      }
      case 'speechStop':
        connectionAt(body.connection).userStopsSpeaking({ transcript: body.transcript, audioMs: body.audioMs });
        return undefined;
      case 'fail': {
        const index = await heardAudio(body.frameNumber, body.timeoutMs);
        if (body.how === 'drop') connectionAt(index).drop();
        else connectionAt(index).goSilent();
        return index;
      }
      case 'stats':
        return stats();
      case 'close':
        clearInterval(pruneTimer);
        await server.close();
        await agent.close();
        return undefined;
    }
  };

  process.on('message', (message: StandInRequest) => {
    run(message.body).then(
      (value) => reply({ id: message.id, ok: true, value }),
      (error: unknown) => reply({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
    );
  });
  process.on('disconnect', () => {
    clearInterval(pruneTimer);
    void server.close().then(() => agent.close());
  });
  const ready: StandInReady = { type: 'ready', realtimeUrl: server.url, agentBaseUrl: agent.baseUrl };
  process.send!(ready);
}

function reply(message: StandInReply): void {
  process.send?.(message);
}

main().catch((error: unknown) => {
  process.stderr.write(`[soak stand-in] failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
