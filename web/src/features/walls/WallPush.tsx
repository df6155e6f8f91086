// "Envoyer au mur": choose a wall, push a layout or a tour to it (PUT /api/walls/:id/layout,
// audited by the server). One such control per page (test id `wall-push`).
import { useEffect, useState } from 'react';
import type { Me } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { ErrorNotice, Loading, Notice, useLoad } from '../../ui.tsx';
import type { Wall, WallPush } from '../../api/types.ts';
import { wallsApi } from './walls-api.ts';

export interface WallPushControlProps {
  walls: readonly Wall[];
  /** What to push, or null while there is nothing to push (with the reason shown). */
  payload: WallPush | null;
  emptyReason?: string;
  onPushed?(wall: Wall): void;
}

export function WallPushControl({ walls, payload, emptyReason, onPushed }: WallPushControlProps) {
  const { t } = useI18n();
  const [wallId, setWallId] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const chosen = walls.find((wall) => wall.id === wallId) ?? walls[0] ?? null;

  // A new layout to push: the last "sent" notice no longer describes it.
  const payloadKey = JSON.stringify(payload);
  // biome-ignore lint/correctness/useExhaustiveDependencies: payloadKey is the trigger: a layout with other content clears the notice
  useEffect(() => setDone(null), [payloadKey]);

  const push = async () => {
    if (!chosen || !payload) return;
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const pushed = await wallsApi.push(chosen.id, payload);
      setDone(t('walls.pushed', { name: chosen.name }));
      onPushed?.(pushed ?? chosen);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  if (walls.length === 0) return <p className="muted small">{t('walls.none')}</p>;
  return (
    <div className="wall-push">
      <div className="wall-push-row">
        <label>
          <span>{t('walls.target')}</span>
          <select value={chosen?.id ?? ''} data-testid="wall-select" onChange={(event) => setWallId(event.target.value)}>
            {walls.map((wall) => (
              <option key={wall.id} value={wall.id}>
                {wall.name}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="button-primary" data-testid="wall-push" disabled={busy || !payload || !chosen} onClick={() => void push()}>
          {busy ? t('walls.pushing') : t('walls.push')}
        </button>
      </div>
      {!payload && emptyReason && <p className="hint">{emptyReason}</p>}
      {Boolean(error) && <ErrorNotice error={error} />}
      {done && <Notice kind="success">{done}</Notice>}
    </div>
  );
}

/** The live page's "Envoyer au mur" panel: the current layout to a wall. */
export function LiveWallPush({ me, payload }: { me: Me; payload: WallPush | null }) {
  const { t } = useI18n();
  const walls = useLoad(() => wallsApi.list(), [me.id]);
  return (
    <section className="panel" aria-labelledby="live-wall-push-title">
      <h2 id="live-wall-push-title">{t('walls.sendLayout')}</h2>
      {walls.loading && !walls.data && <Loading />}
      {Boolean(walls.error) && <ErrorNotice error={walls.error} onRetry={walls.reload} />}
      {walls.data && <WallPushControl walls={walls.data} payload={payload} emptyReason={t('walls.emptyLayout')} />}
    </section>
  );
}
