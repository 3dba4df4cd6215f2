// Theme preference: follow the system, or force light/dark. Stored in localStorage and applied
// as data-theme on <html>; the CSS follows prefers-color-scheme when it is absent.
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

export function applyThemePreference(preference: ThemePreference): void {
  const root = document.documentElement;
  if (preference === 'system') root.removeAttribute('data-theme');
  else root.setAttribute('data-theme', preference);
  try {
    localStorage.setItem(STORAGE_KEY, preference);
  } catch {}
}

export function nextThemePreference(current: ThemePreference): ThemePreference {
  return ORDER[(ORDER.indexOf(current) + 1) % ORDER.length] ?? 'system';
}
