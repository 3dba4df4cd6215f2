// Main's side of the IPC contract: every command goes through the sender check and payload
// validation; handlers only ever see valid arguments. Electron is mapped to a recording stub.
import assert from 'node:assert/strict';
import { register } from 'node:module';
import { test } from 'node:test';
import { COMMAND_NAMES, commandChannel, type CommandHandlers } from '../../src-shared/ipc-contract';

register('../support/electron-resolve-hook.mjs', import.meta.url);
const { registerIpcServer } = await import('../../src-main/shell/ipc-server');
const { recorded } = await import('../support/electron-stub.mjs');

const APP_PAGE = { senderFrame: { url: 'file:///opt/Parley/resources/app.asar/out/renderer/index.html' } };

function handlersRecording(calls: Array<[string, unknown]>): CommandHandlers {
  return new Proxy({} as CommandHandlers, {
    get: (_target, name: string) => (args: unknown) => {
      calls.push([name, args]);
      if (name === 'session.stop') throw new Error('the session is already closed');
      return undefined;
    },
  });
}

test('one handler per command; a valid call reaches its handler with the validated arguments', async (t) => {
  const calls: Array<[string, unknown]> = [];
  const server = registerIpcServer(handlersRecording(calls), { devOrigins: [] });
  t.after(() => server.dispose());
  assert.equal(recorded.ipcHandlers.size, COMMAND_NAMES.length);
  const answer = await recorded.ipcHandlers.get(commandChannel('talk.setMode'))!(APP_PAGE, { mode: 'push-to-talk' });
  assert.deepEqual(answer, { ok: true, value: undefined });
  assert.deepEqual(calls, [['talk.setMode', { mode: 'push-to-talk' }]]);
});

test('a bad payload is refused with a clear error and never reaches the handler', async (t) => {
  const calls: Array<[string, unknown]> = [];
  const server = registerIpcServer(handlersRecording(calls), { devOrigins: [] });
  t.after(() => server.dispose());
  const answer = (await recorded.ipcHandlers.get(commandChannel('talk.setMode'))!(APP_PAGE, { mode: 'shout' })) as any;
  assert.equal(answer.ok, false);
  assert.equal(answer.error.code, 'invalid_arguments');
  assert.match(answer.error.message, /talk\.setMode: mode must be one of hands-free, push-to-talk, toggle/);
  assert.deepEqual(calls, []);
});

test('a command from any other page is refused', async (t) => {
  const calls: Array<[string, unknown]> = [];
  const server = registerIpcServer(handlersRecording(calls), { devOrigins: ['http://localhost:5173'] });
  t.after(() => server.dispose());
  for (const url of ['https://evil.example/', 'about:blank', '']) {
    const answer = (await recorded.ipcHandlers.get(commandChannel('apiKey.clear'))!({ senderFrame: { url } }, undefined)) as any;
    assert.equal(answer.error.code, 'untrusted_sender', url);
  }
  const fromDevServer = (await recorded.ipcHandlers.get(commandChannel('apiKey.clear'))!({ senderFrame: { url: 'http://localhost:5173/' } }, undefined)) as any;
  assert.equal(fromDevServer.ok, true);
  assert.deepEqual(calls, [['apiKey.clear', undefined]]);
});

test('a handler that throws answers a failed error instead of throwing across the bridge', async (t) => {
  const server = registerIpcServer(handlersRecording([]), { devOrigins: [] });
  t.after(() => server.dispose());
  const answer = await recorded.ipcHandlers.get(commandChannel('session.stop'))!(APP_PAGE, undefined);
  assert.deepEqual(answer, { ok: false, error: { code: 'failed', message: 'the session is already closed' } });
});

test('dispose removes every handler', () => {
  const server = registerIpcServer(handlersRecording([]), { devOrigins: [] });
  server.dispose();
  assert.equal(recorded.ipcHandlers.size, 0);
});
