// The top bar's visual cue: the number of alarms that arrived since the operator last looked at
// the queue, blinking while there are some; a click opens the queue.
import { useI18n } from '../../i18n/i18n.tsx';
import { goTo } from './AlarmsPage.tsx';
import { useAlarmQueue } from './AlarmQueueProvider.tsx';
import './alarms.css';

export function AlarmBadge() {
  const { t } = useI18n();
  const queue = useAlarmQueue();
  if (!queue.enabled) return null;
  const label = queue.unseen > 0 ? t('alarms.newBadge', { count: queue.unseen }) : `${t('nav.alarms')} : ${queue.alarms.length}`;
  return (
    <button
      type="button"
      className={`alarm-badge${queue.unseen > 0 ? ' has-new' : ''}`}
      data-testid="alarm-badge"
      data-unseen={queue.unseen}
      aria-live="assertive"
      aria-label={label}
      title={label}
      onClick={() => {
        queue.markSeen();
        goTo('/alarms');
      }}
    >
      <svg className="nav-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path
          d="M12 3a6 6 0 0 0-6 6v4l-2 3h16l-2-3V9a6 6 0 0 0-6-6zM10 19a2 2 0 0 0 4 0"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.8"
          strokeLinejoin="round"
        />
      </svg>
      {queue.unseen > 0 ? queue.unseen : queue.alarms.length}
    </button>
  );
}
