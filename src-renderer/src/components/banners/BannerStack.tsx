// Problems above the page: errors and warnings with a fix, plus hotkey trouble from the snapshot.
import { useMemo, useState, type ReactElement } from 'react';
import { attempt } from '../../bridge/attempt';
import { useAppState, useStore } from '../../hooks/store-context';
import { fixFor, hotkeyProblems, type Banner, type BannerFix, type SettingsTab } from '../../state/banners';
import { ErrorBanner } from './ErrorBanner';

const MAX_VISIBLE = 3;

const TITLES: Record<string, string> = {
  missing_api_key: 'No API key',
  key_rejected: 'API key rejected',
  unreachable: 'Cannot reach the voice service',
  connect_timeout: 'Connection timed out',
  not_found: 'Voice service not found',
  upgrade_rejected: 'Connection refused',
  invalid_config: 'Settings need attention',
  server_error: 'The voice service reported an error',
  audio_source_failed: 'Microphone problem',
  audio_sink_failed: 'Speaker problem',
  agent_failed: 'The background agent failed',
  bridge_unreachable: 'Lost contact with Parley',
};

function titleFor(banner: Banner): string {
  if (banner.source === 'notice') return banner.severity === 'warning' ? 'Warning' : 'Error';
  return TITLES[banner.code] ?? 'Something went wrong';
}

export function BannerStack({ onOpenSettings }: { readonly onOpenSettings: (tab: SettingsTab) => void }): ReactElement | null {
  const store = useStore();
  const banners = useAppState((state) => state.banners.banners);
  const hotkeys = useAppState((state) => state.snapshot?.hotkeys);
  const dismissedHotkeys = useAppState((state) => state.dismissedHotkeyProblems);
  const session = useAppState((state) => state.snapshot?.session);
  const [showAll, setShowAll] = useState(false);
  const sessionRunning = session === 'connecting' || session === 'live' || session === 'closing';

  const hotkeyWarnings = useMemo(
    () => hotkeyProblems(hotkeys).filter((problem) => !dismissedHotkeys.includes(problem)),
    [hotkeys, dismissedHotkeys],
  );

  const onFix = (banner: Banner | null, fix: BannerFix) => {
    if (fix.kind === 'settings') {
      onOpenSettings(fix.tab);
      return;
    }
    if (banner) store.dismissBanner(banner.id);
    void attempt(() => store.api.session.start()).then((response) => {
      if (!response.ok) store.reportCommandError(response.error);
    });
  };

  if (banners.length === 0 && hotkeyWarnings.length === 0) return null;
  const visible = showAll ? banners : banners.slice(0, MAX_VISIBLE);
  const hidden = banners.length - visible.length;

  return (
    <div className="banner-stack">
      {visible.map((banner) => (
        <ErrorBanner
          key={banner.id}
          severity={banner.severity}
          title={titleFor(banner)}
          message={banner.message}
          code={banner.code}
          fix={fixFor(banner, sessionRunning)}
          onFix={(fix) => onFix(banner, fix)}
          onDismiss={() => store.dismissBanner(banner.id)}
        />
      ))}
      {hidden > 0 && (
        <button type="button" className="link-button banner-more" onClick={() => setShowAll(true)}>
          Show {hidden} more
        </button>
      )}
      {hotkeyWarnings.map((problem) => (
        <ErrorBanner
          key={problem}
          severity="warning"
          title="Hotkey not available"
          message={problem}
          fix={{ kind: 'settings', tab: 'hotkeys', label: 'Hotkey settings' }}
          onFix={(fix) => onFix(null, fix)}
          onDismiss={() => store.dismissHotkeyProblem(problem)}
          testId="hotkey-warning"
          role="status"
        />
      ))}
    </div>
  );
}
