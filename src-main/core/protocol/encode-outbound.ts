import { assertNever } from '../util/assert-never';
import type { ClientEventIds, ClientEventPurpose } from './client-event-ids';
import type { OutboundMessage } from './outbound-message';

type HandoffOutput = Extract<OutboundMessage, { type: 'handoff.output' }>;

/** A client event's fields after its `type` (and its `event_id`, when the dialect sends one). */
type EventFields = Record<string, unknown>;

/**
 * Both dialects spell every outbound message the same way except the handoff answer, so each
 * codec supplies only that (its type and fields). With `eventIds` (v2) every frame carries an
 * `event_id` right after its type; without (v1, whose reference frames have none) none does.
 */
export function createOutboundEncoder(handoffOutput: (message: HandoffOutput) => { type: string; fields: EventFields }, eventIds?: ClientEventIds) {
  const frame = (purpose: ClientEventPurpose, type: string, fields: EventFields = {}): string =>
    JSON.stringify(eventIds ? { type, event_id: eventIds.next(purpose), ...fields } : { type, ...fields });

  return function encode(message: OutboundMessage): string {
    switch (message.type) {
      case 'audio.append': {
        // Hot path: base64 and our ids need no JSON escaping, so skip JSON.stringify.
        const eventId = eventIds ? '"event_id":"' + eventIds.next(message.type, false) + '",' : '';
        return '{"type":"input_audio_buffer.append",' + eventId + '"audio":"' + message.base64 + '"}';
      }
      case 'audio.commit':
        return frame(message.type, 'input_audio_buffer.commit');
      case 'audio.clear':
        return frame(message.type, 'input_audio_buffer.clear');
      case 'user.text':
        return frame(message.type, 'conversation.item.create', {
          item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: message.text }] },
        });
      case 'handoff.output': {
        const { type, fields } = handoffOutput(message);
        return frame(message.type, type, fields);
      }
      case 'agent.progress':
        // A call takes one output; what the agent says before its final answer is context for the
        // voice model, in a system message so it is not mistaken for the user's words.
        return frame(message.type, 'conversation.item.create', {
          item: { type: 'message', role: 'system', content: [{ type: 'input_text', text: message.text }] },
        });
      case 'response.create':
        return frame(message.type, 'response.create');
      case 'response.cancel':
        return frame(message.type, 'response.cancel');
      case 'item.truncate':
        return frame(message.type, 'conversation.item.truncate', {
          item_id: message.itemId,
          content_index: 0,
          audio_end_ms: Math.max(0, Math.floor(message.audioEndMs)), // floor: never claim more than was heard
        });
      default:
        return assertNever(message, 'encode outbound message');
    }
  };
}
