// The chosen language for the whole console, kept in localStorage (French by default).
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { isLanguage, translatorFor, type Language, type Translate } from './translate.ts';

const storageKey = 'vigie.language';

interface LanguageState {
  language: Language;
  setLanguage(language: Language): void;
  t: Translate;
}

const LanguageContext = createContext<LanguageState | null>(null);

function storedLanguage(): Language {
  try {
    const stored = window.localStorage.getItem(storageKey);
    return isLanguage(stored) ? stored : 'fr';
  } catch {
    return 'fr';
  }
}

export function LanguageProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(storedLanguage);
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  const setLanguage = useCallback((next: Language) => {
    setLanguageState(next);
    try {
      window.localStorage.setItem(storageKey, next);
    } catch {
      // private mode: the choice lasts until the page is closed
    }
  }, []);
  const value = useMemo(() => ({ language, setLanguage, t: translatorFor(language) }), [language, setLanguage]);
  return <LanguageContext.Provider value={value}>{children}</LanguageContext.Provider>;
}

export function useI18n(): LanguageState {
  const state = useContext(LanguageContext);
  if (!state) throw new Error('useI18n outside LanguageProvider');
  return state;
}
