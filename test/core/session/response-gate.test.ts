import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResponseGate } from '../../../src-main/core/session/response-gate';

test('sends at once when no response is active', () => {
  let sent = 0;
  const gate = new ResponseGate(() => sent++);
  gate.request();
  assert.equal(sent, 1);
});

test('defers while a response is active and sends once when it is done', () => {
  let sent = 0;
  const gate = new ResponseGate(() => sent++);
  gate.onResponseCreated();
  gate.request();
  gate.request();
  assert.equal(sent, 0);
  gate.onResponseFinished();
  assert.equal(sent, 1, 'two deferred requests collapse into one response.create');
  gate.onResponseFinished();
  assert.equal(sent, 1);
});

test('the active-response error re-arms the deferral instead of failing', () => {
  let sent = 0;
  const gate = new ResponseGate(() => sent++);
  gate.request();
  assert.equal(sent, 1);
  gate.onActiveResponseError();
  assert.ok(gate.isDeferring);
  gate.onResponseFinished();
  assert.equal(sent, 2);
});

test('a request in flight counts as active until the server answers', () => {
  let sent = 0;
  const gate = new ResponseGate(() => sent++);
  gate.request();
  gate.request();
  assert.equal(sent, 1);
  gate.onResponseCreated();
  gate.onResponseFinished();
  assert.equal(sent, 2);
});

test('a response.create the server refused opens the gate again', () => {
  let sent = 0;
  const gate = new ResponseGate(() => sent++);
  gate.request();
  gate.onCreateRejected(); // its error named our response.create (e.g. a rate limit)
  gate.request();
  assert.equal(sent, 2, 'the next request is not swallowed');
});

test('a request deferred behind a refused response.create is sent when the refusal arrives', () => {
  let sent = 0;
  const gate = new ResponseGate(() => sent++);
  gate.request();
  gate.request();
  assert.equal(sent, 1, 'deferred behind the request in flight');
  gate.onCreateRejected();
  assert.equal(sent, 2);
  assert.equal(gate.isDeferring, false);
});
