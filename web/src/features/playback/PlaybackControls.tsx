// The transport bar of the playback screen: frame back, reverse, play/pause, frame forward,
// speed, the instant shown (Paris time), jump to a Paris date-time, still image.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useI18n } from '../../i18n/i18n.tsx';
import { formatParisDateTime, parisLocalToUtcIso, utcIsoToParisLocal } from '../../lib/dates.ts';
import { playbackSpeeds, speedLabel } from './session.ts';

interface ControlsProps {
  playing: boolean;
  rate: number;
  displayMs: number;
  disabled: boolean;
  onPlayPause(): void;
  onReverse(): void;
  onStep(direction: 1 | -1): void;
  onSpeed(speed: number): void;
  onJump(ms: number): void;
  onStill(): void;
}

/** The value of a `datetime-local` input with seconds, in Paris time. */
function parisInputValue(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${utcIsoToParisLocal(iso)}:${String(new Date(ms).getUTCSeconds()).padStart(2, '0')}`;
}

const autoJumpMs = 800;

export function PlaybackControls(props: ControlsProps) {
  const { t, language } = useI18n();
  const { playing, rate, displayMs, disabled } = props;
  const [jumpValue, setJumpValue] = useState(() => parisInputValue(displayMs));
  const [jumpError, setJumpError] = useState(false);
  const jumpRef = useRef<HTMLInputElement>(null);
  const autoJump = useRef(0);

  // The field shows the instant being played, except while the operator types in it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the field shows whole seconds: it is rewritten once a second, not ten times
  useEffect(() => {
    if (document.activeElement !== jumpRef.current) setJumpValue(parisInputValue(displayMs));
  }, [Math.floor(displayMs / 1000)]);

  useEffect(() => () => window.clearTimeout(autoJump.current), []);

  const jump = (value: string) => {
    window.clearTimeout(autoJump.current);
    const iso = parisLocalToUtcIso(value);
    setJumpError(!iso);
    if (iso) props.onJump(Date.parse(iso));
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    jump(jumpValue);
  };
  const onJumpChange = (value: string) => {
    setJumpValue(value);
    window.clearTimeout(autoJump.current);
    if (parisLocalToUtcIso(value)) autoJump.current = window.setTimeout(() => jump(value), autoJumpMs);
  };

  const reverse = rate < 0;
  const magnitude = Math.abs(rate);
  return (
    <div className="playback-controls" role="toolbar" aria-label={t('playback.title')}>
      <div className="button-row">
        <button
          type="button"
          className="button-secondary icon-button"
          onClick={() => props.onStep(-1)}
          disabled={disabled}
          title={t('playback.stepBack')}
          aria-label={t('playback.stepBack')}
          aria-keyshortcuts=","
        >
          <Icon path="M6 5v14M19 5 9 12l10 7z" />
        </button>
        <button
          type="button"
          className="button-secondary icon-button"
          onClick={props.onReverse}
          disabled={disabled}
          aria-pressed={reverse && playing}
          title={`${t('playback.reverse')} (R). ${t('playback.reverseHelp')}`}
          aria-label={t('playback.reverse')}
          data-testid="playback-reverse"
          aria-keyshortcuts="r"
        >
          <Icon path="M18 5 6 12l12 7z" />
        </button>
        <button
          type="button"
          className="button-primary icon-button play-button"
          onClick={props.onPlayPause}
          disabled={disabled}
          data-testid="playback-play"
          aria-label={playing ? t('playback.pause') : t('playback.play')}
          title={`${playing ? t('playback.pause') : t('playback.play')} (${t('playback.key.space')})`}
          data-playing={playing}
          aria-keyshortcuts="Space"
        >
          {playing ? <Icon path="M7 5h4v14H7zM14 5h4v14h-4z" /> : <Icon path="M7 5l12 7-12 7z" />}
        </button>
        <button
          type="button"
          className="button-secondary icon-button"
          onClick={() => props.onStep(1)}
          disabled={disabled}
          title={t('playback.stepForward')}
          aria-label={t('playback.stepForward')}
          aria-keyshortcuts="."
        >
          <Icon path="M18 5v14M5 5l10 7-10 7z" />
        </button>
        <label className="inline-field">
          <span>{t('playback.speed')}</span>
          <select data-testid="playback-speed" value={String(magnitude)} onChange={(event) => props.onSpeed(Number(event.target.value))} disabled={disabled}>
            {playbackSpeeds.map((speed) => (
              <option key={speed} value={String(speed)}>
                {speedLabel(speed)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="playback-now" aria-live="off">
        <span className="field-label">{t('playback.current')}</span>
        <output className="playback-clock mono" data-testid="playback-time" data-ms={Math.round(displayMs)}>
          {formatParisDateTime(new Date(displayMs).toISOString(), language)}
          {reverse && playing ? ` · ${speedLabel(rate)}` : ''}
        </output>
      </div>
      <form className="playback-jump" onSubmit={onSubmit}>
        <label className="inline-field">
          <span>{t('playback.jump')}</span>
          <input
            ref={jumpRef}
            type="datetime-local"
            step={1}
            data-testid="playback-jump"
            value={jumpValue}
            onChange={(event) => onJumpChange(event.target.value)}
            aria-invalid={jumpError}
            disabled={disabled}
          />
        </label>
        <button type="submit" className="button-secondary" disabled={disabled}>
          {t('playback.jumpGo')}
        </button>
        {jumpError && (
          <span className="warning-text small" role="alert">
            {t('playback.jumpInvalid')}
          </span>
        )}
      </form>
      <button
        type="button"
        className="button-secondary"
        onClick={props.onStill}
        disabled={disabled}
        data-testid="playback-still"
        title={t('playback.stillHelp')}
      >
        <Icon path="M4 7h3l2-2h6l2 2h3v12H4zM12 10a3 3 0 1 0 0 6 3 3 0 0 0 0-6z" />
        {t('playback.still')}
      </button>
    </div>
  );
}

function Icon({ path }: { path: string }) {
  return (
    <svg className="control-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={path} fill="currentColor" fillRule="evenodd" stroke="currentColor" strokeWidth="1.2" strokeLinejoin="round" />
    </svg>
  );
}
