import { afterEach, describe, expect, it } from 'vitest';
import { catalog, setLanguage, systemLanguage, t } from './index.svelte';

// The UI's sources as text (Vite's raw import), tests and this folder left out.
const files = import.meta.glob<string>(['/src/**/*.svelte', '/src/**/*.ts', '!/src/**/*.test.ts', '!/src/lib/i18n/**'], {
  query: '?raw',
  import: 'default',
  eager: true,
});

/** Every string literal passed to t() in the UI's sources. */
function usedKeys(): Set<string> {
  const keys = new Set<string>();
  const re = /\bt\(\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/g;
  for (const text of Object.values(files)) {
    for (const m of text.matchAll(re)) keys.add((m[1] ?? m[2]).replace(/\\(.)/g, '$1'));
  }
  return keys;
}

describe('i18n', () => {
  afterEach(() => setLanguage('en'));

  it('has an Italian translation for every t() string in the UI', () => {
    expect(usedKeys().has('Checked {ago}')).toBe(true); // the scan sees format.ts
    const it_ = catalog('it');
    const missing = [...usedKeys()].filter((k) => !(k in it_));
    expect(missing).toEqual([]);
  });

  it('keeps the placeholders of every translation', () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [en, tr] of Object.entries(catalog('it'))) expect(names(tr), en).toEqual(names(en));
  });

  it('switches language and fills placeholders', () => {
    setLanguage('it');
    expect(t('Checked {ago}', { ago: t('just now') })).toBe('Controllata adesso');
    setLanguage('en');
    expect(t('Checked {ago}', { ago: t('just now') })).toBe('Checked just now');
  });

  it('follows the OS language', () => {
    expect(systemLanguage(['it-IT', 'en-US'])).toBe('it');
    expect(systemLanguage(['de-DE', 'en-GB'])).toBe('en');
    expect(systemLanguage(['fr-FR'])).toBe('en');
  });
});
