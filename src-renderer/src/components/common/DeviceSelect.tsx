// An audio device picker: "System default" is null; a saved device that is not plugged in
// stays selectable so the setting is not silently lost.
import type { ReactElement } from 'react';
import type { DeviceList } from '../../../../src-shared/ipc-contract';
import { SelectField, type SelectOption } from './fields';

const SYSTEM_DEFAULT = '';

interface DeviceSelectProps {
  readonly kind: 'input' | 'output';
  readonly devices: DeviceList | null;
  readonly value: string | null;
  readonly onChange: (name: string | null) => void;
  readonly testId: string;
  readonly label: string;
  readonly error?: string | null;
  readonly hint?: string;
}

export function deviceOptions(kind: 'input' | 'output', devices: DeviceList | null, value: string | null): SelectOption[] {
  const list = devices ? (kind === 'input' ? devices.inputs : devices.outputs) : [];
  const names = [...new Set(list.map((device) => device.name))];
  const options: SelectOption[] = [{ value: SYSTEM_DEFAULT, label: 'System default' }];
  for (const name of names) options.push({ value: name, label: name });
  if (value && !names.includes(value)) {
    options.push({ value, label: devices ? `${value} (not connected)` : value });
  }
  return options;
}

export function DeviceSelect({ kind, devices, value, onChange, testId, label, error, hint }: DeviceSelectProps): ReactElement {
  return (
    <SelectField
      label={label}
      value={value ?? SYSTEM_DEFAULT}
      options={deviceOptions(kind, devices, value)}
      onChange={(next) => onChange(next === SYSTEM_DEFAULT ? null : next)}
      testId={testId}
      error={error}
      hint={hint}
    />
  );
}
