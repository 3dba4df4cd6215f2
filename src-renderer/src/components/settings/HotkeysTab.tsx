import type { ReactElement } from 'react';
import type { HotkeyBinding } from '../../../../src-shared/ipc-contract';
import { useAppState } from '../../hooks/store-context';
import { ShortcutField } from './ShortcutField';
import type { TabProps } from './tab-props';

function BindingStatus({ binding, extra, testId }: { binding: HotkeyBinding | undefined; extra?: string; testId: string }): ReactElement | null {
  if (!binding) return null;
  if (!binding.accelerator) return <span className="pill pill-muted" data-testid={testId}>Not set</span>;
  return (
    <span className="binding-status" data-testid={testId}>
      <span className={`pill ${binding.active ? 'pill-ok' : 'pill-warning'}`}>{binding.active ? 'Active' : 'Not active'}</span>
      {extra && <span className="pill pill-muted">{extra}</span>}
      {binding.problem && <span className="binding-problem">{binding.problem}</span>}
    </span>
  );
}

const HOLD_MODES = { hold: 'Hold to talk', toggle: 'Falls back to toggle', off: 'Off' } as const;

export function HotkeysTab({ draft, change, errorFor }: TabProps): ReactElement {
  const status = useAppState((state) => state.app?.hotkeys);
  return (
    <div className="settings-section">
      <h2 className="settings-heading">Global hotkeys</h2>
      <p className="settings-lead">These work even when Parley is in the background. Status shows the saved shortcuts.</p>
      <ShortcutField
        label="Talk hotkey"
        value={draft.hotkeys.talk}
        onChange={(talk) => change({ hotkeys: { ...draft.hotkeys, talk } })}
        testId="setting-hotkeys-talk"
        hint="Press once to start talking, again to stop. Example: CommandOrControl+Shift+Space."
        status={<BindingStatus binding={status?.talk} testId="hotkey-status-talk" />}
        error={errorFor('hotkeys.talk')}
      />
      <ShortcutField
        label="Hold-to-talk hotkey"
        value={draft.hotkeys.holdToTalk}
        onChange={(holdToTalk) => change({ hotkeys: { ...draft.hotkeys, holdToTalk } })}
        testId="setting-hotkeys-holdToTalk"
        hint="Hold to talk, release to send. Needs the native key hook; otherwise it works as a toggle."
        status={
          <BindingStatus
            binding={status?.holdToTalk}
            extra={status ? HOLD_MODES[status.holdToTalk.mode] : undefined}
            testId="hotkey-status-holdToTalk"
          />
        }
        error={errorFor('hotkeys.holdToTalk')}
      />
    </div>
  );
}
