// What the tray shows, derived from the app snapshot: icon name, tooltip and context menu. Pure
// (no electron import): the tray controller hands the template to Menu.buildFromTemplate, and
// tests read it as plain data.
import type {
  AppState,
  AppStatus,
  AudioDevice,
  CommandArgs,
  DeviceList,
  HotkeyBinding,
  HotkeyStatus,
  Settings,
  TalkMode,
} from '../../src-shared/ipc-contract';
import type { SessionState } from '../../src-shared/session-events';
import { blockingProblem } from '../../src-shared/app-state';
import { assertNever } from '../core/util/assert-never';
import { displayAccelerator } from '../../src-shared/accelerator';

/** A plain subset of Electron's MenuItemConstructorOptions (assignable to it). */
export interface MenuTemplateItem {
  id?: string;
  label?: string;
  type?: 'normal' | 'separator' | 'checkbox' | 'radio' | 'submenu';
  checked?: boolean;
  enabled?: boolean;
  /** Shown beside the label only: the real global shortcut is registered by the hotkey manager. */
  accelerator?: string;
  registerAccelerator?: boolean;
  submenu?: MenuTemplateItem[];
  click?: () => void;
}

/** The contract commands the tray menu runs. */
export type TrayCommandName =
  | 'session.start'
  | 'session.stop'
  | 'talk.setMode'
  | 'talk.setMuted'
  | 'talk.toggle'
  | 'devices.setInput'
  | 'devices.setOutput';

export interface TrayMenuActions {
  /** Runs a contract command; the caller handles (logs) failures, the menu never awaits. */
  run<N extends TrayCommandName>(name: N, args: CommandArgs<N>): void;
  showWindow(): void;
  /** Shows the window on the settings page. */
  showSettings(): void;
  quit(): void;
}

export interface TrayMenuInput {
  readonly snapshot: AppState;
  readonly settings: Settings;
  /** undefined when the device list could not be read (no audio host). */
  readonly devices: DeviceList | undefined;
  /** True until the first device list arrives (shown instead of "Audio unavailable"). */
  readonly devicesLoading?: boolean;
  readonly actions: TrayMenuActions;
  readonly platform?: NodeJS.Platform;
}

export type TrayIconName = 'idle' | 'listening' | 'speaking' | 'agent-working' | 'error';
export const TRAY_ICON_NAMES: readonly TrayIconName[] = ['idle', 'listening', 'speaking', 'agent-working', 'error'];

/** Longest error text on the status line; menus do not wrap. */
const MAX_ERROR_CHARS = 60;
/** Windows truncates tray tooltips past 127 characters. */
const MAX_TOOLTIP_CHARS = 127;
const APP_NAME = 'Parley';

/**
 * The icon for a status. `connecting` shows the idle icon on purpose: the microphone is not open
 * to the model yet, and the green "listening" icon must only ever mean that it is.
 */
export function trayIconFor(status: AppStatus): TrayIconName {
  switch (status) {
    case 'idle':
    case 'connecting':
      return 'idle';
    case 'listening':
    case 'speaking':
    case 'agent-working':
    case 'error':
      return status;
    default:
      return assertNever(status, 'trayIconFor');
  }
}

/** The one-line summary shown as the first (disabled) menu item. */
/** The problem behind an error status, as "Title: reason". */
function errorLine(snapshot: AppState): string {
  const shown = blockingProblem(snapshot) ?? snapshot.problems.find((problem) => problem.severity === 'error');
  return shown ? `${shown.title}: ${shown.message}` : 'something went wrong';
}

export function statusLine(snapshot: AppState): string {
  const status = snapshot.status;
  switch (status) {
    case 'idle':
      if (snapshot.session !== 'live') return `${APP_NAME} — Idle`;
      if (snapshot.talk.muted) return `${APP_NAME} — Connected, microphone muted`;
      return `${APP_NAME} — Connected`;
    case 'connecting':
      return snapshot.session === 'reconnecting' ? `${APP_NAME} — Reconnecting…` : `${APP_NAME} — Connecting…`;
    case 'listening':
      return `${APP_NAME} — Listening`;
    case 'speaking':
      return `${APP_NAME} — Assistant speaking`;
    case 'agent-working':
      return `${APP_NAME} — Agent working…`;
    case 'error':
      return `Error: ${shorten(errorLine(snapshot), MAX_ERROR_CHARS)}`;
    default:
      return assertNever(status, 'statusLine');
  }
}

export function trayTooltip(snapshot: AppState, platform: NodeJS.Platform = process.platform): string {
  const problems = hotkeyProblemLines(snapshot.hotkeys, platform).length;
  const tooltip = statusLine(snapshot) + (problems > 0 ? ' (hotkey problem)' : '');
  return shorten(tooltip, MAX_TOOLTIP_CHARS);
}

/** Short menu lines for hotkeys that are unavailable or degraded; the full sentence is in the UI. */
export function hotkeyProblemLines(hotkeys: HotkeyStatus, platform: NodeJS.Platform): string[] {
  const lines: string[] = [];
  const name = (binding: HotkeyBinding) => (binding.accelerator ? ` ${displayAccelerator(binding.accelerator, platform)}` : '');
  if (hotkeys.talk.problem !== null) {
    lines.push(hotkeys.talk.active ? `Hotkey${name(hotkeys.talk)} may not work` : `Hotkey${name(hotkeys.talk)} unavailable`);
  }
  const hold = hotkeys.holdToTalk;
  if (hold.problem !== null) {
    if (!hold.active) lines.push(`Hold-to-talk key${name(hold)} unavailable`);
    else if (hold.mode === 'toggle') lines.push(`Hold-to-talk key${name(hold)} toggles instead`);
    else lines.push(`Hold-to-talk key${name(hold)} may not work`);
  }
  return lines;
}

export function buildTrayMenu(input: TrayMenuInput): MenuTemplateItem[] {
  const { snapshot, settings, actions } = input;
  const platform = input.platform ?? process.platform;
  const items: MenuTemplateItem[] = [{ id: 'status', label: escapeLabel(statusLine(snapshot)), enabled: false }];
  for (const [index, line] of hotkeyProblemLines(snapshot.hotkeys, platform).entries()) {
    // Enabled so it leads somewhere: the settings page says what is wrong and lets the user fix it.
    items.push({ id: `hotkey-problem-${index}`, label: `⚠ ${line}…`, click: () => actions.showSettings() });
  }
  items.push({ type: 'separator' }, sessionItem(snapshot, actions));
  if (snapshot.talk.mode === 'toggle' && snapshot.session === 'live') {
    const talkHotkey = snapshot.hotkeys.talk.active ? settings.hotkeys.talk : '';
    items.push({
      id: 'talk',
      label: 'Talking',
      type: 'checkbox',
      checked: snapshot.talk.talking,
      ...(talkHotkey ? { accelerator: talkHotkey, registerAccelerator: false } : {}),
      click: () => actions.run('talk.toggle', undefined),
    });
  }
  items.push(
    { id: 'talk-mode', label: 'Talk mode', type: 'submenu', submenu: talkModeItems(snapshot.talk.mode, actions) },
    {
      id: 'mute',
      label: 'Mute microphone',
      type: 'checkbox',
      checked: snapshot.talk.muted,
      click: () => actions.run('talk.setMuted', { muted: !snapshot.talk.muted }),
    },
    { type: 'separator' },
    {
      id: 'input-device',
      label: 'Input device',
      type: 'submenu',
      submenu: deviceItems('input', input, snapshot.devices.input, (name) => actions.run('devices.setInput', { name })),
    },
    {
      id: 'output-device',
      label: 'Output device',
      type: 'submenu',
      submenu: deviceItems('output', input, snapshot.devices.output, (name) => actions.run('devices.setOutput', { name })),
    },
    { type: 'separator' },
    { id: 'show-window', label: `Show ${APP_NAME}`, click: () => actions.showWindow() },
    { id: 'settings', label: 'Settings…', click: () => actions.showSettings() },
    { type: 'separator' },
    { id: 'quit', label: `Quit ${APP_NAME}`, click: () => actions.quit() },
  );
  return items;
}

/** One item whose label and action follow the session: start, stop, or wait while it closes. */
function sessionItem(snapshot: AppState, actions: TrayMenuActions): MenuTemplateItem {
  const state: SessionState = snapshot.session;
  switch (state) {
    case 'idle':
    case 'closed':
    case 'error':
      if (!snapshot.apiKeySet) return { id: 'session', label: 'Add an API key to start…', click: () => actions.showSettings() };
      return { id: 'session', label: 'Start session', click: () => actions.run('session.start', undefined) };
    case 'connecting':
    case 'live':
    case 'reconnecting':
      return { id: 'session', label: 'Stop session', click: () => actions.run('session.stop', undefined) };
    case 'closing':
      return { id: 'session', label: 'Stopping…', enabled: false };
    default:
      return assertNever(state, 'sessionItem');
  }
}

const TALK_MODE_LABELS: Record<TalkMode, string> = { 'hands-free': 'Hands-free', 'push-to-talk': 'Push-to-talk', toggle: 'Toggle' };

function talkModeItems(current: TalkMode, actions: TrayMenuActions): MenuTemplateItem[] {
  return (Object.keys(TALK_MODE_LABELS) as TalkMode[]).map((mode) => ({
    id: `talk-mode-${mode}`,
    label: TALK_MODE_LABELS[mode],
    type: 'radio',
    checked: mode === current,
    click: () => actions.run('talk.setMode', { mode }),
  }));
}

/**
 * "System default" plus one radio item per device name (names are what settings store, so
 * duplicates across host APIs collapse). A chosen device that is not connected stays listed,
 * checked and disabled, so the menu does not pretend the default is in use.
 */
function deviceItems(
  direction: 'input' | 'output',
  input: TrayMenuInput,
  chosen: string | null,
  choose: (name: string | null) => void,
): MenuTemplateItem[] {
  if (input.devices === undefined) {
    return input.devicesLoading
      ? [{ id: `${direction}-loading`, label: 'Looking for devices…', enabled: false }]
      : [{ id: `${direction}-unavailable`, label: 'Audio unavailable', enabled: false }];
  }
  const devices: readonly AudioDevice[] = direction === 'input' ? input.devices.inputs : input.devices.outputs;
  const names = [...new Set(devices.map((device) => device.name))];
  if (names.length === 0) return [{ id: `${direction}-none`, label: 'No devices found', enabled: false }];
  const items: MenuTemplateItem[] = [
    { id: `${direction}-default`, label: 'System default', type: 'radio', checked: chosen === null, click: () => choose(null) },
  ];
  for (const name of names) {
    items.push({ id: `${direction}:${name}`, label: escapeLabel(name), type: 'radio', checked: name === chosen, click: () => choose(name) });
  }
  if (chosen !== null && !names.includes(chosen)) {
    items.push({ id: `${direction}:${chosen}`, label: `${escapeLabel(chosen)} (not connected)`, type: 'radio', checked: true, enabled: false });
  }
  return items;
}

/** Collapses whitespace and cuts at a word boundary with an ellipsis. */
export function shorten(text: string, maxChars: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= maxChars) return flat;
  const cut = flat.slice(0, maxChars - 1);
  const space = cut.lastIndexOf(' ');
  return (space > maxChars / 2 ? cut.slice(0, space) : cut).replace(/[\s.,;:]+$/, '') + '…';
}

/** Menu labels treat "&" as a mnemonic marker on Windows and Linux; show it literally. */
function escapeLabel(text: string): string {
  return text.replace(/&/g, '&&');
}
