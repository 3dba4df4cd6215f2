/**
 * What keeps the process busy (timers, sockets, child processes, pending requests), counted by
 * kind from process.getActiveResourcesInfo(): after a clean stop, nothing beyond the start.
 */

export type ResourceCounts = Readonly<Record<string, number>>;

export function activeResources(): ResourceCounts {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/** "Timeout ×2"-style descriptions of what `now` has beyond `start`. */
export function leftoverResources(start: ResourceCounts, now: ResourceCounts): string[] {
  return Object.entries(now)
    .filter(([kind, count]) => count > (start[kind] ?? 0))
    .map(([kind, count]) => `${kind} x${count - (start[kind] ?? 0)}`);
}
