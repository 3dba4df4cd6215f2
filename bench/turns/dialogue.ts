/**
 * The scripted dialogue of bench:turns and what is measured in each turn, from outside Parley:
 *
 *   speech end      the last sample of the utterance at or above -40 dBFS, as the microphone sink
 *                   rendered it (parec on micsink.monitor, test/support/pulse-monitor.ts clock),
 *                   found by aligning the utterance's onset and checked against the samples.
 *   detected        the mock server's decision that the turn ended: the arrival of the append that
 *                   completed `vadSilenceMs` of audio silence after the speech.
 *   first audio     the mock's first output_audio.delta of the answer (sent).
 *   heard           the first sample of the answer at or above -40 dBFS rendered by the speaker sink
 *                   (parec on spk.monitor).
 *   handoff         the agent mock's answer sent; the function_call_output received by the realtime
 *                   mock; the answer's response (after Parley's response.create) and its first
 *                   sample heard.
 *
 * Parley's share of a spoken turn = heard − speech end − vadSilenceMs − (first audio − detected):
 * the server's configured silence, and its response and first-audio delays as they actually ran
 * (the mock's timers overshoot by a fraction of a ms; that is reported apart, not charged to Parley).
 */
import { sleep } from '../../test/support/stats';
import type { PulseMonitor } from '../../test/support/pulse-monitor';
import type { ResponseRecord, ResponseTrigger, ReplyPlan, UserTurnRecord } from './realtime-mock';
import type { Rig } from './rig';
import type { TurnsOptions } from './options';
import { LOUD_SAMPLE, type Utterance } from './speech';

export const HANDOFF_TOOL = 'background_agent';
const QUIET_BEFORE_TURN_MS = 300;
/** Time for one step of a turn to happen before the turn is given up. */
const STEP_TIMEOUT_MS = 8_000;
/** The aligned end of speech may differ from the samples by this much before it is flagged (the fade is 2 ms). */
const ALIGNMENT_TOLERANCE_MS = 3;
/** The answer must not be heard earlier than it was sent, within the monitor clock's accuracy. */
const CLOCK_TOLERANCE_MS = 2;
/** Consecutive failed turns that end the run. */
const MAX_FAILED_IN_A_ROW = 3;

export type TurnKind = 'spoken' | 'handoff';

export interface HandoffMeasurement {
  readonly callId: string;
  readonly requestAt: number;
  readonly answerSentAt: number;
  readonly outputAt: number;
  readonly response: ResponseRecord;
  readonly heardAt: number;
}

export interface TurnMeasurement {
  readonly index: number;
  readonly warmup: boolean;
  readonly kind: TurnKind;
  readonly text: string;
  /** Speech end at the microphone sink (performance.now()). */
  speechEndAt?: number;
  /** Sample-checked end minus the onset-aligned end, ms (≈ 0). */
  alignmentMs?: number;
  userTurn?: UserTurnRecord;
  /** Speech onset and end as sample indices of the microphone sink's monitor stream. */
  micOnsetIndex?: number;
  micEndIndex?: number;
  response?: ResponseRecord;
  heardAt?: number;
  handoff?: HandoffMeasurement;
  readonly problems: string[];
}

export interface DialogueResult {
  readonly turns: readonly TurnMeasurement[];
  /** Responses the dialogue did not ask for (an acknowledgement, a spoken progress update). */
  readonly unplannedResponses: number;
  readonly wallMs: number;
}

export interface DialoguePlan {
  readonly kinds: readonly TurnKind[];
  readonly warmupTurns: number;
}

/**
 * Which turns hand off: spread evenly over the measured turns, the last turn of each stretch. The
 * second warm-up turn is a handoff when there are handoffs, so the first (cold) handoff of the
 * session is not among the measured ones; its numbers are still printed.
 */
export function planDialogue(options: TurnsOptions): DialoguePlan {
  const kinds: TurnKind[] = [];
  for (let turn = 0; turn < options.warmupTurns; turn++) kinds.push(turn === 1 && options.handoffs > 0 ? 'handoff' : 'spoken');
  for (let turn = 0; turn < options.turns; turn++) {
    const stretch = options.handoffs === 0 ? Infinity : options.turns / options.handoffs;
    const handoff = Math.floor((turn + 1) / stretch) > Math.floor(turn / stretch);
    kinds.push(handoff ? 'handoff' : 'spoken');
  }
  return { kinds, warmupTurns: options.warmupTurns };
}

/** The voice model's side, shared by the mock (what to say) and the dialogue (what it expects). */
export class VoiceScript {
  private next: { kind: TurnKind; callId: string; prompt: string } | undefined;
  unplanned = 0;

  constructor(private readonly options: TurnsOptions) {}

  expect(kind: TurnKind, callId: string, prompt: string): void {
    this.next = { kind, callId, prompt };
  }

  reply(trigger: ResponseTrigger): ReplyPlan {
    if (trigger.kind === 'turn') {
      const next = this.next;
      this.next = undefined;
      if (next?.kind === 'handoff') {
        return { say: 'Let me check.', audioMs: this.options.preambleMs, call: { name: HANDOFF_TOOL, callId: next.callId, arguments: { prompt: next.prompt } } };
      }
      if (!next) this.unplanned++;
      return { say: 'Here is the answer.', audioMs: this.options.answerMs };
    }
    if (trigger.afterItemType === 'function_call_output') return { say: 'The agent says it is done.', audioMs: this.options.answerMs };
    this.unplanned++;
    return { say: 'Okay.', audioMs: 300 };
  }
}

export async function runDialogue(rig: Rig, script: VoiceScript, plan: DialoguePlan, options: TurnsOptions, log: (text: string) => void): Promise<DialogueResult> {
  const started = performance.now();
  const turns: TurnMeasurement[] = [];
  let spokenIndex = 0;
  let handoffIndex = 0;
  let failedInARow = 0;
  for (const [index, kind] of plan.kinds.entries()) {
    const warmup = index < plan.warmupTurns;
    const utterance: Utterance =
      kind === 'handoff'
        ? rig.utterances.handoff[handoffIndex++ % rig.utterances.handoff.length]!
        : rig.utterances.spoken[spokenIndex++ % rig.utterances.spoken.length]!;
    const turn: TurnMeasurement = { index, warmup, kind, text: utterance.text, problems: [] };
    turns.push(turn);
    const label = warmup ? `warm-up ${index + 1}` : `turn ${index - plan.warmupTurns + 1}/${plan.kinds.length - plan.warmupTurns}`;
    try {
      await runTurn(rig, script, turn, utterance, kind === 'handoff' ? handoffIndex : 0, options);
      log(`  ${label} ${kind}: ${describe(turn, options)}`);
    } catch (error) {
      turn.problems.push(error instanceof Error ? error.message : String(error));
    }
    if (turn.problems.length > 0) log(`  ${label} ${kind}: PROBLEM ${turn.problems.join('; ')}`);
    failedInARow = turn.heardAt === undefined ? failedInARow + 1 : 0;
    if (failedInARow >= MAX_FAILED_IN_A_ROW) {
      log(`  ${MAX_FAILED_IN_A_ROW} turns in a row failed: stopping the dialogue`);
      break;
    }
    if (rig.parley.exitCode !== null) {
      turn.problems.push(`parley exited with ${rig.parley.exitCode}`);
      break;
    }
  }
  return { turns, unplannedResponses: script.unplanned, wallMs: performance.now() - started };
}

async function runTurn(rig: Rig, script: VoiceScript, turn: TurnMeasurement, utterance: Utterance, handoffNumber: number, options: TurnsOptions): Promise<void> {
  const { realtime, speaker, microphone } = rig;
  // A clean start: nothing sounding, no response in progress.
  await realtime.waitFor(() => (realtime.responseActive ? undefined : true), 'the previous response to end', STEP_TIMEOUT_MS);
  await waitQuiet(speaker, QUIET_BEFORE_TURN_MS);
  // So turns do not lock to the 10 ms device cycles or the 20 ms frames.
  await sleep(Math.random() * 20);
  const callId = `call_bench_${turn.index + 1}`;
  script.expect(turn.kind, callId, utterance.text);

  const playStartedAt = performance.now();
  const searchFrom = microphone.sampleAtTime(playStartedAt - 5);
  const played = rig.playIntoMicrophone(utterance.wavPath);
  const onset = await microphone.until(() => nonNegative(microphone.findLoud(searchFrom, LOUD_SAMPLE)), STEP_TIMEOUT_MS);
  if (onset === undefined) throw new Error('the utterance was never heard on the microphone sink');
  const alignedEnd = onset + (utterance.endIndex - utterance.onsetIndex);
  const slack = Math.round((MIC_RATE * 10) / 1000);
  await microphone.waitForSamples(alignedEnd + slack * 5, STEP_TIMEOUT_MS);
  let end = alignedEnd + slack;
  while (end > alignedEnd - slack && Math.abs(microphone.sample(end - 1)) < LOUD_SAMPLE) end--;
  turn.alignmentMs = ((end - alignedEnd) / MIC_RATE) * 1000;
  if (Math.abs(turn.alignmentMs) > ALIGNMENT_TOLERANCE_MS) turn.problems.push(`speech end found ${turn.alignmentMs.toFixed(1)} ms from where the utterance puts it`);
  turn.micOnsetIndex = onset;
  turn.micEndIndex = end;
  const speechEndAt = microphone.timeOfSample(end);
  turn.speechEndAt = speechEndAt;

  const userTurn = await realtime.waitFor(() => realtime.userTurns.find((candidate) => candidate.detectedAt > playStartedAt), 'the server to detect the end of the turn', STEP_TIMEOUT_MS);
  turn.userTurn = userTurn;
  if (userTurn.detectedAt < speechEndAt + options.vadSilenceMs - 25) {
    turn.problems.push(`the server ended the turn ${(speechEndAt + options.vadSilenceMs - userTurn.detectedAt).toFixed(0)} ms before the speech plus silence was over (a pause inside the utterance?)`);
  }
  const response = await realtime.waitFor(
    () => realtime.responses.find((candidate) => candidate.trigger.kind === 'turn' && candidate.trigger.userItemId === userTurn.itemId && candidate.firstAudioAt !== undefined),
    'the answer\'s first audio',
    STEP_TIMEOUT_MS,
  );
  turn.response = response;
  turn.heardAt = await heardAfter(speaker, speechEndAt, response.firstAudioAt!, turn.problems);
  await played;

  if (turn.kind !== 'handoff') return;
  const requestAt = await rig.agent.waitForRequest(handoffNumber, STEP_TIMEOUT_MS);
  await sleep(Math.max(0, requestAt + options.agentDelayMs - performance.now()));
  const answerSentAt = rig.agent.answer(handoffNumber);
  const outputAt = await realtime.waitFor(() => realtime.functionOutputs.get(callId), 'the agent\'s answer as function_call_output', STEP_TIMEOUT_MS);
  const answerResponse = await realtime.waitFor(
    () => realtime.responses.find((candidate) => candidate.trigger.kind === 'response.create' && candidate.triggeredAt >= outputAt && candidate.firstAudioAt !== undefined),
    'the response that speaks the agent\'s answer',
    STEP_TIMEOUT_MS,
  );
  const heardAt = await heardAfter(speaker, answerResponse.triggeredAt, answerResponse.firstAudioAt!, turn.problems);
  turn.handoff = { callId, requestAt, answerSentAt, outputAt, response: answerResponse, heardAt };
}

const MIC_RATE = 24_000;

function nonNegative(index: number): number | undefined {
  return index === -1 ? undefined : index;
}

/**
 * The first loud sample at the speaker at or after the answer was sent; the speaker must have been
 * quiet from `quietFrom` until then, or that sample could belong to something earlier.
 */
async function heardAfter(speaker: PulseMonitor, quietFrom: number, sentAt: number, problems: string[]): Promise<number> {
  const from = speaker.sampleAtTime(quietFrom);
  const onset = await speaker.until(() => nonNegative(speaker.findLoud(from, LOUD_SAMPLE)), STEP_TIMEOUT_MS);
  if (onset === undefined) throw new Error(`the answer was never heard at the speaker (sent ${(performance.now() - sentAt).toFixed(0)} ms ago)`);
  const heardAt = speaker.timeOfSample(onset);
  if (heardAt < sentAt - CLOCK_TOLERANCE_MS) {
    problems.push(`sound at the speaker ${(sentAt - heardAt).toFixed(1)} ms before the answer was sent (something earlier was still playing)`);
  }
  return heardAt;
}

/** Waits until the speaker has been quiet for `ms` up to now. */
async function waitQuiet(monitor: PulseMonitor, ms: number): Promise<void> {
  const hold = (monitor.sampleRate * ms) / 1000;
  const quiet = await monitor.until(() => {
    const from = monitor.sampleCount - hold;
    return from > 0 && monitor.findLoud(from, LOUD_SAMPLE) === -1 ? true : undefined;
  }, STEP_TIMEOUT_MS);
  if (!quiet) throw new Error(`${monitor.device} did not fall quiet for ${ms} ms`);
}

function describe(turn: TurnMeasurement, options: TurnsOptions): string {
  const parts: string[] = [];
  if (turn.speechEndAt !== undefined && turn.heardAt !== undefined && turn.response?.firstAudioAt !== undefined && turn.userTurn) {
    const total = turn.heardAt - turn.speechEndAt;
    const server = turn.response.firstAudioAt - turn.userTurn.detectedAt;
    parts.push(`end of speech → heard ${total.toFixed(1)} ms, Parley ${(total - options.vadSilenceMs - server).toFixed(1)} ms`);
  }
  if (turn.handoff) parts.push(`answer → function_call_output ${(turn.handoff.outputAt - turn.handoff.answerSentAt).toFixed(2)} ms`);
  return parts.join('; ') || 'no measurement';
}
