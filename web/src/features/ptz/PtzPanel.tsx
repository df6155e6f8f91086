// PTZ of the selected tile's camera: who holds the control and until when (polled every 2 s),
// take-over for the roles allowed to, the joystick and direction / zoom buttons (held = moving),
// presets (go to, save) and the patrol tours.
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent, type PointerEvent } from 'react';
import type { Camera, Me } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/translate.ts';
import { Loading } from '../../ui.tsx';
import type { PtzState, PtzVelocity } from '../../api/types.ts';
import { ptzApi } from './ptz-api.ts';
import { joystickVector, lockSentence, ptzErrorText, PtzMover } from './ptz-control.ts';
import { PtzTours } from './PtzTours.tsx';

const pollMs = 2_000;

export interface PtzControl {
  mover: PtzMover;
  error: unknown;
  clearError(): void;
  /** Something changed on the server (a take-over, a preset): poll now. */
  refreshToken: number;
  refresh(): void;
}

/** One mover per camera: the panel's buttons and the page's arrow keys share it. */
export function usePtzControl(cameraId: string | null): PtzControl | null {
  const [error, setError] = useState<unknown>(null);
  const [refreshToken, setRefreshToken] = useState(0);
  const refresh = useCallback(() => setRefreshToken((value) => value + 1), []);
  const mover = useMemo(
    () =>
      cameraId
        ? new PtzMover({
            move: (velocity) => ptzApi.move(cameraId, velocity),
            stop: () => ptzApi.stop(cameraId),
            onError: (failure) => {
              setError(failure);
              setRefreshToken((value) => value + 1);
            },
            onStarted: () => setRefreshToken((value) => value + 1),
            now: () => performance.now(),
            setTimer: (callback, ms) => window.setTimeout(callback, ms),
            clearTimer: (timer) => window.clearTimeout(timer as number),
          })
        : null,
    [cameraId],
  );
  useEffect(() => {
    setError(null);
    return () => mover?.dispose();
  }, [mover]);
  const clearError = useCallback(() => setError(null), []);
  return mover ? { mover, error, clearError, refreshToken, refresh } : null;
}

export function PtzPanel({
  camera,
  me,
  control,
  speed,
  onSpeed,
}: {
  camera: Camera;
  me: Me;
  control: PtzControl;
  speed: number;
  onSpeed(speed: number): void;
}) {
  const { t, language } = useI18n();
  const [state, setState] = useState<PtzState | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const canTakeOver = me.actions.includes('ptz.takeover');

  // biome-ignore lint/correctness/useExhaustiveDependencies: refreshToken is the trigger of an immediate new reading (after a move or a preset)
  useEffect(() => {
    let current = true;
    const load = () => {
      if (document.visibilityState !== 'visible') return;
      ptzApi.state(camera.id).then(
        (value) => {
          if (current) {
            setState(value);
            setLoadError(null);
          }
        },
        (failure: unknown) => {
          if (current) setLoadError(failure);
        },
      );
    };
    load();
    const timer = window.setInterval(load, pollMs);
    return () => {
      current = false;
      window.clearInterval(timer);
    };
  }, [camera.id, control.refreshToken]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: another camera: the last one's state is no longer shown
  useEffect(() => setState(null), [camera.id]);

  const [actionError, setActionError] = useState<unknown>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: another camera: the last one's error is no longer shown
  useEffect(() => setActionError(null), [camera.id]);
  const run = (action: () => Promise<unknown>) => {
    setBusy(true);
    setActionError(null);
    control.clearError();
    action()
      .catch((failure: unknown) => {
        control.mover.release();
        setActionError(failure);
      })
      .finally(() => {
        setBusy(false);
        control.refresh();
      });
  };
  const shownError = control.error ?? actionError;

  const lock = state?.lock ?? null;
  return (
    <section className="panel ptz-panel" data-testid="ptz-panel" aria-label={t('ptz.title', { name: camera.name })}>
      <h2>{t('ptz.title', { name: camera.name })}</h2>
      {!state && !loadError && <Loading />}
      {Boolean(loadError) && !state && (
        <p className="danger-text" role="alert">
          {ptzErrorText(loadError, t, language)}
        </p>
      )}
      {state && !state.supported && <p className="muted">{t('ptz.unsupported')}</p>}
      {state?.supported && (
        <>
          <p className={`ptz-lock${lock && !lock.mine ? ' held' : ''}${lock?.mine ? ' mine' : ''}`} data-testid="ptz-lock" role="status" aria-live="polite">
            {lockSentence(lock, t, language)}
          </p>
          {state.cameraError && (
            <p className="warning-text small" role="status">
              {t('ptz.cameraError', { reason: state.cameraError })}
            </p>
          )}
          <div className="button-row">
            {canTakeOver && !lock?.mine && (
              <button
                type="button"
                className="button-primary"
                data-testid="ptz-takeover"
                disabled={busy}
                onClick={() => run(() => ptzApi.lock(camera.id, true))}
              >
                {t('ptz.takeover')}
              </button>
            )}
            {lock?.mine && (
              <button type="button" className="button-small" data-testid="ptz-release" disabled={busy} onClick={() => run(() => ptzApi.release(camera.id))}>
                {t('ptz.release')}
              </button>
            )}
          </div>
          {Boolean(shownError) && (
            <div className="notice notice-error ptz-error" role="alert">
              <span>{ptzErrorText(shownError, t, language)}</span>
              <button
                type="button"
                className="button-small"
                onClick={() => {
                  control.clearError();
                  setActionError(null);
                }}
              >
                {t('common.close')}
              </button>
            </div>
          )}
          <PtzPad control={control} speed={speed} />
          <label className="ptz-speed">
            <span>{t('ptz.speed', { percent: Math.round(speed * 100) })}</span>
            <input type="range" min={0.1} max={1} step={0.1} value={speed} data-testid="ptz-speed" onChange={(event) => onSpeed(Number(event.target.value))} />
          </label>
          <PtzPresets cameraId={camera.id} state={state} busy={busy} run={run} />
          <PtzTours cameraId={camera.id} presets={state.presets} canWrite={me.actions.includes('ptz.tour.write')} />
        </>
      )}
    </section>
  );
}

type Direction = 'up' | 'down' | 'left' | 'right' | 'zoom-in' | 'zoom-out';

const directionVectors: Record<Direction, PtzVelocity> = {
  up: { pan: 0, tilt: 1, zoom: 0 },
  down: { pan: 0, tilt: -1, zoom: 0 },
  left: { pan: -1, tilt: 0, zoom: 0 },
  right: { pan: 1, tilt: 0, zoom: 0 },
  'zoom-in': { pan: 0, tilt: 0, zoom: 1 },
  'zoom-out': { pan: 0, tilt: 0, zoom: -1 },
};

const directionLabels: Record<Direction, MessageKey> = {
  up: 'ptz.up',
  down: 'ptz.down',
  left: 'ptz.left',
  right: 'ptz.right',
  'zoom-in': 'ptz.zoomIn',
  'zoom-out': 'ptz.zoomOut',
};

const directionGlyphs: Record<Direction, string> = { up: '▲', down: '▼', left: '◀', right: '▶', 'zoom-in': '+', 'zoom-out': '−' };

function scaled(vector: PtzVelocity, speed: number): PtzVelocity {
  const round = (value: number) => Math.round(value * speed * 100) / 100 || 0;
  return { pan: round(vector.pan), tilt: round(vector.tilt), zoom: round(vector.zoom) };
}

function PtzPad({ control, speed }: { control: PtzControl; speed: number }) {
  const { t } = useI18n();
  const padRef = useRef<HTMLDivElement>(null);
  const [knob, setKnob] = useState<{ x: number; y: number } | null>(null);

  const fromPointer = (event: PointerEvent<HTMLDivElement>) => {
    const pad = padRef.current;
    if (!pad) return;
    const rect = pad.getBoundingClientRect();
    const radius = rect.width / 2;
    const dx = event.clientX - (rect.left + radius);
    const dy = event.clientY - (rect.top + rect.height / 2);
    const vector = joystickVector(dx, dy, radius);
    setKnob({ x: vector.pan * radius * 0.7, y: -vector.tilt * radius * 0.7 });
    control.mover.press({ pan: Math.round(vector.pan * speed * 100) / 100, tilt: Math.round(vector.tilt * speed * 100) / 100, zoom: 0 });
  };
  const end = () => {
    setKnob(null);
    control.mover.release();
  };

  const button = (direction: Direction) => {
    const press = () => control.mover.press(scaled(directionVectors[direction], speed));
    const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
      if ((event.key === 'Enter' || event.key === ' ') && !event.repeat) {
        event.preventDefault();
        event.stopPropagation();
        press();
      }
    };
    const onKeyUp = (event: KeyboardEvent<HTMLButtonElement>) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        control.mover.release();
      }
    };
    return (
      <button
        type="button"
        className={`ptz-button ptz-${direction}`}
        data-testid={`ptz-${direction}`}
        aria-label={t(directionLabels[direction])}
        title={t(directionLabels[direction])}
        onPointerDown={(event) => {
          event.currentTarget.setPointerCapture(event.pointerId);
          press();
        }}
        onPointerUp={() => control.mover.release()}
        onPointerCancel={() => control.mover.release()}
        onLostPointerCapture={() => control.mover.release()}
        onKeyDown={onKeyDown}
        onKeyUp={onKeyUp}
        onBlur={() => control.mover.release()}
      >
        <span aria-hidden="true">{directionGlyphs[direction]}</span>
      </button>
    );
  };

  return (
    <div className="ptz-controls">
      <div className="ptz-cross">
        <span />
        {button('up')}
        <span />
        {button('left')}
        <div
          ref={padRef}
          className="ptz-pad"
          role="img"
          aria-label={t('ptz.joystick')}
          title={t('ptz.joystickHelp')}
          data-testid="ptz-joystick"
          onPointerDown={(event) => {
            event.currentTarget.setPointerCapture(event.pointerId);
            fromPointer(event);
          }}
          onPointerMove={(event) => {
            if (event.currentTarget.hasPointerCapture(event.pointerId)) fromPointer(event);
          }}
          onPointerUp={end}
          onPointerCancel={end}
          onLostPointerCapture={end}
        >
          <span className="ptz-knob" style={knob ? { transform: `translate(${knob.x}px, ${knob.y}px)` } : undefined} />
        </div>
        {button('right')}
        <span />
        {button('down')}
        <span />
      </div>
      {/* biome-ignore lint/a11y/useSemanticElements: a pair of buttons, not a form: a fieldset would bring the form group's border and padding */}
      <div className="ptz-zoom" role="group" aria-label={t('ptz.zoom')}>
        {button('zoom-in')}
        {button('zoom-out')}
      </div>
    </div>
  );
}

function PtzPresets({ cameraId, state, busy, run }: { cameraId: string; state: PtzState; busy: boolean; run(action: () => Promise<unknown>): void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const save = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return;
    run(async () => {
      await ptzApi.savePreset(cameraId, trimmed);
      setName('');
    });
  };
  return (
    <div className="ptz-presets">
      <h3>{t('ptz.presets')}</h3>
      {state.presets.length === 0 && <p className="muted small">{t('ptz.noPresets')}</p>}
      {state.presets.length > 0 && (
        <ul className="ptz-preset-list">
          {state.presets.map((preset) => (
            <li key={preset.token}>
              <button
                type="button"
                className="button-small"
                data-testid="ptz-preset"
                data-token={preset.token}
                disabled={busy}
                onClick={() => run(() => ptzApi.gotoPreset(cameraId, preset.token))}
              >
                {preset.name}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="inline-form" onSubmit={save}>
        <label>
          <span>{t('ptz.presetName')}</span>
          <input value={name} maxLength={64} data-testid="ptz-preset-name" onChange={(event) => setName(event.target.value)} />
        </label>
        <button type="submit" className="button-small" data-testid="ptz-preset-save" disabled={busy || name.trim() === ''}>
          {t('ptz.presetSave')}
        </button>
      </form>
    </div>
  );
}
