import type { TranscriptEntry } from '../../../src-shared/session-events';
import type { Dialect } from '../protocol/session-config';
import { formatCount, keepTail } from '../util/text-cap';

/** The conversation an agent gets with one handoff: the most recent ~8,000 tokens of it. */
export const MAX_HANDOFF_TRANSCRIPT_CHARS = 32_000;

const earlierLeftOut = (cutChars: number): string => `[${formatCount(cutChars)} characters of earlier conversation were left out here.]\n`;

/** `role: text` lines joined by newlines, exactly as the reference renders them. */
export function renderTranscript(entries: readonly TranscriptEntry[]): string {
  return entries.map((entry) => `${entry.role}: ${entry.text}`).join('\n');
}

/**
 * The text the agent receives for a handoff, or undefined when there is nothing to delegate.
 * v1: the transcript since the last handoff wins; the server's input_transcript is the fallback.
 * v2: the tool's prompt is the request, with the transcript lines as context.
 */
export function handoffAgentText(
  dialect: Dialect,
  inputTranscript: string,
  entries: readonly TranscriptEntry[],
): string | undefined {
  const transcript = keepTail(renderTranscript(entries), MAX_HANDOFF_TRANSCRIPT_CHARS, earlierLeftOut);
  if (dialect === 'v1') {
    if (transcript.length > 0) return transcript;
    return inputTranscript.length > 0 ? inputTranscript : undefined;
  }
  if (inputTranscript.length === 0) return transcript.length > 0 ? transcript : undefined;
  if (transcript.length === 0) return inputTranscript;
  return `${inputTranscript}\n\nConversation since the last handoff:\n${transcript}`;
}
