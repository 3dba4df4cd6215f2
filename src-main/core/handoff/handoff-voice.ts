import type { OutboundMessage } from '../protocol/outbound-message';
import type { FunctionCalls } from './function-calls';
import type { Logger } from '../util/logger';
import { condenseForSpeech } from './speech/condense-for-speech';

/**
 * The agent's text as the voice session gets it: condensed for speech (code, tables and long lists
 * named, not read; a long answer cut to its opening with "the details are on the user's screen").
 * The voice model reads it aloud; the whole answer stays on the handoff card.
 */
export function voiceAnswerText(text: string): string {
  return condenseForSpeech(text).text;
}

export const SUPERSEDED_HANDOFF_TEXT = 'This request was merged into a newer one; the answer comes with that one.';
export const NOTHING_TO_DELEGATE_TEXT = 'The request was empty, so nothing was delegated to the background agent.';
export const FINISHED_WITHOUT_ANSWER_TEXT = 'The background agent finished without a message.';
/** Starts the answer to a call made before the connection was renewed (the new session has no such call). */
export const EARLIER_REQUEST_ANSWER_PREFIX = 'The background agent answered the request the user made before the connection was renewed: ';
/** Starts an earlier message of a running agent turn, so the voice model knows more is coming. */
export const AGENT_PROGRESS_PREFIX = 'The background agent is still working and says: ';

/**
 * How the agent's side of a handoff reaches the voice session. The controller says what happened;
 * each dialect says it on the wire its own way.
 */
export interface HandoffVoice {
  /**
   * A completed message of the running agent turn, under the newest handoff id. 'sent': it went to
   * the voice session now; 'held': it waits for the turn's end (which shows whether it is the answer).
   */
  answer(handoffId: string, text: string): AnswerDelivery;
  /** The turn under `handoffId` ended: completed (`note` undefined), or with a note said instead (failure, cancel, no agent). */
  finish(handoffId: string, note: string | undefined): void;
  /** A newer handoff joined the running turn; the older one's answer comes under the newer. */
  supersede(handoffId: string): void;
  /** Nothing was delegated for this handoff (its request was empty; `respond` false: remain_silent, the model is not asked to speak). */
  decline(handoffId: string, note: string, respond?: boolean): void;
}

export type AnswerDelivery = 'sent' | 'held';

export interface VoiceWire {
  send(message: OutboundMessage): void;
  /** Ask the voice model to speak (v2 response.create, deferred while a response is active). */
  requestResponse(): void;
}

/**
 * v1, exactly as the reference: every completed message goes out at once as
 * conversation.handoff.append under the handoff id, and so does a failure or cancel note; a
 * superseded or empty handoff needs nothing.
 */
export function createV1HandoffVoice(wire: VoiceWire): HandoffVoice {
  return {
    answer: (handoffId, text) => {
      wire.send({ type: 'handoff.output', handoffId, text: voiceAnswerText(text) });
      return 'sent';
    },
    finish: (handoffId, note) => {
      if (note !== undefined) wire.send({ type: 'handoff.output', handoffId, text: note });
    },
    supersede: () => {},
    decline: () => {},
  };
}

/**
 * v2, by the API's rules: each call_id takes exactly one function_call_output (the final answer,
 * or the failure, cancel, supersede or empty-request note), followed by response.create. A
 * message of the turn is held until the next one or the end shows whether it is the final answer;
 * the earlier ones go to the voice model as system message items, not as more outputs.
 */
export class CallOutputVoice implements HandoffVoice {
  private held: string | undefined;

  constructor(
    private readonly wire: VoiceWire,
    private readonly calls: FunctionCalls,
    private readonly logger: Logger,
    /** An earlier message of the running turn (not its answer), for the narrator. */
    private readonly interim: (text: string) => void,
  ) {}

  answer(_handoffId: string, text: string): AnswerDelivery {
    // An earlier message: the narrator tells the voice model, and decides whether it is spoken now.
    if (this.held !== undefined) this.interim(this.held);
    this.held = voiceAnswerText(text);
    return 'held';
  }

  finish(handoffId: string, note: string | undefined): void {
    const held = this.held;
    this.held = undefined;
    if (note === undefined) {
      this.output(handoffId, held ?? FINISHED_WITHOUT_ANSWER_TEXT, true);
      return;
    }
    // The note's output asks for the response; the message before it is context for it.
    if (held !== undefined) this.wire.send({ type: 'agent.progress', text: `${AGENT_PROGRESS_PREFIX}${held}` });
    this.output(handoffId, note, true);
  }

  supersede(handoffId: string): void {
    // No response.create: the answer follows under the newer call.
    this.output(handoffId, SUPERSEDED_HANDOFF_TEXT, false);
  }

  decline(handoffId: string, note: string, respond = true): void {
    this.output(handoffId, note, respond);
  }

  private output(callId: string, text: string, respond: boolean): void {
    if (!this.calls.claimOutput(callId)) {
      this.logger.warn('a function call already has its output; not sending another', { callId });
      return;
    }
    if (this.calls.isRetired(callId)) {
      // The call lives in a session that is gone: the answer still reaches the voice model, as a
      // message in the new session (a superseded call needs nothing there).
      if (!respond) return;
      this.wire.send({ type: 'agent.progress', text: `${EARLIER_REQUEST_ANSWER_PREFIX}${text}` });
      this.wire.requestResponse();
      return;
    }
    this.wire.send({ type: 'handoff.output', handoffId: callId, text });
    if (respond) this.wire.requestResponse();
  }
}
