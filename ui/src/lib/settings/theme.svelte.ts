// Light / dark: follow the OS (the CSS's prefers-color-scheme) unless the user picked one. The choice is kept
// in the window's storage, like the language, and applied as `data-theme` on <html> (app.css reads it).

export type Theme = 'system' | 'light' | 'dark';

const STORAGE_KEY = 'dealbox.theme';

function stored(): Theme {
  try {
    const v = globalThis.localStorage?.getItem(STORAGE_KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

const state = $state<{ theme: Theme }>({ theme: stored() });

export function theme(): Theme {
  return state.theme;
}

function apply(t: Theme): void {
  if (typeof document === 'undefined') return;
  if (t === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = t;
}

/** Switch the theme; 'system' follows the OS again. Remembered across restarts. */
export function setTheme(t: Theme): void {
  try {
    if (t === 'system') globalThis.localStorage?.removeItem(STORAGE_KEY);
    else globalThis.localStorage?.setItem(STORAGE_KEY, t);
  } catch {
    // No storage: the choice lasts for this window only.
  }
  state.theme = t;
  apply(t);
}

/** Apply the remembered theme (at start-up). */
export function applyStoredTheme(): void {
  apply(state.theme);
}
