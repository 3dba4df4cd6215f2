import assert from 'node:assert/strict';
import type { NetworkInterfaceInfo } from 'node:os';
import { test } from 'node:test';
import { isLoopbackUrl, networkPresence } from '../../src-main/headless/network-presence';

const address = (internal: boolean) => ({ address: internal ? '127.0.0.1' : '192.168.1.20', internal }) as NetworkInterfaceInfo;

test('the network is present while an interface other than loopback has an address', () => {
  let interfaces: Record<string, NetworkInterfaceInfo[]> = { lo: [address(true)], wlan0: [address(false)] };
  const online = networkPresence('wss://api.openai.com/v1', (() => interfaces) as never);
  assert.equal(online(), true);
  interfaces = { lo: [address(true)] };
  assert.equal(online(), false, 'Wi-Fi off: only loopback is left');
});

test('a server on this machine is always reachable, whatever the interfaces', () => {
  const online = networkPresence('ws://127.0.0.1:9000', (() => ({ lo: [address(true)] })) as never);
  assert.equal(online(), true);
  assert.equal(isLoopbackUrl('http://localhost:8080/v1'), true);
  assert.equal(isLoopbackUrl('wss://api.openai.com/v1'), false);
  assert.equal(isLoopbackUrl('not a url'), false);
});
