// The echo canceller in a simulated room (PulseAudio null sinks: the speaker looped back into the
// microphone 60 ms or 250 ms late and 10 dB down, a person's speech injected into the room), on
// the real audio path: NativeAudioEngine (audio host process, WebRTC AEC3) and a hands-free
// TalkModeController. What would be sent to the server is measured against what the microphone
// heard:
//  - the echo removed is at least 30 dB in the stretches where only the assistant speaks, after
//    the first second of its speech;
//  - the person talking over the assistant keeps their level within 12 dB of the same words
//    spoken with the assistant silent;
//  - the person talking over the assistant barges in, and the echo never does (playback is not
//    stopped here, so the double talk lasts the whole line).
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { echoRemovedDb, monitorTrack, onsetIn, totalMs, without, type Stretch } from '../../long-checks/room-levels';
import { cancelInLockstep } from '../../long-checks/room-reference-canceller';
import { RoomRig } from '../../long-checks/room-rig';
import { judgeAttempts, type Attempt } from '../support/judged-attempts';
import { startPulseRoom, pulseRoomUnavailableReason } from '../support/pulse-room';
import { atLevel, renderSpeech, speechUnavailableReason } from '../support/speech-assets';
import { sleep } from '../support/stats';

const unavailable = pulseRoomUnavailableReason() ?? speechUnavailableReason();
const ECHO_ATTENUATION_DB = 10;
const DELAY_TOLERANCE_MS = 30;
const ATTENUATION_TOLERANCE_DB = 2;
/** The person is about as loud at the microphone as the assistant's echo (about -31 dBFS): hard double talk. */
const PERSON_LEVEL_DBFS = -28;
const HEARD_DBFS = -55;
/** The person's onset in what is sent: 14 dB under their speech level, far over the residual echo. */
const SENT_ONSET_DBFS = -42;
const MIN_ECHO_REMOVED_DB = 30;
const MAX_DOUBLE_TALK_LOSS_DB = 12;
const CONVERGENCE_MS = 1_000;
/** The person starts talking over the assistant this long into its answer. */
const DOUBLE_TALK_AT_MS = 5_000;
/** A barge-in this long after the person's last word still counts as theirs (the detector's hangover). */
const PLAYBACK_TAIL_MS = 400;

const ANSWER =
  'Here is what I found about your trip. The flight leaves at nine in the morning from gate twelve, ' +
  'and the hotel is a short walk from the station. The weather should be mild, around eighteen degrees, ' +
  'with a chance of rain in the afternoon, so bring a light coat.';
const INTERRUPTION = 'What time does the train leave tomorrow?';

async function roomRun(t: Attempt, echoDelayMs: number): Promise<void> {
  const room = await startPulseRoom({ echoDelayMs, echoAttenuationDb: ECHO_ATTENUATION_DB });
  t.after(() => room.close());
  t.diagnostic(room.describe());
  assert.ok(room.volumeApplied, 'PulseAudio took the loopback volume');
  assert.ok(Math.abs(room.measured.delayMs - echoDelayMs) <= DELAY_TOLERANCE_MS, room.describe());
  assert.ok(Math.abs(room.measured.attenuationDb - ECHO_ATTENUATION_DB) <= ATTENUATION_TOLERANCE_DB, room.describe());

  const assistant = renderSpeech('assistant', ANSWER);
  const person = atLevel(renderSpeech('person', INTERRUPTION), PERSON_LEVEL_DBFS);
  // The room's own recordings, for the same canceller run in lockstep (room-reference-canceller.ts).
  const speakerMonitor = room.listenToSpeaker(60);
  const microphoneMonitor = room.listenToMicrophone(60);
  t.after(() => Promise.all([speakerMonitor.close(), microphoneMonitor.close()]));
  const rig = await RoomRig.start({ echoCancellation: true, stopOnBargeIn: false });
  t.after(() => rig.stop());
  assert.equal(rig.protection?.kind, 'canceller', `the canceller runs (${JSON.stringify(rig.protection)})`);
  assert.equal(rig.talk.echoProtection, 'canceller');

  const alone = room.speakInRoom(person.wavPath);
  await alone.done;
  await sleep(600);
  const saidAt = rig.say(assistant, 'item_answer');
  await sleep(DOUBLE_TALK_AT_MS);
  const over = room.speakInRoom(person.wavPath);
  await sleep(Math.max(0, saidAt + assistant.durationMs + 1_200 - Date.now()));
  await over.done;
  await rig.stop();
  const out = rig.sent;

  const personOnset = onsetIn(rig.raw, alone.startedAtMs, alone.startedAtMs + 2_000, HEARD_DBFS);
  assert.ok(personOnset !== undefined, 'the microphone heard the person alone');
  const speechMs = person.durationMs - person.onsetMs;
  const personAlone: Stretch[] = [{ fromMs: personOnset, toMs: personOnset + speechMs }];
  // Over the assistant the raw microphone is mostly echo: the onset is found in what was sent.
  const doubleTalkFrom = onsetIn(out, over.startedAtMs + person.onsetMs, over.startedAtMs + 2_000, SENT_ONSET_DBFS);
  assert.ok(doubleTalkFrom !== undefined, 'the person talking over the assistant was sent');
  const doubleTalk: Stretch[] = [{ fromMs: doubleTalkFrom, toMs: doubleTalkFrom + speechMs }];

  const echoOnset = onsetIn(rig.raw, saidAt, saidAt + 2_000, HEARD_DBFS);
  assert.ok(echoOnset !== undefined, 'the microphone heard the assistant through the room');
  const echoEnd = echoOnset + assistant.durationMs - assistant.onsetMs;
  const firstSecond: Stretch[] = [{ fromMs: echoOnset, toMs: echoOnset + CONVERGENCE_MS }];
  const assistantOnly = without([{ fromMs: echoOnset + CONVERGENCE_MS, toMs: echoEnd - 100 }], [{ fromMs: doubleTalkFrom - 300, toMs: doubleTalkFrom + speechMs + 500 }]);

  const reference = cancelInLockstep(speakerMonitor, microphoneMonitor, saidAt - 500, echoEnd + 500, rig.protection!.kind === 'canceller' ? rig.protection!.delayHintMs : 50);
  const removedInLockstep = echoRemovedDb(reference.raw, reference.cleaned, assistantOnly);
  t.diagnostic(`the same canceller in lockstep on the room's recordings: echo removed ${removedInLockstep.toFixed(1)} dB`);
  // The room must be one a canceller can handle before the live path is judged in it.
  assert.ok(removedInLockstep >= MIN_ECHO_REMOVED_DB, `the room glitched (a loopback underrun on a loaded machine?): even in lockstep only ${removedInLockstep.toFixed(1)} dB of echo was removed`);
  const removed = echoRemovedDb(rig.raw, out, assistantOnly);
  const removedFirstSecond = echoRemovedDb(rig.raw, out, firstSecond);
  const personAloneDbfs = out.levelDbfs(personAlone);
  const personOverDbfs = out.levelDbfs(doubleTalk);
  const residualDbfs = out.levelDbfs(assistantOnly);
  t.diagnostic(
    `echo ${echoDelayMs} ms: raw echo ${rig.raw.levelDbfs(assistantOnly).toFixed(1)} dBFS, sent ${residualDbfs.toFixed(1)} dBFS over ${(totalMs(assistantOnly) / 1000).toFixed(1)} s ` +
      `→ echo removed ${removed.toFixed(1)} dB (first second ${removedFirstSecond.toFixed(1)} dB)`,
  );
  t.diagnostic(
    `person: alone ${personAloneDbfs.toFixed(1)} dBFS sent (raw ${rig.raw.levelDbfs(personAlone).toFixed(1)}), over the assistant ${personOverDbfs.toFixed(1)} dBFS sent ` +
      `(raw ${rig.raw.levelDbfs(doubleTalk).toFixed(1)}) → change ${(personOverDbfs - personAloneDbfs).toFixed(1)} dB, ${(personOverDbfs - residualDbfs).toFixed(1)} dB over the residual echo`,
  );
  // Where the time from handing the answer to the speaker to hearing it in the microphone goes.
  const played = onsetIn(monitorTrack(speakerMonitor, saidAt, saidAt + 3_000), saidAt, saidAt + 3_000, HEARD_DBFS);
  const heard = onsetIn(monitorTrack(microphoneMonitor, saidAt, saidAt + 3_000), saidAt, saidAt + 3_000, HEARD_DBFS);
  t.diagnostic(
    `answer handed over → speaker ${played === undefined ? '?' : played - saidAt} ms → microphone ${heard === undefined || played === undefined ? '?' : heard - played} ms ` +
      `→ engine ${heard === undefined ? '?' : echoOnset - heard} ms (onsets in 20 ms windows)`,
  );
  const perSecond: string[] = [];
  const lockstepPerSecond: string[] = [];
  for (let from = echoOnset; from + 1_000 <= echoEnd; from += 1_000) {
    const second = without([{ fromMs: from, toMs: from + 1_000 }], [{ fromMs: doubleTalkFrom - 300, toMs: doubleTalkFrom + speechMs + 500 }]);
    perSecond.push(totalMs(second) < 500 ? '(person)' : echoRemovedDb(rig.raw, out, second).toFixed(0));
    lockstepPerSecond.push(totalMs(second) < 500 ? '(person)' : echoRemovedDb(reference.raw, reference.cleaned, second).toFixed(0));
  }
  t.diagnostic(`lockstep per second, dB: ${lockstepPerSecond.join(' ')}`);
  t.diagnostic(`echo removed per second of the answer, dB: ${perSecond.join(' ')}`);
  t.diagnostic(`barge-ins at ${rig.bargeIns.map((at) => `${at - doubleTalkFrom} ms`).join(', ') || 'none'} from the person's onset over the assistant`);

  assert.ok(totalMs(assistantOnly) >= 5_000, `assistant-only time measured: ${totalMs(assistantOnly)} ms`);
  assert.ok(removed >= MIN_ECHO_REMOVED_DB, `echo removed ${removed.toFixed(1)} dB, want ≥ ${MIN_ECHO_REMOVED_DB}`);
  assert.ok(
    Math.abs(personOverDbfs - personAloneDbfs) <= MAX_DOUBLE_TALK_LOSS_DB,
    `the person over the assistant: ${personOverDbfs.toFixed(1)} dBFS against ${personAloneDbfs.toFixed(1)} dBFS alone`,
  );
  const byPerson = rig.bargeIns.filter((at) => at >= doubleTalkFrom && at <= doubleTalkFrom + speechMs + PLAYBACK_TAIL_MS);
  assert.ok(byPerson.length >= 1, 'the person talking over the assistant barged in');
  assert.equal(rig.bargeIns.length, byPerson.length, 'no barge-in outside the person\'s speech: the echo never barged in');
}

/**
 * Attempts per room. The playback stream under PortAudio sometimes loses 3-12 ms to an underrun
 * in the sound server that nothing above it sees (measured by cross-correlating the reference
 * with the capture: the echo's delay jumps while the event loop was never late), and AEC3 then
 * removes 10-30 dB for a second or two; the room's own recordings show no such jump. Until the
 * played position can be read from the device (issue #11), a run is judged up to this many times
 * and every failed attempt is printed.
 */
const ATTEMPTS = 3;

function judgedRoomRun(t: TestContext, echoDelayMs: number): Promise<void> {
  return judgeAttempts(t, ATTEMPTS, (attempt) => roomRun(attempt, echoDelayMs));
}

test('the canceller removes ≥ 30 dB of a 60 ms echo and keeps the person talking over it', { skip: unavailable, timeout: 300_000 }, (t) => judgedRoomRun(t, 60));

test('the canceller removes ≥ 30 dB of a 250 ms echo and keeps the person talking over it', { skip: unavailable, timeout: 300_000 }, (t) => judgedRoomRun(t, 250));
