// Electron-free: the one gate every renderer command passes, used by the Electron IPC server and
// by the loopback web bridge alike.
import { type CommandError, type CommandHandlers, type CommandName, type CommandResponse } from '../../src-shared/ipc-contract';
import { isTrustedSender, validateCommand } from '../../src-shared/ipc-validation';
import { errorMessage } from '../core/util/errors';
import { silentLogger, type Logger } from '../core/util/logger';

export interface DispatcherOptions {
  /** Dev server origins the renderer may be served from (file:// pages are always ours). */
  readonly devOrigins: readonly string[];
  readonly logger?: Logger;
}

export type CommandDispatcher = (name: unknown, payload: unknown, senderUrl: string) => Promise<CommandResponse<CommandName>>;

/**
 * Checks the sender, validates the payload against the contract, runs the handler, and always
 * answers `{ok, value | error}`: a handler that throws becomes an error with its message
 * (handlers keep secrets out of their messages) and its own `code` when it has one (else
 * `failed`), never an exception across the bridge.
 */
export function createCommandDispatcher(handlers: CommandHandlers, options: DispatcherOptions): CommandDispatcher {
  const logger = options.logger ?? silentLogger;
  return async (name, payload, senderUrl) => {
    if (!isTrustedSender(senderUrl, options.devOrigins)) {
      logger.warn('refused a command from an untrusted page', { command: String(name).slice(0, 60) });
      return { ok: false, error: { code: 'untrusted_sender', message: `Refused ${String(name).slice(0, 60)}: it did not come from Parley's own window.` } };
    }
    const checked = validateCommand(name, payload);
    if (!checked.ok) return { ok: false, error: checked.error };
    const handler = handlers[checked.name] as (args: unknown) => unknown;
    try {
      return { ok: true, value: (await handler(checked.args)) as never };
    } catch (error) {
      logger.warn('command failed', { command: checked.name, error: errorMessage(error) });
      return { ok: false, error: commandError(error) };
    }
  };
}

/** Error codes are identifiers ('invalid_setting', 'agent_timeout'); anything else is `failed`. */
const ERROR_CODE_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/** A thrown error as the renderer sees it: its code when it names one, and a refused setting's field. */
function commandError(error: unknown): CommandError {
  const record = typeof error === 'object' && error !== null ? (error as { code?: unknown; field?: unknown }) : {};
  const code = typeof record.code === 'string' && ERROR_CODE_PATTERN.test(record.code) ? record.code : 'failed';
  const field = code === 'invalid_setting' && typeof record.field === 'string' ? record.field : undefined;
  return field === undefined ? { code, message: errorMessage(error) } : { code, message: errorMessage(error), field };
}
