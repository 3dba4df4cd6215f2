/**
 * Main trusts nothing from the renderer: every command's name and payload go through
 * `validateCommand`, and every sender through `isTrustedSender`, before a handler runs.
 * No electron here, so the loopback web bridge and the tests use the very same checks.
 */
import type { z } from 'zod';
import { COMMANDS, type CommandArgs, type CommandName } from './ipc-contract';
import { isSettingsField, SETTINGS_FIELDS, type SettingsField } from './settings-fields';

export type CommandValidationErrorCode = 'unknown_command' | 'invalid_arguments';

export type CommandValidation =
  | { readonly [N in CommandName]: { readonly ok: true; readonly name: N; readonly args: CommandArgs<N> } }[CommandName]
  | { readonly ok: false; readonly error: { readonly code: CommandValidationErrorCode; readonly message: string; readonly field?: string } };

export function isCommandName(value: unknown): value is CommandName {
  return typeof value === 'string' && Object.hasOwn(COMMANDS, value);
}

export function validateCommand(name: unknown, payload: unknown): CommandValidation {
  if (!isCommandName(name)) {
    const shown = typeof name === 'string' ? `"${name.slice(0, 80)}"` : `a ${typeof name}`;
    return { ok: false, error: { code: 'unknown_command', message: `Unknown command ${shown}.` } };
  }
  const schema: z.ZodType = COMMANDS[name].args;
  const parsed = schema.safeParse(payload);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    // A refused setting is named as the form names it ("Agent URL: must be …"), and the form is
    // told which field, so it can mark it without reading the sentence.
    const setting = name === 'settings.update' && first ? settingOf(first) : undefined;
    if (setting && first) {
      const reason = describeIssue({ ...first, path: [] }, 'it');
      return { ok: false, error: { code: 'invalid_arguments', message: `${SETTINGS_FIELDS[setting].label}: ${reason.replace(/^it /, '')}`, field: setting } };
    }
    const reason = first ? describeIssue(first) : 'arguments are invalid';
    return { ok: false, error: { code: 'invalid_arguments', message: `${name}: ${reason}` } };
  }
  return { ok: true, name, args: parsed.data } as CommandValidation;
}

/** The setting a zod issue of a settings patch is about (hotkeys by their own name). */
function settingOf(issue: z.core.$ZodIssue): SettingsField | undefined {
  const path = issue.path.map(String);
  const name = path[0] === 'hotkeys' && path.length > 1 ? `hotkeys.${path[1]}` : path[0];
  return name !== undefined && isSettingsField(name) ? name : undefined;
}

/** One zod issue as plain words: "<field> must …". */
function describeIssue(issue: z.core.$ZodIssue, subject?: string): string {
  const field = subject ?? (issue.path.length > 0 ? issue.path.map(String).join('.') : 'the argument');
  switch (issue.code) {
    case 'invalid_type':
      if (issue.path.length === 0 && issue.expected === 'undefined') return 'takes no arguments';
      return `${field} must be ${article(issue.expected)}`;
    case 'invalid_value':
      return `${field} must be one of ${issue.values.map(String).join(', ')}`;
    case 'too_small':
      if (issue.origin === 'string') {
        return Number(issue.minimum) <= 1 ? `${field} must not be empty` : `${field} must be at least ${issue.minimum} characters`;
      }
      return `${field} must be at least ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') return `${field} must be at most ${issue.maximum} characters`;
      return `${field} must be at most ${issue.maximum}`;
    case 'unrecognized_keys': {
      const where = issue.path.length > 0 ? `${field} has` : 'has';
      const plural = issue.keys.length === 1 ? 'field' : 'fields';
      return `${where} unknown ${plural} ${issue.keys.join(', ')}`;
    }
    case 'invalid_union': {
      // Report the last branch: by convention a union lists special cases first, the general rule last.
      const nested = issue.errors[issue.errors.length - 1]?.[0];
      return nested ? describeIssue({ ...nested, path: [...issue.path, ...nested.path] }) : `${field} is invalid`;
    }
    case 'invalid_format':
      return `${field} ${issue.message && !issue.message.startsWith('Invalid') ? issue.message : `must be a valid ${issue.format}`}`;
    default:
      return `${field} ${issue.message}`;
  }
}

function article(expected: string): string {
  if (expected === 'null' || expected === 'undefined') return expected;
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

/**
 * Only our own pages may send commands: the packaged app's file:// page, or the dev server's
 * exact origin (e.g. "http://localhost:5173") while developing. about:blank, data:, other
 * origins and anything unparseable are refused.
 */
export function isTrustedSender(senderUrl: string, expectedOrigins: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(senderUrl);
  } catch {
    return false;
  }
  if (url.protocol === 'file:') return true;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  return expectedOrigins.some((expected) => {
    try {
      return new URL(expected).origin === url.origin;
    } catch {
      return false;
    }
  });
}
