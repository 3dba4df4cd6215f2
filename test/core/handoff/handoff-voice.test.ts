import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FunctionCalls } from '../../../src-main/core/handoff/function-calls';
import {
  AGENT_PROGRESS_PREFIX,
  CallOutputVoice,
  FINISHED_WITHOUT_ANSWER_TEXT,
  NOTHING_TO_DELEGATE_TEXT,
  SUPERSEDED_HANDOFF_TEXT,
  createV1HandoffVoice,
} from '../../../src-main/core/handoff/handoff-voice';
import type { OutboundMessage } from '../../../src-main/core/protocol/outbound-message';
import { silentLogger } from '../../../src-main/core/util/logger';

function wire() {
  const sent: Array<OutboundMessage | 'response.create'> = [];
  return { sent, send: (message: OutboundMessage) => sent.push(message), requestResponse: () => sent.push('response.create') };
}

test('v1 sends every message and note at once under the handoff id, as the reference does', () => {
  const out = wire();
  const voice = createV1HandoffVoice(out);
  voice.answer('h1', 'first part');
  voice.answer('h1', 'second part');
  voice.finish('h1', undefined);
  voice.supersede('h0');
  voice.decline('h2', 'nothing');
  voice.finish('h3', 'The user cancelled the background agent.');
  assert.deepEqual(out.sent, [
    { type: 'handoff.output', handoffId: 'h1', text: 'first part' },
    { type: 'handoff.output', handoffId: 'h1', text: 'second part' },
    { type: 'handoff.output', handoffId: 'h3', text: 'The user cancelled the background agent.' },
  ]);
});

test('v2: one output per call, the final answer; earlier messages go to the narrator, not the call', () => {
  const out = wire();
  const interim: string[] = [];
  const voice = new CallOutputVoice(out, new FunctionCalls(), silentLogger, (text) => interim.push(text));
  voice.answer('call_1', 'looking at the logs');
  assert.deepEqual(out.sent, [], 'held until it is known whether it is the last');
  assert.deepEqual(interim, []);
  voice.answer('call_1', 'the disk is full');
  voice.finish('call_1', undefined);
  assert.deepEqual(interim, ['looking at the logs']);
  assert.deepEqual(out.sent, [
    { type: 'handoff.output', handoffId: 'call_1', text: 'the disk is full' },
    'response.create',
  ]);
});

test('v2: a failure or cancel note is the output; a message before it goes as progress; nothing answers twice', () => {
  const out = wire();
  const calls = new FunctionCalls();
  const voice = new CallOutputVoice(out, calls, silentLogger, () => {});
  voice.answer('call_1', 'half done');
  voice.finish('call_1', 'The background agent failed: timeout.');
  voice.finish('call_1', 'again');
  voice.decline('call_1', 'and again');
  const outputs = out.sent.filter((message) => message !== 'response.create' && message.type === 'handoff.output');
  assert.deepEqual(outputs, [{ type: 'handoff.output', handoffId: 'call_1', text: 'The background agent failed: timeout.' }]);
  const progress = out.sent.filter((message) => message !== 'response.create' && message.type === 'agent.progress');
  assert.deepEqual(progress, [{ type: 'agent.progress', text: `${AGENT_PROGRESS_PREFIX}half done` }], 'the message before the failure is context for it');
});

test('v2: a superseded call gets its note without a response; an empty request and a silent turn still answer their call', () => {
  const out = wire();
  const voice = new CallOutputVoice(out, new FunctionCalls(), silentLogger, () => {});
  voice.supersede('call_a');
  voice.decline('call_b', NOTHING_TO_DELEGATE_TEXT);
  voice.finish('call_c', undefined);
  assert.deepEqual(out.sent, [
    { type: 'handoff.output', handoffId: 'call_a', text: SUPERSEDED_HANDOFF_TEXT },
    { type: 'handoff.output', handoffId: 'call_b', text: NOTHING_TO_DELEGATE_TEXT },
    'response.create',
    { type: 'handoff.output', handoffId: 'call_c', text: FINISHED_WITHOUT_ANSWER_TEXT },
    'response.create',
  ]);
});
