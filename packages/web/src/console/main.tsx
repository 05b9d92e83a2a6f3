import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { preferredLanguage, setupI18n } from './i18n.ts';
import './console.css';

const root = document.getElementById('root');
if (root) {
  void setupI18n(preferredLanguage()).then(() => {
    createRoot(root).render(
      <StrictMode>
        <App />
      </StrictMode>,
    );
  });
}
