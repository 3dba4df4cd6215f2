import assert from 'node:assert/strict';
import { test } from 'node:test';
import { realtimeWebsocketUrl } from '../../../src-main/core/protocol/connect-url';
import { ConfigurationError } from '../../../src-main/core/util/errors';

const v1Query = [['intent', 'quicksilver'] as const, ['model', 'm'] as const];

test('an empty path or / becomes /v1/realtime, http becomes ws', () => {
  assert.equal(realtimeWebsocketUrl('http://host:1', v1Query), 'ws://host:1/v1/realtime?intent=quicksilver&model=m');
  assert.equal(realtimeWebsocketUrl('https://host/', v1Query), 'wss://host/v1/realtime?intent=quicksilver&model=m');
});

test('a path ending in /v1 gets /realtime appended', () => {
  assert.equal(realtimeWebsocketUrl('https://api.example.com/proxy/v1', []), 'wss://api.example.com/proxy/v1/realtime');
});

test('a path already ending in /realtime is kept, trailing slash trimmed', () => {
  assert.equal(realtimeWebsocketUrl('https://host/custom/realtime/', []), 'wss://host/custom/realtime');
});

test('ws and wss base URLs are kept as given, with the v1 query as the reference tests use them', () => {
  assert.equal(realtimeWebsocketUrl('ws://127.0.0.1:4100', v1Query), 'ws://127.0.0.1:4100/v1/realtime?intent=quicksilver&model=m');
  assert.equal(realtimeWebsocketUrl('wss://host/v1', v1Query), 'wss://host/v1/realtime?intent=quicksilver&model=m');
  assert.equal(realtimeWebsocketUrl('wss://host/custom/realtime', []), 'wss://host/custom/realtime');
});

test("the user's query parameters are kept and ours follow them", () => {
  assert.equal(
    realtimeWebsocketUrl('https://host/v1?tenant=a&model=old', v1Query),
    'wss://host/v1/realtime?tenant=a&intent=quicksilver&model=m',
  );
});

test('another scheme or a non-URL is a configuration error naming the setting', () => {
  assert.throws(() => realtimeWebsocketUrl('ftp://host', []), (error: unknown) => {
    assert.ok(error instanceof ConfigurationError);
    assert.match(error.message, /realtime URL "ftp:\/\/host" uses ftp; only http, https, ws, wss work here/);
    assert.equal(error.setting, 'realtime URL');
    return true;
  });
  assert.throws(() => realtimeWebsocketUrl('not a url', [], { setting: '--realtime-url' }), /The --realtime-url "not a url" is not a valid URL/);
});
