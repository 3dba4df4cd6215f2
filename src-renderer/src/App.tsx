// The window: startup screens, first-run onboarding, then header + controls + banners + page.
import { useCallback, useEffect, useState, type ReactElement } from 'react';
import { useAppState, useStore } from './hooks/store-context';
import type { SettingsPage as SettingsTab } from '../../src-shared/app-state';
import { AppHeader, type View } from './components/AppHeader';
import { BannerStack } from './components/banners/BannerStack';
import { Toasts } from './components/banners/Toasts';
import { ControlsBar } from './components/controls/ControlsBar';
import { ConversationView } from './components/conversation/ConversationView';
import { HistoryPage } from './components/history/HistoryPage';
import { Onboarding } from './components/onboarding/Onboarding';
import { SettingsPage } from './components/settings/SettingsPage';
import { StartingScreen, StartupFailedScreen } from './components/StartupScreens';

export function App(): ReactElement {
  const store = useStore();
  const phase = useAppState((state) => state.phase);
  const startupError = useAppState((state) => state.startupError);
  const onboardingDone = useAppState((state) => state.app?.onboardingDone ?? true);
  const [view, setView] = useState<View>('conversation');
  const [settingsTab, setSettingsTab] = useState<SettingsTab>('general');

  // Subscribed before start(), so a "Settings…" from the tray queued before app.ready arrives here.
  useEffect(() => store.api.on('navigate', ({ page }) => setView(page)), [store]);
  useEffect(() => {
    void store.start();
  }, [store]);

  const openSettings = useCallback((tab: SettingsTab) => {
    setSettingsTab(tab);
    setView('settings');
  }, []);
  const openApiKey = useCallback(() => openSettings('api-key'), [openSettings]);

  if (phase === 'starting') return <StartingScreen />;
  if (phase === 'failed') return <StartupFailedScreen error={startupError} onRetry={() => void store.retryStart()} />;

  if (!onboardingDone) {
    return (
      <>
        <Onboarding />
        <Toasts />
      </>
    );
  }

  return (
    <div className="app">
      <AppHeader view={view} onNavigate={setView} />
      <ControlsBar />
      <BannerStack onOpenSettings={openSettings} />
      <main className="app-main" id="main">
        {view === 'conversation' && <ConversationView onOpenApiKey={openApiKey} />}
        {view === 'history' && <HistoryPage />}
        {view === 'settings' && <SettingsPage tab={settingsTab} onTabChange={setSettingsTab} />}
      </main>
      <Toasts />
    </div>
  );
}
