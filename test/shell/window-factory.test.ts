// The secure window factory with `electron` mapped to a recording stub.
import assert from 'node:assert/strict';
import { register } from 'node:module';
import { test } from 'node:test';

register('../support/electron-resolve-hook.mjs', import.meta.url);
const { createSecureWindow, CONTENT_SECURITY_POLICY } = await import('../../src-main/shell/window-factory');
const { recorded } = await import('../support/electron-stub.mjs');

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

test('window.open is denied; https links go to the browser, anything else nowhere', () => {
  const window = makeWindow();
  const open = window.webContents.windowOpenHandler!;
  assert.deepEqual(open({ url: 'https://platform.openai.com/api-keys' }), { action: 'deny' });
  assert.deepEqual(open({ url: 'file:///etc/passwd' }), { action: 'deny' });
  assert.deepEqual(open({ url: 'javascript:alert(1)' }), { action: 'deny' });
  assert.deepEqual(recorded.openedExternally, ['https://platform.openai.com/api-keys']);
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
