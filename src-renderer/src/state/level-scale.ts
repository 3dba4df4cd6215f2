// Meter scale: -60 dBFS (silence for our purposes) .. 0 dBFS (full scale) → 0..100.
export const METER_FLOOR_DBFS = -60;

export function dbfsToPercent(dbfs: number): number {
  if (!Number.isFinite(dbfs)) return dbfs > 0 ? 100 : 0;
  const clamped = Math.min(0, Math.max(METER_FLOOR_DBFS, dbfs));
  return Math.round(((clamped - METER_FLOOR_DBFS) / -METER_FLOOR_DBFS) * 100);
}
