import type { ReactElement } from 'react';
import { ChatIcon, HistoryIcon, SettingsIcon } from './common/icons';
import { ThemeToggle } from './common/ThemeToggle';

export type View = 'conversation' | 'history' | 'settings';

const NAV: readonly { readonly view: View; readonly label: string; readonly icon: () => ReactElement }[] = [
  { view: 'conversation', label: 'Conversation', icon: ChatIcon },
  { view: 'history', label: 'History', icon: HistoryIcon },
  { view: 'settings', label: 'Settings', icon: SettingsIcon },
];

export function AppHeader({ view, onNavigate }: { readonly view: View; readonly onNavigate: (view: View) => void }): ReactElement {
  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          P
        </span>
        <span className="brand-name">Parley</span>
      </div>
      <nav className="main-nav" aria-label="Main">
        {NAV.map(({ view: target, label, icon: Icon }) => (
          <button
            key={target}
            type="button"
            className={`nav-button ${view === target ? 'is-active' : ''}`}
            aria-current={view === target ? 'page' : undefined}
            data-testid={`nav-${target}`}
            onClick={() => onNavigate(target)}
          >
            <Icon />
            <span>{label}</span>
          </button>
        ))}
      </nav>
      <div className="header-end">
        <ThemeToggle />
      </div>
    </header>
  );
}
