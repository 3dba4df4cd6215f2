/** Exhaustiveness check for discriminated unions: a new variant fails to compile until handled. */
export function assertNever(value: never, context: string): never {
  throw new Error(`${context}: unhandled variant ${JSON.stringify(value)}`);
}
