// Map (issue 5): placeholder until its screen lands.
import type { Me } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';

export function MapPage({ me }: { me: Me }) {
  const { t } = useI18n();
  void me;
  return <section><h1 id="page-title" tabIndex={-1}>{t('nav.map')}</h1></section>;
}
