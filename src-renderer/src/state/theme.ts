// Theme preference: follow the system, or force light/dark. Stored in localStorage. The resolved
// theme is always set as data-theme on <html> (one set of dark tokens in the CSS); "system"
// follows prefers-color-scheme, live.
export type ThemePreference = 'system' | 'light' | 'dark';

const STORAGE_KEY = 'parley.theme';
const ORDER: readonly ThemePreference[] = ['system', 'light', 'dark'];

export function readThemePreference(): ThemePreference {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored === 'light' || stored === 'dark' || stored === 'system') return stored;
  } catch {}
  return 'system';
}

const systemDark = (): MediaQueryList => window.matchMedia('(prefers-color-scheme: dark)');
let current: ThemePreference = 'system';

function resolve(preference: ThemePreference): 'light' | 'dark' {
  if (preference !== 'system') return preference;
  return systemDark().matches ? 'dark' : 'light';
}

export function applyThemePreference(preference: ThemePreference): void {
  current = preference;
  document.documentElement.setAttribute('data-theme', resolve(preference));
  try {
    localStorage.setItem(STORAGE_KEY, preference);
  } catch {}
}

/** Keeps "system" in step when the OS switches between light and dark. Call once at startup. */
export function followSystemTheme(): void {
  systemDark().addEventListener('change', () => {
    if (current === 'system') document.documentElement.setAttribute('data-theme', resolve('system'));
  });
}

export function nextThemePreference(current: ThemePreference): ThemePreference {
  return ORDER[(ORDER.indexOf(current) + 1) % ORDER.length] ?? 'system';
}
