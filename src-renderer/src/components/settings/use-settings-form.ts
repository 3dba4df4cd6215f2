// The settings form's state: the saved settings, the draft, saving, and the server's verdict.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Settings } from '../../../../src-shared/ipc-contract';
import { attempt } from '../../bridge/attempt';
import { useAppState, useParley } from '../../hooks/store-context';
import { isEmptyPatch, savedMessage, settingsPatch, type EditableSettings } from '../../state/settings-patch';

export type SaveState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'saving' }
  | { readonly kind: 'saved'; readonly message: string }
  | { readonly kind: 'error'; readonly message: string; readonly field: string | null };

function editable(settings: Settings): EditableSettings {
  const { onboardingDone: _onboardingDone, ...rest } = settings;
  return rest;
}

export interface SettingsForm {
  readonly saved: Settings | null;
  readonly draft: EditableSettings | null;
  readonly loadError: string | null;
  readonly saveState: SaveState;
  readonly dirty: boolean;
  change(patch: Partial<EditableSettings>): void;
  save(): Promise<void>;
  discard(): void;
  reload(): void;
  errorFor(key: string): string | null;
}

export function useSettingsForm(): SettingsForm {
  const api = useParley();
  const [saved, setSaved] = useState<Settings | null>(null);
  const [draft, setDraft] = useState<EditableSettings | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [saveState, setSaveState] = useState<SaveState>({ kind: 'idle' });
  const [revision, setRevision] = useState(0);

  useEffect(() => {
    let cancelled = false;
    void attempt(() => api.settings.get()).then((response) => {
      if (cancelled) return;
      if (response.ok) {
        setSaved(response.value);
        setDraft(editable(response.value));
        setLoadError(null);
      } else {
        setLoadError(response.error.message);
      }
    });
    return () => {
      cancelled = true;
    };
  }, [api, revision]);

  // Talk mode and devices also change from the controls bar and onboarding: follow them in
  // fields the user has not touched, so the form never shows (or re-sends) a stale value.
  const talkMode = useAppState((state) => state.app?.talk.mode);
  const inputDevice = useAppState((state) => state.app?.devices.input);
  const outputDevice = useAppState((state) => state.app?.devices.output);
  useEffect(() => {
    if (!saved || !draft) return;
    const outside: { talkMode?: Settings['talkMode']; inputDevice?: string | null; outputDevice?: string | null } = {};
    if (talkMode !== undefined && talkMode !== saved.talkMode && draft.talkMode === saved.talkMode) outside.talkMode = talkMode;
    if (inputDevice !== undefined && inputDevice !== saved.inputDevice && draft.inputDevice === saved.inputDevice) outside.inputDevice = inputDevice;
    if (outputDevice !== undefined && outputDevice !== saved.outputDevice && draft.outputDevice === saved.outputDevice) {
      outside.outputDevice = outputDevice;
    }
    if (Object.keys(outside).length === 0) return;
    setSaved({ ...saved, ...outside });
    setDraft({ ...draft, ...outside });
  }, [talkMode, inputDevice, outputDevice, saved, draft]);

  const patch = useMemo(() => (saved && draft ? settingsPatch(saved, draft) : {}), [saved, draft]);
  const dirty = !isEmptyPatch(patch);

  const change = useCallback((next: Partial<EditableSettings>) => {
    setDraft((current) => (current ? { ...current, ...next } : current));
    setSaveState((current) => (current.kind === 'saved' || current.kind === 'error' ? { kind: 'idle' } : current));
  }, []);

  const save = useCallback(async () => {
    if (!saved || !draft) return;
    if (isEmptyPatch(patch)) {
      setSaveState({ kind: 'saved', message: 'Saved (nothing had changed).' });
      return;
    }
    setSaveState({ kind: 'saving' });
    const response = await attempt(() => api.settings.update(patch));
    if (response.ok) {
      setSaved(response.value);
      setDraft(editable(response.value));
      setSaveState({ kind: 'saved', message: savedMessage(draft, response.value) });
    } else {
      // Main names a refused setting; the contract's own shape checks only say it in words.
      // Main names the refused field (both its own checks and the contract's); no text is parsed.
      const field = response.error.field ?? null;
      setSaveState({ kind: 'error', message: response.error.message, field });
    }
  }, [api, saved, draft, patch]);

  const discard = useCallback(() => {
    if (saved) setDraft(editable(saved));
    setSaveState({ kind: 'idle' });
  }, [saved]);

  const reload = useCallback(() => setRevision((value) => value + 1), []);

  const errorFor = useCallback(
    (key: string) => {
      if (saveState.kind !== 'error' || !saveState.field) return null;
      const named = saveState.field === key || saveState.field.startsWith(`${key}.`);
      return named ? saveState.message.replace(/^settings\.update:\s*/, '') : null;
    },
    [saveState],
  );

  return { saved, draft, loadError, saveState, dirty, change, save, discard, reload, errorFor };
}
