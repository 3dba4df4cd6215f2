/**
 * The synthetic realtime event stream of the events benchmark, in the OpenAI Realtime GA dialect
 * (Parley's dialect `v2`). Pure: the plan (what is sent, in what order, how many of each) and the
 * frame builder. Both the server (which sends it) and the parent (which tells each child what to
 * expect) use it, so the counts a child verifies can never drift from what the server sends.
 *
 * Shape, for `audioDeltas` = N (default 30,000 = 10 minutes of 20 ms frames):
 *
 *   session.created                                   (id SESSION_ID)
 *   session.updated                                   (the answer to the client's session.update:
 *                                                      Parley counts a session as started only then)
 *   per response r (every RESPONSE_AUDIO_DELTAS audio deltas; the last one has id FINAL_RESPONSE_ID):
 *     response.created
 *     response.output_item.added, conversation.item.added, response.content_part.added
 *     response.output_audio.delta × k   (960 bytes PCM16 24 kHz mono = 20 ms, base64)
 *       with one response.output_audio_transcript.delta after every TRANSCRIPT_EVERY audio deltas
 *     response.output_audio.done, response.output_audio_transcript.done (the full transcript)
 *     response.content_part.done, response.output_item.done, conversation.item.done
 *     response.done
 *   then the server closes the websocket with code 1000            ← the end of the stream
 *
 * How a client knows the stream is over: by the server's normal close (1000), which arrives on
 * the same TCP stream right after the last frame, so it is seen after every frame was handled.
 * Every client sees it through its public API (floor: ws `close`; Agents SDK: transport
 * `connection_change` → disconnected; Parley: session event `closed` with reason
 * `transport_closed`). In-band markers do not work for Parley: a custom type is skipped by its
 * codec, its session events never surface `response.done` (the response gate consumes it), and
 * `session.ready` fires once per connection. The close ends each child's measured window; the
 * child then checks its counts (audio deltas, audio bytes, transcript deltas and characters, and
 * where the API shows every frame, the frame count and `response.done` of FINAL_RESPONSE_ID)
 * against the plan it got in argv, so a lost, duplicated or truncated stream is reported as an
 * invalid run, never as a fast one.
 */

export const SESSION_ID = 'sess_bench';
export const FINAL_RESPONSE_ID = 'resp_final';
export const DEFAULT_AUDIO_DELTAS = 30_000;
export const RESPONSE_AUDIO_DELTAS = 500;
export const TRANSCRIPT_EVERY = 5;
export const SAMPLE_RATE_HZ = 24_000;
export const AUDIO_DELTA_BYTES = 960; // 20 ms of PCM16 mono at 24 kHz
export const AUDIO_DELTA_MS = 20;

const WORDS = ['Sure', ' thing,', ' here', ' is', ' the', ' summary', ' of', ' what', ' the', ' agent', ' found', ' today.'];

/** What a child must have seen at the end of the stream; passed to it in argv. */
export interface StreamPlan {
  readonly audioDeltas: number;
  readonly audioBytes: number;
  readonly transcriptDeltas: number;
  readonly transcriptChars: number;
  readonly responses: number;
  /** Every server frame, session.created included. */
  readonly frames: number;
  /** Playback length of the audio, ms. */
  readonly audioMs: number;
}

/** Builds every frame of the stream (as UTF-8 Buffers, so the server never re-encodes). */
export function buildStream(audioDeltas: number): { plan: StreamPlan; frames: Buffer[] } {
  if (!Number.isInteger(audioDeltas) || audioDeltas < 1) throw new Error(`audio deltas must be a positive integer, not ${audioDeltas}`);
  const frames: Buffer[] = [];
  let eventSeq = 0;
  const eventId = () => `event_${(eventSeq++).toString(36)}`;
  const push = (event: Record<string, unknown>) => frames.push(Buffer.from(JSON.stringify({ ...event, event_id: eventId() })));

  // Deterministic pseudo-speech: a low sine with a little noise, so base64 is not one repeated run.
  const pcm = Buffer.alloc(AUDIO_DELTA_BYTES);
  let seed = 12345;
  const audioPayload = (index: number): string => {
    for (let sample = 0; sample < AUDIO_DELTA_BYTES / 2; sample++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const t = (index * (AUDIO_DELTA_BYTES / 2) + sample) / SAMPLE_RATE_HZ;
      const value = Math.round(6000 * Math.sin(2 * Math.PI * 180 * t) + ((seed % 800) - 400));
      pcm.writeInt16LE(value, sample * 2);
    }
    return pcm.toString('base64');
  };

  push({
    type: 'session.created',
    session: realtimeSession(SESSION_ID),
  });
  // Sent up front, not in answer: the server streams after the client's first frame (its
  // session.update), so this is exactly where a real server's confirmation would come.
  push({ type: 'session.updated', session: realtimeSession(SESSION_ID) });

  let audioSent = 0;
  let transcriptDeltas = 0;
  let transcriptChars = 0;
  let responses = 0;
  let wordIndex = 0;
  let previousItemId: string | null = null;
  while (audioSent < audioDeltas) {
    const inThisResponse = Math.min(RESPONSE_AUDIO_DELTAS, audioDeltas - audioSent);
    const isLast = audioSent + inThisResponse >= audioDeltas;
    const responseId = isLast ? FINAL_RESPONSE_ID : `resp_${responses}`;
    const itemId = `item_${responses}`;
    responses++;
    const ids = { item_id: itemId, response_id: responseId, output_index: 0, content_index: 0 };
    const inProgressItem = { id: itemId, object: 'realtime.item', type: 'message', status: 'in_progress', role: 'assistant', content: [] };

    push({
      type: 'response.created',
      response: {
        id: responseId,
        object: 'realtime.response',
        status: 'in_progress',
        output: [],
        output_modalities: ['audio'],
        audio: { output: { format: { type: 'audio/pcm', rate: SAMPLE_RATE_HZ }, voice: 'marin' } },
      },
    });
    push({ type: 'response.output_item.added', response_id: responseId, output_index: 0, item: inProgressItem });
    push({ type: 'conversation.item.added', previous_item_id: previousItemId, item: inProgressItem });
    push({ type: 'response.content_part.added', ...ids, part: { type: 'audio', transcript: '' } });

    let transcript = '';
    for (let i = 0; i < inThisResponse; i++) {
      push({ type: 'response.output_audio.delta', ...ids, delta: audioPayload(audioSent) });
      audioSent++;
      if ((i + 1) % TRANSCRIPT_EVERY === 0) {
        const word = WORDS[wordIndex++ % WORDS.length]!;
        transcript += word;
        transcriptDeltas++;
        transcriptChars += word.length;
        push({ type: 'response.output_audio_transcript.delta', ...ids, delta: word });
      }
    }

    const completedItem = {
      id: itemId,
      object: 'realtime.item',
      type: 'message',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_audio', transcript }],
    };
    push({ type: 'response.output_audio.done', ...ids });
    push({ type: 'response.output_audio_transcript.done', ...ids, transcript });
    push({ type: 'response.content_part.done', ...ids, part: { type: 'audio', transcript } });
    push({ type: 'response.output_item.done', response_id: responseId, output_index: 0, item: completedItem });
    push({ type: 'conversation.item.done', previous_item_id: previousItemId, item: completedItem });
    push({
      type: 'response.done',
      response: {
        id: responseId,
        object: 'realtime.response',
        status: 'completed',
        output: [completedItem],
        output_modalities: ['audio'],
        usage: { input_tokens: 20, output_tokens: inThisResponse * 2, input_token_details: {}, output_token_details: {} },
      },
    });
    previousItemId = itemId;
  }

  return {
    plan: {
      audioDeltas,
      audioBytes: audioDeltas * AUDIO_DELTA_BYTES,
      transcriptDeltas,
      transcriptChars,
      responses,
      frames: frames.length,
      audioMs: audioDeltas * AUDIO_DELTA_MS,
    },
    frames,
  };
}

function realtimeSession(id: string): Record<string, unknown> {
  return {
    type: 'realtime',
    object: 'realtime.session',
    id,
    model: 'gpt-realtime',
    output_modalities: ['audio'],
    instructions: 'You are a benchmark.',
    audio: {
      input: { format: { type: 'audio/pcm', rate: SAMPLE_RATE_HZ }, transcription: null, turn_detection: null },
      output: { format: { type: 'audio/pcm', rate: SAMPLE_RATE_HZ }, voice: 'marin', speed: 1 },
    },
    tools: [],
    tool_choice: 'auto',
  };
}

/** argv form of a plan, for the child processes. */
export function planToArgs(plan: StreamPlan): string[] {
  return [
    '--audio-deltas', String(plan.audioDeltas),
    '--audio-bytes', String(plan.audioBytes),
    '--transcript-deltas', String(plan.transcriptDeltas),
    '--transcript-chars', String(plan.transcriptChars),
    '--responses', String(plan.responses),
    '--frames', String(plan.frames),
    '--audio-ms', String(plan.audioMs),
  ];
}
