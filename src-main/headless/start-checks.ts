// The checks a headless run makes of its flags before anything connects: a realtime URL the
// connection can use, a voice the dialect offers, an agent URL of http(s), an agent program (the
// command's, Codex's or an ACP agent's) that resolves and whose quoting is whole, Codex config
// overrides of the form key=value, a working folder that exists (the rules the desktop settings
// use, app/settings-check.ts), and audio devices that exist. Each problem is one line
// naming the flag; all are reported at once, so one run shows everything to fix.
import { resolve } from 'node:path';
import type { AudioDevice, DeviceList } from '../../src-shared/ipc-contract';
import { DIALECT_NAMES, REALTIME_VOICES, defaultVoice, isVoiceOf } from '../../src-shared/realtime-voices';
import type { SettingsField } from '../../src-shared/settings-fields';
import { realtimeWebsocketUrl } from '../core/protocol/connect-url';
import { ConfigurationError } from '../core/util/errors';
import { findDeviceByName } from '../adapters/audio/native/device-choice';
import { DEFAULT_SETTINGS, type Settings } from '../adapters/settings/settings-schema';
import { fieldProblem, type SettingsCheckDeps } from '../app/settings-check';
import { flagOrigin, type HeadlessOptions } from './cli-flags';

export interface StartCheckDeps {
  /** PATH, platform and what is at a path, as the settings check reads them. */
  readonly settings: SettingsCheckDeps;
  /** The folder relative paths are read from: the agent command starts there too. */
  readonly cwd: string;
  /**
   * The devices the native audio engine sees, asked only when a flag names one; undefined when
   * audio cannot start (nothing is checked then: starting live audio reports that itself).
   */
  listDevices(): Promise<DeviceList | undefined>;
}

type Side = 'input' | 'output';

const DEVICE_FLAGS: Readonly<Record<Side, string>> = { input: '--input-device', output: '--output-device' };

/** The problems of these flags, one line each ("--voice: …"); empty when the run can start. */
export async function startProblems(options: HeadlessOptions, argv: readonly string[], deps: StartCheckDeps): Promise<string[]> {
  const problems: string[] = [];
  const report = (flag: string, problem: string | undefined) => {
    if (problem) problems.push(`${flagOrigin(flag, argv)}: ${problem}`);
  };
  const settings = settingsOf(options, deps.cwd);
  const settingRule = (field: SettingsField) => fieldProblem(settings, field, deps.settings);

  // The rule connecting applies; its message already names the flag.
  try {
    realtimeWebsocketUrl(options.realtimeUrl, [], { setting: flagOrigin('--realtime-url', argv) });
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    problems.push(error.message);
  }
  report('--voice', voiceProblem(options));
  if (options.agentUrl !== undefined) report('--agent-url', settingRule('agentUrl'));
  // Codex without --agent-command is codex on PATH: the problem is with the choice, not a flag given.
  report(options.agent === 'codex' && options.agentCommand === undefined ? '--agent codex' : '--agent-command', settingRule('agentCommand'));
  if (options.agentCwd !== undefined) report('--agent-cwd', settingRule('agentCwd'));
  if (options.agentConfig.length > 0) report('--agent-config', settingRule('agentConfig'));

  const named = namedDevices(options);
  if (named.length > 0) {
    const devices = await deps.listDevices();
    if (devices) {
      for (const [side, wanted] of named) report(DEVICE_FLAGS[side], deviceProblem(side, wanted, side === 'input' ? devices.inputs : devices.outputs));
    }
  }
  return problems;
}

/**
 * The flags as desktop settings, so the same rules judge them. Paths are made absolute from the
 * current folder first: on a command line a relative folder is normal, and a relative program
 * path starts from the working folder (the agent command's current folder).
 */
function settingsOf(options: HeadlessOptions, cwd: string): Settings {
  return {
    ...DEFAULT_SETTINGS,
    dialect: options.protocol,
    realtimeUrl: options.realtimeUrl,
    voice: options.voice ?? '',
    agentBackend: options.agent,
    agentUrl: options.agentUrl ?? DEFAULT_SETTINGS.agentUrl,
    agentCommand: options.agentCommand ?? '',
    agentCwd: resolve(cwd, options.agentCwd ?? '.'),
    agentConfig: options.agentConfig.join('\n'),
    agentApproval: options.agentApproval ?? DEFAULT_SETTINGS.agentApproval,
    agentSandbox: options.agentSandbox ?? DEFAULT_SETTINGS.agentSandbox,
  };
}

/** The settings rule (isVoiceOf), in words for a command line: there is no empty field to leave. */
function voiceProblem(options: HeadlessOptions): string | undefined {
  const { protocol, voice } = options;
  if (voice === undefined || isVoiceOf(protocol, voice)) return undefined;
  return `“${voice}” is not a voice of ${DIALECT_NAMES[protocol]}; choose one of ${REALTIME_VOICES[protocol].join(', ')}, or leave the flag out for the default (${defaultVoice(protocol)})`;
}

/** The live sides a flag names a device for (`default` and `none` need no device). */
function namedDevices(options: HeadlessOptions): Array<[Side, string]> {
  const named: Array<[Side, string]> = [];
  const isNamed = (device: string) => device !== 'default' && device !== 'none';
  if (!options.inputWav && isNamed(options.inputDevice)) named.push(['input', options.inputDevice]);
  if (!options.outputWav && isNamed(options.outputDevice)) named.push(['output', options.outputDevice]);
  return named;
}

/** Found the way the audio engine finds it (device-choice.ts), or why not, with what exists. */
function deviceProblem(side: Side, wanted: string, devices: readonly AudioDevice[]): string | undefined {
  if (findDeviceByName(devices, wanted)) return undefined;
  const names = [...new Set(devices.map((device) => device.name))];
  const lower = wanted.toLowerCase();
  const partial = names.filter((name) => name.toLowerCase().includes(lower));
  if (partial.length > 1) return `“${wanted}” matches more than one ${side}: ${partial.join(', ')}; write more of its name`;
  const existing = names.length > 0 ? `the ${side}s are ${names.join(', ')}` : `no ${side} device was found`;
  return `no ${side} device is called “${wanted}”; ${existing} (or give default, or none for no ${side === 'input' ? 'microphone' : 'speaker'})`;
}
