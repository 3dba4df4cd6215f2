// WebRTC's audio processing module (AEC3, noise suppression, high-pass filter, gain control) from
// the prebuilt native library in @livekit/rtc-ffi-bindings 0.12.73. The package calls itself
// internal and its API is raw protobuf requests, so this is the ONLY file that may import it:
// a change of library replaces this file and nothing else.
//
// How the library is driven (its proto/audio_frame_pb.d.ts and proto/ffi_pb.d.ts):
// - every call is `livekitFfiRequest(FfiRequest bytes) → FfiResponse bytes`, synchronous;
// - `newApm` returns an owned handle, released with `new FfiHandle(id).dispose()`;
// - frames travel by pointer (`livekitRetrievePtr(Uint8Array)` = address of its bytes), as
//   interleaved PCM16 with the size in BYTES; the microphone frame is processed in place.
// Measured here: a size that is not exactly 10 ms makes the native code panic and ABORT the whole
// process ("slice must have a multiple of 10ms worth of samples"), so every frame length is
// checked in JavaScript before a pointer crosses over. A bad handle only throws.
import { createRequire } from 'node:module';
import type * as LiveKitFfi from '@livekit/rtc-ffi-bindings';

export const WEBRTC_APM_PACKAGE = '@livekit/rtc-ffi-bindings';
const BYTES_PER_SAMPLE = 2;
const MONO_CHANNELS = 1;

export interface WebRtcApmConfig {
  readonly sampleRateHz: number;
  /** Samples in one 10 ms mono frame at sampleRateHz: the only length the library accepts. */
  readonly frameSamples: number;
  readonly noiseSuppression: boolean;
  readonly highPassFilter: boolean;
  readonly autoGainControl: boolean;
}

/** One native audio processing instance; frames must be exactly config.frameSamples long. */
export interface WebRtcApm {
  processReverse(frame: Int16Array): void;
  processCapture(frame: Int16Array): void;
  setStreamDelayMs(delayMs: number): void;
  /** Releases the native instance; throws if the library refuses. Call once. */
  close(): void;
}

type FfiModule = typeof LiveKitFfi;

let loadedModule: FfiModule | undefined;

/** Loads the package (and with it the platform's native binary); throws the loader's error. */
function loadFfi(): FfiModule {
  if (loadedModule === undefined) {
    const requireFromHere = createRequire(import.meta.url);
    loadedModule = requireFromHere(WEBRTC_APM_PACKAGE) as FfiModule;
  }
  return loadedModule;
}

type RequestMessage = LiveKitFfi.FfiRequest['message'];
type ResponseMessage = LiveKitFfi.FfiResponse['message'];

/** A frame buffer the native side reads and writes through a fixed address. */
interface PinnedFrame {
  readonly samples: Int16Array;
  /** Kept so the backing store (and with it the address) lives as long as this frame. */
  readonly bytes: Uint8Array;
  readonly address: bigint;
}

function pinFrame(ffi: FfiModule, frameSamples: number): PinnedFrame {
  // A fresh ArrayBuffer of hundreds of bytes lives outside V8's moving heap, is aligned for i16,
  // and keeps its address for its lifetime; one per direction is reused for every frame.
  const buffer = new ArrayBuffer(frameSamples * BYTES_PER_SAMPLE);
  const bytes = new Uint8Array(buffer);
  return { samples: new Int16Array(buffer), bytes, address: ffi.livekitRetrievePtr(bytes) };
}

function send(ffi: FfiModule, requestBytes: Uint8Array, expected: NonNullable<ResponseMessage['case']>): void {
  const response = ffi.FfiResponse.fromBinary(ffi.livekitFfiRequest(requestBytes)).message;
  if (response.case !== expected) throw new Error(`WebRTC audio processing: expected a ${expected} response, got ${response.case ?? 'none'}`);
  const error = (response.value as { error?: string }).error;
  if (error !== undefined && error !== '') throw new Error(`WebRTC audio processing ${expected} failed: ${error}`);
}

function encode(ffi: FfiModule, message: RequestMessage): Uint8Array {
  return new ffi.FfiRequest({ message }).toBinary();
}

/**
 * Loads the library and creates one instance. Throws the loader's or the library's own error
 * (the caller words it for the user).
 */
export function openWebRtcApm(config: WebRtcApmConfig): WebRtcApm {
  const ffi = loadFfi();
  const created = ffi.FfiResponse.fromBinary(
    ffi.livekitFfiRequest(
      encode(ffi, {
        case: 'newApm',
        value: new ffi.NewApmRequest({
          echoCancellerEnabled: true,
          gainControllerEnabled: config.autoGainControl,
          highPassFilterEnabled: config.highPassFilter,
          noiseSuppressionEnabled: config.noiseSuppression,
        }),
      }),
    ),
  ).message;
  const handleId = created.case === 'newApm' ? created.value.apm?.handle?.id : undefined;
  if (handleId === undefined) throw new Error(`WebRTC audio processing: newApm returned no handle (${created.case ?? 'empty response'})`);

  const reverse = pinFrame(ffi, config.frameSamples);
  const capture = pinFrame(ffi, config.frameSamples);
  const sizeBytes = config.frameSamples * BYTES_PER_SAMPLE;
  const frameFields = { apmHandle: handleId, size: sizeBytes, sampleRate: config.sampleRateHz, numChannels: MONO_CHANNELS };
  // Handle, address, size and rate never change, so each request is encoded once.
  const reverseRequest = encode(ffi, { case: 'apmProcessReverseStream', value: new ffi.ApmProcessReverseStreamRequest({ ...frameFields, dataPtr: reverse.address }) });
  const captureRequest = encode(ffi, { case: 'apmProcessStream', value: new ffi.ApmProcessStreamRequest({ ...frameFields, dataPtr: capture.address }) });
  const delayRequest = (delayMs: number): Uint8Array => encode(ffi, { case: 'apmSetStreamDelay', value: new ffi.ApmSetStreamDelayRequest({ apmHandle: handleId, delayMs }) });
  // WebRTC wants the delay hint set before every capture frame; 0 until the caller knows better.
  let currentDelayRequest = delayRequest(0);

  const checkLength = (frame: Int16Array): void => {
    if (frame.length !== config.frameSamples) {
      throw new Error(`WebRTC audio processing takes 10 ms frames of ${config.frameSamples} samples; got ${frame.length}`);
    }
  };

  return {
    processReverse(frame) {
      checkLength(frame);
      reverse.samples.set(frame);
      send(ffi, reverseRequest, 'apmProcessReverseStream');
    },
    processCapture(frame) {
      checkLength(frame);
      capture.samples.set(frame);
      send(ffi, currentDelayRequest, 'apmSetStreamDelay');
      send(ffi, captureRequest, 'apmProcessStream');
      frame.set(capture.samples);
    },
    setStreamDelayMs(delayMs) {
      currentDelayRequest = delayRequest(delayMs);
    },
    close() {
      new ffi.FfiHandle(handleId).dispose();
    },
  };
}
