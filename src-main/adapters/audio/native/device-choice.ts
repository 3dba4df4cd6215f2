import type { AudioDeviceInfo } from './audio-host-protocol';

/**
 * Picks a device by the name the user chose (names persist across runs; indices do not):
 * an exact match first, then a case-insensitive one, then a unique case-insensitive substring.
 * Undefined means "use the system default" (also when nothing was chosen).
 */
export function findDeviceByName(devices: readonly AudioDeviceInfo[], wanted: string | undefined): AudioDeviceInfo | undefined {
  if (!wanted || wanted === 'default') return undefined;
  const exact = devices.find((device) => device.name === wanted);
  if (exact) return exact;
  const lower = wanted.toLowerCase();
  const caseless = devices.find((device) => device.name.toLowerCase() === lower);
  if (caseless) return caseless;
  const partial = devices.filter((device) => device.name.toLowerCase().includes(lower));
  return partial.length === 1 ? partial[0] : undefined;
}

/** One channel or two: what Parley opens a device with (downmixed to mono on capture anyway). */
export function preferredChannels(maxChannels: number): number {
  return Math.max(1, Math.min(2, maxChannels));
}
