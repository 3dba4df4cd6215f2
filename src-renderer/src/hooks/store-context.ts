// React access to the one ParleyStore: the context, a selector hook, and the api shortcut.
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { ParleyApi } from '../../../src-shared/ipc-contract';
import type { AppViewState, ParleyStore } from '../state/parley-store';

export const StoreContext = createContext<ParleyStore | null>(null);

export function useStore(): ParleyStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useStore: render the app inside <StoreContext.Provider value={store}>');
  return store;
}

/** Re-renders only when the selected slice changes (selectors must return stable references). */
export function useAppState<T>(select: (state: AppViewState) => T): T {
  const store = useStore();
  return useSyncExternalStore(store.subscribe, () => select(store.getState()));
}

export function useParley(): ParleyApi {
  return useStore().api;
}
