import { assertNever } from '../util/assert-never';
import type { OutboundMessage } from './outbound-message';

type HandoffOutput = Extract<OutboundMessage, { type: 'handoff.output' }>;

/**
 * Both dialects spell every outbound message the same way except the handoff answer, so each
 * codec supplies only that.
 */
export function createOutboundEncoder(encodeHandoffOutput: (message: HandoffOutput) => string) {
  return function encode(message: OutboundMessage): string {
    switch (message.type) {
      case 'audio.append':
        // Hot path: base64 needs no JSON escaping, so skip JSON.stringify.
        return '{"type":"input_audio_buffer.append","audio":"' + message.base64 + '"}';
      case 'audio.commit':
        return '{"type":"input_audio_buffer.commit"}';
      case 'audio.clear':
        return '{"type":"input_audio_buffer.clear"}';
      case 'user.text':
        return JSON.stringify({
          type: 'conversation.item.create',
          item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: message.text }] },
        });
      case 'handoff.output':
        return encodeHandoffOutput(message);
      case 'agent.progress':
        // A call takes one output; what the agent says before its final answer is context for the
        // voice model, in a system message so it is not mistaken for the user's words.
        return JSON.stringify({
          type: 'conversation.item.create',
          item: { type: 'message', role: 'system', content: [{ type: 'input_text', text: message.text }] },
        });
      case 'response.create':
        return '{"type":"response.create"}';
      case 'response.cancel':
        return '{"type":"response.cancel"}';
      case 'item.truncate':
        return JSON.stringify({
          type: 'conversation.item.truncate',
          item_id: message.itemId,
          content_index: 0,
          audio_end_ms: Math.max(0, Math.round(message.audioEndMs)),
        });
      default:
        return assertNever(message, 'encode outbound message');
    }
  };
}
