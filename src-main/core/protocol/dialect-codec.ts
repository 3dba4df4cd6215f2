import type { OutboundMessage } from './outbound-message';
import type { RealtimeEvent } from './realtime-event';
import type { Dialect, RealtimeSessionConfig } from './session-config';

export interface ConnectTarget {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** What differs in behaviour (not just spelling) between dialects. */
export interface DialectCapabilities {
  /** v2: a function_call_output does not make the model speak; a response.create must follow. */
  readonly responseAfterHandoffOutput: boolean;
  /** v2: a typed user message needs a response.create to be answered. */
  readonly responseAfterUserText: boolean;
  /** v2: conversation.item.truncate tells the server what the user really heard. */
  readonly truncateOnBargeIn: boolean;
  /**
   * v2: the session is configured only once `session.updated` answers the first `session.update`
   * (an `error` first means it was refused). v1 is live when the socket opens, as its reference.
   */
  readonly confirmsSessionUpdate: boolean;
}

/** A mid-session configuration change as one frame. */
export interface SessionChange {
  /** Undefined: nothing that can still change did change. */
  readonly frame: string | undefined;
  /** The voice changed but can no longer be sent (the model has spoken): it applies from the next session. */
  readonly voiceDeferred: boolean;
}

/** One wire dialect: how to connect, what the first frame is, and frames <-> typed messages. */
export interface DialectCodec {
  readonly dialect: Dialect;
  readonly capabilities: DialectCapabilities;
  /** Throws ConfigurationError for a URL it cannot use. */
  connectTarget(config: RealtimeSessionConfig, apiKey: string, sessionId: string): ConnectTarget;
  /** The first frame: the whole configuration. */
  sessionUpdate(config: RealtimeSessionConfig): string;
  /** What changed from `applied` to `next`, for the live connection; the voice only while `voiceLocked` is false. */
  sessionChange(applied: RealtimeSessionConfig, next: RealtimeSessionConfig, voiceLocked: boolean): SessionChange;
  /** Undefined for anything malformed, unknown or implausible; the codec logs why at debug. */
  decode(frame: string): RealtimeEvent | undefined;
  encode(message: OutboundMessage): string;
}
