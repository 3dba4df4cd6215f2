/**
 * Frame validation against the official GA Realtime event schemas, for tests.
 *
 * The schemas live outside this checkout, in ../shared/spec/realtime-ga.schema.json (JSON Schema
 * 2020-12, extracted from openai/openai-openapi; CI has shared/ beside the checkout). A frame is
 * checked against the schema its `type` names in the file's `x-client-events` / `x-server-events`.
 *
 * Two things go beyond a plain `ajv.validate`, because tests need the live service's strictness
 * and a readable answer:
 * - Unknown fields are violations. The schemas leave `additionalProperties` open, but the live API
 *   rejects an unknown parameter ("Unknown parameter: 'session.foo'"), so every object schema that
 *   lists its properties is checked with `unevaluatedProperties: false`.
 * - The extraction dropped every property literally named `description` (its tool stripped doc
 *   strings by key), yet the live API takes `description` on function tools and sends it on MCP
 *   tool listings. Those two are added back, so Parley's own tool definition is not flagged.
 * Violations name the event type and a JSON path (`session.audio.output.voice`,
 * `item.content[0].type`); for `anyOf`/`oneOf` only the variant the frame was aiming at (the one
 * whose `type`/`role` matches) is reported, not every variant it is not.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Where CI and this machine keep the spec: `shared/` beside the checkout. */
export const REALTIME_SPEC_PATH = resolve(REPO_ROOT, '..', 'shared', 'spec', 'realtime-ga.schema.json');

export type ViolationKind =
  | 'not_an_object'
  | 'unknown_event_type'
  | 'beta_event_type'
  | 'unknown_field'
  | 'missing_field'
  | 'wrong_type'
  | 'invalid_value';

export interface SpecViolation {
  /** The frame's `type` when it had a string one. */
  eventType: string | undefined;
  /** Dotted JSON path inside the frame (`session.tools[0].name`); `(frame)` for the frame itself. */
  path: string;
  kind: ViolationKind;
  /** What is wrong, in a sentence fragment ("is required", "unknown field", "must be one of 'a', 'b'"). */
  message: string;
}

export interface RealtimeSpec {
  /** Violations of a client → server frame (an object, or the raw JSON text). Empty when valid. */
  findClientEventViolations(frame: unknown): SpecViolation[];
  findServerEventViolations(event: unknown): SpecViolation[];
  /** The same as strings: `<event type> <path>: <message>`. */
  validateClientEvent(frame: unknown): string[];
  validateServerEvent(event: unknown): string[];
  readonly clientEventTypes: readonly string[];
  readonly serverEventTypes: readonly string[];
  readonly betaEventTypes: { readonly client: readonly string[]; readonly server: readonly string[] };
}

interface SpecFile {
  'x-client-events': { type: string; schema: string }[];
  'x-server-events': { type: string; schema: string }[];
  'x-beta-event-types': { client: string[]; server: string[] };
  $defs: Record<string, unknown>;
}

type Direction = 'client' | 'server';
type JsonSchema = Record<string, unknown>;

/** Properties the live API uses that the extracted file lost (see the header comment). */
const RESTORED_PROPERTIES: Record<string, Record<string, JsonSchema>> = {
  RealtimeFunctionTool: { description: { type: 'string' } },
  MCPListToolsTool: { description: { type: 'string' } },
};

/** Keys whose values are data, not schemas: never rewritten. */
const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'examples', 'required']);

export function loadRealtimeSpec(specPath: string = REALTIME_SPEC_PATH): RealtimeSpec {
  if (!existsSync(specPath)) {
    throw new Error(
      `realtime spec: ${specPath} is missing. The GA event schemas are expected in shared/spec/ beside ` +
        'the checkout (../shared/spec/realtime-ga.schema.json from the repository root); CI provides it there.',
    );
  }
  let file: SpecFile;
  try {
    file = JSON.parse(readFileSync(specPath, 'utf8')) as SpecFile;
  } catch (error) {
    throw new Error(`realtime spec: ${specPath} is not readable JSON: ${(error as Error).message}`);
  }
  if (!file.$defs || !Array.isArray(file['x-client-events']) || !Array.isArray(file['x-server-events'])) {
    throw new Error(`realtime spec: ${specPath} has no $defs / x-client-events / x-server-events; is it realtime-ga.schema.json?`);
  }

  const definitions = restoreDroppedProperties(file.$defs);
  const schemaNames: Record<Direction, Map<string, string>> = {
    client: new Map(file['x-client-events'].map((entry) => [entry.type, entry.schema])),
    server: new Map(file['x-server-events'].map((entry) => [entry.type, entry.schema])),
  };
  const beta = file['x-beta-event-types'] ?? { client: [], server: [] };
  // strict:false because the file carries OpenAPI annotations (x-oaiTypeLabel, …) ajv does not know.
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: true });
  ajv.addFormat('unixtime', true);
  ajv.addFormat('double', true);
  ajv.addFormat('uri', (value: string) => URL.canParse(value));
  const compiled = new Map<string, ValidateFunction>();

  function validatorFor(schemaName: string): ValidateFunction {
    let validate = compiled.get(schemaName);
    if (!validate) {
      // Fully inlined (the file has no cycles) so error schema paths show which variant failed.
      const schema = forbidUnknownProperties(dereference(definitions[schemaName], definitions, [schemaName]));
      validate = ajv.compile(schema as JsonSchema);
      compiled.set(schemaName, validate);
    }
    return validate;
  }

  function findViolations(direction: Direction, input: unknown): SpecViolation[] {
    let frame = input;
    if (typeof frame === 'string') {
      try {
        frame = JSON.parse(frame);
      } catch {
        return [{ eventType: undefined, path: '(frame)', kind: 'not_an_object', message: 'is not valid JSON' }];
      }
    }
    if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
      return [{ eventType: undefined, path: '(frame)', kind: 'not_an_object', message: 'must be a JSON object' }];
    }
    const type = (frame as Record<string, unknown>)['type'];
    if (typeof type !== 'string') {
      return [{ eventType: undefined, path: 'type', kind: type === undefined ? 'missing_field' : 'wrong_type', message: 'must be a string naming the event' }];
    }
    const schemaName = schemaNames[direction].get(type);
    if (!schemaName) {
      if (beta[direction].includes(type)) {
        return [{ eventType: type, path: 'type', kind: 'beta_event_type', message: `'${type}' is a beta event type, not part of the GA interface` }];
      }
      return [{ eventType: type, path: 'type', kind: 'unknown_event_type', message: `'${type}' is not a GA ${direction} event type` }];
    }
    const validate = validatorFor(schemaName);
    if (validate(frame)) return [];
    return describeErrors(validate.errors ?? []).map((violation) => ({ eventType: type, ...violation }));
  }

  const asStrings = (violations: SpecViolation[]): string[] => violations.map(formatViolation);

  return {
    findClientEventViolations: (frame) => findViolations('client', frame),
    findServerEventViolations: (event) => findViolations('server', event),
    validateClientEvent: (frame) => asStrings(findViolations('client', frame)),
    validateServerEvent: (event) => asStrings(findViolations('server', event)),
    clientEventTypes: [...schemaNames.client.keys()],
    serverEventTypes: [...schemaNames.server.keys()],
    betaEventTypes: { client: [...beta.client], server: [...beta.server] },
  };
}

export function formatViolation(violation: SpecViolation): string {
  return `${violation.eventType ?? '(no type)'} ${violation.path}: ${violation.message}`;
}

let defaultSpec: RealtimeSpec | undefined;
/** The spec at REALTIME_SPEC_PATH, loaded on first use (so importing never throws). */
export function realtimeSpec(): RealtimeSpec {
  defaultSpec ??= loadRealtimeSpec();
  return defaultSpec;
}

/** Schema violations of a client frame as `<event type> <path>: <message>`; empty when valid. */
export function validateClientEvent(frame: unknown): string[] {
  return realtimeSpec().validateClientEvent(frame);
}

/** Schema violations of a server event as `<event type> <path>: <message>`; empty when valid. */
export function validateServerEvent(event: unknown): string[] {
  return realtimeSpec().validateServerEvent(event);
}

export function findClientEventViolations(frame: unknown): SpecViolation[] {
  return realtimeSpec().findClientEventViolations(frame);
}

export function findServerEventViolations(event: unknown): SpecViolation[] {
  return realtimeSpec().findServerEventViolations(event);
}

// ---- schema preparation -------------------------------------------------------------------

function restoreDroppedProperties(definitions: Record<string, unknown>): Record<string, unknown> {
  const restored = { ...definitions };
  for (const [name, extra] of Object.entries(RESTORED_PROPERTIES)) {
    const schema = restored[name] as JsonSchema | undefined;
    if (!schema) continue;
    const properties = (schema['properties'] as JsonSchema | undefined) ?? {};
    restored[name] = { ...schema, properties: { ...extra, ...properties } };
  }
  return restored;
}

/** Replaces every `#/$defs/X` reference by a copy of X (siblings of `$ref` are kept). */
function dereference(node: unknown, definitions: Record<string, unknown>, trail: string[]): unknown {
  if (Array.isArray(node)) return node.map((entry) => dereference(entry, definitions, trail));
  if (!isPlainObject(node)) return node;
  const ref = node['$ref'];
  if (typeof ref === 'string') {
    const name = ref.replace(/^.*#\/\$defs\//, '');
    if (!(name in definitions)) throw new Error(`realtime spec: unresolved $ref ${ref}`);
    if (trail.includes(name)) throw new Error(`realtime spec: $ref cycle through ${trail.join(' → ')} → ${name}`);
    const target = dereference(definitions[name], definitions, [...trail, name]) as JsonSchema;
    const { $ref: _ref, ...siblings } = node;
    const siblingsCollide = Object.keys(siblings).some((key) => key in target);
    return siblingsCollide ? { ...siblings, allOf: [target] } : { ...target, ...siblings };
  }
  const copy: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    copy[key] = DATA_KEYWORDS.has(key) ? value : key === 'properties' ? mapValues(value, (entry) => dereference(entry, definitions, trail)) : dereference(value, definitions, trail);
  }
  return copy;
}

/** Adds `unevaluatedProperties: false` to each object schema that lists its properties and says nothing about extra ones. */
function forbidUnknownProperties(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(forbidUnknownProperties);
  if (!isPlainObject(node)) return node;
  const copy: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    copy[key] = DATA_KEYWORDS.has(key) ? value : key === 'properties' ? mapValues(value, forbidUnknownProperties) : forbidUnknownProperties(value);
  }
  if (isPlainObject(copy['properties']) && !('additionalProperties' in copy) && !('unevaluatedProperties' in copy)) {
    copy['unevaluatedProperties'] = false;
  }
  return copy;
}

function mapValues(value: unknown, transform: (entry: unknown) => unknown): unknown {
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, transform(entry)]));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---- error description --------------------------------------------------------------------

const COMPOSITION_KEYWORDS = new Set(['anyOf', 'oneOf']);
const DISCRIMINATOR_PROPERTIES = ['type', 'role'];

/**
 * Turns ajv's errors into violations of the variant the frame meant. A variant (`…/anyOf/2`) is
 * "not meant" when the data is not even its JSON type, or its `type`/`role` value differs; errors
 * inside such variants are noise. A composition error is dropped when a meant variant explains it.
 */
function describeErrors(errors: ErrorObject[]): Omit<SpecViolation, 'eventType'>[] {
  const rejectedVariants = new Set<string>();
  for (const error of errors) {
    const variant = discriminatedVariant(error);
    if (variant) rejectedVariants.add(variant);
  }
  const insideRejected = (error: ErrorObject): boolean =>
    [...rejectedVariants].some((variant) => error.schemaPath.startsWith(`${variant}/`));
  const kept = errors.filter((error) => !insideRejected(error));
  const explained = (composition: ErrorObject): boolean => {
    const prefix = `${composition.schemaPath}/`;
    return kept.some((other) => other !== composition && other.schemaPath.startsWith(prefix));
  };

  const violations: Omit<SpecViolation, 'eventType'>[] = [];
  const seen = new Set<string>();
  for (const error of kept) {
    let violation: Omit<SpecViolation, 'eventType'>;
    if (COMPOSITION_KEYWORDS.has(error.keyword)) {
      if (explained(error)) continue;
      violation = describeUnmatchedComposition(error, errors);
    } else {
      violation = describeError(error);
    }
    const key = `${violation.path}|${violation.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    violations.push(violation);
  }
  return violations;
}

/** The variant path an error rules out, when it is a wrong JSON type or a wrong type/role value at the variant's root. */
function discriminatedVariant(error: ErrorObject): string | undefined {
  const match = /^(.*\/(?:anyOf|oneOf)\/\d+)\/(.*)$/.exec(error.schemaPath);
  if (!match) return undefined;
  const [, variant, rest] = match as unknown as [string, string, string];
  if (error.keyword === 'type' && rest === 'type') return variant;
  const discriminator = DISCRIMINATOR_PROPERTIES.find((name) => rest === `properties/${name}/enum` || rest === `properties/${name}/const`);
  return discriminator ? variant : undefined;
}

function describeUnmatchedComposition(composition: ErrorObject, errors: ErrorObject[]): Omit<SpecViolation, 'eventType'> {
  // Every variant was ruled out by its type/role or JSON type: say what would have been accepted.
  const prefix = `${composition.schemaPath}/`;
  // The JSON types when the value had the wrong type; otherwise the type/role values expected.
  const within = errors.filter((error) => error.schemaPath.startsWith(prefix));
  const accepted = new Set<string>();
  for (const error of within) {
    if (error.keyword === 'type' && error.instancePath === composition.instancePath) accepted.add(String(error.params['type']));
  }
  if (accepted.size === 0) {
    for (const error of within) {
      const allowed = error.params['allowedValues'] ?? (error.keyword === 'const' ? [error.params['allowedValue']] : undefined);
      if (!Array.isArray(allowed)) continue;
      for (const value of allowed) accepted.add(`${lastSegment(error.instancePath)} ${JSON.stringify(value)}`);
    }
  }
  const hint = accepted.size > 0 ? ` (accepted: ${[...accepted].join(', ')})` : '';
  return { path: jsonPath(composition.instancePath), kind: 'invalid_value', message: `matches none of the allowed variants${hint}` };
}

function describeError(error: ErrorObject): Omit<SpecViolation, 'eventType'> {
  const path = jsonPath(error.instancePath);
  switch (error.keyword) {
    case 'required':
      return { path: joinPath(path, String(error.params['missingProperty'])), kind: 'missing_field', message: 'is required' };
    case 'unevaluatedProperties':
      return { path: joinPath(path, String(error.params['unevaluatedProperty'])), kind: 'unknown_field', message: 'unknown field' };
    case 'additionalProperties':
      return { path: joinPath(path, String(error.params['additionalProperty'])), kind: 'unknown_field', message: 'unknown field' };
    case 'type':
      return { path, kind: 'wrong_type', message: `must be ${String(error.params['type'])}` };
    case 'enum': {
      const allowed = (error.params['allowedValues'] as unknown[]).map((value) => JSON.stringify(value));
      return { path, kind: 'invalid_value', message: allowed.length === 1 ? `must be ${allowed[0]}` : `must be one of ${allowed.join(', ')}` };
    }
    case 'const':
      return { path, kind: 'invalid_value', message: `must be ${JSON.stringify(error.params['allowedValue'])}` };
    default:
      return { path, kind: 'invalid_value', message: error.message ?? `fails ${error.keyword}` };
  }
}

/** `/session/tools/0/name` → `session.tools[0].name`; the root is `(frame)`. */
function jsonPath(instancePath: string): string {
  if (instancePath === '') return '(frame)';
  return instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : path ? `${path}.${segment}` : segment), '');
}

function joinPath(path: string, property: string): string {
  return path === '(frame)' ? property : `${path}.${property}`;
}

function lastSegment(instancePath: string): string {
  return instancePath.split('/').pop() || '(frame)';
}
