/**
 * Valid server frames of both realtime dialects (../shared/docs/realtime-protocol.md), the seeds
 * the mutator starts from. Ids come from small pools so that frames refer to items, responses and
 * calls seen before, as a real conversation does; the mutator adds the ones never seen.
 */
import type { Dialect } from '../src-main/core/protocol/session-config';
import { functionCall, responseCreated, responseDone, sessionCreated, sessionUpdated } from '../test/support/v2-server-events';
import type { SeededRandom } from './seeded-random';

export type JsonRecord = Record<string, unknown>;

export interface SeedFrame {
  /** What the frame is, for labels: its type plus a variant ("error/nested"). */
  readonly name: string;
  readonly event: JsonRecord;
}

/** 20 ms of PCM16 mono 24 kHz: what a real audio delta carries. */
const AUDIO_SAMPLES_PER_DELTA = 480;
const ITEM_POOL_SIZE = 12;
const RESPONSE_POOL_SIZE = 6;
const CALL_POOL_SIZE = 24;

const WORDS = ['delegate ', 'now', 'working', 'find the report', ' and ', 'summarise it', 'ok', 'café ', '日本語 ', '🙂', ''];

export function audioBase64(random: SeededRandom, samples = AUDIO_SAMPLES_PER_DELTA): string {
  const pcm = Buffer.alloc(samples * 2);
  for (let index = 0; index < samples; index++) pcm.writeInt16LE(random.between(-2000, 2000), index * 2);
  return pcm.toString('base64');
}

/** Audio payloads made once: building one per frame would measure the fuzzer, not the client. */
function audioPool(random: SeededRandom): string[] {
  return [audioBase64(random), audioBase64(random, 960), audioBase64(random, 1), audioBase64(random, 0)];
}

export class ValidFrames {
  private readonly audio: string[];

  constructor(
    readonly dialect: Dialect,
    private readonly random: SeededRandom,
  ) {
    this.audio = audioPool(random);
  }

  next(): SeedFrame {
    return this.dialect === 'v1' ? this.nextV1() : this.nextV2();
  }

  private itemId(): string {
    return `item_${this.random.int(ITEM_POOL_SIZE)}`;
  }

  private responseId(): string {
    return `resp_${this.random.int(RESPONSE_POOL_SIZE)}`;
  }

  private callId(): string {
    return `call_${this.random.int(CALL_POOL_SIZE)}`;
  }

  private words(): string {
    const { random } = this;
    let text = '';
    const count = random.between(1, 3);
    for (let index = 0; index < count; index++) text += random.pick(WORDS);
    return text;
  }

  private nextV1(): SeedFrame {
    const { random } = this;
    switch (random.int(10)) {
      case 0:
        return { name: 'session.updated', event: { type: 'session.updated', session: { id: 'sess_v1', instructions: 'be brief' } } };
      case 1:
      case 2:
        return {
          name: 'conversation.output_audio.delta',
          event: {
            type: 'conversation.output_audio.delta',
            [random.chance(0.8) ? 'delta' : 'data']: random.pick(this.audio),
            sample_rate: random.pick([24_000, 48_000, 16_000]),
            [random.chance(0.8) ? 'channels' : 'num_channels']: random.pick([1, 2]),
            samples_per_channel: AUDIO_SAMPLES_PER_DELTA,
          },
        };
      case 3:
        return { name: 'conversation.input_transcript.delta', event: { type: 'conversation.input_transcript.delta', delta: this.words() } };
      case 4:
        return { name: 'conversation.output_transcript.delta', event: { type: 'conversation.output_transcript.delta', delta: this.words() } };
      case 5:
        return {
          name: 'conversation.item.added',
          event: { type: 'conversation.item.added', item: { id: this.itemId(), type: 'message', role: random.pick(['user', 'assistant']), content: [{ type: 'input_text', text: this.words() }] } },
        };
      case 6:
        return { name: 'conversation.item.done', event: { type: 'conversation.item.done', item: { id: this.itemId() } } };
      case 7:
        return {
          name: 'conversation.handoff.requested',
          event: v1HandoffRequest(`handoff_${random.int(CALL_POOL_SIZE)}`, this.itemId(), this.words()),
        };
      case 8:
        return random.chance(0.5)
          ? { name: 'error/message', event: { type: 'error', message: 'Something went wrong' } }
          : { name: 'error/nested', event: { type: 'error', error: { type: 'server_error', code: 'internal', message: 'The server had an error' } } };
      default:
        // v1 speaks none of these; a v1 client meets them as unknown types.
        return this.nextV2();
    }
  }

  private nextV2(): SeedFrame {
    const { random } = this;
    const itemId = this.itemId();
    switch (random.int(24)) {
      case 0:
        return { name: 'session.created', event: sessionCreated('sess_v2') };
      case 1:
        return { name: 'session.updated', event: sessionUpdated('sess_v2') };
      case 2:
      case 3:
        // The exact shape the codec's fast path reads.
        return { name: 'response.output_audio.delta', event: { type: 'response.output_audio.delta', response_id: this.responseId(), item_id: itemId, output_index: 0, content_index: 0, delta: random.pick(this.audio) } };
      case 4:
        return { name: 'response.output_audio.delta/rate', event: { type: 'response.output_audio.delta', item_id: itemId, delta: random.pick(this.audio), sample_rate: 24_000, channels: 1 } };
      case 5:
        return { name: 'response.output_audio.done', event: { type: 'response.output_audio.done', response_id: this.responseId(), item_id: itemId, output_index: 0, content_index: 0 } };
      case 6:
        return { name: 'response.output_audio_transcript.delta', event: { type: 'response.output_audio_transcript.delta', response_id: this.responseId(), item_id: itemId, output_index: 0, content_index: 0, delta: this.words() } };
      case 7:
        return { name: 'conversation.item.input_audio_transcription.delta', event: { type: 'conversation.item.input_audio_transcription.delta', item_id: itemId, content_index: 0, delta: this.words() } };
      case 8:
        return { name: 'conversation.item.input_audio_transcription.completed', event: { type: 'conversation.item.input_audio_transcription.completed', item_id: itemId, content_index: 0, transcript: this.words() } };
      case 9:
        return { name: 'response.output_audio_transcript.done', event: { type: 'response.output_audio_transcript.done', item_id: itemId, output_index: 0, content_index: 0, transcript: this.words() } };
      case 10:
        return { name: 'response.output_text.delta', event: { type: 'response.output_text.delta', item_id: itemId, delta: this.words() } };
      case 11:
        return { name: 'input_audio_buffer.speech_started', event: { type: 'input_audio_buffer.speech_started', item_id: itemId, audio_start_ms: random.int(10_000) } };
      case 12:
        return { name: 'input_audio_buffer.committed', event: { type: 'input_audio_buffer.committed', item_id: itemId, previous_item_id: random.chance(0.2) ? null : this.itemId() } };
      case 13:
        return { name: 'response.created', event: responseCreated(this.responseId()) };
      case 14:
        return { name: 'response.done', event: this.responseDoneWithUsage() };
      case 15:
        return { name: 'response.done/plain', event: responseDone(this.responseId()) };
      case 16: {
        const role = random.pick(['user', 'assistant']);
        return {
          name: 'conversation.item.added',
          event: { type: 'conversation.item.added', previous_item_id: this.itemId(), item: { id: itemId, type: 'message', status: 'completed', role, content: [{ type: role === 'user' ? 'input_text' : 'output_audio', text: this.words() }] } },
        };
      }
      case 17:
        return { name: 'response.output_item.added/function_call', event: { type: 'response.output_item.added', response_id: this.responseId(), output_index: 0, item: { id: itemId, type: 'function_call', status: 'in_progress', name: 'background_agent', call_id: this.callId(), arguments: '' } } };
      case 18:
        return { name: 'response.function_call_arguments.delta', event: { type: 'response.function_call_arguments.delta', item_id: itemId, call_id: this.callId(), delta: '{"prompt":"' } };
      case 19: {
        // A completed background_agent call: a real handoff in v2.
        const event = functionCall(this.callId(), this.words());
        return { name: 'conversation.item.done/function_call', event };
      }
      case 20:
        return { name: 'conversation.item.input_audio_transcription.failed', event: { type: 'conversation.item.input_audio_transcription.failed', item_id: itemId, content_index: 0, error: { type: 'transcription_error', code: 'audio_unintelligible', message: 'Audio could not be transcribed' } } };
      case 21:
        return {
          name: 'rate_limits.updated',
          event: { type: 'rate_limits.updated', rate_limits: [{ name: 'requests', limit: 1000, remaining: 999, reset_seconds: 1.5 }, { name: 'tokens', limit: 50_000, remaining: 49_000, reset_seconds: 60 }] },
        };
      case 22:
        return { name: 'conversation.item.truncated', event: { type: 'conversation.item.truncated', item_id: itemId, content_index: 0, audio_end_ms: random.int(5_000) } };
      default:
        return random.chance(0.5)
          ? { name: 'error/active_response', event: { type: 'error', event_id: 'event_srv', error: { type: 'invalid_request_error', code: 'conversation_already_has_active_response', message: 'Conversation already has an active response in progress: resp_1', event_id: `evt_${random.int(8)}` } } }
          : { name: 'error/invalid_request', event: { type: 'error', error: { type: 'invalid_request_error', code: 'invalid_value', message: 'Invalid value', param: 'session.voice', event_id: null } } };
    }
  }

  private responseDoneWithUsage(): JsonRecord {
    const { random } = this;
    const status = random.pick(['completed', 'cancelled', 'failed', 'incomplete']);
    return {
      type: 'response.done',
      response: {
        id: this.responseId(),
        status,
        status_details: status === 'failed' ? { type: 'failed', error: { type: 'server_error', code: 'rate_limit_exceeded', message: 'Rate limit reached' } } : { type: status, reason: random.pick(['turn_detected', 'client_cancelled', 'max_output_tokens', 'content_filter']) },
        output: [{ id: this.itemId(), type: 'message' }],
        usage: {
          total_tokens: 310,
          input_tokens: 200,
          output_tokens: 110,
          input_token_details: { text_tokens: 50, audio_tokens: 150, cached_tokens: 20 },
          output_token_details: { text_tokens: 30, audio_tokens: 80 },
        },
      },
    };
  }
}

export function v1HandoffRequest(handoffId: string, itemId: string, inputTranscript: string): JsonRecord {
  return { type: 'conversation.handoff.requested', handoff_id: handoffId, item_id: itemId, input_transcript: inputTranscript };
}

/** The valid handoff request of a dialect: v1's event, v2's completed background_agent call. */
export function handoffRequest(dialect: Dialect, handoffId: string, prompt: string): JsonRecord {
  return dialect === 'v1' ? v1HandoffRequest(handoffId, `item_${handoffId}`, prompt) : functionCall(handoffId, prompt);
}

/** Whether a client frame is the answer to `handoffId`: v1 handoff.append, v2 function_call_output. */
export function isHandoffAnswer(dialect: Dialect, frame: unknown, handoffId: string): boolean {
  if (typeof frame !== 'object' || frame === null) return false;
  const record = frame as JsonRecord;
  if (dialect === 'v1') return record['type'] === 'conversation.handoff.append' && record['handoff_id'] === handoffId;
  const item = record['item'] as JsonRecord | undefined;
  return record['type'] === 'conversation.item.create' && item?.['type'] === 'function_call_output' && item['call_id'] === handoffId;
}
