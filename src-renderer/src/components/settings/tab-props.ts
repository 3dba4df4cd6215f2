import type { EditableSettings } from '../../state/settings-patch';

/** What every settings form tab gets: the draft, a way to change it, and per-field errors. */
export interface TabProps {
  readonly draft: EditableSettings;
  readonly change: (patch: Partial<EditableSettings>) => void;
  readonly errorFor: (key: string) => string | null;
}
