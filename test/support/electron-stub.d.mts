/** Types for the recording electron stub (electron-stub.mjs). */
export interface StubWindow {
  readonly options: Record<string, any>;
  readonly loaded: { url?: string; file?: string };
  readonly webContents: import('node:events').EventEmitter & {
    windowOpenHandler: ((details: { url: string }) => unknown) | undefined;
    session: {
      permissionRequestHandler: ((...args: any[]) => unknown) | undefined;
      permissionCheckHandler: ((...args: any[]) => unknown) | undefined;
      headersHandler: ((...args: any[]) => unknown) | undefined;
    };
  };
}
export const recorded: {
  windows: StubWindow[];
  openedExternally: string[];
  ipcHandlers: Map<string, (event: { senderFrame?: { url: string } }, payload: unknown) => Promise<unknown>>;
};
