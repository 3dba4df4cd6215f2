/**
 * Server events of the v2 (GA) realtime dialect as the mock server sends them, for scripts.
 * Issue 9 makes these follow the live API's order; until then they are the shapes tests share.
 */
export const sessionCreated = (id: string) => ({ type: 'session.created', session: { id, type: 'realtime' } });
export const sessionUpdated = (id: string) => ({ type: 'session.updated', session: { id, type: 'realtime' } });
/** How the live API opens: its defaults, then the answer to Parley's session.update (only then is Parley live). */
export const sessionStarted = (id: string) => [sessionCreated(id), sessionUpdated(id)];
export const userTranscript = (text: string) => ({ type: 'conversation.item.input_audio_transcription.completed', item_id: 'item_user', transcript: text });
export const assistantDelta = (itemId: string, delta: string) => ({ type: 'response.output_audio_transcript.delta', item_id: itemId, delta });
export const functionCall = (callId: string, prompt: string) => ({
  type: 'conversation.item.done',
  item: { id: `item_${callId}`, type: 'function_call', status: 'completed', name: 'background_agent', call_id: callId, arguments: JSON.stringify({ prompt }) },
});
export const responseCreated = (id: string) => ({ type: 'response.created', response: { id, status: 'in_progress' } });
export const responseDone = (id: string) => ({ type: 'response.done', response: { id, status: 'completed', output: [] } });
/**
 * A little of the assistant's speech (the model saying "Let me check" as it calls a tool): with
 * it the user has heard something, so a handoff right after needs no acknowledgement.
 */
export const spokenPreamble = (itemId: string) => ({
  type: 'response.output_audio.delta',
  event_id: `evt_${itemId}`,
  response_id: 'resp_preamble',
  item_id: itemId,
  output_index: 0,
  content_index: 0,
  delta: Buffer.alloc(960).toString('base64'),
});
