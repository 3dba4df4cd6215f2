// The room check's judgement: from the measured numbers and the protection the microphone had,
// hands-free, headphones or "could not tell", with the sentence the user reads. Pure.
import type { EchoProtection } from '../../src-shared/echo-cancellation';
import { ROOM_CHECK_SENTENCES, type RoomCheckNumbers, type RoomCheckReason, type RoomCheckResult, type RoomVerdict } from '../../src-shared/room-check';

/**
 * With the canceller, this much removed is enough: the synthetic room measured 42 dB (54
 * with noise suppression) on a -10 dB echo, and its acceptance bar is 30 dB on the whole session;
 * a 3 s check with one second of convergence measures a little less than a long run, hence 25.
 */
export const MIN_ECHO_REMOVED_DB = 25;
/**
 * Without the canceller (the gate), a microphone that hears the speaker within 20 dB of what is
 * played hears it loudly: laptop speakers a hand's width from the microphone couple at -10 to
 * -20 dB. The gate then mutes the user whenever the assistant speaks; headphones are better.
 */
export const GATE_LOUD_COUPLING_DB = -20;
/** Unheard over a background this loud: the room drowned the sound, not a muted device. */
export const NOISY_BACKGROUND_DBFS = -45;
/** Less judged audio than this: the microphone stopped delivering during the check. */
export const MIN_JUDGED_MS = 500;

function reasonFor(numbers: RoomCheckNumbers, protection: EchoProtection | null): RoomCheckReason {
  if (numbers.judgedMs < MIN_JUDGED_MS) return 'no-microphone-audio';
  if (numbers.echoDbfs === null || numbers.heardDb === null) return numbers.backgroundDbfs >= NOISY_BACKGROUND_DBFS ? 'too-noisy' : 'not-heard';
  if (protection?.kind === 'canceller') {
    const removedEnough = numbers.echoRemovedDb !== null && numbers.echoRemovedDb >= MIN_ECHO_REMOVED_DB;
    return numbers.residualAtBackground || removedEnough ? 'echo-removed' : 'echo-too-strong';
  }
  return numbers.heardDb >= GATE_LOUD_COUPLING_DB ? 'gate-loud-echo' : 'gate-faint-echo';
}

const VERDICTS: Record<RoomCheckReason, RoomVerdict> = {
  'echo-removed': 'hands-free',
  'gate-faint-echo': 'hands-free',
  'echo-too-strong': 'headphones',
  'gate-loud-echo': 'headphones',
  'not-heard': 'inconclusive',
  'too-noisy': 'inconclusive',
  'no-microphone-audio': 'inconclusive',
};

export function judgeRoom(numbers: RoomCheckNumbers, protection: EchoProtection | null): RoomCheckResult {
  const reason = reasonFor(numbers, protection);
  return { verdict: VERDICTS[reason], reason, sentence: ROOM_CHECK_SENTENCES[reason], numbers, protection };
}
