import type { AudioDevice, DeviceList } from '../../../../src-shared/ipc-contract';

/**
 * The small message protocol between Parley and its audio host process, which owns the native
 * PortAudio streams so that a crash there (naudiodon is known to segfault on stream re-creation
 * and after long runs) restarts audio instead of taking the app down. Messages travel over the
 * Node IPC channel with `serialization: 'advanced'`, so PCM goes as Uint8Array without base64.
 */
/** Microphone chunks from the host: short, so a frame waits little for the resampler's look-ahead. */
export const CAPTURE_CHUNK_MS = 10;

/** A device as listed (name, host API, channels, rate): the IPC contract's `AudioDevice`. */
export type AudioDeviceInfo = AudioDevice;

export interface OpenedDevice {
  readonly name: string;
  readonly sampleRate: number;
  readonly channels: number;
  /** True when the requested device was missing and the system default was opened instead. */
  readonly fellBack: boolean;
}

export type HostRequest =
  | { readonly type: 'list-devices'; readonly requestId: number }
  | { readonly type: 'open-input'; readonly requestId: number; readonly deviceName: string | undefined }
  | { readonly type: 'close-input'; readonly requestId: number }
  | { readonly type: 'open-output'; readonly requestId: number; readonly deviceName: string | undefined }
  /** `drain`: let what the device already holds play out (the test sound); otherwise cut it (Stop, switch). */
  | { readonly type: 'close-output'; readonly requestId: number; readonly drain?: boolean }
  /** Assistant audio, PCM16LE interleaved in any rate and channel count (converted in the host). */
  | {
      readonly type: 'play';
      readonly pcm: Uint8Array;
      readonly sampleRate: number;
      readonly channels: number;
      readonly itemId: string | undefined;
    }
  /** The item's audio is complete: play it even if shorter than the start threshold. */
  | { readonly type: 'end-item'; readonly itemId: string | undefined }
  /** Barge-in: silence now, drop the queue, answer what was played of the current item. */
  | { readonly type: 'interrupt'; readonly requestId: number }
  | { readonly type: 'shutdown' };

export type HostReply =
  | { readonly type: 'ready'; readonly pid: number }
  | { readonly type: 'reply'; readonly requestId: number; readonly ok: true; readonly value: unknown }
  | { readonly type: 'reply'; readonly requestId: number; readonly ok: false; readonly message: string }
  /** A chunk of microphone audio in the opened input's format; `capturedAtMs` is wall-clock ms (Date.now based) of its last sample. */
  | { readonly type: 'captured'; readonly pcm: Uint8Array; readonly capturedAtMs: number }
  | { readonly type: 'stream-error'; readonly kind: 'input' | 'output'; readonly message: string }
  /** About 20 times a second while the speaker is open: for the echo gate, the meter, isPlaying. */
  | { readonly type: 'playback-status'; readonly status: PlaybackStatus };

export interface PlaybackStatus {
  readonly playing: boolean;
  /** RMS of what was last handed to the device, dBFS (-Infinity when silent). */
  readonly levelDbfs: number;
  readonly bufferedMs: number;
  readonly underruns: number;
  readonly droppedMs: number;
}

export type { DeviceList };
