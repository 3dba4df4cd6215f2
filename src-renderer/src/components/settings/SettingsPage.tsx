import type { FormEvent, ReactElement } from 'react';
import type { SettingsPage as SettingsTab } from '../../../../src-shared/app-state';
import { AgentTab } from './AgentTab';
import { ApiKeyPanel } from './ApiKeyPanel';
import { AudioTab } from './AudioTab';
import { GeneralTab } from './GeneralTab';
import { HotkeysTab } from './HotkeysTab';
import { UsageTab } from './UsageTab';
import { FIELD_LABELS, FIELD_TABS, SETTINGS_TABS } from './settings-tabs';
import { useSettingsForm } from './use-settings-form';

interface SettingsPageProps {
  readonly tab: SettingsTab;
  readonly onTabChange: (tab: SettingsTab) => void;
}

export function SettingsPage({ tab, onTabChange }: SettingsPageProps): ReactElement {
  const form = useSettingsForm();
  const { draft, saveState } = form;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void form.save();
  };

  const errorTab = saveState.kind === 'error' && saveState.field ? FIELD_TABS[saveState.field] : undefined;
  const tabProps = draft ? { draft, change: form.change, errorFor: form.errorFor } : null;

  return (
    <div className="settings-page" data-testid="settings-page">
      <nav className="settings-nav" aria-label="Settings sections">
        <h1 className="page-title">Settings</h1>
        {SETTINGS_TABS.map((item) => (
          <button
            key={item.id}
            type="button"
            className={`settings-nav-item ${tab === item.id ? 'is-active' : ''}`}
            aria-current={tab === item.id ? 'page' : undefined}
            data-testid={`settings-tab-${item.id}`}
            onClick={() => onTabChange(item.id)}
          >
            {item.label}
            {errorTab === item.id && <span className="nav-error-dot" aria-label="(has an error)" />}
          </button>
        ))}
      </nav>
      <div className="settings-panel">
        {tab === 'api-key' ? (
          <ApiKeyPanel />
        ) : form.loadError ? (
          <div className="callout callout-error" role="alert">
            Could not load the settings: {form.loadError}{' '}
            <button type="button" className="link-button" onClick={form.reload}>
              Try again
            </button>
          </div>
        ) : !tabProps ? (
          <p className="muted">Loading settings…</p>
        ) : (
          <form className="settings-form" onSubmit={onSubmit} noValidate>
            {tab === 'general' && <GeneralTab {...tabProps} />}
            {tab === 'agent' && <AgentTab {...tabProps} />}
            {tab === 'audio' && <AudioTab {...tabProps} />}
            {tab === 'usage' && <UsageTab {...tabProps} />}
            {tab === 'hotkeys' && <HotkeysTab {...tabProps} />}
            <div className="save-bar">
              <div className="save-bar-messages">
                {saveState.kind === 'error' && (
                  <div className="save-error" role="alert" data-testid="settings-error">
                    <span>{saveState.message}</span>
                    {errorTab && errorTab !== tab && saveState.field && (
                      <button type="button" className="link-button" onClick={() => onTabChange(errorTab)}>
                        Show {FIELD_LABELS[saveState.field] ?? saveState.field}
                      </button>
                    )}
                  </div>
                )}
                {saveState.kind === 'saved' && (
                  <span className="save-ok" role="status" data-testid="settings-saved">
                    {saveState.message}
                  </span>
                )}
                {saveState.kind !== 'error' && saveState.kind !== 'saved' && form.dirty && <span className="muted">Unsaved changes</span>}
              </div>
              <button type="button" className="button button-ghost" onClick={form.discard} disabled={!form.dirty || saveState.kind === 'saving'}>
                Discard
              </button>
              <button type="submit" className="button button-primary" data-testid="settings-save" disabled={saveState.kind === 'saving'}>
                {saveState.kind === 'saving' ? 'Saving…' : 'Save'}
              </button>
            </div>
          </form>
        )}
      </div>
    </div>
  );
}
