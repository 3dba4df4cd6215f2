import type { ReactElement } from 'react';
import type { SettingsPage } from '../../../../src-shared/app-state';
import { AlertIcon, CloseIcon } from '../common/icons';

export type BannerFix =
  | { readonly kind: 'settings'; readonly page: SettingsPage; readonly label: string }
  | { readonly kind: 'retry'; readonly label: string };

interface ErrorBannerProps {
  readonly severity: 'error' | 'warning';
  readonly title: string;
  readonly message: string;
  readonly fix: BannerFix | null;
  readonly onFix: (fix: BannerFix) => void;
  readonly onDismiss: () => void;
  /** data-testid prefix: "error-banner" for problems, "hotkey-warning" for hotkey problems. */
  readonly testId?: string;
  readonly role?: 'alert' | 'status';
  readonly code?: string;
}

export function ErrorBanner(props: ErrorBannerProps): ReactElement {
  const { severity, title, message, fix, onFix, onDismiss, testId = 'error-banner', role = 'alert', code } = props;
  return (
    <div className={`banner banner-${severity}`} role={role} data-testid={testId} data-code={code || undefined}>
      <span className="banner-icon" aria-hidden="true">
        <AlertIcon />
      </span>
      <div className="banner-body">
        <strong className="banner-title">{title}</strong>
        <span className="banner-message" data-testid={`${testId}-message`}>
          {message}
        </span>
      </div>
      {fix && (
        <button type="button" className="button button-small banner-fix" data-testid={`${testId}-fix`} onClick={() => onFix(fix)}>
          {fix.label}
        </button>
      )}
      <button
        type="button"
        className="icon-button banner-dismiss"
        data-testid={`${testId}-dismiss`}
        onClick={onDismiss}
        aria-label="Dismiss"
        title="Dismiss"
      >
        <CloseIcon />
      </button>
    </div>
  );
}
