import type { AudioDevice, DeviceList } from '../../../../src-shared/ipc-contract';
import type { EchoCancellationSettings, EchoProtection } from '../../../../src-shared/echo-cancellation';
import type { PlaybackStart } from '../../../core/audio/audio-io';

/**
 * The small message protocol between Parley and its audio host process, which owns the native
 * PortAudio streams so that a crash there (naudiodon is known to segfault on stream re-creation
 * and after long runs) restarts audio instead of taking the app down. Messages travel over the
 * Node IPC channel with `serialization: 'advanced'`, so PCM goes as Uint8Array without base64.
 */
/** Microphone chunks from the device: short, so a frame waits little for the resampler's look-ahead. */
export const CAPTURE_CHUNK_MS = 10;
/** What the host sends of the microphone, whatever the device: 24 kHz mono, 10 ms per message (the echo canceller's frame). */
export const CAPTURED_SAMPLE_RATE_HZ = 24_000;
export const CAPTURED_CHANNELS = 1;
export const CAPTURED_FRAME_MS = 10;

/** A device as listed (name, host API, channels, rate): the IPC contract's `AudioDevice`. */
export type AudioDeviceInfo = AudioDevice;

export interface OpenedDevice {
  readonly name: string;
  /** The device's own format (captured audio is converted to 24 kHz mono in the host). */
  readonly sampleRate: number;
  readonly channels: number;
  /** True when the requested device was missing and the system default was opened instead. */
  readonly fellBack: boolean;
}

/** An opened microphone and what protects it from the speaker's echo. */
export interface OpenedInput extends OpenedDevice {
  readonly echoProtection: EchoProtection;
}

export type HostRequest =
  | { readonly type: 'list-devices'; readonly requestId: number }
  | { readonly type: 'open-input'; readonly requestId: number; readonly deviceName: string | undefined; readonly echoCancellation: EchoCancellationSettings }
  | { readonly type: 'close-input'; readonly requestId: number }
  /** New canceller settings for the open microphone (the stream stays open); answers its EchoProtection, or null when no microphone is open. */
  | { readonly type: 'set-echo-cancellation'; readonly requestId: number; readonly echoCancellation: EchoCancellationSettings }
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
  /**
   * 10 ms of microphone audio, 24 kHz mono PCM16LE, after the echo canceller (when it runs).
   * `capturedAtMs`: wall-clock ms (Date.now based) of its last sample. `rawRmsDbfs`: its level
   * before the canceller (what the microphone heard), dBFS.
   */
  | { readonly type: 'captured'; readonly pcm: Uint8Array; readonly capturedAtMs: number; readonly rawRmsDbfs: number }
  /** The open microphone's protection changed by itself (the canceller failed, the delay hint moved). */
  | { readonly type: 'echo-protection'; readonly protection: EchoProtection }
  | { readonly type: 'stream-error'; readonly kind: 'input' | 'output'; readonly message: string }
  /** About 20 times a second while the speaker is open: for the echo gate, the meter, isPlaying. */
  | { readonly type: 'playback-status'; readonly status: PlaybackStatus }
  /** An item's first sample was handed to the device (`handedAt`) and will be heard at `heardAt` (epoch ms). */
  | { readonly type: 'playback-started'; readonly start: PlaybackStart };

export type { PlaybackStart };

export interface PlaybackStatus {
  readonly playing: boolean;
  /** RMS of what was last handed to the device, dBFS (-Infinity when silent). */
  readonly levelDbfs: number;
  readonly bufferedMs: number;
  readonly underruns: number;
  readonly droppedMs: number;
}

export type { DeviceList };
