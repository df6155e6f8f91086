// The reason for viewing live images, asked once per signed-in session from the roles that must
// give one (police, partner): the server refuses their live view without it and audits it.
import { useCallback, useEffect, useRef, useState, useSyncExternalStore, type FormEvent, type ReactNode } from 'react';
import type { Me, Role } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';

const rolesGivingReason: ReadonlySet<Role> = new Set(['police', 'partner']);

export function roleNeedsReason(role: Role): boolean {
  return rolesGivingReason.has(role);
}

// One reason per user for the life of the page (kept in memory only: it is part of the audit
// trail of each view, not something to leave in the browser's storage).
let stored: { userId: string; reason: string } | null = null;
const listeners = new Set<() => void>();

export function setLiveReason(userId: string, reason: string | null): void {
  stored = reason ? { userId, reason } : null;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export interface LiveReason {
  needed: boolean;
  /** The reason given, or null (none needed, or not given yet). */
  value: string | null;
  /** Opens the dialog (to give or change the reason). */
  ask(): void;
  /** The dialog element to render (null while closed). */
  dialog: ReactNode;
}

/** The reason of the signed-in user; `autoAsk` opens the dialog at once while none is given. */
export function useLiveReason(me: Me, autoAsk = false): LiveReason {
  const needed = roleNeedsReason(me.role);
  const current = useSyncExternalStore(subscribe, () => stored);
  const value = needed && current?.userId === me.id ? current.reason : null;
  const [open, setOpen] = useState(needed && autoAsk && value === null);
  const ask = useCallback(() => setOpen(true), []);
  const dialog = open ? (
    <ReasonDialog
      initial={value ?? ''}
      onSubmit={(reason) => {
        setLiveReason(me.id, reason);
        setOpen(false);
      }}
      onCancel={() => setOpen(false)}
    />
  ) : null;
  return { needed, value, ask, dialog };
}

const suggestions = ['live.reason.suggestion.intervention', 'live.reason.suggestion.requisition', 'live.reason.suggestion.event'] as const;

function ReasonDialog({ initial, onSubmit, onCancel }: { initial: string; onSubmit(reason: string): void; onCancel(): void }) {
  const { t } = useI18n();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState(initial);
  const trimmed = reason.trim();

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (trimmed.length >= 3) onSubmit(trimmed);
  };

  return (
    <dialog
      ref={dialogRef}
      className="live-dialog"
      aria-label={t('live.reason.dialog')}
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <form onSubmit={submit} className="form-stack">
        <h2>{t('live.reason.title')}</h2>
        <p className="muted">{t('live.reason.help')}</p>
        <label>
          <span>{t('live.reason.label')}</span>
          <input
            data-testid="live-reason"
            autoFocus
            value={reason}
            maxLength={500}
            list="live-reason-suggestions"
            required
            minLength={3}
            onChange={(event) => setReason(event.target.value)}
          />
          <datalist id="live-reason-suggestions">
            {suggestions.map((key) => (
              <option key={key} value={t(key)} />
            ))}
          </datalist>
        </label>
        <div className="button-row">
          <button type="submit" className="button-primary" data-testid="live-reason-submit" disabled={trimmed.length < 3}>
            {t('live.reason.submit')}
          </button>
          <button type="button" className="button-secondary" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
