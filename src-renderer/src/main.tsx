import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { getParleyApi } from './bridge/parley-api';
import { StoreContext } from './hooks/store-context';
import { ParleyStore } from './state/parley-store';
import { applyThemePreference, followSystemTheme, readThemePreference } from './state/theme';
import './styles/theme.css';
import './styles/base.css';
import './styles/layout.css';
import './styles/conversation.css';
import './styles/pages.css';

// Before the first paint, so a dark-theme user never sees a white flash.
applyThemePreference(readThemePreference());
followSystemTheme();

const container = document.getElementById('root');
if (!container) throw new Error('Parley renderer: #root element is missing from index.html');

const store = new ParleyStore(getParleyApi());
createRoot(container).render(
  <StrictMode>
    <StoreContext.Provider value={store}>
      <App />
    </StoreContext.Provider>
  </StrictMode>,
);
