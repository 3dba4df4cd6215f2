/**
 * Everything bench:turns starts, and the guarantee that it all stops: a private PulseAudio with
 * the null sinks of test/support/pulse-audio.ts (`spk` the speaker, `micsink` whose monitor is the
 * microphone), a parec listener on each monitor (test/support/pulse-monitor.ts), the realtime and
 * agent mocks, the utterance files, the real `parley` command and the paplay players. `close()`
 * runs every step even when one fails, once, and is also run on Ctrl-C / SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { startPulseAudio, type PulseAudioFixture } from '../../test/support/pulse-audio';
import { PulseMonitor } from '../../test/support/pulse-monitor';
import { stopChild } from '../../test/support/stop-child';
import { startAgentMock, type AgentMock } from './agent-mock';
import type { TurnsOptions } from './options';
import { startParley, type ParleyProcess } from './parley-process';
import { startRealtimeMock, type RealtimeMock, type ReplyPlan, type ResponseTrigger } from './realtime-mock';
import { prepareUtterances, type UtteranceSet } from './speech';

export const SPEAKER_MONITOR_RATE = 48_000;
export const MIC_MONITOR_RATE = 24_000;
/** parec chunk size: small, so the clock envelope is tight (as bench:audio). */
const MONITOR_LATENCY_MS = 5;

export interface Rig {
  readonly pulse: PulseAudioFixture;
  readonly speaker: PulseMonitor;
  readonly microphone: PulseMonitor;
  readonly realtime: RealtimeMock;
  readonly agent: AgentMock;
  readonly utterances: UtteranceSet;
  readonly parley: ParleyProcess;
  /** Recording and playback streams open on the PulseAudio before Parley started (the two monitors). */
  readonly baselineStreams: { readonly sourceOutputs: number; readonly sinkInputs: number };
  /** Plays a WAV into the microphone sink; resolves when paplay has finished. */
  playIntoMicrophone(wavPath: string): Promise<void>;
  /** Stops everything; returns what did not stop cleanly (empty when all went). */
  close(): Promise<string[]>;
}

export interface RigPlan {
  readonly options: TurnsOptions;
  /** What the voice model says, asked per response. */
  reply(trigger: ResponseTrigger): ReplyPlan;
  /** Handoffs in the whole dialogue, warm-up included: one agent reply each. */
  readonly handoffs: number;
  /** The agent's answer text for handoff n (1-based). */
  agentAnswer(n: number): string;
  /** How long the whole dialogue may take: Parley's --duration-ms and the monitors' buffers. */
  readonly budgetMs: number;
  readonly log: (text: string) => void;
}

export async function startRig(plan: RigPlan): Promise<Rig> {
  const steps: { name: string; run: () => Promise<void> | void }[] = [];
  const players = new Set<ChildProcess>();
  let closing: Promise<string[]> | undefined;

  const close = (): Promise<string[]> => {
    closing ??= (async () => {
      const problems: string[] = [];
      // In reverse order of starting: Parley before the devices and servers it uses.
      for (const step of steps.reverse()) {
        try {
          await step.run();
        } catch (error) {
          problems.push(`${step.name}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      return problems;
    })();
    return closing;
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    process.stderr.write(`bench:turns: ${signal}: stopping Parley, the mocks and PulseAudio\n`);
    void close().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  steps.push({
    name: 'signal handlers',
    run: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  });

  try {
    plan.log('rig: rendering the utterances (espeak-ng, cached)');
    const utterances = prepareUtterances();
    steps.push({ name: 'utterance files', run: () => utterances.dispose() });

    plan.log('rig: starting a private PulseAudio with null sinks');
    const pulse = startPulseAudio();
    steps.push({ name: 'PulseAudio', run: () => pulse.close() });

    const maxSeconds = plan.budgetMs / 1000 + 60;
    const speaker = new PulseMonitor({ device: 'spk.monitor', sampleRate: SPEAKER_MONITOR_RATE, latencyMs: MONITOR_LATENCY_MS, maxSeconds });
    steps.push({ name: 'speaker monitor (parec)', run: () => speaker.close() });
    const microphone = new PulseMonitor({ device: 'micsink.monitor', sampleRate: MIC_MONITOR_RATE, latencyMs: MONITOR_LATENCY_MS, maxSeconds });
    steps.push({ name: 'microphone monitor (parec)', run: () => microphone.close() });
    await Promise.all([speaker.waitForSamples(SPEAKER_MONITOR_RATE / 2, 10_000), microphone.waitForSamples(MIC_MONITOR_RATE / 2, 10_000)]);
    const baselineStreams = { sourceOutputs: pulse.streams('source-outputs').length, sinkInputs: pulse.streams('sink-inputs').length };

    const realtime = await startRealtimeMock({ timing: plan.options, reply: plan.reply });
    steps.push({ name: 'realtime mock', run: () => realtime.close() });
    const agent = await startAgentMock(plan.handoffs, plan.agentAnswer);
    steps.push({ name: 'agent mock', run: () => agent.close() });

    steps.push({
      name: 'paplay players',
      run: async () => {
        await Promise.all([...players].map((player) => stopChild(player, 500)));
      },
    });

    plan.log(`rig: starting ${plan.options.cli} (live devices, --agent responses → the agent mock)`);
    const parley = startParley({
      cli: plan.options.cli,
      realtimeUrl: realtime.url,
      agentUrl: agent.baseUrl,
      vadSilenceMs: plan.options.vadSilenceMs,
      echoCancellation: plan.options.echoCancellation,
      runtimeDir: pulse.runtimeDir,
      durationMs: plan.budgetMs + 30_000,
    });
    steps.push({
      name: 'parley',
      run: async () => {
        // Its audio host and anything else it started: stopped with it, or by their ids after.
        const children = parley.pid === undefined ? [] : descendantsOf(parley.pid);
        await parley.stop();
        const survivors = children.filter(isAlive);
        for (const pid of survivors) process.kill(pid, 'SIGKILL');
        const openSources = pulse.streams('source-outputs').length - baselineStreams.sourceOutputs;
        const openSinks = pulse.streams('sink-inputs').length - baselineStreams.sinkInputs - players.size;
        const left: string[] = [];
        if (survivors.length > 0) left.push(`${survivors.length} of Parley's child processes outlived it (killed: ${survivors.join(', ')})`);
        if (openSources > 0) left.push(`${openSources} recording stream(s) still open after Parley stopped`);
        if (openSinks > 0) left.push(`${openSinks} playback stream(s) still open after Parley stopped`);
        if (left.length > 0) throw new Error(left.join('; '));
      },
    });

    return {
      pulse,
      speaker,
      microphone,
      realtime,
      agent,
      utterances,
      parley,
      baselineStreams,
      playIntoMicrophone(wavPath) {
        return new Promise((resolve, reject) => {
          const player = spawn('paplay', ['--device=micsink', wavPath], { env: { ...process.env, XDG_RUNTIME_DIR: pulse.runtimeDir }, stdio: 'ignore' });
          players.add(player);
          player.on('error', (error) => {
            players.delete(player);
            reject(error);
          });
          player.on('close', (code) => {
            players.delete(player);
            if (code === 0) resolve();
            else reject(new Error(`paplay exited with ${code}`));
          });
        });
      },
      close,
    };
  } catch (error) {
    const problems = await close();
    if (problems.length > 0) process.stderr.write(`bench:turns: cleanup after a failed start: ${problems.join('; ')}\n`);
    throw error;
  }
}

/** Every process below `pid` (from /proc), children first found first. */
function descendantsOf(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces: fields start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parentOf.set(Number(entry), Number(fields[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [child, ofParent] of parentOf) {
      if (ofParent === parent) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
