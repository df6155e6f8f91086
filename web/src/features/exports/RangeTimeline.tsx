// One range of the export builder on a small timeline: the archive's recorded parts and gaps
// around it (GET /api/cameras/:id/recording/timeline: no image, access recording.read), and the
// range's limits as a bracket. Loaded again when the camera or the range changes (debounced).
import { useEffect, useState } from 'react';
import { api } from '../../api/client.ts';
import type { RecordedTimeline } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { formatParisDateTime } from '../../lib/dates.ts';
import { spanIn, timelineWindow, type Span } from './exports.ts';

const debounceMs = 400;

function useTimeline(cameraId: string, from: string, to: string): { timeline?: RecordedTimeline; failed: boolean } {
  const [state, setState] = useState<{ timeline?: RecordedTimeline; failed: boolean }>({ failed: false });
  useEffect(() => {
    if (!cameraId || !(Date.parse(from) < Date.parse(to))) {
      setState({ failed: false });
      return;
    }
    let current = true;
    const window = timelineWindow(from, to);
    const timer = setTimeout(() => {
      api('GET', '/api/cameras/{id}/recording/timeline', {
        path: { id: cameraId },
        query: { from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString() },
        background: true,
      }).then(
        (timeline) => current && setState({ timeline, failed: false }),
        () => current && setState({ failed: true }),
      );
    }, debounceMs);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [cameraId, from, to]);
  return state;
}

const style = (span: Span) => ({ left: `${span.left * 100}%`, width: `${Math.max(span.width * 100, 0.4)}%` });

export function RangeTimeline({ cameraId, from, to }: { cameraId: string; from: string; to: string }) {
  const { t, language } = useI18n();
  const { timeline, failed } = useTimeline(cameraId, from, to);
  if (failed) return <p className="muted">{t('exports.timelineUnavailable')}</p>;
  if (!timeline) return null;
  const window = timelineWindow(from, to);
  const range = spanIn(window, from, to);
  const fromMs = Date.parse(from);
  const toMs = Date.parse(to);
  const inside = (part: { from: string; to: string }) => Math.max(0, Math.min(toMs, Date.parse(part.to)) - Math.max(fromMs, Date.parse(part.from)));
  const recordedSeconds = Math.round(timeline.recorded.reduce((sum, part) => sum + inside(part), 0) / 1000);
  const gapsInside = timeline.gaps.filter((gap) => inside(gap) > 0).length;
  return (
    <div className="export-timeline" data-testid="export-timeline" data-recorded-seconds={recordedSeconds} data-gaps={gapsInside}>
      <div className="export-timeline-bar" role="img" aria-label={t('exports.timeline')}>
        {timeline.recorded.map((part) => {
          const span = spanIn(window, part.from, part.to);
          return span && <span key={`r-${part.from}`} className="export-timeline-recorded" style={style(span)} />;
        })}
        {timeline.gaps.map((gap) => {
          const span = spanIn(window, gap.from, gap.to);
          return (
            span && (
              <span
                key={`g-${gap.from}`}
                className="export-timeline-gap"
                style={style(span)}
                title={`${formatParisDateTime(gap.from, language)} → ${formatParisDateTime(gap.to, language)}${gap.reason ? ` (${gap.reason})` : ''}`}
              />
            )
          );
        })}
        {range && <span className="export-timeline-range" style={style(range)} />}
      </div>
      <p className="hint">
        <span className="export-legend export-timeline-recorded" /> {t('exports.legendRecorded')} <span className="export-legend export-timeline-gap" />{' '}
        {t('exports.legendGap')} <span className="export-legend export-timeline-range" /> {t('exports.legendRange')} ·{' '}
        {t('exports.timelineRecorded', { seconds: recordedSeconds })}
        {' · '}
        {t('exports.timelineGaps', { count: gapsInside })}
      </p>
    </div>
  );
}
