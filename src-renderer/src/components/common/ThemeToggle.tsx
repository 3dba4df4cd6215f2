import { useEffect, useState, type ReactElement } from 'react';
import { applyThemePreference, nextThemePreference, readThemePreference, type ThemePreference } from '../../state/theme';
import { MoonIcon, SunIcon, SystemIcon } from './icons';

const LABELS: Record<ThemePreference, string> = { system: 'System', light: 'Light', dark: 'Dark' };

/** Cycles system → light → dark; the choice is remembered in localStorage. */
export function ThemeToggle(): ReactElement {
  const [preference, setPreference] = useState<ThemePreference>(readThemePreference);
  useEffect(() => applyThemePreference(preference), [preference]);
  const next = nextThemePreference(preference);
  return (
    <button
      type="button"
      className="button button-ghost theme-toggle"
      data-testid="theme-toggle"
      data-theme-preference={preference}
      onClick={() => setPreference(next)}
      aria-label={`Theme: ${LABELS[preference]}. Switch to ${LABELS[next]}.`}
      title={`Theme: ${LABELS[preference]} (click for ${LABELS[next]})`}
    >
      {preference === 'light' ? <SunIcon /> : preference === 'dark' ? <MoonIcon /> : <SystemIcon />}
      <span className="theme-toggle-label">{LABELS[preference]}</span>
    </button>
  );
}
