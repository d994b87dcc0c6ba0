// The UI's languages. Strings are written in English in the source and wrapped in `t()`; each other language
// has catalogs mapping the English text to its translation (`it/*.ts`, one file per area of the app, merged
// here). A missing translation shows the English text; `i18n.test.ts` fails when a `t('…')` literal in the
// sources has no Italian entry.
//
// Placeholders: `t('Checked {ago}', { ago })`. Keep the words around a placeholder inside the string, so a
// translation can move them.

export type Lang = 'en' | 'it';
export type Catalog = Record<string, string>;

export const LANGUAGES: { code: Lang; name: string }[] = [
  { code: 'en', name: 'English' },
  { code: 'it', name: 'Italiano' },
];

const STORAGE_KEY = 'dealbox.lang';

const modules = import.meta.glob<Catalog>('./it/*.ts', { eager: true, import: 'default' });
const catalogs: Record<Lang, Catalog> = { en: {}, it: Object.assign({}, ...Object.values(modules)) };

/** The OS language (WebKit reports the desktop's locale), if we have it; else English. */
export function systemLanguage(languages: readonly string[] = navigatorLanguages()): Lang {
  for (const l of languages) {
    const code = l.toLowerCase().split(/[-_]/)[0];
    if (code === 'it' || code === 'en') return code;
  }
  return 'en';
}

function navigatorLanguages(): readonly string[] {
  if (typeof navigator === 'undefined') return [];
  return navigator.languages?.length ? navigator.languages : [navigator.language];
}

function stored(): Lang | null {
  try {
    const v = globalThis.localStorage?.getItem(STORAGE_KEY);
    return v === 'en' || v === 'it' ? v : null;
  } catch {
    return null;
  }
}

const state = $state<{ lang: Lang; followsSystem: boolean }>({
  lang: stored() ?? systemLanguage(),
  followsSystem: stored() === null,
});

/** The current language; reading it in a template re-renders when it changes. */
export function language(): Lang {
  return state.lang;
}

export function followsSystem(): boolean {
  return state.followsSystem;
}

/** Switch language; `null` follows the OS again. Remembered across restarts. */
export function setLanguage(lang: Lang | null): void {
  try {
    if (lang === null) globalThis.localStorage?.removeItem(STORAGE_KEY);
    else globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  } catch {
    // No storage (private mode): the choice lasts for this window only.
  }
  state.followsSystem = lang === null;
  state.lang = lang ?? systemLanguage();
  if (typeof document !== 'undefined') document.documentElement.lang = state.lang;
}

/** Translate English source text into the current language, filling `{name}` placeholders. */
export function t(en: string, vars?: Record<string, string | number>): string {
  const text = (state.lang === 'en' ? undefined : catalogs[state.lang][en]) ?? en;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

/** For the test: the merged catalog of a language. */
export function catalog(lang: Lang): Catalog {
  return catalogs[lang];
}
