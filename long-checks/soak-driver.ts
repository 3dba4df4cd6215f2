/**
 * Plays one planned turn against the real session: the microphone frames, the user's speech as
 * the server hears it, typed messages, handoffs with the agent's answer spoken, and the network
 * failures. Waits as a user would: the next turn starts once the answer has been spoken.
 */
import type { VoiceSession } from '../src-main/core/session/voice-session';
import { AGENT_ANSWER_AUDIO_MS, HANDOFF_ACKNOWLEDGEMENT, type TurnPlan } from './soak-plan';
import type { PlaybackSink } from './playback-sink';
import type { StandIn } from './soak-stand-in-client';
import type { SoakView } from './soak-view';

/** 20 ms of 24 kHz mono PCM16. */
const MIC_FRAME_BYTES = 960;
/** Microphone frames sent per turn (the server's VAD is driven by the stand-in, not by the audio). */
const MIC_FRAMES_PER_TURN = 5;
const TURN_TIMEOUT_MS = 15_000;
const AUDIO_ARRIVAL_TIMEOUT_MS = 10_000;
/** How long the speech start may take to reach the session before the turn counts as cut by a connection switch. */
const SPEECH_CONFIRM_MS = 1_500;
const SPEECH_ATTEMPTS = 3;
const LOST_CONFIRM_MS = 3_000;
const FAILURE_ATTEMPTS = 3;
const RECONNECT_TIMEOUT_MS = 15_000;
const PLAYBACK_POLL_MS = 5;
/** A user's pause before the next turn, in compressed time. */
export const PAUSE_BETWEEN_TURNS_MS = 40;
/** The same pause in real time, for the simulated clock. */
const SIMULATED_PAUSE_MS = 1_200;

export class SoakDriver {
  private readonly micFrame = Buffer.alloc(MIC_FRAME_BYTES);
  micAccepted = 0;
  private newestAcceptedFrame = 0;
  micRefused = 0;
  speechRetries = 0;
  failureRetries = 0;
  handoffsMade = 0;
  typedMessages = 0;
  drops = 0;
  silences = 0;
  simulatedMs = 0;
  /** The timeline lines this conversation must show, in order. */
  readonly expectedLines: string[] = [];

  constructor(
    private readonly session: VoiceSession,
    private readonly view: SoakView,
    private readonly standIn: StandIn,
    private readonly sink: PlaybackSink,
  ) {}

  async play(turn: TurnPlan): Promise<void> {
    if (turn.failure === 'drop' || turn.failure === 'silence') await this.failNetwork(turn.failure === 'drop' ? 'drop' : 'silence', turn);
    await this.untilLive(turn);
    const linesFrom = this.view.finalLines.length;
    switch (turn.kind) {
      case 'spoken':
        await this.standIn.respond(turn.answer, turn.answerAudioMs);
        await this.speak(turn);
        await this.untilFinished(turn, linesFrom, [`user: ${turn.text}`, `assistant: ${turn.answer}`]);
        this.expectedLines.push(`user: ${turn.text}`, `assistant: ${turn.answer}`);
        break;
      case 'typed':
        await this.standIn.respond(turn.answer, turn.answerAudioMs);
        if (!this.session.sendText(turn.text)) throw new Error(`turn ${turn.index + 1}: the session refused the typed message`);
        this.typedMessages++;
        await this.untilFinished(turn, linesFrom, [`assistant: ${turn.answer}`]);
        this.expectedLines.push(`typed: ${turn.text}`, `assistant: ${turn.answer}`);
        break;
      case 'handoff':
        await this.handoff(turn, linesFrom);
        break;
    }
    await this.untilSpoken();
    this.simulatedMs += turn.userMs + turn.answerAudioMs + SIMULATED_PAUSE_MS + (turn.kind === 'handoff' ? AGENT_ANSWER_AUDIO_MS : 0);
    await sleep(PAUSE_BETWEEN_TURNS_MS);
  }

  private async handoff(turn: TurnPlan, linesFrom: number): Promise<void> {
    const number = turn.index + 1;
    const startedBefore = this.view.count('handoff.started');
    const completedBefore = this.view.count('handoff.completed');
    await this.standIn.respondWithCall(turn.answer, turn.answerAudioMs, `call_soak_${number}`, turn.text);
    await this.speak(turn);
    this.handoffsMade++;
    await this.view.waitFor(() => this.view.count('handoff.started') > startedBefore, TURN_TIMEOUT_MS, () => `turn ${number}: the handoff did not start`);
    const handoffId = this.view.lastHandoffStartedId!;
    if (turn.failure === 'drop-during-agent') await this.failNetwork('drop', turn);
    let answer: string | undefined;
    await this.view.waitFor(
      () => (answer ??= this.view.takeAnswer(handoffId)) !== undefined,
      TURN_TIMEOUT_MS,
      () => `turn ${number}: handoff ${handoffId} got no answer (${this.view.handoffFailures.slice(-1).join('') || 'no failure reported'})`,
    );
    // The realtime model speaks the agent's answer it was given.
    await this.standIn.respond(answer!, AGENT_ANSWER_AUDIO_MS);
    const lines = [`user: ${turn.text}`, `assistant: ${HANDOFF_ACKNOWLEDGEMENT}`, `assistant: ${answer!}`];
    await this.view.waitFor(
      () => this.view.count('handoff.completed') > completedBefore && this.view.finishedSince(linesFrom, lines),
      TURN_TIMEOUT_MS,
      () => `turn ${number}: handoff ${handoffId} completed ${this.view.count('handoff.completed') - completedBefore} times; lines since the turn began: ${JSON.stringify(this.view.finalLines.slice(linesFrom))}`,
    );
    this.expectedLines.push(...lines);
  }

  /** Microphone frames, then the server that received them hears the user speak; retried when a connection switch cut the speech start. */
  private async speak(turn: TurnPlan): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const switchesBefore = this.switches();
      const startedBefore = this.view.count('user.speech_started');
      this.sendMicrophone(MIC_FRAMES_PER_TURN);
      const connection = await this.standIn.speechStart(this.micExpectedAtServer(), AUDIO_ARRIVAL_TIMEOUT_MS);
      if (await this.view.waitQuietly(() => this.view.count('user.speech_started') > startedBefore, SPEECH_CONFIRM_MS)) {
        await this.standIn.speechStop(connection, turn.text, turn.userMs);
        return;
      }
      if (this.switches() === switchesBefore || attempt >= SPEECH_ATTEMPTS) {
        throw new Error(`turn ${turn.index + 1}: the user's speech start (server connection ${connection}) never reached the session, ${this.switches() - switchesBefore} connection switches meanwhile`);
      }
      this.speechRetries++;
    }
  }

  /** The network fails under the connection the microphone audio goes to; the conversation must come back. */
  private async failNetwork(how: 'drop' | 'silence', turn: TurnPlan): Promise<void> {
    const lostBefore = this.view.connectionCounts.lost;
    const reconnectedBefore = this.view.connectionCounts.reconnected;
    for (let attempt = 1; ; attempt++) {
      this.sendMicrophone(1);
      const connection = await this.standIn.fail(how, this.micExpectedAtServer(), AUDIO_ARRIVAL_TIMEOUT_MS);
      if (await this.view.waitQuietly(() => this.view.connectionCounts.lost > lostBefore, LOST_CONFIRM_MS)) break;
      // A renewal switched away from that connection just before it failed: fail the next one.
      if (attempt >= FAILURE_ATTEMPTS) throw new Error(`turn ${turn.index + 1}: ${how} of server connection ${connection} was never noticed by the session`);
      this.failureRetries++;
    }
    if (how === 'drop') this.drops++;
    else this.silences++;
    await this.view.waitFor(() => this.view.connectionCounts.reconnected > reconnectedBefore, RECONNECT_TIMEOUT_MS, () => `turn ${turn.index + 1}: no reconnect after the ${how}`);
  }

  /** Each frame carries its number in its first 4 bytes, so the server can tell new audio from a replay. */
  private sendMicrophone(frames: number): void {
    for (let sent = 0; sent < frames; sent++) {
      const number = this.micAccepted + this.micRefused + 1;
      this.micFrame.writeUInt32LE(number, 0);
      if (this.session.sendAudio(this.micFrame)) {
        this.micAccepted++;
        this.newestAcceptedFrame = number;
      } else {
        this.micRefused++;
      }
    }
  }

  /** The newest frame the session accepted: the server hears the user once it has arrived. */
  private micExpectedAtServer(): number {
    return this.newestAcceptedFrame;
  }

  private switches(): number {
    return this.view.connectionCounts.renewed + this.view.connectionCounts.reconnected;
  }

  private untilLive(turn: TurnPlan): Promise<void> {
    return this.view.waitFor(() => this.session.state === 'live', RECONNECT_TIMEOUT_MS, () => `turn ${turn.index + 1}: the session is '${this.session.state}', not live`);
  }

  private untilFinished(turn: TurnPlan, linesFrom: number, lines: readonly string[]): Promise<void> {
    return this.view.waitFor(
      () => this.view.finishedSince(linesFrom, lines),
      TURN_TIMEOUT_MS,
      () => `turn ${turn.index + 1} (${turn.kind}): expected ${JSON.stringify(lines)}; lines since the turn began: ${JSON.stringify(this.view.finalLines.slice(linesFrom))}`,
    );
  }

  /** The speaker has played the answer (compressed time): a quiet moment follows. */
  private async untilSpoken(): Promise<void> {
    const deadline = Date.now() + TURN_TIMEOUT_MS;
    while (this.sink.isPlaying()) {
      if (Date.now() > deadline) throw new Error(`the speaker was still playing ${TURN_TIMEOUT_MS} ms after the answer`);
      await sleep(PLAYBACK_POLL_MS);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
