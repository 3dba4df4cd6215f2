// Problems above the page, exactly as main holds them: each with its reason, the settings page
// that fixes it (or Retry for a session that can be started again), and a dismiss button that
// tells main. Nothing here decides what a problem is or when it is solved.
import { useState, type ReactElement } from 'react';
import type { Problem, SettingsPage } from '../../../../src-shared/app-state';
import { attempt } from '../../bridge/attempt';
import { useAppState, useStore } from '../../hooks/store-context';
import { ErrorBanner, type BannerFix } from './ErrorBanner';

const MAX_VISIBLE = 3;

const FIX_LABELS: Record<SettingsPage, string> = {
  general: 'Open connection settings',
  agent: 'Open agent settings',
  audio: 'Open audio settings',
  usage: 'Open usage settings',
  hotkeys: 'Open hotkey settings',
  'api-key': 'Open API key settings',
};

const NO_PROBLEMS: readonly Problem[] = [];

/** What the banner offers: the page that fixes it, else Retry when starting again can help. */
export function fixFor(problem: Problem, sessionRunning: boolean): BannerFix | null {
  if (problem.settingsPage) return { kind: 'settings', page: problem.settingsPage, label: FIX_LABELS[problem.settingsPage] };
  if (problem.scope === 'session' && problem.recoverable && !sessionRunning) return { kind: 'retry', label: 'Retry' };
  return null;
}

export function BannerStack({ onOpenSettings }: { readonly onOpenSettings: (page: SettingsPage) => void }): ReactElement | null {
  const store = useStore();
  const problems = useAppState((state) => state.app?.problems ?? NO_PROBLEMS);
  const session = useAppState((state) => state.app?.session);
  const [showAll, setShowAll] = useState(false);
  const sessionRunning = session === 'connecting' || session === 'live' || session === 'reconnecting' || session === 'closing';

  const dismiss = (problem: Problem) => {
    void attempt(() => store.api.problems.dismiss({ id: problem.id })).then((response) => {
      if (!response.ok) store.reportCommandError(response.error);
    });
  };

  const onFix = (fix: BannerFix) => {
    if (fix.kind === 'settings') {
      onOpenSettings(fix.page);
      return;
    }
    void attempt(() => store.api.session.start()).then((response) => {
      if (!response.ok) store.reportCommandError(response.error);
    });
  };

  if (problems.length === 0) return null;
  const visible = showAll ? problems : problems.slice(0, MAX_VISIBLE);
  const hidden = problems.length - visible.length;

  return (
    <div className="banner-stack">
      {visible.map((problem) => (
        <ErrorBanner
          key={problem.id}
          severity={problem.severity}
          title={problem.title}
          message={problem.message}
          code={problem.code}
          fix={fixFor(problem, sessionRunning)}
          onFix={onFix}
          onDismiss={() => dismiss(problem)}
          testId={problem.code === 'hotkey_unavailable' ? 'hotkey-warning' : 'error-banner'}
          role={problem.severity === 'error' ? 'alert' : 'status'}
        />
      ))}
      {hidden > 0 && (
        <button type="button" className="link-button banner-more" onClick={() => setShowAll(true)}>
          Show {hidden} more
        </button>
      )}
    </div>
  );
}
