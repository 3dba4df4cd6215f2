// The loopback web bridge over real HTTP: the token gate, the origin check, commands through the
// shared dispatcher, and events as server-sent events after app.ready.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { startWebBridge, type WebBridge } from '../../src-main/web-bridge/web-bridge-server';
import { startAppHarness } from '../support/app-harness';

function rendererFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-renderer-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Parley</title><script type="module" src="/assets/app.js"></script>');
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log("parley")');
  writeFileSync(join(tmpdir(), 'parley-outside.js'), 'secret');
  return dir;
}

async function start(t: TestContext): Promise<{ bridge: WebBridge; cookie: string; harness: ReturnType<typeof startAppHarness> }> {
  const harness = startAppHarness(t);
  const bridge = await startWebBridge({ app: harness.app, rendererDir: rendererFolder() });
  t.after(() => bridge.close());
  const page = await fetch(bridge.url);
  assert.equal(page.status, 200);
  const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0]!;
  return { bridge, cookie, harness };
}

const command = (bridge: WebBridge, name: string, body: unknown, headers: Record<string, string>) =>
  fetch(`${bridge.origin}/api/commands/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: bridge.origin, ...headers },
    body: JSON.stringify(body),
  });

test('without the token nothing is served: not the page, not assets, not commands, not events', async (t) => {
  const { bridge } = await start(t);
  for (const path of ['/', '/index.html', '/assets/app.js', '/api/events']) {
    const response = await fetch(bridge.origin + path);
    assert.equal(response.status, 403, path);
    assert.match(await response.text(), /needs its token/);
  }
  const wrong = await fetch(`${bridge.origin}/?token=guess`);
  assert.equal(wrong.status, 403);
  const refused = await command(bridge, 'settings.get', {}, {});
  assert.equal(refused.status, 403);
});

test('the token page sets an HttpOnly SameSite cookie that opens assets and commands', async (t) => {
  const { bridge, cookie } = await start(t);
  const page = await fetch(bridge.url);
  assert.match(page.headers.get('set-cookie') ?? '', /HttpOnly; SameSite=Strict/);
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
  const asset = await fetch(`${bridge.origin}/assets/app.js`, { headers: { cookie } });
  assert.equal(asset.status, 200);
  assert.match(asset.headers.get('content-type') ?? '', /javascript/);
  const escape = await fetch(`${bridge.origin}/assets/..%2F..%2Fparley-outside.js`, { headers: { cookie } });
  assert.equal(escape.status, 404, 'no path leaves the renderer folder');

  const response = await command(bridge, 'settings.get', {}, { cookie });
  const body = (await response.json()) as { ok: boolean; value: { dialect: string } };
  assert.equal(body.ok, true);
  assert.equal(body.value.dialect, 'v2');
});

test('commands are validated by the contract and refused from another origin', async (t) => {
  const { bridge, cookie } = await start(t);
  const bad = (await (await command(bridge, 'talk.setMode', { args: { mode: 'shout' } }, { cookie })).json()) as { ok: boolean; error: { code: string; message: string } };
  assert.equal(bad.ok, false);
  assert.equal(bad.error.code, 'invalid_arguments');
  assert.match(bad.error.message, /mode must be one of hands-free, push-to-talk, toggle/);
  const unknown = (await (await command(bridge, 'app.format', {}, { cookie })).json()) as { error: { code: string } };
  assert.equal(unknown.error.code, 'unknown_command');
  const foreign = await command(bridge, 'settings.get', {}, { cookie, origin: 'http://evil.example' });
  assert.equal(foreign.status, 403);
  assert.equal(((await foreign.json()) as { error: { code: string } }).error.code, 'untrusted_sender');
  const malformed = await fetch(`${bridge.origin}/api/commands/settings.get`, { method: 'POST', headers: { cookie, origin: bridge.origin }, body: '{oops' });
  assert.equal(malformed.status, 400);
});

test('events stream as server-sent events: nothing before app.ready, then patches that follow its revision', async (t) => {
  const { bridge, cookie, harness } = await start(t);
  const controller = new AbortController();
  t.after(() => controller.abort());
  const stream = await fetch(`${bridge.origin}/api/events`, { headers: { cookie }, signal: controller.signal });
  assert.equal(stream.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const reader = stream.body!.getReader();
  let text = '';
  const readUntil = async (needle: string) => {
    while (!text.includes(needle)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended before ${needle}`);
      text += new TextDecoder().decode(value);
    }
  };
  await harness.app.commands['session.start'](undefined); // no key: a problem in the state
  assert.equal(text.includes('missing_api_key'), false, 'nothing reaches a page that is not ready');
  const ready = (await (await command(bridge, 'app.ready', {}, { cookie })).json()) as {
    ok: boolean;
    value: { status: string; revision: number; problems: { code: string }[] };
  };
  assert.equal(ready.value.status, 'error');
  assert.equal(ready.value.problems[0]?.code, 'missing_api_key', 'the whole state comes with ready');
  await harness.app.commands['talk.setMuted']({ muted: true });
  await readUntil('"muted":true');
  const frame = text.split('\n\n').find((chunk) => chunk.includes('"muted":true'))!;
  const envelope = JSON.parse(frame.replace(/^data: /, ''));
  assert.equal(envelope.event, 'state');
  assert.equal(envelope.payload.base, ready.value.revision, 'the first patch follows the revision ready answered');
});
