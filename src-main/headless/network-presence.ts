// Whether this machine can reach a realtime server at all, for the headless command (the desktop
// app asks Electron's net.isOnline()). Node has no online event: the network counts as present
// while any interface other than loopback has an address. A loopback server is always reachable.
import { networkInterfaces } from 'node:os';

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

export function isLoopbackUrl(url: string): boolean {
  try {
    return LOOPBACK_HOSTS.has(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** True while some non-loopback interface has an address (or the server is on this machine). */
export function networkPresence(realtimeUrl: string, interfaces: typeof networkInterfaces = networkInterfaces): () => boolean {
  if (isLoopbackUrl(realtimeUrl)) return () => true;
  return () => Object.values(interfaces()).some((addresses) => (addresses ?? []).some((address) => !address.internal));
}
