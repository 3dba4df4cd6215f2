import type { Logger } from '../util/logger';
import { isPlausibleChannelCount, isPlausibleSampleRate } from './audio-validation';
import { realtimeWebsocketUrl } from './connect-url';
import { createOutboundEncoder } from './encode-outbound';
import { decodeAudioDeltaFast } from './v2-audio-fast-path';
import { ClientEventIds } from './client-event-ids';
import { V2_TOOLS } from './v2-tools';

export { ANSWER_APPROVAL_TOOL_NAME, HANDOFF_TOOL_NAME, REMAIN_SILENT_TOOL_NAME, promptFromArguments } from './v2-tools';
import type { ConnectTarget, DialectCodec, SessionChange } from './dialect-codec';
import { isObject, numberField, objectField, parseTypedFrame, stringField, type JsonObject, idField, MAX_ID_CHARS } from './json-fields';
import { decodeServerError, decodeSessionUpdated, frameSkipper } from './shared-decoders';
import type { ConversationItemInfo, RealtimeEvent } from './realtime-event';
import { decodeItemTruncated, decodeRateLimits, decodeResponseDone, decodeTranscriptionFailed } from './v2-response-decoders';
import { DEFAULT_VAD_SILENCE_MS, INPUT_SAMPLE_RATE_HZ, type RealtimeSessionConfig } from './session-config';

export const V2_VOICES = ['alloy', 'ash', 'ballad', 'coral', 'echo', 'sage', 'shimmer', 'verse', 'marin', 'cedar'] as const;
export const V2_DEFAULT_VOICE = 'marin';
export const V2_DEFAULT_MODEL = 'gpt-realtime';
export const V2_DEFAULT_URL = 'wss://api.openai.com/v1';
/** The error code that answers a response.create while a response is active: wait, never fatal. */
export const ACTIVE_RESPONSE_ERROR_CODE = 'conversation_already_has_active_response';

/** Dialect v2: the public OpenAI Realtime API with GA event names. */
export function createV2Codec(logger: Logger): DialectCodec {
  const skip = frameSkipper(logger, 'v2');
  // One codec per connection: its client events are numbered and remembered here.
  const eventIds = new ClientEventIds();
  const encode = createOutboundEncoder(
    (message) => ({ type: 'conversation.item.create', fields: { item: { type: 'function_call_output', call_id: message.handoffId, output: message.text } } }),
    eventIds,
  );
  const stampedSessionUpdate = (session: JsonObject): string =>
    JSON.stringify({ type: 'session.update', event_id: eventIds.next('session.update'), session });

  function decode(frame: string): RealtimeEvent | undefined {
    const audio = decodeAudioDeltaFast(frame);
    if (audio) return audio;
    const event = parseTypedFrame(frame);
    if (!event) return skip('not a JSON object with a string type');
    const type = event['type'] as string;
    switch (type) {
      case 'response.output_audio.delta': {
        const base64 = stringField(event, 'delta');
        const sampleRate = numberField(event, 'sample_rate') ?? INPUT_SAMPLE_RATE_HZ;
        const channels = numberField(event, 'channels') ?? 1;
        if (base64 === undefined || !isPlausibleSampleRate(sampleRate) || !isPlausibleChannelCount(channels)) {
          return skip('audio delta without valid data, rate or channels', type);
        }
        return {
          type: 'audio.delta',
          audio: { base64, sampleRate, channels, samplesPerChannel: undefined, itemId: idField(event, 'item_id') },
        };
      }
      case 'response.output_audio.done':
        return { type: 'audio.done', itemId: idField(event, 'item_id') };
      case 'conversation.item.input_audio_transcription.delta':
      case 'response.output_audio_transcript.delta':
      case 'response.output_text.delta': {
        const delta = stringField(event, 'delta');
        if (delta === undefined) return skip('transcript delta without delta', type);
        const role = type.startsWith('conversation.') ? 'user' : 'assistant';
        return { type: 'transcript.delta', role, delta, itemId: idField(event, 'item_id') };
      }
      case 'conversation.item.input_audio_transcription.completed':
        return transcriptDone(event, 'user', 'transcript') ?? skip('transcription.completed without transcript', type);
      case 'response.output_audio_transcript.done':
        return transcriptDone(event, 'assistant', 'transcript') ?? skip('transcript.done without transcript', type);
      case 'response.output_text.done':
        return transcriptDone(event, 'assistant', 'text') ?? skip('output_text.done without text', type);
      case 'input_audio_buffer.speech_started':
        return { type: 'speech.started', itemId: idField(event, 'item_id'), audioStartMs: numberField(event, 'audio_start_ms') };
      case 'input_audio_buffer.speech_stopped':
        return { type: 'speech.stopped' };
      case 'response.created':
        return { type: 'response.created', responseId: responseField(event, 'id') };
      case 'response.done':
        return decodeResponseDone(event);
      case 'conversation.item.input_audio_transcription.failed':
        return decodeTranscriptionFailed(event) ?? skip('transcription.failed without item_id', type);
      case 'rate_limits.updated':
        return decodeRateLimits(event) ?? skip('rate_limits.updated without rate_limits', type);
      case 'conversation.item.truncated':
        return decodeItemTruncated(event) ?? skip('truncated without item_id or audio_end_ms', type);
      case 'response.cancelled':
        return { type: 'response.cancelled', responseId: responseField(event, 'id') ?? idField(event, 'response_id') };
      case 'session.created': {
        const sessionId = sessionIdOf(event);
        return sessionId !== undefined ? { type: 'session.created', sessionId } : skip('session.created without session.id', type);
      }
      case 'session.updated':
        return decodeSessionUpdated(event) ?? skip('session.updated without session.id', type);
      case 'conversation.item.added':
      case 'conversation.item.created':
      case 'response.output_item.added': {
        const item = itemInfo(objectField(event, 'item'));
        if (!item) return skip('item event without an item with an id', type);
        return { type: 'item.placed', item, previousItemId: previousItemField(event) };
      }
      case 'input_audio_buffer.committed': {
        // The user's speech became an item here: this is its place in the conversation.
        const itemId = idField(event, 'item_id');
        if (itemId === undefined) return skip('committed without item_id', type);
        return { type: 'item.placed', item: userAudioItem(itemId), previousItemId: previousItemField(event) };
      }
      case 'conversation.item.done':
      case 'response.output_item.done': {
        const item = itemInfo(objectField(event, 'item'));
        if (!item) return skip('item done without an item with an id', type);
        return { type: 'item.finished', item };
      }
      case 'response.function_call_arguments.delta':
      case 'response.function_call_arguments.done': {
        const delta = stringField(event, 'delta');
        const complete = stringField(event, 'arguments');
        if (delta === undefined && complete === undefined) return skip('function call arguments without text', type);
        return { type: 'function_call.arguments', itemId: idField(event, 'item_id'), callId: idField(event, 'call_id'), delta, arguments: complete };
      }
      case 'error': {
        const error = decodeServerError(event);
        if (!error) return skip('error without message', type);
        // The client event it is about: tied to its request, never guessed from the text.
        const eventId = errorEventId(event);
        const request = eventIds.purposeOf(eventId);
        return { ...error, ...(eventId !== undefined ? { eventId } : {}), ...(request !== undefined ? { request } : {}) };
      }
      default:
        return skip('unknown type', type);
    }
  }

  return {
    dialect: 'v2',
    capabilities: { responseAfterHandoffOutput: true, responseAfterUserText: true, truncateOnBargeIn: true, confirmsSessionUpdate: true },
    connectTarget(config, apiKey): ConnectTarget {
      return {
        url: realtimeWebsocketUrl(config.realtimeUrl, [['model', config.model ?? V2_DEFAULT_MODEL]], { acceptWebsocketSchemes: true }),
        headers: { Authorization: `Bearer ${apiKey}` },
      };
    },
    sessionUpdate: (config) => stampedSessionUpdate(fullSessionV2(config)),
    sessionChange(applied, next, voiceLocked): SessionChange {
      const change = sessionChangeV2(applied, next, voiceLocked);
      return { frame: change.session ? stampedSessionUpdate(change.session) : undefined, voiceDeferred: change.voiceDeferred };
    },
    decode,
    encode,
  };
}

function sessionIdOf(event: JsonObject): string | undefined {
  const session = objectField(event, 'session');
  return session ? idField(session, 'id') : undefined;
}

/** `error.event_id`: the client event at fault. (The top-level `event_id` is the server's own.) */
function errorEventId(event: JsonObject): string | undefined {
  const nested = objectField(event, 'error');
  return nested ? idField(nested, 'event_id') : undefined;
}

function transcriptDone(event: JsonObject, role: 'user' | 'assistant', field: string): RealtimeEvent | undefined {
  const text = stringField(event, field);
  if (text === undefined) return undefined;
  return { type: 'transcript.done', role, text, itemId: idField(event, 'item_id') };
}

function responseField(event: JsonObject, name: string): string | undefined {
  const response = objectField(event, 'response');
  return response ? stringField(response, name) : undefined;
}

/** `previous_item_id`: a string, null for the first item, undefined when the event has none. */
function previousItemField(event: JsonObject): string | null | undefined {
  const value = event['previous_item_id'];
  if (value === null) return null;
  return typeof value === 'string' && value.length <= MAX_ID_CHARS ? value : undefined;
}

function userAudioItem(id: string): ConversationItemInfo {
  return { id, kind: 'message', role: 'user', status: undefined, inputText: undefined, callId: undefined, name: undefined, arguments: undefined };
}

const ITEM_KINDS: ReadonlySet<string> = new Set(['message', 'function_call', 'function_call_output']);
const ITEM_ROLES: ReadonlySet<string> = new Set(['user', 'assistant', 'system']);

/**
 * What Parley uses of a conversation item. Whether a function call is a handoff is not decided
 * here: that takes the call's history (one handoff per call_id, only once it is completed).
 */
function itemInfo(item: JsonObject | undefined): ConversationItemInfo | undefined {
  const id = item && idField(item, 'id');
  if (!item || id === undefined) return undefined;
  const type = stringField(item, 'type') ?? '';
  const role = stringField(item, 'role');
  return {
    id,
    kind: ITEM_KINDS.has(type) ? (type as ConversationItemInfo['kind']) : 'other',
    role: role !== undefined && ITEM_ROLES.has(role) ? (role as ConversationItemInfo['role']) : undefined,
    status: stringField(item, 'status'),
    inputText: inputTextOf(item),
    callId: idField(item, 'call_id'),
    name: stringField(item, 'name'),
    arguments: stringField(item, 'arguments'),
  };
}

function inputTextOf(item: JsonObject): string | undefined {
  const content = item['content'];
  if (!Array.isArray(content)) return undefined;
  const texts = content.filter((part): part is JsonObject => isObject(part) && part['type'] === 'input_text' && typeof part['text'] === 'string');
  return texts.length > 0 ? texts.map((part) => part['text'] as string).join('') : undefined;
}

/**
 * Written out in full, so what the session does is what Parley says, not a server default: the
 * user's speech interrupts the assistant (unless the client's own barge-in detector decides:
 * `interruptResponse` false) and its end starts the answer.
 */
function turnDetectionV2(config: RealtimeSessionConfig): JsonObject | null {
  const interrupt = config.interruptResponse ?? true;
  switch (config.turnDetection) {
    case 'none':
      return null;
    case 'server_vad':
      return { type: 'server_vad', silence_duration_ms: config.vadSilenceMs ?? DEFAULT_VAD_SILENCE_MS, interrupt_response: interrupt, create_response: true };
    case 'semantic_vad':
      return { type: 'semantic_vad', eagerness: config.semanticEagerness ?? 'auto', interrupt_response: interrupt, create_response: true };
    default:
      // Not one Parley knows (a config from elsewhere): the server refuses it in its own words.
      return { type: String(config.turnDetection satisfies never) };
  }
}

/** Off is the server's default (null); the schema types the field as an object, so off is left out. */
function noiseReductionV2(config: RealtimeSessionConfig): JsonObject | undefined {
  const type = config.noiseReduction ?? 'off';
  return type === 'off' ? undefined : { type };
}

const sameTurnDetection = (a: RealtimeSessionConfig, b: RealtimeSessionConfig): boolean =>
  JSON.stringify(turnDetectionV2(a)) === JSON.stringify(turnDetectionV2(b));

function fullSessionV2(config: RealtimeSessionConfig): JsonObject {
  const noiseReduction = noiseReductionV2(config);
  return {
    type: 'realtime',
    instructions: config.instructions,
    output_modalities: ['audio'],
    audio: {
      input: {
        format: { type: 'audio/pcm', rate: INPUT_SAMPLE_RATE_HZ },
        transcription: { model: config.transcriptionModel },
        ...(noiseReduction !== undefined ? { noise_reduction: noiseReduction } : {}),
        turn_detection: turnDetectionV2(config),
      },
      output: { format: { type: 'audio/pcm', rate: INPUT_SAMPLE_RATE_HZ }, voice: config.voice ?? V2_DEFAULT_VOICE },
    },
    tools: [...V2_TOOLS],
    tool_choice: 'auto',
  };
}

/**
 * Only what changed: the server merges a session.update into the session, and it refuses as a
 * whole an update that names the voice once the model has spoken (`cannot_update_voice`), so a
 * voice change then is left out and applies from the next session. `session.type` is required.
 */
function sessionChangeV2(applied: RealtimeSessionConfig, next: RealtimeSessionConfig, voiceLocked: boolean): { session: JsonObject | undefined; voiceDeferred: boolean } {
  const input: JsonObject = {};
  if (!sameTurnDetection(applied, next)) input['turn_detection'] = turnDetectionV2(next);
  // Turning it off mid-session takes null (the live API's documented way); on, the object.
  if ((next.noiseReduction ?? 'off') !== (applied.noiseReduction ?? 'off')) input['noise_reduction'] = noiseReductionV2(next) ?? null;
  if (next.transcriptionModel !== applied.transcriptionModel) input['transcription'] = { model: next.transcriptionModel };
  const voiceChanged = (next.voice ?? V2_DEFAULT_VOICE) !== (applied.voice ?? V2_DEFAULT_VOICE);
  const sendVoice = voiceChanged && !voiceLocked;
  const audio: JsonObject = {
    ...(Object.keys(input).length > 0 ? { input } : {}),
    ...(sendVoice ? { output: { voice: next.voice ?? V2_DEFAULT_VOICE } } : {}),
  };
  const session: JsonObject = {
    ...(next.instructions !== applied.instructions ? { instructions: next.instructions } : {}),
    ...(Object.keys(audio).length > 0 ? { audio } : {}),
  };
  const voiceDeferred = voiceChanged && voiceLocked;
  return { session: Object.keys(session).length > 0 ? { type: 'realtime', ...session } : undefined, voiceDeferred };
}
