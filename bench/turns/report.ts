/**
 * bench:turns' numbers: Parley's share of each step measured from outside, against its physical
 * floor and the targets, and Parley's own latency waterfall (`--events jsonl` latency lines) beside
 * it when the command prints one.
 */
import { CAPTURE_FRAME_MS } from '../../src-main/core/audio/capture-pipeline';
import { CAPTURE_CHUNK_MS } from '../../src-main/adapters/audio/native/audio-host-protocol';
import { distribution, fmt, table, type Distribution } from '../../test/support/stats';
import type { DialogueResult, TurnMeasurement } from './dialogue';
import type { TurnsOptions } from './options';
import type { LatencyLine } from './parley-process';

/** The audio host's playback chunk (PLAYBACK_CHUNK_MS in src-main/adapters/audio/native/audio-host-child.ts, not exported). */
export const PLAYBACK_DEVICE_PERIOD_MS = 5;
export const TARGET_SPOKEN_TURN_MS = 50;
export const TARGET_ANSWER_TO_VOICE_MS = 5;

const STEP_ORDER = ['agent_request', 'agent_first_token', 'agent_answer', 'answer_sent', 'response_started', 'first_audio', 'buffering', 'device'] as const;

export interface Row {
  readonly step: string;
  readonly samples: readonly number[];
  readonly stats: Distribution;
  /** The least this step can take, ms, and why. */
  readonly floorMs: number;
  readonly floorNote: string;
  readonly targetMs?: number;
  /** Rows under a main row (its parts) are indented. */
  readonly part?: boolean;
}

export interface Verdict {
  readonly name: string;
  readonly targetMs: number;
  readonly median: number;
  readonly p99: number;
  readonly n: number;
  /** Judged on p99 (with fewer than 100 turns, the worst turn or close to it): "at most" means every turn. */
  readonly pass: boolean | undefined;
}

export interface OwnViewRow {
  readonly step: string;
  readonly owner: string;
  readonly spoken: Distribution;
  readonly handoff: Distribution;
}

export interface Report {
  readonly rows: readonly Row[];
  readonly context: readonly Row[];
  readonly verdicts: readonly Verdict[];
  readonly ownView: { readonly lines: number; readonly matched: number; readonly rows: readonly OwnViewRow[]; readonly comparisons: readonly Row[] } | undefined;
  /** The warm-up turns' own numbers (not in the rows above). */
  readonly warmup: readonly { readonly index: number; readonly kind: string; readonly parleyMs?: number; readonly answerToOutputMs?: number; readonly problems: readonly string[] }[];
  readonly measuredTurns: number;
  readonly validTurns: number;
  readonly invalidTurns: readonly { readonly index: number; readonly problems: readonly string[] }[];
}

const round = (value: number): number => Math.round(value * 100) / 100;

function row(step: string, samples: number[], floorMs: number, floorNote: string, extra: Partial<Row> = {}): Row {
  return { step, samples: samples.map(round), stats: distribution(samples), floorMs, floorNote, ...extra };
}

export function buildReport(result: DialogueResult, latency: readonly LatencyLine[], options: TurnsOptions): Report {
  const measured = result.turns.filter((turn) => !turn.warmup);
  const valid = measured.filter((turn) => turn.problems.length === 0 && turn.heardAt !== undefined);
  const configuredServerMs = options.responseDelayMs + options.firstAudioMs;

  const parley: number[] = [];
  const parleyVsConfigured: number[] = [];
  const captureToWire: number[] = [];
  const wireToHeard: number[] = [];
  const endToHeard: number[] = [];
  const serverOvershoot: number[] = [];
  const alignment: number[] = [];
  // The server's audio clock and the microphone sink's stream run on one clock with a constant
  // offset (the capture path's buffering, nothing dropped): how far each turn's onset and end
  // stray from the session's median offset is how well the server's VAD sees what was played.
  const endOffsets: number[] = [];
  const onsetOffsets: number[] = [];
  const answerToOutput: number[] = [];
  const outputToCreate: number[] = [];
  const handoffParley: number[] = [];
  const handoffWireToHeard: number[] = [];
  const answerSplit = splitAnswerToOutput(valid, latency);
  for (const turn of valid) {
    const total = turn.heardAt! - turn.speechEndAt!;
    const server = turn.response!.firstAudioAt! - turn.userTurn!.detectedAt;
    endToHeard.push(total);
    parley.push(total - options.vadSilenceMs - server);
    parleyVsConfigured.push(total - options.vadSilenceMs - configuredServerMs);
    captureToWire.push(turn.userTurn!.detectedAt - (turn.speechEndAt! + options.vadSilenceMs));
    wireToHeard.push(turn.heardAt! - turn.response!.firstAudioAt!);
    serverOvershoot.push(server - configuredServerMs);
    if (turn.micEndIndex !== undefined) endOffsets.push(((turn.userTurn!.endSample - turn.micEndIndex) / 24_000) * 1000);
    if (turn.micOnsetIndex !== undefined) onsetOffsets.push(((turn.userTurn!.firstLoudSample - turn.micOnsetIndex) / 24_000) * 1000);
    if (turn.alignmentMs !== undefined) alignment.push(turn.alignmentMs);
    const handoff = turn.handoff;
    if (handoff) {
      const answerServer = handoff.response.firstAudioAt! - handoff.response.triggeredAt;
      answerToOutput.push(handoff.outputAt - handoff.answerSentAt);
      outputToCreate.push(handoff.response.triggeredAt - handoff.outputAt);
      handoffParley.push(handoff.heardAt - handoff.answerSentAt - answerServer);
      handoffWireToHeard.push(handoff.heardAt - handoff.response.firstAudioAt!);
      serverOvershoot.push(answerServer - configuredServerMs);
    }
  }

  const floorTurn = CAPTURE_FRAME_MS + CAPTURE_CHUNK_MS + PLAYBACK_DEVICE_PERIOD_MS;
  const rows: Row[] = [
    row('spoken turn: end of speech → first answer sample, minus the server', parley, floorTurn, `${CAPTURE_FRAME_MS} ms frame + ${CAPTURE_CHUNK_MS} ms capture + ${PLAYBACK_DEVICE_PERIOD_MS} ms playback period`, { targetMs: TARGET_SPOKEN_TURN_MS }),
    row('capture → wire (speech end + silence at the source → the server decides)', captureToWire, CAPTURE_FRAME_MS + CAPTURE_CHUNK_MS, `${CAPTURE_FRAME_MS} ms frame + ${CAPTURE_CHUNK_MS} ms capture period`, { part: true }),
    row('wire → speaker (first audio delta sent → first sample heard)', wireToHeard, PLAYBACK_DEVICE_PERIOD_MS, `${PLAYBACK_DEVICE_PERIOD_MS} ms playback period`, { part: true }),
    row("handoff: agent's answer sent → function_call_output at the server", answerToOutput, 0, 'loopback, no device', { targetMs: TARGET_ANSWER_TO_VOICE_MS }),
    row("agent's answer sent → Parley has read its stream to the end (loopback, Parley waking, parsing)", answerSplit.toRead, 0, 'loopback', { part: true }),
    row("Parley: stream read → function_call_output sent (Parley's own marks)", answerSplit.readToSent, 0, '-', { part: true }),
    row('function_call_output sent → at the server (loopback, the server waking)', answerSplit.sentToServer, 0, 'loopback', { part: true }),
    row("handoff: agent's answer sent → first answer sample, minus the server", handoffParley, PLAYBACK_DEVICE_PERIOD_MS, `${PLAYBACK_DEVICE_PERIOD_MS} ms playback period`),
    row('function_call_output → response.create at the server', outputToCreate, 0, 'the same write', { part: true }),
    row('wire → speaker (first audio delta sent → first sample heard)', handoffWireToHeard, PLAYBACK_DEVICE_PERIOD_MS, `${PLAYBACK_DEVICE_PERIOD_MS} ms playback period`, { part: true }),
  ];
  const context: Row[] = [
    row('spoken turn: end of speech → first answer sample, in all', endToHeard, options.vadSilenceMs + configuredServerMs + floorTurn, 'server delays + the floor above'),
    row('spoken turn: Parley, with the configured server delays subtracted instead', parleyVsConfigured, floorTurn, 'as above'),
    row("mock server's timers: actual − configured delays (not charged to Parley)", serverOvershoot, 0, ''),
    row("server VAD: end of speech, deviation from the session's constant offset to the microphone sink", deviations(endOffsets), 0, ''),
    row("server VAD: onset of speech, the same", deviations(onsetOffsets), 0, ''),
    row('microphone sink: speech end found − where the utterance puts it', alignment, 0, ''),
  ];

  const verdicts: Verdict[] = [
    verdict(`Parley adds at most ${TARGET_SPOKEN_TURN_MS} ms per spoken turn`, TARGET_SPOKEN_TURN_MS, parley),
    verdict(`at most ${TARGET_ANSWER_TO_VOICE_MS} ms from the agent's answer to its text at the voice session`, TARGET_ANSWER_TO_VOICE_MS, answerToOutput),
  ];

  return {
    rows,
    context,
    verdicts,
    ownView: ownView(valid, latency, endToHeard.length > 0 ? { parley, wireToHeard, endToHeard, handoffParley } : undefined),
    warmup: result.turns
      .filter((turn) => turn.warmup)
      .map((turn) => ({
        index: turn.index,
        kind: turn.kind,
        ...(turn.heardAt !== undefined && turn.speechEndAt !== undefined && turn.userTurn && turn.response?.firstAudioAt !== undefined
          ? { parleyMs: round(turn.heardAt - turn.speechEndAt - options.vadSilenceMs - (turn.response.firstAudioAt - turn.userTurn.detectedAt)) }
          : {}),
        ...(turn.handoff ? { answerToOutputMs: round(turn.handoff.outputAt - turn.handoff.answerSentAt) } : {}),
        problems: turn.problems,
      })),
    measuredTurns: measured.length,
    validTurns: valid.length,
    invalidTurns: measured.filter((turn) => !valid.includes(turn)).map((turn) => ({ index: turn.index, problems: turn.problems.length > 0 ? turn.problems : ['not heard'] })),
  };
}

/** Each value minus the median of all. */
function deviations(values: number[]): number[] {
  const median = distribution(values).median;
  return values.map((value) => value - median);
}

function verdict(name: string, targetMs: number, samples: number[]): Verdict {
  const stats = distribution(samples);
  return { name, targetMs, median: stats.median, p99: stats.p99, n: stats.count, pass: stats.count === 0 ? undefined : stats.p99 <= targetMs };
}

/**
 * The handoff's answer → function_call_output, split at Parley's own marks: its latency line puts
 * the end of reading the agent's stream and the send on the epoch clock (startedAt plus the agent
 * steps), which this process reads too (performance.timeOrigin + now). Each process fixes its
 * timeOrigin at start, so the two clocks can differ by a few tenths of a millisecond, and the
 * steps' rounding adds up to 0.15 ms: read the split to that precision.
 */
function splitAnswerToOutput(turns: readonly TurnMeasurement[], latency: readonly LatencyLine[]): { toRead: number[]; readToSent: number[]; sentToServer: number[] } {
  const byItem = new Map<string, LatencyLine>();
  for (const line of latency) if (line.itemId !== undefined) byItem.set(line.itemId, line);
  const split = { toRead: [] as number[], readToSent: [] as number[], sentToServer: [] as number[] };
  for (const turn of turns) {
    const handoff = turn.handoff;
    const line = handoff?.response.messageItemId ? byItem.get(handoff.response.messageItemId) : undefined;
    if (!handoff || !line || line.kind !== 'handoff') continue;
    const stepMs = (name: string): number | undefined => line.steps.find((step) => step.name === name)?.ms;
    const agentSteps = ['agent_request', 'agent_first_token', 'agent_answer'].map(stepMs);
    const sentStep = stepMs('answer_sent');
    if (agentSteps.some((ms) => ms === undefined) || sentStep === undefined) continue;
    const readAt = line.startedAt + agentSteps.reduce((sum: number, ms) => sum + ms!, 0);
    const sentAt = readAt + sentStep;
    split.toRead.push(readAt - (performance.timeOrigin + handoff.answerSentAt));
    split.readToSent.push(sentStep);
    split.sentToServer.push(performance.timeOrigin + handoff.outputAt - sentAt);
  }
  return split;
}

/** Parley's own waterfalls, matched to the turns by the answer's item id (the mock names the items). */
function ownView(
  turns: readonly TurnMeasurement[],
  latency: readonly LatencyLine[],
  external: { parley: number[]; wireToHeard: number[]; endToHeard: number[]; handoffParley: number[] } | undefined,
): Report['ownView'] {
  if (latency.length === 0) return undefined;
  const byItem = new Map<string, LatencyLine>();
  for (const line of latency) if (line.itemId !== undefined) byItem.set(line.itemId, line);
  const spoken: LatencyLine[] = [];
  const handoff: LatencyLine[] = [];
  const totalSpoken: number[] = [];
  const parleyOwnedSpoken: number[] = [];
  const buffersSpoken: number[] = [];
  const parleyOwnedHandoff: number[] = [];
  for (const turn of turns) {
    const line = turn.response?.messageItemId ? byItem.get(turn.response.messageItemId) : undefined;
    if (line) {
      spoken.push(line);
      totalSpoken.push(line.totalMs);
      parleyOwnedSpoken.push(sumOwned(line, ['parley', 'device']));
      buffersSpoken.push(sumSteps(line, ['buffering', 'device']));
    }
    const answerLine = turn.handoff?.response.messageItemId ? byItem.get(turn.handoff.response.messageItemId) : undefined;
    if (answerLine) {
      handoff.push(answerLine);
      parleyOwnedHandoff.push(sumSteps(answerLine, ['answer_sent', 'buffering', 'device']));
    }
  }
  const stepsOf = (lines: LatencyLine[], name: string): number[] => lines.flatMap((line) => line.steps.filter((step) => step.name === name).map((step) => step.ms));
  const names = [...STEP_ORDER, ...new Set(latency.flatMap((line) => line.steps.map((step) => step.name)).filter((name) => !(STEP_ORDER as readonly string[]).includes(name)))];
  const rows: OwnViewRow[] = names
    .map((name) => ({
      step: name,
      owner: latency.flatMap((line) => line.steps).find((step) => step.name === name)?.owner ?? '',
      spoken: distribution(stepsOf(spoken, name)),
      handoff: distribution(stepsOf(handoff, name)),
    }))
    .filter((entry) => entry.spoken.count > 0 || entry.handoff.count > 0);
  const comparisons: Row[] = [
    row("spoken: Parley's total (its start mark → heard)", totalSpoken, NaN, `measured from outside: ${fmt(distribution(external?.endToHeard ?? []).median)} ms median from the end of speech`),
    row("spoken: Parley's own steps (owner parley + device)", parleyOwnedSpoken, NaN, `from outside: ${fmt(distribution(external?.parley ?? []).median)} ms median (capture included)`),
    row("spoken: buffering + device (first delta → heard)", buffersSpoken, NaN, `from outside (wire → speaker): ${fmt(distribution(external?.wireToHeard ?? []).median)} ms median`),
    row('handoff: answer_sent + buffering + device', parleyOwnedHandoff, NaN, `from outside: ${fmt(distribution(external?.handoffParley ?? []).median)} ms median`),
  ];
  return { lines: latency.length, matched: spoken.length + handoff.length, rows, comparisons };
}

const sumSteps = (line: LatencyLine, names: readonly string[]): number => line.steps.filter((step) => names.includes(step.name)).reduce((sum, step) => sum + step.ms, 0);
const sumOwned = (line: LatencyLine, owners: readonly string[]): number => line.steps.filter((step) => owners.includes(step.owner)).reduce((sum, step) => sum + step.ms, 0);

export function formatReport(report: Report, options: TurnsOptions): string {
  const lines: string[] = [];
  const cell = (stats: Distribution) => (stats.count === 0 ? 'n/a' : fmt(stats.median));
  const p99 = (stats: Distribution) => (stats.count === 0 ? 'n/a' : fmt(stats.p99));
  lines.push(
    `Parley's share, measured from outside (ms; ${report.validTurns} of ${report.measuredTurns} turns valid; server: ${options.vadSilenceMs} ms silence + ` +
      `${options.responseDelayMs} ms to response.created + ${options.firstAudioMs} ms to the first audio)`,
  );
  lines.push('');
  lines.push(
    table(
      ['step', 'n', "Parley's share median", 'p99', 'max', 'physical floor', 'target'],
      report.rows.map((entry) => [
        `${entry.part ? '  ' : ''}${entry.step}`,
        String(entry.stats.count),
        cell(entry.stats),
        p99(entry.stats),
        entry.stats.count === 0 ? 'n/a' : fmt(entry.stats.max),
        `${fmt(entry.floorMs, 0)} (${entry.floorNote})`,
        entry.targetMs === undefined ? '-' : `≤ ${entry.targetMs}`,
      ]),
    ),
  );
  lines.push('');
  lines.push(
    table(
      ['context', 'n', 'median', 'p99', 'min', 'max'],
      report.context.map((entry) => [entry.step, String(entry.stats.count), cell(entry.stats), p99(entry.stats), fmt(entry.stats.min), fmt(entry.stats.max)]),
    ),
  );
  lines.push('');
  if (!report.ownView) {
    lines.push("Parley's own view (--events jsonl latency lines): n/a (the command printed none)");
  } else {
    lines.push(`Parley's own view (--events jsonl latency lines: ${report.ownView.lines} printed, ${report.ownView.matched} matched to measured turns), ms`);
    lines.push('');
    lines.push(
      table(
        ['step', 'owner', 'spoken n', 'median', 'p99', 'handoff n', 'median', 'p99'],
        report.ownView.rows.map((entry) => [entry.step, entry.owner, String(entry.spoken.count), cell(entry.spoken), p99(entry.spoken), String(entry.handoff.count), cell(entry.handoff), p99(entry.handoff)]),
      ),
    );
    lines.push('');
    lines.push(
      table(
        ["Parley's view vs outside", 'n', 'median', 'p99', 'outside'],
        report.ownView.comparisons.map((entry) => [entry.step, String(entry.stats.count), cell(entry.stats), p99(entry.stats), entry.floorNote]),
      ),
    );
  }
  lines.push('');
  for (const turn of report.warmup) {
    const parts = [
      turn.parleyMs === undefined ? 'not measured' : `Parley ${fmt(turn.parleyMs)} ms`,
      ...(turn.answerToOutputMs === undefined ? [] : [`answer → function_call_output ${fmt(turn.answerToOutputMs, 2)} ms`]),
      ...turn.problems,
    ];
    lines.push(`  warm-up turn ${turn.index + 1} (${turn.kind}, not counted): ${parts.join('; ')}`);
  }
  for (const invalid of report.invalidTurns) lines.push(`  INVALID turn ${invalid.index + 1}: ${invalid.problems.join('; ')}`);
  lines.push('verdict (read on p99: "at most" holds for every turn):');
  for (const entry of report.verdicts) {
    const state = entry.pass === undefined ? 'n/a' : entry.pass ? 'PASS' : 'FAIL';
    lines.push(`  ${entry.name.padEnd(76)} median ${fmt(entry.median).padStart(6)}  p99 ${fmt(entry.p99).padStart(6)} ms (n=${entry.n})  ${state}`);
  }
  return lines.join('\n');
}
