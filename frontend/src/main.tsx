import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { AppProviders } from './app/providers';
import { loadRuntimeConfig } from './config/runtime-config';
import './styles/app.css';

const container = document.getElementById('root');
if (!container) throw new Error('no #root element');
const root = createRoot(container);

loadRuntimeConfig()
  .then((config) => {
    root.render(
      <StrictMode>
        <AppProviders config={config}>
          <App />
        </AppProviders>
      </StrictMode>,
    );
  })
  .catch((error: unknown) => {
    root.render(
      <main className="startup-error" role="alert">
        <h1>TByte could not start</h1>
        <p>{error instanceof Error ? error.message : String(error)}</p>
      </main>,
    );
  });
