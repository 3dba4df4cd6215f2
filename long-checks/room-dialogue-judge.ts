// The room dialogue's verdict (room-dialogue.ts): barge-ins matched to the person's speech, their
// latency from the speech onset, barge-ins the echo caused, and the echo removed minute by minute.
import type { SpeechAsset } from '../test/support/speech-assets';
import { distribution, fmt } from '../test/support/stats';
import { echoRemovedDb, onsetIn, totalMs, within, without, type Stretch } from './room-levels';
import type { ReferenceRun } from './room-reference-canceller';
import type { RoomRig } from './room-rig';

export const MAX_BARGE_IN_MS = 300;
export const MIN_ECHO_REMOVED_DB = 30;
/** The person's onset in what was sent: 14 dB under their speech level, far over the residual echo. */
const SENT_ONSET_DBFS = -42;
/** The person's onset is searched this long after their player started. */
const ONSET_SEARCH_MS = 2_500;
/** The dialogue's first second is the canceller converging (the issue's "after the first second"). */
const CONVERGENCE_MS = 1_000;
/** The assistant's echo reaches the microphone after the speaker's and the room's latency (~100-200 ms measured). */
const ECHO_ARRIVAL_MS = 300;
/** Around a person's line, time that is not assistant-only: before the onset (player jitter), after the last word (room tail, hangovers). */
const PERSON_MARGIN_BEFORE_MS = 200;
const PERSON_MARGIN_AFTER_MS = 800;
/** A barge-in this long after the person's last word still counts as theirs. */
const BARGE_IN_TAIL_MS = 400;
/** The start of an answer, reported apart from the rest of it. */
const ANSWER_START_MS = 1_500;
/** A minute with less assistant-only audio than this is reported, not judged. */
const MIN_JUDGED_MS = 10_000;

export interface Answer {
  readonly itemId: string;
  readonly saidAtMs: number;
  readonly lengthMs: number;
  /** When a barge-in (or the end of the dialogue) stopped it; undefined when it played to its end. */
  stoppedAtMs: number | undefined;
}

export interface Interruption {
  readonly index: number;
  readonly line: SpeechAsset;
  /** Date.now when the person's player started. */
  readonly startedAtMs: number;
}

export interface DialogueRecord {
  readonly rig: Pick<RoomRig, 'raw' | 'sent' | 'bargeIns' | 'underrunsAtMs'>;
  /** The same canceller in lockstep on the room's recordings (room-reference-canceller.ts). */
  readonly reference: ReferenceRun;
  readonly startedAtMs: number;
  readonly endedAtMs: number;
  readonly answers: readonly Answer[];
  readonly interruptions: readonly Interruption[];
  readonly expectedInterruptions: number;
}

export interface DialogueVerdict {
  readonly failures: string[];
  readonly report: string[];
}

export function judgeDialogue(record: DialogueRecord): DialogueVerdict {
  const { rig, startedAtMs } = record;
  const failures: string[] = [];
  const report: string[] = [];
  if (record.interruptions.length !== record.expectedInterruptions) {
    failures.push(`${record.interruptions.length} interruptions were spoken, ${record.expectedInterruptions} planned`);
  }

  // Barge-ins, one per interruption, from the onset of the person's speech in what was sent.
  const matched = new Set<number>();
  const latencies: number[] = [];
  const personStretches: Stretch[] = [];
  report.push('interruption  line                                      onset (s)  barge-ins  latency from onset (ms)  last speaker underrun before the barge-in (s)');
  for (const interruption of record.interruptions) {
    const { line } = interruption;
    const speechMs = line.durationMs - line.onsetMs;
    personStretches.push({ fromMs: interruption.startedAtMs - PERSON_MARGIN_BEFORE_MS, toMs: interruption.startedAtMs + line.durationMs + PERSON_MARGIN_AFTER_MS });
    const searchFrom = interruption.startedAtMs + line.onsetMs;
    const onset = onsetIn(rig.sent, searchFrom, searchFrom + ONSET_SEARCH_MS, SENT_ONSET_DBFS);
    if (onset === undefined) {
      failures.push(`interruption ${interruption.index + 1}: the person's speech was not found in what was sent`);
      report.push(`${String(interruption.index + 1).padStart(12)}  ${line.text.padEnd(40)}  (not sent)`);
      continue;
    }
    const bargeIns = rig.bargeIns.filter((at) => at >= onset - PERSON_MARGIN_BEFORE_MS && at <= onset + speechMs + BARGE_IN_TAIL_MS);
    for (const at of bargeIns) matched.add(at);
    const latency = bargeIns.length > 0 ? bargeIns[0]! - onset : undefined;
    if (latency !== undefined) latencies.push(latency);
    report.push(
      `${String(interruption.index + 1).padStart(12)}  ${line.text.padEnd(40)}  ${((onset - startedAtMs) / 1000).toFixed(2).padStart(9)}  ${String(bargeIns.length).padStart(9)}  ${(bargeIns.map((at) => String(at - onset)).join(', ') || '-').padEnd(23)}  ${underrunBefore(rig.underrunsAtMs, bargeIns[0] ?? onset)}`,
    );
    if (bargeIns.length !== 1) failures.push(`interruption ${interruption.index + 1} ("${line.text}"): ${bargeIns.length} barge-ins, want exactly 1`);
    else if (latency! > MAX_BARGE_IN_MS || latency! < 0) failures.push(`interruption ${interruption.index + 1}: barge-in ${latency} ms after the speech onset, want 0 to ${MAX_BARGE_IN_MS}`);
  }
  const underruns = rig.underrunsAtMs.map((at) => ((at - startedAtMs) / 1000).toFixed(1));
  report.push(`speaker underruns the reference was realigned after: ${underruns.length}${underruns.length > 0 ? ` (at s: ${underruns.join(', ')})` : ''}`);
  const byEcho = rig.bargeIns.filter((at) => !matched.has(at));
  if (byEcho.length > 0) failures.push(`${byEcho.length} barge-ins outside the person's speech (the echo): at ${byEcho.map((at) => `${((at - startedAtMs) / 1000).toFixed(2)} s`).join(', ')}`);
  const latency = distribution(latencies);
  report.push(
    `barge-ins: ${rig.bargeIns.length} (${matched.size} by the person, ${byEcho.length} by the echo); latency from onset ms: median ${fmt(latency.median, 0)}, max ${fmt(latency.max, 0)} (bound ${MAX_BARGE_IN_MS})`,
  );

  // Echo removed over the assistant-only stretches, minute by minute.
  const assistantOnly = without(
    record.answers.map((answer) => ({
      fromMs: Math.max(answer.saidAtMs, startedAtMs + CONVERGENCE_MS) + ECHO_ARRIVAL_MS,
      toMs: Math.min(answer.stoppedAtMs ?? answer.saidAtMs + answer.lengthMs, record.endedAtMs),
    })),
    personStretches,
  ).filter((stretch) => stretch.toMs > stretch.fromMs);
  report.push('minute  assistant-only (s)  raw mic (dBFS)  sent (dBFS)  echo removed (dB)  in lockstep on the recordings (dB)');
  const minutes = Math.ceil((record.endedAtMs - startedAtMs) / 60_000);
  for (let minute = 0; minute < minutes; minute++) {
    const stretches = within(assistantOnly, startedAtMs + minute * 60_000, startedAtMs + (minute + 1) * 60_000);
    const seconds = totalMs(stretches) / 1000;
    const removed = echoRemovedDb(rig.raw, rig.sent, stretches);
    const inLockstep = echoRemovedDb(record.reference.raw, record.reference.cleaned, stretches);
    report.push(
      `${String(minute + 1).padStart(6)}  ${seconds.toFixed(1).padStart(18)}  ${rig.raw.levelDbfs(stretches).toFixed(1).padStart(14)}  ${rig.sent.levelDbfs(stretches).toFixed(1).padStart(11)}  ${removed.toFixed(1).padStart(17)}  ${inLockstep.toFixed(1).padStart(34)}`,
    );
    if (seconds * 1000 < MIN_JUDGED_MS) continue;
    if (!(removed >= MIN_ECHO_REMOVED_DB)) {
      failures.push(`minute ${minute + 1}: echo removed ${removed.toFixed(1)} dB, want ≥ ${MIN_ECHO_REMOVED_DB} (the same canceller in lockstep on the room's recordings: ${inLockstep.toFixed(1)} dB)`);
    }
  }
  // Answer by answer: how each ended, and the echo removed at its start and after (the cascade of
  // echo barge-ins that follows an interruption shows here).
  report.push('answer  start (s)  ended                         echo removed first 1.5 s / after (dB)   in lockstep (dB)');
  for (const answer of record.answers) {
    const stopped = answer.stoppedAtMs;
    const person = record.interruptions.find((interruption) => stopped !== undefined && stopped >= interruption.startedAtMs && stopped <= interruption.startedAtMs + interruption.line.durationMs + BARGE_IN_TAIL_MS);
    const how = !rig.bargeIns.includes(stopped ?? NaN) ? (person ? 'NOT BARGED (person)' : 'stopped') : person ? 'by the person' : 'BY THE ECHO';
    const ended = stopped === undefined ? 'played to its end' : `${how} after ${((stopped - answer.saidAtMs) / 1000).toFixed(2)} s`;
    const own = within(assistantOnly, answer.saidAtMs, stopped ?? answer.saidAtMs + answer.lengthMs);
    const split = answer.saidAtMs + ECHO_ARRIVAL_MS + ANSWER_START_MS;
    const early = within(own, answer.saidAtMs, split);
    const late = within(own, split, Infinity);
    const show = (stretches: Stretch[]): string => (totalMs(stretches) < 200 ? '-' : echoRemovedDb(rig.raw, rig.sent, stretches).toFixed(1));
    const showLockstep = (stretches: Stretch[]): string => (totalMs(stretches) < 200 ? '-' : echoRemovedDb(record.reference.raw, record.reference.cleaned, stretches).toFixed(1));
    const live = `${show(early)} / ${show(late)}`;
    report.push(`${answer.itemId.padStart(10)}  ${((answer.saidAtMs - startedAtMs) / 1000).toFixed(2).padStart(9)}  ${ended.padEnd(28)}  ${live.padEnd(38)}  ${showLockstep(early)} / ${showLockstep(late)}`);
  }
  report.push(`whole dialogue: echo removed ${echoRemovedDb(rig.raw, rig.sent, assistantOnly).toFixed(1)} dB over ${(totalMs(assistantOnly) / 1000).toFixed(0)} s of the assistant alone`);
  return { failures, report };
}

/** How long before `atMs` the speaker last ran dry, in seconds, or '-' (none in the 5 s before). */
function underrunBefore(underrunsAtMs: readonly number[], atMs: number): string {
  const last = underrunsAtMs.filter((at) => at <= atMs && at > atMs - 5_000).at(-1);
  return last === undefined ? '-' : ((atMs - last) / 1000).toFixed(2);
}
