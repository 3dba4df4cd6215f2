// A hostile or broken server frame must never take Parley down: what formats server data is
// bounded, and a frame that still fails to be handled is reported and skipped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boundedJson, serverErrorMessage } from '../../../src-main/core/protocol/json-fields';
import { TEST_API_KEY, sessionConfig, startScenario } from '../../support/session-harness';
import { sessionStarted } from '../../support/v2-server-events';
import { entryText } from '../../support/entry-text';

/** An `error` frame whose `error` is nested `depth` objects deep (about 12 KB at 2,000). */
function nestedErrorFrame(depth: number): Record<string, unknown> {
  let inner: Record<string, unknown> = { code: 'x' };
  for (let level = 0; level < depth; level++) inner = { e: inner };
  return { type: 'error', error: inner };
}

test('describing a deeply nested server value is bounded in depth and length and never throws', () => {
  const frame = nestedErrorFrame(20_000);
  const text = serverErrorMessage(frame)!;
  assert.ok(text.length <= 501, `${text.length} characters`);
  assert.ok(text.startsWith('{"e":{"e":'), text.slice(0, 40));
  assert.match(text, /\{…\}/, 'the depth cap is visible');
  assert.equal(boundedJson({ a: 'b'.repeat(10_000) }).length <= 501, true);
  assert.equal(boundedJson([1, 'two', null, true]), '[1,"two",null,true]');
});

/** The text of an `error` frame whose `error` is arrays nested `depth` deep (about 2 bytes a level). */
function nestedArrayErrorText(depth: number): string {
  return `{"type":"error","error":${'['.repeat(depth)}${']'.repeat(depth)}}`;
}

test('a hostile deeply nested error frame mid-session is one readable error, and the session goes on', async (t) => {
  const hostile = nestedArrayErrorText(12_000);
  const parsed = JSON.parse(hostile) as { error: unknown };
  assert.throws(() => JSON.stringify(parsed.error), RangeError, 'the frame is one a naive formatter cannot print');
  const { realtime, harness } = await startScenario(t, {
    realtime: [
      {
        batches: [
          [...sessionStarted('sess_hostile'), hostile, { type: 'response.output_audio_transcript.delta', item_id: 'item_after', delta: 'Still here.' }],
        ],
      },
    ],
  });
  await harness.session.start({ config: sessionConfig('v2', realtime.url), apiKey: TEST_API_KEY });
  const error = await harness.waitForEvent('error');
  assert.equal(error.code, 'server_error');
  assert.ok(error.message.length < 700, `${error.message.length} characters`);
  await harness.waitForEvent('transcript.entry', (event) => entryText(harness.events, event).includes('Still here.'));
  assert.equal(harness.session.state, 'live');
});
