import { BUDGET_PROBLEM, DEFAULT_BUDGET_USD, isBudgetUsd } from '../../src-shared/budget-settings';
import { PRICES_TAKEN_ON } from '../../src-shared/pricing';
import type { AgentBackendKind } from '../core/agent/agent-backend';
import { configOverrideProblem } from '../core/agent/config-override';
import { DEFAULT_ACP_PROMPT_TIMEOUT_MS } from '../adapters/agent/acp/acp-limits';
import {
  AGENT_APPROVAL_POLICIES,
  AGENT_BACKENDS,
  AGENT_SANDBOXES,
  MAX_VAD_SILENCE_MS,
  MIN_VAD_SILENCE_MS,
  isVadSilenceMs,
  type AgentApprovalPolicy,
  type AgentSandbox,
} from '../../src-shared/ipc-contract';
import {
  AGENT_APPROVAL_TIMEOUT_SECONDS_RANGE,
  AGENT_UPDATE_INTERVAL_SECONDS_RANGE,
  DEFAULT_AGENT_APPROVAL_TIMEOUT_SECONDS,
  DEFAULT_AGENT_UPDATE_INTERVAL_SECONDS,
  isAgentApprovalTimeoutSeconds,
  isAgentUpdateIntervalSeconds,
} from '../../src-shared/agent-timing';
import { DEFAULT_VAD_SILENCE_MS, type Dialect, type NoiseReductionChoice, type SemanticEagerness, type TurnDetection } from '../core/protocol/session-config';
import { V2_DEFAULT_URL } from '../core/protocol/v2-codec';
import {
  DEFAULT_ECHO_CANCELLATION,
  DEFAULT_MIN_BARGE_IN_MS,
  MIN_BARGE_IN_MS_RANGE,
  isMinBargeInMs,
  type EchoCancellationSettings,
  type HandsFreeTurnDetection,
} from '../../src-shared/echo-cancellation';

/** Everything the headless command can be told. Flag names are a public interface. */
export interface HeadlessOptions {
  readonly help: boolean;
  readonly realtimeUrl: string;
  readonly protocol: Dialect;
  readonly model: string | undefined;
  readonly voice: string | undefined;
  readonly instructions: string;
  readonly turnDetection: TurnDetection;
  /** v2: auto picks near field when the output device's name looks like a headset, else far field. */
  readonly noiseReduction: NoiseReductionChoice;
  readonly vadSilenceMs: number;
  readonly semanticEagerness: SemanticEagerness;
  /** What hands-free turn detection --turn-detection chose: server_vad unless it is semantic_vad. */
  readonly handsFreeTurnDetection: HandsFreeTurnDetection;
  /** From --echo-cancellation, --noise-suppression and --gain-control. */
  readonly echoCancellation: EchoCancellationSettings;
  /** Speech over the assistant must last this long, ms, before it stops the assistant. */
  readonly minBargeInMs: number;
  /** Budget caps, USD (0 = no cap): --budget-session, --budget-day. */
  readonly budgetSessionUsd: number;
  readonly budgetDayUsd: number;
  /** Where today's spending is kept across runs (--spend-file); undefined: this run only. */
  readonly spendFile: string | undefined;
  /** A pricing table JSON file (--pricing-file); undefined: the built-in prices. */
  readonly pricingFile: string | undefined;
  readonly agent: AgentBackendKind;
  readonly agentUrl: string | undefined;
  readonly agentModel: string | undefined;
  readonly agentInstructions: string | undefined;
  readonly agentCommand: string | undefined;
  readonly agentCwd: string | undefined;
  /** Codex: `-c key=value` config overrides, in the order given (--agent-config, repeatable). */
  readonly agentConfig: readonly string[];
  /** Codex and ACP: undefined = DEFAULT_AGENT_APPROVAL_POLICY. */
  readonly agentApproval: AgentApprovalPolicy | undefined;
  /** Codex: undefined = DEFAULT_AGENT_SANDBOX. */
  readonly agentSandbox: AgentSandbox | undefined;
  readonly agentTimeoutMs: number | undefined;
  /** At most one spoken progress update per this many seconds; undefined = DEFAULT_AGENT_UPDATE_INTERVAL_SECONDS. */
  readonly agentUpdateIntervalSeconds: number | undefined;
  /** Codex and ACP: an unanswered permission request is denied after this many seconds; undefined = DEFAULT_AGENT_APPROVAL_TIMEOUT_SECONDS. */
  readonly agentApprovalTimeoutSeconds: number | undefined;
  readonly inputWav: string | undefined;
  readonly outputWav: string | undefined;
  /** A device name, `default`, or `none`; live devices are used when no WAV option is given. */
  readonly inputDevice: string;
  readonly outputDevice: string;
  readonly listDevices: boolean;
  readonly talkMode: 'hands-free' | 'push-to-talk' | 'toggle';
  readonly text: string | undefined;
  readonly events: 'jsonl' | undefined;
  readonly durationMs: number | undefined;
  readonly exitAfterIdleMs: number | undefined;
  readonly maxSessionMs: number | undefined;
  readonly apiKeyEnv: string;
  readonly agentApiKeyEnv: string | undefined;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
}

export class FlagError extends Error {
  override readonly name = 'FlagError';
}

export const DEFAULT_INSTRUCTIONS =
  'You are Parley, a friendly voice assistant. Keep answers short and spoken. When a request ' +
  'needs research, tools, files or more than a quick answer, hand it to the background agent ' +
  'and tell the user you are on it; when the agent answers, tell the user what it found.';

/** `integer`: milliseconds, `seconds`: whole seconds; `onOff`: the words on or off, read as true or false. */
type Kind = 'string' | 'integer' | 'seconds' | 'usd' | 'boolean' | 'onOff' | { readonly oneOf: readonly string[] };

/** Flags that are parts of one option (`echoCancellation`): read on their own, then assembled. */
type EchoFlagKey = 'echoCancellationOn' | 'noiseSuppressionOn' | 'gainControlOn';

interface FlagSpec {
  readonly flag: string;
  readonly key: keyof HeadlessOptions | EchoFlagKey;
  readonly kind: Kind;
  /** Environment variable read when the flag is absent. */
  readonly env?: string;
  readonly value?: string;
  readonly help: string;
  /** May be given more than once; every value is kept, in order (the option is a list). */
  readonly repeatable?: true;
  /** Each value is checked by this too: what is wrong with it, or undefined. */
  readonly check?: (value: string) => string | undefined;
}

const AGENT_KINDS: readonly AgentBackendKind[] = AGENT_BACKENDS;

/** Flags that mean something only to some agent backends: given with another, they are a mistake. */
const AGENT_SPECIFIC_FLAGS: ReadonlyArray<readonly [string, readonly AgentBackendKind[]]> = [
  ['--agent-command', ['command', 'codex', 'acp']],
  ['--agent-config', ['codex']],
  ['--agent-approval', ['codex', 'acp']],
  ['--agent-sandbox', ['codex']],
  ['--agent-approval-timeout', ['codex', 'acp']],
];

const FLAGS: readonly FlagSpec[] = [
  { flag: '--realtime-url', key: 'realtimeUrl', kind: 'string', env: 'PARLEY_REALTIME_URL', value: 'URL', help: `realtime server base URL (default ${V2_DEFAULT_URL}; required for v1)` },
  { flag: '--protocol', key: 'protocol', kind: { oneOf: ['v1', 'v2'] }, env: 'PARLEY_PROTOCOL', value: 'v1|v2', help: 'wire dialect (default v2, the OpenAI Realtime API)' },
  { flag: '--model', key: 'model', kind: 'string', env: 'PARLEY_MODEL', value: 'NAME', help: 'realtime model (v2 default gpt-realtime)' },
  { flag: '--voice', key: 'voice', kind: 'string', env: 'PARLEY_VOICE', value: 'NAME', help: 'assistant voice (v2 default marin, v1 default cove)' },
  { flag: '--instructions', key: 'instructions', kind: 'string', env: 'PARLEY_INSTRUCTIONS', value: 'TEXT', help: 'instructions for the voice model' },
  { flag: '--turn-detection', key: 'turnDetection', kind: { oneOf: ['server_vad', 'semantic_vad', 'none'] }, value: 'MODE', help: 'v2 turn detection: server_vad (default: a pause ends the turn), semantic_vad (v2 only: the model judges when you have finished, see --semantic-eagerness), none (commit when input ends)' },
  { flag: '--noise-reduction', key: 'noiseReduction', kind: { oneOf: ['auto', 'near_field', 'far_field', 'off'] }, value: 'TYPE', help: 'v2 input noise reduction (default auto: near_field for a headset output device, else far_field)' },
  { flag: '--vad-silence-ms', key: 'vadSilenceMs', kind: 'integer', value: 'N', help: `v2 server_vad: silence that ends a turn, ${MIN_VAD_SILENCE_MS} to ${MAX_VAD_SILENCE_MS} (default ${DEFAULT_VAD_SILENCE_MS})` },
  { flag: '--semantic-eagerness', key: 'semanticEagerness', kind: { oneOf: ['auto', 'low', 'medium', 'high'] }, value: 'LEVEL', help: 'v2 semantic_vad: how soon the model takes its turn (default auto)' },
  { flag: '--echo-cancellation', key: 'echoCancellationOn', kind: 'onOff', value: 'on|off', help: "remove the assistant's voice from the microphone so you can talk over it on speakers (default on; off: the echo gate mutes the microphone while the assistant speaks louder than you)" },
  { flag: '--noise-suppression', key: 'noiseSuppressionOn', kind: 'onOff', value: 'on|off', help: "the echo canceller's noise suppression (default on)" },
  { flag: '--gain-control', key: 'gainControlOn', kind: 'onOff', value: 'on|off', help: "the echo canceller's automatic gain control (default off)" },
  { flag: '--min-barge-in-ms', key: 'minBargeInMs', kind: 'integer', value: 'N', help: `speech shorter than this does not stop the assistant, ${MIN_BARGE_IN_MS_RANGE.min} to ${MIN_BARGE_IN_MS_RANGE.max} (default ${DEFAULT_MIN_BARGE_IN_MS})` },
  { flag: '--budget-session', key: 'budgetSessionUsd', kind: 'usd', env: 'PARLEY_BUDGET_SESSION', value: 'USD', help: 'stop the session once it has cost USD (a warning at 80 %; default 0: no cap)' },
  { flag: '--budget-day', key: 'budgetDayUsd', kind: 'usd', env: 'PARLEY_BUDGET_DAY', value: 'USD', help: "stop once today's sessions have cost USD (a warning at 80 %; default 0: no cap); see --spend-file" },
  { flag: '--spend-file', key: 'spendFile', kind: 'string', env: 'PARLEY_SPEND_FILE', value: 'PATH', help: "keep today's spending in this JSON file across runs (the desktop app keeps it in its user data folder); without it, today is this run" },
  { flag: '--pricing-file', key: 'pricingFile', kind: 'string', value: 'PATH', help: `price usage with this pricing table (JSON: model → USD per 1M tokens, as in Settings › Usage; default the built-in prices of ${PRICES_TAKEN_ON})` },
  {
    flag: '--agent',
    key: 'agent',
    kind: { oneOf: AGENT_KINDS },
    env: 'PARLEY_AGENT',
    value: 'KIND',
    help:
      'background agent: responses (default: the Responses API over HTTP), command (a program run once per task), ' +
      'codex (Codex through `codex app-server`: one thread per session, a handoff while it works steers it), ' +
      'acp (any Agent Client Protocol agent, e.g. Claude Code, Gemini CLI, codex-acp: one session per voice session), or none',
  },
  { flag: '--agent-url', key: 'agentUrl', kind: 'string', env: 'PARLEY_AGENT_URL', value: 'URL', help: 'Responses API base URL (default https://api.openai.com/v1)' },
  { flag: '--agent-model', key: 'agentModel', kind: 'string', env: 'PARLEY_AGENT_MODEL', value: 'NAME', help: "responses: the model (default gpt-5-mini); codex: the thread's model (default: Codex's own configuration)" },
  { flag: '--agent-instructions', key: 'agentInstructions', kind: 'string', env: 'PARLEY_AGENT_INSTRUCTIONS', value: 'TEXT', help: 'instructions for the agent model' },
  {
    flag: '--agent-command',
    key: 'agentCommand',
    kind: 'string',
    env: 'PARLEY_AGENT_COMMAND',
    value: 'CMD',
    help:
      'command: the command run per task (prompt on stdin, or where {prompt} appears); codex: the Codex program (default codex on PATH); ' +
      'acp: the agent\'s command line, required, e.g. "claude-code-acp", "gemini --experimental-acp" or "codex-acp"',
  },
  { flag: '--agent-cwd', key: 'agentCwd', kind: 'string', env: 'PARLEY_AGENT_CWD', value: 'DIR', help: 'working folder of the agent (command, codex, acp; default the current folder); an ACP agent reads and writes files only there' },
  {
    flag: '--agent-config',
    key: 'agentConfig',
    kind: 'string',
    value: 'KEY=VALUE',
    repeatable: true,
    check: configOverrideProblem,
    help: 'codex: a config override passed as -c KEY=VALUE (TOML value, e.g. model_provider="local"); repeat the flag for more',
  },
  {
    flag: '--agent-approval',
    key: 'agentApproval',
    kind: { oneOf: AGENT_APPROVAL_POLICIES },
    value: 'POLICY',
    help:
      `codex, acp: which of the agent's permission requests Parley asks you about (say allow or deny): allow-read-only (default: reads go through, ` +
      'the rest is asked), never-ask (everything goes through), or always-ask (everything is asked); see --agent-approval-timeout',
  },
  {
    flag: '--agent-sandbox',
    key: 'agentSandbox',
    kind: { oneOf: AGENT_SANDBOXES },
    value: 'MODE',
    help: `codex: where its commands may write: workspace-write (default: the working folder), read-only, or danger-full-access (anywhere)`,
  },
  {
    flag: '--agent-update-interval',
    key: 'agentUpdateIntervalSeconds',
    kind: 'seconds',
    value: 'SECONDS',
    help: `spoken progress updates of a working agent at most every SECONDS, ${AGENT_UPDATE_INTERVAL_SECONDS_RANGE.min} to ${AGENT_UPDATE_INTERVAL_SECONDS_RANGE.max} (default ${DEFAULT_AGENT_UPDATE_INTERVAL_SECONDS})`,
  },
  {
    flag: '--agent-approval-timeout',
    key: 'agentApprovalTimeoutSeconds',
    kind: 'seconds',
    value: 'SECONDS',
    help: `codex, acp: deny a permission request nobody answered after SECONDS, ${AGENT_APPROVAL_TIMEOUT_SECONDS_RANGE.min} to ${AGENT_APPROVAL_TIMEOUT_SECONDS_RANGE.max} (default ${DEFAULT_AGENT_APPROVAL_TIMEOUT_SECONDS})`,
  },
  { flag: '--agent-timeout-ms', key: 'agentTimeoutMs', kind: 'integer', value: 'N', help: `limit per agent request (default 120000 responses, 300000 command, ${DEFAULT_ACP_PROMPT_TIMEOUT_MS} acp; codex has none: cancel stops it)` },
  { flag: '--input-wav', key: 'inputWav', kind: 'string', value: 'PATH', help: 'WAV file used as the microphone (any rate; sent as 24 kHz 20 ms frames in real time)' },
  { flag: '--output-wav', key: 'outputWav', kind: 'string', value: 'PATH', help: 'write the assistant audio to this WAV file' },
  { flag: '--input-device', key: 'inputDevice', kind: 'string', env: 'PARLEY_INPUT_DEVICE', value: 'NAME', help: 'microphone by name, default, or none (live devices are used unless --input-wav is given)' },
  { flag: '--output-device', key: 'outputDevice', kind: 'string', env: 'PARLEY_OUTPUT_DEVICE', value: 'NAME', help: 'speaker by name, default, or none (live unless --output-wav is given)' },
  { flag: '--list-devices', key: 'listDevices', kind: 'boolean', help: 'list audio input and output devices and exit' },
  { flag: '--talk-mode', key: 'talkMode', kind: { oneOf: ['hands-free', 'push-to-talk', 'toggle'] }, env: 'PARLEY_TALK_MODE', value: 'MODE', help: 'hands-free (default), or push-to-talk / toggle: press Enter to start and stop talking' },
  { flag: '--text', key: 'text', kind: 'string', value: 'TEXT', help: 'send this typed message once connected' },
  { flag: '--events', key: 'events', kind: { oneOf: ['jsonl'] }, value: 'jsonl', help: 'print every session event as one JSON line on stdout' },
  { flag: '--duration-ms', key: 'durationMs', kind: 'integer', value: 'N', help: 'stop after N ms' },
  { flag: '--exit-after-idle-ms', key: 'exitAfterIdleMs', kind: 'integer', value: 'N', help: 'stop once input is done and nothing happened for N ms' },
  { flag: '--max-session-ms', key: 'maxSessionMs', kind: 'integer', env: 'PARLEY_MAX_SESSION_MS', value: 'N', help: "the realtime provider's session limit; Parley renews the session before it (default 3600000)" },
  { flag: '--api-key-env', key: 'apiKeyEnv', kind: 'string', value: 'NAME', help: 'environment variable holding the API key (default OPENAI_API_KEY)' },
  { flag: '--agent-api-key-env', key: 'agentApiKeyEnv', kind: 'string', value: 'NAME', help: 'environment variable with the agent API key (default: same as --api-key-env)' },
  { flag: '--log-level', key: 'logLevel', kind: { oneOf: ['debug', 'info', 'warn', 'error', 'silent'] }, env: 'PARLEY_LOG_LEVEL', value: 'LEVEL', help: 'diagnostics on stderr (default error; warn, info and debug add detail that events and notices already report in words)' },
  { flag: '--help', key: 'help', kind: 'boolean', help: 'show this help' },
];

const DEFAULTS: HeadlessOptions = {
  help: false,
  realtimeUrl: '',
  protocol: 'v2',
  model: undefined,
  voice: undefined,
  instructions: DEFAULT_INSTRUCTIONS,
  turnDetection: 'server_vad',
  noiseReduction: 'auto',
  vadSilenceMs: DEFAULT_VAD_SILENCE_MS,
  semanticEagerness: 'auto',
  handsFreeTurnDetection: 'server_vad',
  echoCancellation: DEFAULT_ECHO_CANCELLATION,
  minBargeInMs: DEFAULT_MIN_BARGE_IN_MS,
  budgetSessionUsd: DEFAULT_BUDGET_USD,
  budgetDayUsd: DEFAULT_BUDGET_USD,
  spendFile: undefined,
  pricingFile: undefined,
  agent: 'responses',
  agentUrl: undefined,
  agentModel: undefined,
  agentInstructions: undefined,
  agentCommand: undefined,
  agentCwd: undefined,
  agentConfig: [],
  agentApproval: undefined,
  agentSandbox: undefined,
  agentTimeoutMs: undefined,
  agentUpdateIntervalSeconds: undefined,
  agentApprovalTimeoutSeconds: undefined,
  inputWav: undefined,
  outputWav: undefined,
  inputDevice: 'default',
  outputDevice: 'default',
  listDevices: false,
  talkMode: 'hands-free',
  text: undefined,
  events: undefined,
  durationMs: undefined,
  exitAfterIdleMs: undefined,
  maxSessionMs: undefined,
  apiKeyEnv: 'OPENAI_API_KEY',
  agentApiKeyEnv: undefined,
  // What goes wrong is already printed as one readable line (events, audio notices); warn-level
  // diagnostics repeat it, so they are opt-in.
  logLevel: 'error',
};

/** Parses argv (without node and script) and the environment; throws FlagError naming the flag. */
export function parseHeadlessFlags(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): HeadlessOptions {
  const values: Record<string, unknown> = {};
  const seen = new Set<string>();

  for (const spec of FLAGS) {
    const fromEnv = spec.env ? env[spec.env] : undefined;
    if (fromEnv !== undefined && fromEnv !== '') values[spec.key] = convert(spec, fromEnv, `the ${spec.env} environment variable`);
  }

  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    if (!argument.startsWith('--')) {
      throw new FlagError(`unexpected argument "${argument}": every option is a --flag (see --help)`);
    }
    const equals = argument.indexOf('=');
    const name = equals === -1 ? argument : argument.slice(0, equals);
    const spec = FLAGS.find((candidate) => candidate.flag === name);
    if (!spec) throw new FlagError(`unknown flag ${name}${suggestion(name)} (see --help)`);
    if (seen.has(name) && !spec.repeatable) throw new FlagError(`flag ${name} was given twice`);
    seen.add(name);
    if (spec.kind === 'boolean') {
      if (equals !== -1) throw new FlagError(`flag ${name} takes no value`);
      values[spec.key] = true;
      continue;
    }
    let raw: string | undefined;
    if (equals !== -1) raw = argument.slice(equals + 1);
    else {
      raw = argv[index + 1];
      if (raw === undefined || (raw.startsWith('--') && raw.length > 2)) throw new FlagError(`flag ${name} needs a value (${spec.value ?? 'VALUE'})`);
      index++;
    }
    const value = convert(spec, raw, `flag ${name}`);
    values[spec.key] = spec.repeatable ? [...((values[spec.key] as unknown[] | undefined) ?? []), value] : value;
  }

  const { echoCancellationOn, noiseSuppressionOn, gainControlOn, ...optionValues } = values;
  const merged = { ...DEFAULTS, ...optionValues } as HeadlessOptions;
  const options: HeadlessOptions = {
    ...merged,
    handsFreeTurnDetection: merged.turnDetection === 'semantic_vad' ? 'semantic_vad' : 'server_vad',
    echoCancellation: {
      enabled: typeof echoCancellationOn === 'boolean' ? echoCancellationOn : DEFAULT_ECHO_CANCELLATION.enabled,
      noiseSuppression: typeof noiseSuppressionOn === 'boolean' ? noiseSuppressionOn : DEFAULT_ECHO_CANCELLATION.noiseSuppression,
      autoGainControl: typeof gainControlOn === 'boolean' ? gainControlOn : DEFAULT_ECHO_CANCELLATION.autoGainControl,
    },
  };
  return withDialectDefaults(options, seen);
}

/**
 * How a message names a flag: "--voice", or "--voice (from PARLEY_VOICE)" when the value came
 * from the environment, so the user knows where to fix it.
 */
export function flagOrigin(flag: string, argv: readonly string[]): string {
  const given = argv.some((argument) => argument === flag || argument.startsWith(`${flag}=`));
  const env = FLAGS.find((spec) => spec.flag === flag)?.env;
  return given || !env ? flag : `${flag} (from ${env})`;
}

/** The speaker's name when one was chosen by name (not the default, none or a WAV file): what `auto` noise reduction reads. */
export function namedOutputDevice(options: Pick<HeadlessOptions, 'outputWav' | 'outputDevice'>): string | undefined {
  if (options.outputWav !== undefined || options.outputDevice === 'default' || options.outputDevice === 'none') return undefined;
  return options.outputDevice;
}

function withDialectDefaults(parsed: HeadlessOptions, seen: ReadonlySet<string>): HeadlessOptions {
  let options = parsed;
  if (options.help || options.listDevices) return options;
  if (options.inputWav && seen.has('--input-device')) throw new FlagError('--input-wav and --input-device both choose the microphone: give one');
  if (options.outputWav && seen.has('--output-device')) throw new FlagError('--output-wav and --output-device both choose the speaker: give one');
  if (options.agent === 'command' && !options.agentCommand) {
    throw new FlagError('--agent command needs --agent-command "CMD" (for example --agent-command "my-agent --print")');
  }
  if (options.agent === 'acp' && !options.agentCommand) {
    throw new FlagError('--agent acp needs --agent-command with the agent\'s command line, e.g. "claude-code-acp", "gemini --experimental-acp" or "codex-acp"');
  }
  for (const [flag, kinds] of AGENT_SPECIFIC_FLAGS) {
    if (seen.has(flag) && !kinds.includes(options.agent)) throw new FlagError(`${flag} only applies with --agent ${kinds.join(' or --agent ')}`);
  }
  if (!isVadSilenceMs(options.vadSilenceMs)) {
    throw new FlagError(`flag --vad-silence-ms must be from ${MIN_VAD_SILENCE_MS} to ${MAX_VAD_SILENCE_MS} milliseconds, not ${options.vadSilenceMs}`);
  }
  if (!isMinBargeInMs(options.minBargeInMs)) {
    throw new FlagError(`flag --min-barge-in-ms must be from ${MIN_BARGE_IN_MS_RANGE.min} to ${MIN_BARGE_IN_MS_RANGE.max} milliseconds, not ${options.minBargeInMs}`);
  }
  if (options.agentUpdateIntervalSeconds !== undefined && !isAgentUpdateIntervalSeconds(options.agentUpdateIntervalSeconds)) {
    const { min, max } = AGENT_UPDATE_INTERVAL_SECONDS_RANGE;
    throw new FlagError(`flag --agent-update-interval must be from ${min} to ${max} seconds, not ${options.agentUpdateIntervalSeconds}`);
  }
  if (options.agentApprovalTimeoutSeconds !== undefined && !isAgentApprovalTimeoutSeconds(options.agentApprovalTimeoutSeconds)) {
    const { min, max } = AGENT_APPROVAL_TIMEOUT_SECONDS_RANGE;
    throw new FlagError(`flag --agent-approval-timeout must be from ${min} to ${max} seconds, not ${options.agentApprovalTimeoutSeconds}`);
  }
  if (!options.echoCancellation.enabled) {
    // Both are parts of the canceller: with it off they would be silently ignored.
    for (const part of ['--noise-suppression', '--gain-control']) {
      if (seen.has(part)) throw new FlagError(`flag ${part} only applies with --echo-cancellation on (it is part of the echo canceller)`);
    }
  }
  if (options.talkMode !== 'hands-free' && !seen.has('--turn-detection')) {
    options = { ...options, turnDetection: 'none' }; // the user says when a turn ends
  }
  if (!options.realtimeUrl) {
    if (options.protocol === 'v1') throw new FlagError('--protocol v1 needs --realtime-url (v1 has no public default server)');
    return { ...options, realtimeUrl: V2_DEFAULT_URL };
  }
  return options;
}

function convert(spec: FlagSpec, raw: string, where: string): unknown {
  const kind = spec.kind;
  if (kind === 'string') {
    if (raw.trim() === '' && spec.key !== 'instructions' && spec.key !== 'text') throw new FlagError(`${where} needs a non-empty value`);
    const problem = spec.check?.(raw);
    if (problem) throw new FlagError(`${where} value "${raw.length > 60 ? raw.slice(0, 60) + '…' : raw}" ${problem}`);
    return raw;
  }
  if (kind === 'integer' || kind === 'seconds') {
    if (!/^\d+$/.test(raw) || Number(raw) <= 0 || !Number.isSafeInteger(Number(raw))) {
      throw new FlagError(`${where} must be a positive whole number of ${kind === 'seconds' ? 'seconds' : 'milliseconds'}, not "${raw}"`);
    }
    return Number(raw);
  }
  if (kind === 'usd') {
    const amount = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
    if (!isBudgetUsd(amount)) throw new FlagError(`${where} ${BUDGET_PROBLEM}, not "${raw}"`);
    return amount;
  }
  if (kind === 'boolean') return true;
  if (kind === 'onOff') {
    if (raw !== 'on' && raw !== 'off') throw new FlagError(`${where} must be on or off, not "${raw}"`);
    return raw === 'on';
  }
  if (!kind.oneOf.includes(raw)) throw new FlagError(`${where} must be ${kind.oneOf.join(' or ')}, not "${raw}"`);
  return raw;
}

function suggestion(name: string): string {
  const close = FLAGS.find((spec) => spec.flag.startsWith(name) || name.startsWith(spec.flag));
  return close ? `; did you mean ${close.flag}?` : '';
}

export function headlessUsage(): string {
  const width = Math.max(...FLAGS.map((spec) => (spec.flag + (spec.value ? ' ' + spec.value : '')).length));
  const lines = FLAGS.map((spec) => {
    const left = spec.flag + (spec.value ? ' ' + spec.value : '');
    const env = spec.env ? ` [env ${spec.env}]` : '';
    return `  ${left.padEnd(width)}  ${spec.help}${env}`;
  });
  return [
    'Usage: npm run headless -- [flags]',
    '',
    'Runs a Parley voice session without the desktop app: a realtime speech-to-speech session whose',
    'handoffs go to a background agent. The API key is read from OPENAI_API_KEY (see --api-key-env).',
    '',
    'Flags:',
    ...lines,
    '',
    'Examples:',
    '  npm run headless -- --text "What is on my calendar?" --exit-after-idle-ms 3000',
    '  npm run headless -- --input-wav question.wav --output-wav answer.wav --events jsonl',
    '  npm run headless -- --agent command --agent-command "codex exec {prompt}" --agent-cwd ~/project',
    '  npm run headless -- --agent codex --agent-cwd ~/project --agent-config model_reasoning_effort=low',
    '  npm run headless -- --agent acp --agent-command "claude-code-acp" --agent-cwd ~/project --agent-approval never-ask',
    '',
  ].join('\n');
}
