import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FunctionCalls } from '../../../src-main/core/handoff/function-calls';
import type { ConversationItemInfo } from '../../../src-main/core/protocol/realtime-event';

const call = (status: string | undefined, args: string | undefined, overrides: Partial<ConversationItemInfo> = {}): ConversationItemInfo => ({
  id: 'item_fc',
  kind: 'function_call',
  role: undefined,
  status,
  inputText: undefined,
  callId: 'call_1',
  name: 'background_agent',
  arguments: args,
  ...overrides,
});

test('a call becomes a handoff once, when its item is done completed, whatever events repeat it', () => {
  const calls = new FunctionCalls();
  assert.equal(calls.onItem(call('in_progress', ''), false), undefined, 'output_item.added');
  assert.equal(calls.onItem(call('in_progress', ''), false), undefined, 'conversation.item.added');
  calls.onArguments('item_fc', 'call_1', '{"prompt":"book', undefined);
  assert.equal(calls.onItem(call('in_progress', undefined), true), undefined, 'a done event that is not final yet');
  const decision = calls.onItem(call('completed', '{"prompt":"book a table"}'), true);
  assert.deepEqual(decision, { kind: 'handoff', callId: 'call_1', itemId: 'item_fc', prompt: 'book a table' });
  assert.equal(calls.onItem(call('completed', '{"prompt":"book a table"}'), true), undefined, 'conversation.item.done after response.output_item.done');
  assert.equal(calls.onItem(call('completed', '{"prompt":"book a table"}'), true), undefined);
});

test('an incomplete call is decided as incomplete with its partial arguments, and never becomes a handoff later', () => {
  const calls = new FunctionCalls();
  calls.onItem(call('in_progress', ''), false);
  calls.onArguments('item_fc', undefined, '{"prompt":"delete the', undefined);
  const decision = calls.onItem(call('incomplete', undefined), true);
  assert.deepEqual(decision, { kind: 'incomplete', callId: 'call_1', itemId: 'item_fc', arguments: '{"prompt":"delete the' });
  assert.equal(calls.onItem(call('completed', '{"prompt":"delete the logs"}'), true), undefined);
});

test('the call id is found from the item id when an event omits it; arguments from the stream are used when the done item has none', () => {
  const calls = new FunctionCalls();
  calls.onItem(call('in_progress', ''), false);
  calls.onArguments('item_fc', undefined, undefined, '{"prompt":"streamed"}');
  const decision = calls.onItem(call('completed', undefined, { callId: undefined }), true);
  assert.deepEqual(decision, { kind: 'handoff', callId: 'call_1', itemId: 'item_fc', prompt: 'streamed' });
});

test('another tool is never a handoff', () => {
  const calls = new FunctionCalls();
  assert.equal(calls.onItem(call('completed', '{}', { name: 'weather' }), true), undefined);
});

test('each call takes exactly one output', () => {
  const calls = new FunctionCalls();
  calls.onItem(call('completed', '{"prompt":"x"}'), true);
  assert.equal(calls.claimOutput('call_1'), true);
  assert.equal(calls.claimOutput('call_1'), false);
  assert.equal(calls.claimOutput('call_2'), true);
});
