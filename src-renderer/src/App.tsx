import type { ReactElement } from 'react';

// Placeholder view: the conversation UI arrives with issue 4. Until then the desktop window
// points people at the headless mode, which runs the whole voice core today.

export function App(): ReactElement {
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', padding: 24 }}>
      <h1>Parley</h1>
      <p>The desktop conversation view is under construction.</p>
      <p>
        Run a voice session from a terminal with <code>npm run headless -- --help</code>.
      </p>
    </main>
  );
}
