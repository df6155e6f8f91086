import { useI18n } from '../../i18n/i18n.tsx';
import { languages } from '../../i18n/translate.ts';

export function LanguageSwitch() {
  const { language, setLanguage, t } = useI18n();
  return (
    // biome-ignore lint/a11y/useSemanticElements: a pair of toggle buttons, not a form: a fieldset would bring the form group's border and padding
    <div className="language-switch" role="group" aria-label={t('lang.switch')}>
      {languages.map((code) => (
        <button key={code} type="button" lang={code} aria-pressed={language === code} title={t(`lang.${code}`)} onClick={() => setLanguage(code)}>
          {code.toUpperCase()}
        </button>
      ))}
    </div>
  );
}
