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
}

/** One wire dialect: how to connect, what the first frame is, and frames <-> typed messages. */
export interface DialectCodec {
  readonly dialect: Dialect;
  readonly capabilities: DialectCapabilities;
  /** Throws ConfigurationError for a URL it cannot use. */
  connectTarget(config: RealtimeSessionConfig, apiKey: string, sessionId: string): ConnectTarget;
  sessionUpdate(config: RealtimeSessionConfig): string;
  /** Undefined for anything malformed, unknown or implausible; the codec logs why at debug. */
  decode(frame: string): RealtimeEvent | undefined;
  encode(message: OutboundMessage): string;
}
