// Dialect v2 in a room: the noise reduction rule, turn detection written out in full, the
// remain_silent tool, and a remain_silent call decided as silence (never a handoff).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FunctionCalls } from '../../../src-main/core/handoff/function-calls';
import type { ConversationItemInfo } from '../../../src-main/core/protocol/realtime-event';
import { noiseReductionFor, type RealtimeSessionConfig } from '../../../src-main/core/protocol/session-config';
import { REMAIN_SILENT_TOOL_NAME, createV2Codec } from '../../../src-main/core/protocol/v2-codec';
import { silentLogger } from '../../../src-main/core/util/logger';
import { loadRealtimeSpec } from '../../support/realtime-spec';
import { sessionConfig } from '../../support/session-harness';

const spec = loadRealtimeSpec();

const config: RealtimeSessionConfig = sessionConfig('v2', 'wss://api.openai.com/v1', { model: undefined, instructions: 'be brief' });

test('auto noise reduction: near field for a headset, headphones, earbuds or AirPods; far field otherwise', () => {
  for (const name of ['Jabra Evolve2 Headset', 'AirPods Pro', 'Sony WH-1000XM4 Headphones', 'Galaxy Buds2', 'Pixel earbuds', 'bluez_sink.hands-free']) {
    assert.equal(noiseReductionFor('auto', name), 'near_field', name);
  }
  for (const name of ['Built-in Audio Analog Stereo', 'MacBook Pro Speakers', 'HDMI / DisplayPort 1 Output', 'Head of the table speaker']) {
    assert.equal(noiseReductionFor('auto', name), 'far_field', name);
  }
  assert.equal(noiseReductionFor('auto', undefined), 'far_field', 'the system default cannot be told: the room is assumed');
});

test('a chosen noise reduction is taken as it is, whatever the device', () => {
  assert.equal(noiseReductionFor('far_field', 'AirPods Pro'), 'far_field');
  assert.equal(noiseReductionFor('near_field', 'Built-in Audio Analog Stereo'), 'near_field');
  assert.equal(noiseReductionFor('off', 'AirPods Pro'), 'off');
});

test('the session carries remain_silent beside background_agent, with a description of when to call it', () => {
  const update = JSON.parse(createV2Codec(silentLogger).sessionUpdate({ ...config, noiseReduction: 'far_field' }));
  const tool = update.session.tools.find((candidate: { name: string }) => candidate.name === REMAIN_SILENT_TOOL_NAME);
  assert.equal(tool.type, 'function');
  assert.match(tool.description, /not meant for you/);
  assert.deepEqual(tool.parameters, { type: 'object', properties: {} });
  assert.deepEqual(update.session.audio.input.noise_reduction, { type: 'far_field' });
  assert.deepEqual(spec.validateClientEvent(update), []);
});

test('a change of eagerness alone sends the whole semantic_vad turn detection', () => {
  const codec = createV2Codec(silentLogger);
  const applied = { ...config, turnDetection: 'semantic_vad' as const, semanticEagerness: 'auto' as const };
  const change = codec.sessionChange(applied, { ...applied, semanticEagerness: 'low' }, false);
  const frame = JSON.parse(change.frame!);
  assert.deepEqual(frame.session.audio.input, { turn_detection: { type: 'semantic_vad', eagerness: 'low', interrupt_response: true, create_response: true } });
  assert.deepEqual(spec.validateClientEvent(frame), []);
});

test('settings that do not reach the wire change nothing: eagerness under server_vad, silence under push-to-talk', () => {
  const codec = createV2Codec(silentLogger);
  assert.equal(codec.sessionChange(config, { ...config, semanticEagerness: 'high' }, false).frame, undefined);
  const pushToTalk = { ...config, turnDetection: 'none' as const };
  assert.equal(codec.sessionChange(pushToTalk, { ...pushToTalk, vadSilenceMs: 900 }, false).frame, undefined);
});

test('noise reduction turned off mid-session is sent as null; turned on, as its type', () => {
  const codec = createV2Codec(silentLogger);
  const off = JSON.parse(codec.sessionChange({ ...config, noiseReduction: 'near_field' }, { ...config, noiseReduction: 'off' }, false).frame!);
  assert.deepEqual(off.session.audio.input, { noise_reduction: null });
  const on = JSON.parse(codec.sessionChange({ ...config, noiseReduction: 'off' }, { ...config, noiseReduction: 'far_field' }, false).frame!);
  assert.deepEqual(on.session.audio.input, { noise_reduction: { type: 'far_field' } });
  assert.deepEqual(spec.validateClientEvent(on), []);
});

function callItem(name: string, status: string | undefined, callId = 'call_1'): ConversationItemInfo {
  return { id: 'item_1', kind: 'function_call', role: undefined, status, inputText: undefined, callId, name, arguments: '{}' };
}

test('a completed remain_silent call is decided once, as silence', () => {
  const calls = new FunctionCalls();
  assert.equal(calls.onItem(callItem(REMAIN_SILENT_TOOL_NAME, 'in_progress'), false), undefined);
  assert.deepEqual(calls.onItem(callItem(REMAIN_SILENT_TOOL_NAME, 'completed'), true), { kind: 'silence', callId: 'call_1', itemId: 'item_1' });
  assert.equal(calls.onItem(callItem(REMAIN_SILENT_TOOL_NAME, 'completed'), true), undefined, 'a repeated done event decides nothing more');
});

test('a cut-off remain_silent call needs nothing: no decision, not an incomplete handoff', () => {
  const calls = new FunctionCalls();
  assert.equal(calls.onItem(callItem(REMAIN_SILENT_TOOL_NAME, 'incomplete'), true), undefined);
});
