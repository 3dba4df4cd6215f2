// The typed bridge (window.parley, derived from the IPC contract) lands with issue 4.
// Until then the preload exposes only the app version so the renderer can show it.
import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('parley', Object.freeze({ version: '0.1.0' }));
