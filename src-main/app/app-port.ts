// What the Electron shell (IPC server, tray, hotkeys, windows, quit) and the loopback web bridge
// need from the app. Electron-free: the app controller implements it in plain Node.
import type { AppState, CommandHandlers, EventEnvelope, HotkeyStatus, Settings } from '../../src-shared/ipc-contract';

export interface AppPort {
  /** One handler per contract command; the dispatcher validates arguments before calling them. */
  readonly commands: CommandHandlers;
  /** What the app is doing now (also pushed as the `state` event whenever it changes). */
  snapshot(): AppState;
  /** The current settings (the tray and hotkeys read talk mode, devices and accelerators). */
  settings(): Settings;
  /**
   * Every event main sends the renderer (`session`, `state`, `levels`, `notice`), as envelopes.
   * Returns an unsubscribe. Listeners must not throw; they are called synchronously.
   */
  onEvent(listener: (envelope: EventEnvelope) => void): () => void;
  /** Called when settings change (after they are saved), e.g. to re-register hotkeys. */
  onSettingsChange(listener: (settings: Settings) => void): () => void;
  /** The shell reports how the global hotkeys fared; it shows up in the snapshot and the UI. */
  reportHotkeys(status: HotkeyStatus): void;
  /** Stops the session (socket closed), the audio process and history; resolves within 2 s. */
  shutdown(): Promise<void>;
}
