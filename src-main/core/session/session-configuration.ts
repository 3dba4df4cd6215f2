import type { DialectCodec } from '../protocol/dialect-codec';
import type { RealtimeSessionConfig } from '../protocol/session-config';

/** What a mid-session configuration change did. */
export interface ConfigUpdate {
  /** A session.update went out (false: nothing that can still change did change). */
  readonly sent: boolean;
  /** The voice changed after the model had spoken: not sent, it applies from the next session. */
  readonly voiceDeferred: boolean;
}

/**
 * One connection's configuration as the server has it: whether the first session.update was
 * confirmed (v2 is ready only then), what was applied since, and whether the voice can still
 * change. The live API refuses a whole update that names the voice once the model has produced
 * audio; the voice is locked from the first response on (a response in audio modality is about
 * to produce audio, and an update racing its first delta would be refused), which is at worst a
 * voice change deferred after a response that only called a tool.
 */
export class SessionConfiguration {
  private applied: RealtimeSessionConfig;
  private confirmed: boolean;
  private readyAnnounced = false;
  private voiceLocked = false;

  constructor(
    private readonly codec: DialectCodec,
    initial: RealtimeSessionConfig,
  ) {
    this.applied = initial;
    this.confirmed = !codec.capabilities.confirmsSessionUpdate;
  }

  /** v2, before session.updated answered the first session.update: an error now is a refusal. */
  get awaitingConfirmation(): boolean {
    return !this.confirmed;
  }

  /** session.updated arrived; true the first time (the session is ready then, in both dialects). */
  onSessionUpdated(): boolean {
    this.confirmed = true;
    if (this.readyAnnounced) return false;
    this.readyAnnounced = true;
    return true;
  }

  /** The configuration the server has (or will have once a pending change is confirmed). */
  get current(): RealtimeSessionConfig {
    return this.applied;
  }

  /** The same configuration for a new connection: not yet confirmed, the voice free again. */
  forNewConnection(): SessionConfiguration {
    return new SessionConfiguration(this.codec, this.applied);
  }

  /** The model started a response or produced audio: the voice is fixed for this session. */
  lockVoice(): void {
    this.voiceLocked = true;
  }

  /** The frame for a change to `next` (undefined: nothing to send) and what it left for the next session. */
  change(next: RealtimeSessionConfig): { frame: string | undefined; update: ConfigUpdate } {
    const { frame, voiceDeferred } = this.codec.sessionChange(this.applied, next, this.voiceLocked);
    // A deferred voice is settled too: it belongs to the next session, so it is not reported again.
    this.applied = next;
    return { frame, update: { sent: frame !== undefined, voiceDeferred } };
  }
}
