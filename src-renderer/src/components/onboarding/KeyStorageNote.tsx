// What the app can promise about a key the user is about to enter, by where it would be kept
// (apiKey.status tells before any key is set). Shared by onboarding and the settings panel so both
// say the same thing, and neither says "encrypted" where nothing is.
import type { ReactElement } from 'react';
import type { ApiKeyStorage } from '../../../../src-shared/ipc-contract';

/** The sentence shown before the user types a key. */
export function KeyStorageNote({ storage }: { readonly storage: ApiKeyStorage }): ReactElement {
  switch (storage) {
    case 'keychain':
      return <>Parley stores it encrypted by your OS keychain and never shows it again.</>;
    case 'memory':
      return (
        <>
          A browser has no OS keychain, so Parley keeps the key in memory for this run only: it is never written to disk
          and is forgotten when <code>npm run web</code> stops. To skip this step next time, start it with{' '}
          <code>OPENAI_API_KEY</code> set.
        </>
      );
    case 'unavailable':
      return (
        <>
          No OS keychain is available, so Parley cannot store a key safely here. Set the <code>OPENAI_API_KEY</code>{' '}
          environment variable and restart Parley.
        </>
      );
  }
}

/** What a successful apiKey.set means, in a few words. */
export function keySavedMessage(storage: ApiKeyStorage): string {
  return storage === 'memory' ? 'Key kept in memory for this run.' : 'Key saved.';
}
