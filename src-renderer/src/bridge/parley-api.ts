// The one way the renderer reaches main: the preload's window.parley inside Electron, or the
// loopback web bridge client when the page runs in a plain browser (e2e tests).
import type { ParleyApi } from '../../../src-shared/ipc-contract';
import { createWebBridgeClient } from './web-bridge-client';

declare global {
  interface Window {
    /** Set by the preload in Electron; undefined in a browser tab on the web bridge. */
    parley?: ParleyApi;
  }
}

let webClient: ParleyApi | undefined;

export function getParleyApi(): ParleyApi {
  if (window.parley) return window.parley;
  webClient ??= createWebBridgeClient();
  return webClient;
}
