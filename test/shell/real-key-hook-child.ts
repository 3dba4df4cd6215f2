// Run by hold-to-talk-hook.test.ts under `xvfb-run`: starts the real hold-to-talk hook on
// Alt+F8, holds the keys with xdotool past X's auto-repeat delay, releases them, restarts the hook
// and does it again, then prints one JSON line with what the hook reported.
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { HoldToTalkHook, loadUiohook } from '../../src-main/shell/hold-to-talk-hook';

/** Longer than Xvfb's default auto-repeat delay (660 ms), so repeats do arrive. */
const HOLD_MS = 1_200;
/** XRecord delivers events in batches; give it time to flush. */
const SETTLE_MS = 400;

const events: string[] = [];
const hook = new HoldToTalkHook({ accelerator: 'Alt+F8', onPress: () => events.push('press'), onRelease: () => events.push('release') });
// Counts the raw F8 keydowns, to show auto-repeat really happened during the hold.
const { uIOhook, UiohookKey } = loadUiohook();
let rawF8Keydowns = 0;
uIOhook.on('keydown', (event) => {
  if (event.keycode === UiohookKey.F8) rawF8Keydowns += 1;
});

async function holdAndRelease(): Promise<void> {
  execFileSync('xdotool', ['keydown', 'alt', 'F8']);
  await sleep(HOLD_MS);
  execFileSync('xdotool', ['keyup', 'F8', 'alt']);
  await sleep(SETTLE_MS);
}

const start = hook.start();
await sleep(SETTLE_MS);
await holdAndRelease();
const first = events.splice(0);
const firstRawKeydowns = rawF8Keydowns;
hook.stop();
hook.start();
await sleep(SETTLE_MS);
await holdAndRelease();
hook.stop();
process.stdout.write(JSON.stringify({ start, events: first, rawF8Keydowns: firstRawKeydowns, restartEvents: events }) + '\n');
process.exit(0);
