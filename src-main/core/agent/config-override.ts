/**
 * A Codex config override as `-c` takes it: `key=value`, the key a dotted TOML path
 * (`model_providers.local.base_url`), the value TOML (`"text"`, `0`, `true`; Codex reads a bare
 * word as text). What is wrong with one, or undefined.
 */
export function configOverrideProblem(entry: string): string | undefined {
  const equals = entry.indexOf('=');
  if (equals === -1) return 'is not key=value (for example model="gpt-5-codex")';
  const key = entry.slice(0, equals).trim();
  if (key === '') return 'has no key before "="';
  if (!/^[A-Za-z0-9_.\-"]+$/.test(key)) return `has a key with spaces or symbols (${key.slice(0, 60)}); write a dotted name such as sandbox_workspace_write.network_access`;
  return undefined;
}
