/**
 * End-to-end turn benchmark (issue 13, point 5): how much time the real `parley` command adds to
 * a conversation, measured from outside it.
 *
 * The command (out/cli/parley.mjs on plain node, `--events jsonl`) runs on live devices: a private
 * PulseAudio whose null sink `micsink` is the microphone and `spk` the speaker. Its realtime
 * server is a mock speaking the GA dialect (bench/turns/realtime-mock.ts) that detects the end of
 * each turn by energy after the configured silence and answers after the configured delays; its
 * agent (`--agent responses`) is the Responses API mock of the tests, answering each handoff after
 * a configured delay. A scripted dialogue speaks N turns into the microphone (espeak-ng); some end
 * in a handoff. For each turn: the end of the speech at the microphone sink and the first sample
 * of the answer at the speaker sink (parec on both monitors); minus the server's delays, that is
 * what Parley adds. For each handoff: the agent's answer sent → the function_call_output at the
 * server. Parley's own waterfall (its `latency` lines) is shown beside, or n/a.
 * See bench/README.md and bench/turns/dialogue.ts for the definitions.
 *
 * Usage: npm run bench:turns -- [--turns N] [--handoffs N] [--vad-silence-ms N] [--response-delay-ms N]
 *                                [--first-audio-ms N] [--agent-delay-ms N] [--json] [--help ...]
 * Exit code 1 when the run could not be measured (no valid turn, PulseAudio or the command
 * failing, something left running); a FAIL against a target still exits 0, as the other benches.
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { describeMachine, machineLine, parseBenchFlags } from './cli';
import { planDialogue, runDialogue, VoiceScript, type DialogueResult } from './turns/dialogue';
import { parseTurnsOptions, turnsUsage, type TurnsOptions } from './turns/options';
import { buildReport, formatReport } from './turns/report';
import { startRig, type Rig } from './turns/rig';
import { pulseAudioUnavailableReason } from '../test/support/pulse-audio';
import { speechUnavailableReason } from '../test/support/speech-assets';
import { sleep } from '../test/support/stats';

/** Parley prints a turn's latency line once its first sample is heard; give the last one time. */
const LATENCY_LINE_GRACE_MS = 500;
/** Parley's audio host takes about a second to deliver the first microphone buffer. */
const MICROPHONE_WARMUP_MS = 1_500;
const START_TIMEOUT_MS = 20_000;

function unavailableReason(options: TurnsOptions): string | undefined {
  if (!existsSync(options.cli)) return `${options.cli} is missing: run npm run build:cli first`;
  return pulseAudioUnavailableReason() ?? speechUnavailableReason();
}

/** An upper bound on the dialogue's length, for Parley's --duration-ms and the monitors' buffers. */
function budgetMs(options: TurnsOptions): number {
  const serverMs = options.vadSilenceMs + options.responseDelayMs + options.firstAudioMs;
  const turns = options.turns + options.warmupTurns;
  return 30_000 + turns * (2_500 + serverMs + options.answerMs + 1_000) + (options.handoffs + 1) * (options.agentDelayMs + serverMs + options.answerMs + 1_000);
}

async function waitForParley(rig: Rig, log: (text: string) => void): Promise<void> {
  const { realtime, parley } = rig;
  const failed = () => (parley.exitCode !== null ? new Error(`parley exited with ${parley.exitCode} before the session was live: ${parley.stderrTail() || 'no message'}`) : undefined);
  const check = <T>(value: T | undefined): T | undefined => {
    const error = failed();
    if (error) throw error;
    return value;
  };
  // The mock's waiters are woken by its own events only: poll Parley's exit alongside.
  const exitWatch = setInterval(() => realtime.poke(), 100);
  try {
    await realtime.waitFor(() => check(realtime.sessionReady ? true : undefined), 'Parley to connect and send its session.update', START_TIMEOUT_MS);
    await realtime.waitFor(() => check(realtime.firstAppendAt), 'the first microphone frame from Parley', START_TIMEOUT_MS);
  } catch (error) {
    throw failed() ?? error;
  } finally {
    clearInterval(exitWatch);
  }
  log(`parley: session live; microphone frames flowing; warming up ${MICROPHONE_WARMUP_MS} ms`);
  await sleep(MICROPHONE_WARMUP_MS);
}

async function main(): Promise<number> {
  const parsed = parseBenchFlags('bench:turns', parseTurnsOptions, turnsUsage);
  if ('exitCode' in parsed) return parsed.exitCode;
  const options: TurnsOptions = { ...parsed.options, cli: resolve(parsed.options.cli) };
  const log = (text: string) => (options.json ? process.stderr : process.stdout).write(text + '\n');
  const machine = describeMachine();
  log(machineLine(machine));
  const unavailable = unavailableReason(options);
  if (unavailable) {
    log(`bench:turns: cannot run: ${unavailable}`);
    return 1;
  }

  const started = performance.now();
  const script = new VoiceScript(options);
  const plan = planDialogue(options);
  const handoffAnswers = (n: number) => `Handoff ${n}: the agent finished the task and found nothing unusual.`;
  const handoffs = plan.kinds.filter((kind) => kind === 'handoff').length;
  const rig = await startRig({ options, reply: (trigger) => script.reply(trigger), handoffs, agentAnswer: handoffAnswers, budgetMs: budgetMs(options), log });
  let result: DialogueResult | undefined;
  let failure: string | undefined;
  let cleanupProblems: string[] = [];
  let vadMismatch: string | undefined;
  try {
    await waitForParley(rig, log);
    if (rig.realtime.clientVadSilenceMs !== options.vadSilenceMs) {
      vadMismatch = `Parley asked for silence_duration_ms ${String(rig.realtime.clientVadSilenceMs)}, the mock uses ${options.vadSilenceMs}`;
    }
    log(`dialogue: ${options.warmupTurns} warm-up + ${options.turns} measured turns, ${options.handoffs} of them handoffs`);
    result = await runDialogue(rig, script, plan, options, log);
    await sleep(LATENCY_LINE_GRACE_MS);
  } catch (error) {
    failure = error instanceof Error ? (error.stack ?? error.message) : String(error);
  } finally {
    // Copied before close: the report needs Parley's lines and the mock's records.
    cleanupProblems = await rig.close();
  }

  const report = result ? buildReport(result, rig.parley.latency, options) : undefined;
  const offSpec = [...new Set(rig.realtime.offSpec)];
  const notes = [
    ...(vadMismatch ? [vadMismatch] : []),
    ...(result && result.unplannedResponses > 0 ? [`${result.unplannedResponses} response(s) the dialogue did not plan (e.g. an acknowledgement)`] : []),
    ...offSpec.slice(0, 10).map((entry) => `off the GA spec: ${entry}`),
    ...rig.realtime.errorsSent.slice(0, 10).map((entry) => `the mock sent error ${entry}`),
    ...rig.parley.errors.slice(0, 10).map((entry) => `parley error event ${entry}`),
    ...cleanupProblems.map((entry) => `cleanup: ${entry}`),
  ];
  const monitors = [rig.speaker, rig.microphone].map((monitor) => ({
    device: monitor.device,
    medianChunkMs: monitor.medianChunkMs(),
    deliveryBehindEnvelopeMs: monitor.deliveryResidualMs(),
  }));
  const totalMs = performance.now() - started;
  const loadAverageAtEnd = loadavg().map((value) => Math.round(value * 100) / 100);

  if (options.json) {
    const document = {
      machine: { ...machine, loadAverageAtEnd },
      options,
      report: report ?? null,
      turns: result?.turns ?? [],
      parleyLatencyLines: rig.parley.latency,
      parleyEventCounts: Object.fromEntries(rig.parley.eventCounts),
      // The mock server's record, times on this process's performance.now() clock (as the turns').
      server: {
        userTurns: rig.realtime.userTurns,
        responses: rig.realtime.responses,
        functionOutputs: Object.fromEntries(rig.realtime.functionOutputs),
        clientEvents: rig.realtime.clientEvents,
      },
      monitors,
      notes,
      failure: failure ?? null,
      totalMs,
    };
    process.stdout.write(JSON.stringify(document, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2) + '\n');
  } else {
    if (report) {
      log('');
      log(formatReport(report, options));
    }
    for (const monitor of monitors) {
      log(`  monitor ${monitor.device}: chunks of ${monitor.medianChunkMs.toFixed(1)} ms; delivery behind the clock envelope median ${monitor.deliveryBehindEnvelopeMs.median.toFixed(1)} ms, p99 ${monitor.deliveryBehindEnvelopeMs.p99.toFixed(1)} ms (the measuring path; the envelope removes it)`);
    }
    for (const note of notes) log(`  note: ${note}`);
    if (failure) log(`bench:turns: the run failed: ${failure}${rig.parley.stderrTail() ? `\nparley stderr:\n${rig.parley.stderrTail()}` : ''}`);
    log(`total ${(totalMs / 1000).toFixed(1)} s; load average at the end ${loadAverageAtEnd.join(' ')} (other processes on this machine move the tails)`);
  }
  return failure || !report || report.validTurns === 0 || cleanupProblems.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench:turns: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
