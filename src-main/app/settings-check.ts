// What settings must be, beyond each value's shape, so a mistake is caught when it is saved (or,
// for settings saved earlier, listed as a problem) instead of biting mid-conversation: a voice the
// dialect offers, a command agent whose program resolves and whose working folder exists, hotkeys
// that parse. Pure over injected lookups (environment, platform, what is at a path), so tests
// drive it with a temp folder and a PATH of their own; nodeSettingsCheckDeps reads the real ones.
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { posix, win32 } from 'node:path';
import { agentConfigLines, type Settings } from '../../src-shared/ipc-contract';
import { acceleratorProblem, formatAccelerator, parseAccelerator, sameAccelerator, type ParsedAccelerator } from '../../src-shared/accelerator';
import { DIALECT_NAMES, REALTIME_VOICES, defaultVoice, isVoiceOf } from '../../src-shared/realtime-voices';
import { SETTINGS_FIELDS, type SettingsField, type SettingsPage } from '../../src-shared/settings-fields';
import {
  SettingsValidationError,
  settingShapeProblem,
  type SettingsChangeCheck,
  type SettingsPatch,
} from '../adapters/settings/settings-schema';
import { CommandLineError, splitCommandLine } from '../core/agent/command-line';
import { configOverrideProblem } from '../core/agent/config-override';
import { ACP_AGENT_EXAMPLES, CODEX_NOT_INSTALLED, acpInstallHint } from './agent-install-hints';

/** What is at a path, as far as running a program or entering a folder goes. */
export type PathKind = 'missing' | 'folder' | 'file' | 'executable';

export interface SettingsCheckDeps {
  /** Where PATH is read: the environment the agent command will be started with. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly platform: NodeJS.Platform;
  pathKind(path: string): PathKind;
}

/** One thing wrong with the settings, for "Settings need attention": `page` is where to fix it. */
export interface SettingsProblem {
  readonly field: SettingsField;
  readonly page: SettingsPage;
  /** Starts with the field's label, e.g. "Working folder: /nope does not exist". */
  readonly message: string;
}

/** execvp's search path when PATH is unset, which is what starting the command would use. */
const DEFAULT_POSIX_PATH = '/usr/bin:/bin';
/** Programs Node can start on Windows without a shell (it does not run .bat/.cmd directly). */
const WINDOWS_PROGRAM_EXTENSIONS = ['.com', '.exe'];
/** Longer values are cut when a message quotes them. */
const MAX_QUOTED_CHARS = 60;

export function nodeSettingsCheckDeps(
  env: Readonly<Record<string, string | undefined>> = process.env,
  platform: NodeJS.Platform = process.platform,
): SettingsCheckDeps {
  return {
    env,
    platform,
    pathKind(path) {
      const stat = statSync(path, { throwIfNoEntry: false });
      if (!stat) return 'missing';
      if (stat.isDirectory()) return 'folder';
      if (!stat.isFile()) return 'file';
      // Windows has no execute bit: any file with a program extension runs.
      if (platform === 'win32') return 'executable';
      try {
        accessSync(path, fsConstants.X_OK);
        return 'executable';
      } catch {
        return 'file';
      }
    },
  };
}

/**
 * Quotes a value the user typed. Anything long or shaped like an API key is not repeated: the
 * message reaches logs too, and a key pasted into the wrong field must not.
 */
function quoted(value: string): string {
  if (/^(sk|rk|pk)[-_]/i.test(value)) return 'that value';
  return value.length > MAX_QUOTED_CHARS ? `“${value.slice(0, MAX_QUOTED_CHARS)}…”` : `“${value}”`;
}

function pathsFor(platform: NodeJS.Platform): typeof posix {
  return platform === 'win32' ? win32 : posix;
}

const TILDE_HINT = ' (“~” is not expanded here; write the full path)';

// ---------------------------------------------------------------------------------------------
// One rule per field: what is wrong with the value in these settings, or undefined.
// ---------------------------------------------------------------------------------------------

function voiceProblem(settings: Settings): string | undefined {
  const { dialect, voice } = settings;
  if (isVoiceOf(dialect, voice)) return undefined;
  return `${quoted(voice)} is not a voice of ${DIALECT_NAMES[dialect]}; choose one of ${REALTIME_VOICES[dialect].join(', ')}, or leave it empty for the default (${defaultVoice(dialect)}).`;
}

/** The shortcut, or undefined when there is none or it does not parse (its own rule says why). */
function parsedHotkey(accelerator: string, platform: NodeJS.Platform): ParsedAccelerator | undefined {
  if (accelerator.trim() === '') return undefined;
  try {
    return parseAccelerator(accelerator, platform);
  } catch {
    return undefined;
  }
}

/** Hold-to-talk and talk on one combination cannot both work; `other` names the one not blamed. */
function sameHotkeysProblem(settings: Settings, deps: SettingsCheckDeps, other: SettingsField): string | undefined {
  const talk = parsedHotkey(settings.hotkeys.talk, deps.platform);
  const hold = parsedHotkey(settings.hotkeys.holdToTalk, deps.platform);
  if (!talk || !hold || !sameAccelerator(talk, hold)) return undefined;
  return `${formatAccelerator(hold, deps.platform)} is also the ${SETTINGS_FIELDS[other].label}; choose a different shortcut for one of them.`;
}

/** The backends that start a program in the working folder. */
const PROGRAM_BACKENDS: ReadonlySet<Settings['agentBackend']> = new Set(['command', 'codex', 'acp']);

/**
 * The agent's program resolved the way starting it will (PATH, or a path as written): the command
 * backend's command line, Codex's program (default codex on PATH), an ACP agent's command line.
 */
function agentCommandProblem(settings: Settings, deps: SettingsCheckDeps): string | undefined {
  switch (settings.agentBackend) {
    case 'command':
      return commandLineProblem(settings, deps, 'no agent command is set: set one in Settings › Agent (e.g. codex exec {prompt}), or choose another agent backend.', (program) =>
        `${quoted(program)} is not found on PATH; install it, or write its full path.`,
      );
    case 'codex': {
      // The whole value is the program (a path may hold spaces); empty means codex on PATH.
      const program = settings.agentCommand.trim() || 'codex';
      return programProblem(program, settings, deps, () => CODEX_NOT_INSTALLED);
    }
    case 'acp':
      return commandLineProblem(settings, deps, `no ACP agent is set: write the agent's command, e.g. ${ACP_AGENT_EXAMPLES}.`, (program) =>
        `${quoted(program)} is not found on PATH; ${acpInstallHint(program)}.`,
      );
    default:
      return undefined;
  }
}

function commandLineProblem(settings: Settings, deps: SettingsCheckDeps, unset: string, notOnPath: (program: string) => string): string | undefined {
  let program: string | undefined;
  try {
    program = splitCommandLine(settings.agentCommand)[0];
  } catch (error) {
    if (error instanceof CommandLineError) return `cannot be read: ${error.message}`;
    throw error;
  }
  if (program === undefined || program === '') return unset;
  return programProblem(program, settings, deps, notOnPath);
}

function programProblem(program: string, settings: Settings, deps: SettingsCheckDeps, notOnPath: (program: string) => string): string | undefined {
  const paths = pathsFor(deps.platform);
  const hasSeparator = program.includes('/') || (deps.platform === 'win32' && program.includes('\\'));
  if (!hasSeparator) return resolveOnPath(program, deps) ? undefined : notOnPath(program);
  let resolved = program;
  if (!paths.isAbsolute(program)) {
    const cwd = settings.agentCwd.trim();
    if (cwd === '' || !paths.isAbsolute(cwd)) {
      return (
        `${quoted(program)} is a relative path; write its full path, or set the Working folder it is relative to` +
        (program.startsWith('~') ? TILDE_HINT : '.')
      );
    }
    resolved = paths.resolve(cwd, program);
  }
  switch (deps.pathKind(resolved)) {
    case 'executable':
      return undefined;
    case 'missing':
      return `${resolved} does not exist.`;
    case 'folder':
      return `${resolved} is a folder, not a program.`;
    case 'file':
      return `${resolved} is not executable; make it executable (chmod +x) or run it through its interpreter, e.g. node ${resolved}.`;
  }
}

/** Codex's `-c` overrides: each line `key=value`, the key a dotted name. */
function agentConfigProblem(settings: Settings): string | undefined {
  if (settings.agentBackend !== 'codex') return undefined;
  const lines = agentConfigLines(settings.agentConfig);
  for (const [index, line] of lines.entries()) {
    const problem = configOverrideProblem(line);
    if (problem) return `line ${index + 1}, ${quoted(line)}: ${problem}`;
  }
  return undefined;
}

function resolveOnPath(program: string, deps: SettingsCheckDeps): string | undefined {
  const windows = deps.platform === 'win32';
  const paths = pathsFor(deps.platform);
  const searchPath = (windows ? (deps.env.PATH ?? deps.env.Path) : deps.env.PATH) ?? (windows ? '' : DEFAULT_POSIX_PATH);
  const names = windows && paths.extname(program) === '' ? WINDOWS_PROGRAM_EXTENSIONS.map((extension) => program + extension) : [program];
  // An empty PATH entry means the current folder to execvp; ignored here, as a launcher's current
  // folder is nothing the user chose.
  for (const folder of searchPath.split(windows ? ';' : ':')) {
    if (folder === '') continue;
    for (const name of names) {
      const candidate = paths.join(folder, name);
      if (deps.pathKind(candidate) === 'executable') return candidate;
    }
  }
  return undefined;
}

function agentCwdProblem(settings: Settings, deps: SettingsCheckDeps): string | undefined {
  if (!PROGRAM_BACKENDS.has(settings.agentBackend)) return undefined;
  const cwd = settings.agentCwd.trim();
  if (cwd === '') return undefined;
  const paths = pathsFor(deps.platform);
  if (!paths.isAbsolute(cwd)) {
    const example = deps.platform === 'win32' ? 'C:\\Users\\you\\project' : '/home/you/project';
    return `${quoted(cwd)} is not a full path; write it from the root, e.g. ${example}` + (cwd.startsWith('~') ? TILDE_HINT : '.');
  }
  switch (deps.pathKind(cwd)) {
    case 'folder':
      return undefined;
    case 'missing':
      return `${cwd} does not exist.`;
    default:
      return `${cwd} is a file, not a folder.`;
  }
}

type Rule = (settings: Settings, deps: SettingsCheckDeps) => string | undefined;

/** Rules beyond shape, per field. Fields without one are fully checked by their shape. */
const RULES: Partial<Record<SettingsField, Rule>> = {
  voice: voiceProblem,
  agentCommand: agentCommandProblem,
  agentCwd: agentCwdProblem,
  agentConfig: agentConfigProblem,
  'hotkeys.talk': (settings, deps) => acceleratorProblem(settings.hotkeys.talk, deps.platform),
  'hotkeys.holdToTalk': (settings, deps) => acceleratorProblem(settings.hotkeys.holdToTalk, deps.platform),
};

function valueOf(settings: Settings, field: SettingsField): unknown {
  if (field === 'hotkeys.talk') return settings.hotkeys.talk;
  if (field === 'hotkeys.holdToTalk') return settings.hotkeys.holdToTalk;
  return settings[field];
}

/**
 * What is wrong with one field's value (its shape, then its rule), without the label: the headless
 * command checks its flags with the same rules and names the flag instead.
 */
export function fieldProblem(settings: Settings, field: SettingsField, deps: SettingsCheckDeps): string | undefined {
  return settingShapeProblem(field, valueOf(settings, field)) ?? RULES[field]?.(settings, deps);
}

function problem(field: SettingsField, message: string): SettingsProblem {
  const { label, page } = SETTINGS_FIELDS[field];
  return { field, page, message: `${label}: ${message}` };
}

/**
 * Everything wrong with the settings as they are stored now, in form order: a working folder
 * deleted since it was saved, a command no longer on PATH, an old file's voice. Empty when fine.
 */
export function settingsProblems(settings: Settings, deps: SettingsCheckDeps): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  for (const field of Object.keys(SETTINGS_FIELDS) as SettingsField[]) {
    const found = fieldProblem(settings, field, deps);
    if (found) problems.push(problem(field, found));
  }
  if (!problems.some((entry) => entry.field.startsWith('hotkeys.'))) {
    const same = sameHotkeysProblem(settings, deps, 'hotkeys.talk');
    if (same) problems.push(problem('hotkeys.holdToTalk', same));
  }
  return problems;
}

/** The fields a patch touches, plus those whose verdict depends on them. */
function fieldsToCheck(patch: SettingsPatch): SettingsField[] {
  const fields = new Set<SettingsField>();
  for (const key of Object.keys(patch) as (keyof SettingsPatch)[]) {
    if (key === 'hotkeys') {
      for (const hotkey of Object.keys(patch.hotkeys ?? {})) fields.add(`hotkeys.${hotkey}` as SettingsField);
    } else fields.add(key);
  }
  if (fields.has('dialect')) fields.add('voice');
  if (fields.has('agentBackend')) {
    fields.add('agentCommand');
    fields.add('agentCwd');
    fields.add('agentConfig');
  }
  // A relative program path is resolved from the working folder.
  if (fields.has('agentCwd')) fields.add('agentCommand');
  return [...fields];
}

/**
 * Checks one save: only what the patch touches (and what depends on it), so changing the talk
 * mode still works while, say, the working folder is missing. A dialect change that leaves the
 * voice unknown to the new dialect resets it to '' (its default) rather than refusing the save;
 * a voice typed in another case is stored as the dialect spells it. Throws
 * SettingsValidationError naming the first field in form order that is wrong.
 */
export function checkSettingsChange(next: Settings, patch: SettingsPatch, deps: SettingsCheckDeps): Settings {
  let checked = next;
  if (patch.voice !== undefined) {
    const spelled = patch.voice.trim().toLowerCase();
    if (spelled !== patch.voice && isVoiceOf(checked.dialect, spelled)) checked = { ...checked, voice: spelled };
  }
  if (patch.dialect !== undefined && patch.voice === undefined && !isVoiceOf(checked.dialect, checked.voice)) {
    checked = { ...checked, voice: '' };
  }
  const fields = new Set(fieldsToCheck(patch));
  for (const field of Object.keys(SETTINGS_FIELDS) as SettingsField[]) {
    if (!fields.has(field)) continue;
    const found = fieldProblem(checked, field, deps);
    if (found) throw new SettingsValidationError(field, found);
  }
  const talkChanged = fields.has('hotkeys.talk');
  if (talkChanged || fields.has('hotkeys.holdToTalk')) {
    // Blame the one being changed; when both are, the hold key (it is the one that can fall back).
    const blamed: SettingsField = fields.has('hotkeys.holdToTalk') ? 'hotkeys.holdToTalk' : 'hotkeys.talk';
    const same = sameHotkeysProblem(checked, deps, blamed === 'hotkeys.talk' ? 'hotkeys.holdToTalk' : 'hotkeys.talk');
    if (same) throw new SettingsValidationError(blamed, same);
  }
  return checked;
}

/** The check the settings store runs on every update (SettingsStoreOptions.check). */
export function createSettingsCheck(deps: SettingsCheckDeps): SettingsChangeCheck {
  return ({ next, patch }) => checkSettingsChange(next, patch, deps);
}
