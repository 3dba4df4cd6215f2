// The secure window factory with `electron` mapped to a recording stub.
import assert from 'node:assert/strict';
import { register } from 'node:module';
import { test } from 'node:test';
import { silentLogger } from '../../src-main/core/util/logger';

register('../support/electron-resolve-hook.mjs', import.meta.url);
const { createSecureWindow, CONTENT_SECURITY_POLICY } = await import('../../src-main/shell/window-factory');
const { recorded, resetStub, stubConfig } = await import('../support/electron-stub.mjs');

function makeWindow(rendererUrl?: string) {
  createSecureWindow({ preloadPath: '/app/preload.cjs', rendererUrl, rendererFile: '/app/renderer/index.html', title: 'Parley' });
  return recorded.windows.at(-1)!;
}

test('windows are sandboxed and context-isolated, without Node', () => {
  const window = makeWindow();
  const preferences = window.options['webPreferences'];
  assert.equal(preferences.contextIsolation, true);
  assert.equal(preferences.sandbox, true);
  assert.equal(preferences.nodeIntegration, false);
  assert.equal(preferences.webSecurity, true);
  assert.equal(preferences.webviewTag, false);
  assert.equal(preferences.preload, '/app/preload.cjs');
  assert.deepEqual(window.loaded, { file: '/app/renderer/index.html' });
});

test('window.open never makes an app window: http(s) and mailto links go to the system, anything else nowhere', () => {
  resetStub();
  const window = makeWindow();
  const open = window.webContents.windowOpenHandler!;
  const links = [
    'https://platform.openai.com/api-keys',
    'http://example.com/a?b=1',
    'mailto:someone@example.com',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'parley://settings',
    'not a url',
  ];
  for (const url of links) assert.deepEqual(open({ url }), { action: 'deny' }, url);
  assert.deepEqual(recorded.openedExternally, ['https://platform.openai.com/api-keys', 'http://example.com/a?b=1', 'mailto:someone@example.com']);
  assert.equal(recorded.windows.length, 1, 'no second window was created');
});

test('a link the system cannot open is reported, with its protocol but not its address', async () => {
  resetStub();
  const warnings: Array<{ message: string; details: Record<string, unknown> | undefined }> = [];
  const logger = { ...silentLogger, warn: (message: string, details?: Record<string, unknown>) => warnings.push({ message, details }) };
  stubConfig.openExternalError = new Error('no application is registered for this link');
  createSecureWindow({ preloadPath: '/app/preload.cjs', rendererUrl: undefined, rendererFile: '/app/renderer/index.html', title: 'Parley', logger });
  const open = recorded.windows.at(-1)!.webContents.windowOpenHandler!;
  assert.deepEqual(open({ url: 'https://example.com/private?token=abc' }), { action: 'deny' });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!.message, /could not open a link/);
  assert.deepEqual(warnings[0]!.details, { protocol: 'https:', error: 'no application is registered for this link' });
  assert.equal(JSON.stringify(warnings).includes('token=abc'), false);
});

test('navigation away from our own page is prevented', () => {
  const window = makeWindow('http://localhost:5173');
  const attempt = (url: string) => {
    let prevented = false;
    window.webContents.emit('will-navigate', { preventDefault: () => (prevented = true) }, url);
    return prevented;
  };
  assert.equal(attempt('https://evil.example/'), true);
  assert.equal(attempt('http://localhost:6666/'), true);
  assert.equal(attempt('http://localhost:5173/settings'), false);
  assert.equal(attempt('file:///app/renderer/index.html'), false);
});

test('every permission request and check is denied (audio is captured in main)', () => {
  const window = makeWindow();
  const session = window.webContents.session;
  let granted: boolean | undefined;
  session.permissionRequestHandler!(window.webContents, 'media', (answer: boolean) => (granted = answer));
  assert.equal(granted, false);
  assert.equal(session.permissionCheckHandler!(), false);
});

test('in development the CSP header is added to every response', () => {
  const window = makeWindow('http://localhost:5173');
  let headers: Record<string, string[]> | undefined;
  window.webContents.session.headersHandler!({ responseHeaders: { 'X-Other': ['1'] } }, (answer: { responseHeaders: Record<string, string[]> }) => (headers = answer.responseHeaders));
  assert.deepEqual(headers, { 'X-Other': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  assert.match(CONTENT_SECURITY_POLICY, /script-src 'self'/);
  assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-eval/);
});
