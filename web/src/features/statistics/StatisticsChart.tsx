// One indicator across the years as bars (chart.js, only the pieces used are registered):
// Vigie's figures in blue, imported ones in grey beside them, never stacked nor added.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { useEffect, useRef } from 'react';
import { useI18n } from '../../i18n/i18n.tsx';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

export function StatisticsChart({ title, series }: { title: string; series: { years: number[]; vigie: (number | null)[]; imported: (number | null)[] } }) {
  const { t, language } = useI18n();
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: {
        labels: series.years.map(String),
        datasets: [
          { label: t('stats.origin.vigie'), data: series.vigie, backgroundColor: '#1f5fa8' },
          { label: t('stats.origin.imported'), data: series.imported, backgroundColor: '#9aa5b1' },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        locale: language === 'fr' ? 'fr-FR' : 'en-GB',
        scales: { y: { beginAtZero: true } },
        plugins: { legend: { position: 'bottom' } },
      },
    });
    return () => chart.destroy();
  }, [series, t, language]);
  return (
    <div className="stats-chart">
      <canvas ref={canvas} role="img" aria-label={title} />
    </div>
  );
}
