import type { HandsFreeTurnDetection } from '../../../src-shared/echo-cancellation';
import type { TurnDetection } from '../protocol/session-config';
import { assertNever } from '../util/assert-never';
import type { MicrophoneFrame } from './audio-io';
import { BargeInDetector } from './barge-in-detector';
import { EchoGate, type EchoGateOptions } from './echo-gate';
import type { PcmLevels } from './pcm';
import { VoiceActivityDetector, type VoiceActivity, type VoiceActivityOptions } from './voice-activity';

/**
 * How the microphone reaches the session; the hotkey and the tray drive it.
 *
 *  - 'hands-free': the server detects turns (server_vad or semantic_vad). How the assistant's
 *    echo is kept out depends on the echo protection (`setEchoProtection`):
 *     - 'gate' (the default, and the fallback where no canceller runs): every frame is sent
 *       through the echo gate: while the assistant is audible, frames that are only its echo go
 *       out as silence (see echo-gate.ts). With `localBargeIn` (v1, which has no
 *       speech_started), the user talking over the assistant (gate open over playback AND the
 *       VAD hearing speech) stops playback locally.
 *     - 'canceller': the frames arrive with the echo already removed and are sent as they are.
 *       The local barge-in detector (barge-in-detector.ts) stops the assistant once the user has
 *       talked over it for `minBargeInMs`, in both dialects: the server does not interrupt on its
 *       own then (v2 interrupt_response false), so a cough does not cut the assistant off.
 *    The talk key here is a manual barge-in: pressing it stops the assistant.
 *  - 'push-to-talk': no turn detection. Frames are sent only while the key is held; pressing it
 *    stops the assistant (barge-in) and clears any stale input; releasing it commits the buffer
 *    (the session asks for the answer). Key auto-repeat (press, press, …) is harmless.
 *  - 'toggle': like push-to-talk, but a press starts talking and the next press stops (= release).
 *  - muted (any mode): no frames at all.
 *
 * A release with less than 100 ms of audio sent does not commit (the realtime API rejects a
 * commit of less than 100 ms as "buffer too small"); the short buffer is cleared instead when the
 * target can.
 */

export type TalkMode = 'hands-free' | 'push-to-talk' | 'toggle';
export const TALK_MODES: readonly TalkMode[] = ['hands-free', 'push-to-talk', 'toggle'];

/** The session-like thing the controller drives (VoiceSession fits). */
export interface TalkTarget {
  sendAudio(pcm: Buffer): boolean;
  commitAudio(): boolean;
  interruptPlayback(): void;
  clearInputBuffer?(): void;
  /** Hands-free: the local detector heard the user's speech end `agoMs` ago (for the latency waterfall). */
  speechEnded?(agoMs: number): void;
}

export interface TalkState {
  readonly mode: TalkMode;
  readonly muted: boolean;
  /** Push-to-talk held / toggle on; always false in hands-free. */
  readonly talking: boolean;
}

/** What keeps the assistant's echo out of hands-free: a canceller upstream, or the echo gate here. */
export type EchoProtectionKind = 'canceller' | 'gate';

export interface TalkModeOptions {
  readonly mode?: TalkMode;
  /** Default 'gate'; see `setEchoProtection`. */
  readonly echoProtection?: EchoProtectionKind;
  /** With the canceller: how long the user must talk over the assistant to stop it, ms (DEFAULT_MIN_BARGE_IN_MS). */
  readonly minBargeInMs?: number;
  readonly muted?: boolean;
  /** v1-style local barge-in in hands-free (v2 relies on the server's speech_started). */
  readonly localBargeIn?: boolean;
  readonly echoGate?: EchoGateOptions;
  readonly voiceActivity?: VoiceActivityOptions;
  /** Audio a push-to-talk turn needs before release commits it, ms. */
  readonly minCommitMs?: number;
  /** Called after mode, muted or talking changes. */
  readonly onStateChange?: (state: TalkState) => void;
}

/** What `onMicrophoneFrame` did with a frame. */
export type FrameDisposition =
  /** Sent as captured. */
  | 'sent'
  /** Sent as silence: the echo gate judged it the assistant's echo. */
  | 'silenced'
  /** Not sent: push-to-talk/toggle and not talking. */
  | 'idle'
  /** Not sent: muted. */
  | 'muted';

export const MIN_COMMIT_MS = 100;
const FRAME_MS = 20;

/** The session's turn detection for a talk mode: hands-free uses the chosen one, the others none. */
export function turnDetectionFor(mode: TalkMode, handsFree: HandsFreeTurnDetection = 'server_vad'): TurnDetection {
  switch (mode) {
    case 'hands-free':
      return handsFree;
    case 'push-to-talk':
    case 'toggle':
      return 'none';
    default:
      return assertNever(mode, 'turnDetectionFor');
  }
}

function assertProtection(kind: EchoProtectionKind): void {
  if (kind !== 'canceller' && kind !== 'gate') throw new RangeError(`TalkModeController: echo protection must be 'canceller' or 'gate'; got ${String(kind)}`);
}

function assertMode(mode: TalkMode): void {
  if (!TALK_MODES.includes(mode)) throw new RangeError(`TalkModeController: mode must be one of ${TALK_MODES.join(', ')}; got ${String(mode)}`);
}

export class TalkModeController {
  readonly localBargeIn: boolean;
  private readonly gate: EchoGate;
  private readonly vad: VoiceActivityDetector;
  private readonly bargeIn: BargeInDetector;
  private protection: EchoProtectionKind;
  /** The canceller the frames come through (see setEchoProtection), when known, and its speaker underruns. */
  private cancellerInstance: number | undefined;
  private cancellerUnderruns = 0;
  private readonly minCommitFrames: number;
  private readonly onStateChange: ((state: TalkState) => void) | undefined;
  private currentMode: TalkMode;
  private isMuted: boolean;
  private isTalking = false;
  /** Frames the target accepted during the current push-to-talk/toggle turn. */
  private framesSentThisTurn = 0;
  /** Local barge-in fired for the current talk-over; re-armed when the talk-over ends. */
  private bargeInFired = false;
  private silence = Buffer.alloc(FRAME_MS * 24 * 2);

  constructor(
    private readonly target: TalkTarget,
    options: TalkModeOptions = {},
  ) {
    this.currentMode = options.mode ?? 'hands-free';
    assertMode(this.currentMode);
    this.isMuted = options.muted ?? false;
    this.localBargeIn = options.localBargeIn ?? false;
    this.gate = new EchoGate(options.echoGate);
    this.vad = new VoiceActivityDetector(options.voiceActivity);
    this.bargeIn = new BargeInDetector({ minBargeInMs: options.minBargeInMs, voiceActivity: options.voiceActivity });
    this.protection = options.echoProtection ?? 'gate';
    assertProtection(this.protection);
    const minCommitMs = options.minCommitMs ?? MIN_COMMIT_MS;
    if (!(minCommitMs >= 0)) throw new RangeError(`TalkModeController: minCommitMs must be ≥ 0, got ${minCommitMs}`);
    this.minCommitFrames = Math.max(1, Math.ceil(minCommitMs / FRAME_MS));
    this.onStateChange = options.onStateChange;
  }

  get mode(): TalkMode {
    return this.currentMode;
  }

  get muted(): boolean {
    return this.isMuted;
  }

  get talking(): boolean {
    return this.isTalking;
  }

  get state(): TalkState {
    return { mode: this.currentMode, muted: this.isMuted, talking: this.isTalking };
  }

  /** The local detector's view (UI hint; in hands-free it hears only what passes the echo gate). */
  get userSpeaking(): boolean {
    return this.vad.speaking;
  }

  get userTalkingOverPlayback(): boolean {
    return this.protection === 'canceller' ? this.bargeIn.speaking && this.bargeIn.assistantAudible : this.gate.isUserTalkingOverPlayback;
  }

  get echoProtection(): EchoProtectionKind {
    return this.protection;
  }

  /** The barge-in length in force with the canceller, ms. */
  get minBargeInMs(): number {
    return this.bargeIn.minBargeInMs;
  }

  /**
   * Which protection the frames have: 'canceller' (the echo was removed upstream: frames go out
   * as they are, local barge-in after minBargeInMs) or 'gate' (the echo gate, as before). A change
   * forgets speech, playback and the canceller's convergence. `canceller` tells one canceller
   * from the next (EchoProtection's `instance`): a new one converges afresh, so the barge-in
   * detector's allowance is loose again for its first seconds of playback; a new speaker
   * underrun (`underruns`) makes it looser while the canceller finds the echo again.
   */
  setEchoProtection(kind: EchoProtectionKind, canceller: { readonly instance?: number; readonly underruns?: number } = {}): void {
    assertProtection(kind);
    const newCanceller = canceller.instance !== undefined && canceller.instance !== this.cancellerInstance;
    const newUnderrun = !newCanceller && (canceller.underruns ?? 0) > this.cancellerUnderruns;
    this.cancellerInstance = canceller.instance;
    this.cancellerUnderruns = canceller.underruns ?? 0;
    if (kind === this.protection) {
      if (kind === 'canceller' && newCanceller) this.bargeIn.restartConvergence();
      else if (kind === 'canceller' && newUnderrun) this.bargeIn.recoverFromUnderrun();
      return;
    }
    this.protection = kind;
    this.bargeInFired = false;
    this.gate.reset();
    this.bargeIn.reset();
    this.vad.reset();
  }

  /** The session's turn detection must follow: see `turnDetectionFor`. A held talk is released first. */
  setMode(mode: TalkMode): void {
    assertMode(mode);
    if (mode === this.currentMode) return;
    if (this.isTalking) this.endTalk();
    this.currentMode = mode;
    this.bargeInFired = false;
    this.gate.reset();
    this.bargeIn.reset();
    this.vad.reset();
    this.changed();
  }

  setMuted(muted: boolean): void {
    if (muted === this.isMuted) return;
    this.isMuted = muted;
    this.vad.reset();
    this.bargeIn.reset();
    this.bargeInFired = false;
    this.changed();
  }

  /** Talk key down. Push-to-talk: start talking; toggle: flip; hands-free: stop the assistant. */
  pressTalk(): void {
    switch (this.currentMode) {
      case 'hands-free':
        this.target.interruptPlayback();
        return;
      case 'push-to-talk':
        if (!this.isTalking) this.startTalk();
        return;
      case 'toggle':
        this.toggleTalk();
        return;
      default:
        assertNever(this.currentMode, 'TalkModeController.pressTalk');
    }
  }

  /** Talk key up. Push-to-talk: stop talking and commit; otherwise nothing. */
  releaseTalk(): void {
    if (this.currentMode === 'push-to-talk' && this.isTalking) this.endTalk();
  }

  /** Tray click / toggle hotkey: start talking, or stop (= release) if talking. Hands-free: barge-in. */
  toggleTalk(): void {
    if (this.currentMode === 'hands-free') {
      this.target.interruptPlayback();
      return;
    }
    if (this.isTalking) this.endTalk();
    else this.startTalk();
  }

  /**
   * One captured frame. `levels` are the frame's own (CapturedFrame carries them), `playbackRmsDbfs`
   * what the speaker is playing now (-Infinity when silent), `nowMs` a monotonic time.
   */
  onMicrophoneFrame(frame: MicrophoneFrame, levels: PcmLevels, playbackRmsDbfs: number, nowMs: number): FrameDisposition {
    if (this.isMuted) return 'muted';
    switch (this.currentMode) {
      case 'hands-free':
        return this.handsFreeFrame(frame, levels, playbackRmsDbfs, nowMs);
      case 'push-to-talk':
      case 'toggle':
        this.vad.process(levels.rmsDbfs, nowMs);
        if (!this.isTalking) return 'idle';
        if (this.target.sendAudio(frame.pcm)) this.framesSentThisTurn++;
        return 'sent';
      default:
        return assertNever(this.currentMode, 'TalkModeController.onMicrophoneFrame');
    }
  }

  private handsFreeFrame(frame: MicrophoneFrame, levels: PcmLevels, playbackRmsDbfs: number, nowMs: number): FrameDisposition {
    if (this.protection === 'canceller') return this.cancelledFrame(frame, levels, playbackRmsDbfs, nowMs);
    const decision = this.gate.decide(levels.rmsDbfs, playbackRmsDbfs, nowMs);
    // The detector hears only what the server will hear: the echo is not the user speaking.
    this.noteSpeechEnd(this.vad.process(decision.pass ? levels.rmsDbfs : -Infinity, nowMs), nowMs);
    const talkingOver = this.gate.isUserTalkingOverPlayback;
    if (!talkingOver) this.bargeInFired = false;
    else if (this.localBargeIn && !this.bargeInFired && this.vad.speaking) {
      this.bargeInFired = true;
      this.target.interruptPlayback();
    }
    if (decision.pass) {
      this.target.sendAudio(frame.pcm);
      return 'sent';
    }
    this.target.sendAudio(this.silenceLike(frame.pcm));
    return 'silenced';
  }

  /** The echo is already removed: the frame goes out as is; the detector decides barge-in. */
  private cancelledFrame(frame: MicrophoneFrame, levels: PcmLevels, playbackRmsDbfs: number, nowMs: number): FrameDisposition {
    this.noteSpeechEnd(this.vad.process(levels.rmsDbfs, nowMs), nowMs);
    if (this.bargeIn.process(levels.rmsDbfs, playbackRmsDbfs, nowMs)) this.target.interruptPlayback();
    this.target.sendAudio(frame.pcm);
    return 'sent';
  }

  /** The user stopped speaking: the speech ended at the last voiced frame, a hangover ago. */
  private noteSpeechEnd(activity: VoiceActivity, nowMs: number): void {
    if (activity.stopped) this.target.speechEnded?.(Math.max(0, nowMs - this.vad.lastVoicedMs));
  }

  private startTalk(): void {
    this.isTalking = true;
    this.framesSentThisTurn = 0;
    this.target.interruptPlayback();
    this.target.clearInputBuffer?.();
    this.changed();
  }

  private endTalk(): void {
    this.isTalking = false;
    if (this.framesSentThisTurn >= this.minCommitFrames) this.target.commitAudio();
    else this.target.clearInputBuffer?.();
    this.framesSentThisTurn = 0;
    this.changed();
  }

  /** A zeroed buffer of the frame's size, shared between calls (the target must not mutate it). */
  private silenceLike(pcm: Buffer): Buffer {
    if (this.silence.length !== pcm.length) this.silence = Buffer.alloc(pcm.length);
    return this.silence;
  }

  private changed(): void {
    this.onStateChange?.(this.state);
  }
}
