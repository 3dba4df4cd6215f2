import type { Logger } from '../util/logger';
import { isPlausibleChannelCount, isPlausibleSampleRate } from './audio-validation';
import { realtimeWebsocketUrl } from './connect-url';
import { createOutboundEncoder } from './encode-outbound';
import type { ConnectTarget, DialectCodec, SessionChange } from './dialect-codec';
import { numberField, objectField, parseTypedFrame, stringField, type JsonObject, idField } from './json-fields';
import { decodeItemAdded, decodeServerError, decodeSessionUpdated, frameSkipper } from './shared-decoders';
import type { RealtimeEvent } from './realtime-event';
import { INPUT_SAMPLE_RATE_HZ, type RealtimeSessionConfig } from './session-config';

export const V1_VOICES = ['juniper', 'maple', 'spruce', 'ember', 'vale', 'breeze', 'arbor', 'sol', 'cove'] as const;
export const V1_DEFAULT_VOICE = 'cove';
export const V1_ALPHA_HEADER = 'openai-alpha';
export const V1_ALPHA_VALUE = 'quicksilver=v1';

/** Dialect v1 ("quicksilver"), the one the reference change speaks. */
export function createV1Codec(logger: Logger): DialectCodec {
  const skip = frameSkipper(logger, 'v1');

  function decode(frame: string): RealtimeEvent | undefined {
    const event = parseTypedFrame(frame);
    if (!event) return skip('not a JSON object with a string type');
    const type = event['type'] as string;
    switch (type) {
      case 'conversation.output_audio.delta':
        return decodeAudioDelta(event) ?? skip('audio delta without valid data, rate or channels', type);
      case 'conversation.input_transcript.delta':
      case 'conversation.output_transcript.delta': {
        const delta = stringField(event, 'delta');
        if (delta === undefined) return skip('transcript delta without delta', type);
        const role = type === 'conversation.input_transcript.delta' ? 'user' : 'assistant';
        return { type: 'transcript.delta', role, delta, itemId: idField(event, 'item_id') };
      }
      case 'session.updated':
        return decodeSessionUpdated(event) ?? skip('session.updated without session.id', type);
      case 'conversation.item.added':
        return decodeItemAdded(event) ?? skip('item.added without item', type);
      case 'conversation.item.done': {
        const item = objectField(event, 'item');
        const itemId = item && idField(item, 'id');
        if (itemId === undefined) return skip('item.done without item.id', type);
        return { type: 'item.done', itemId };
      }
      case 'conversation.handoff.requested': {
        const handoffId = stringField(event, 'handoff_id');
        const itemId = idField(event, 'item_id');
        const inputTranscript = stringField(event, 'input_transcript');
        if (handoffId === undefined || itemId === undefined || inputTranscript === undefined) {
          return skip('handoff.requested needs handoff_id, item_id and input_transcript strings', type);
        }
        return { type: 'handoff.requested', handoffId, itemId, inputTranscript };
      }
      case 'error':
        return decodeServerError(event) ?? skip('error without message', type);
      default:
        return skip('unknown type', type);
    }
  }

  return {
    dialect: 'v1',
    capabilities: { responseAfterHandoffOutput: false, responseAfterUserText: false, truncateOnBargeIn: false, confirmsSessionUpdate: false },
    connectTarget(config, apiKey, sessionId): ConnectTarget {
      const query: Array<[string, string]> = [['intent', 'quicksilver']];
      if (config.model) query.push(['model', config.model]);
      return {
        url: realtimeWebsocketUrl(config.realtimeUrl, query),
        // Later reference versions announce the dialect version on the handshake; v2 sends no such header.
        headers: { Authorization: `Bearer ${apiKey}`, 'x-session-id': sessionId, [V1_ALPHA_HEADER]: V1_ALPHA_VALUE },
      };
    },
    sessionUpdate: sessionUpdateV1,
    sessionChange(_applied, next): SessionChange {
      // As before issue 9: v1 re-sends its whole (small) configuration; its reference has no voice lock.
      return { frame: sessionUpdateV1(next), voiceDeferred: false };
    },
    decode,
    encode: encodeV1,
  };
}

function sessionUpdateV1(config: RealtimeSessionConfig): string {
  return JSON.stringify({
    type: 'session.update',
    session: {
      type: 'quicksilver',
      instructions: config.instructions,
      audio: {
        input: { format: { type: 'audio/pcm', rate: INPUT_SAMPLE_RATE_HZ } },
        output: { voice: config.voice ?? V1_DEFAULT_VOICE },
      },
    },
  });
}

function decodeAudioDelta(event: JsonObject): RealtimeEvent | undefined {
  const base64 = stringField(event, 'delta') ?? stringField(event, 'data');
  const sampleRate = numberField(event, 'sample_rate');
  const channels = numberField(event, 'channels') ?? numberField(event, 'num_channels');
  if (base64 === undefined || !isPlausibleSampleRate(sampleRate) || !isPlausibleChannelCount(channels)) {
    return undefined;
  }
  const samplesPerChannel = numberField(event, 'samples_per_channel');
  return {
    type: 'audio.delta',
    audio: { base64, sampleRate, channels, samplesPerChannel, itemId: idField(event, 'item_id') },
  };
}

// No event ids: v1's reference frames carry none.
const encodeV1 = createOutboundEncoder((message) => ({
  type: 'conversation.handoff.append',
  fields: { handoff_id: message.handoffId, output_text: message.text },
}));
