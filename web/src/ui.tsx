// Small shared pieces of the console: loading and error notices, state badges, a loader hook.
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { CameraState, VmsStatus } from './api/types.ts';
import { useI18n } from './i18n/i18n.tsx';
import { errorMessage } from './lib/errors.ts';

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {t('common.loading')}
    </p>
  );
}

export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t, language } = useI18n();
  return (
    <div className="notice notice-error" role="alert">
      <span>{errorMessage(error, language)}</span>
      {onRetry && (
        <button type="button" className="button-secondary" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

export function Notice({ kind, children }: { kind: 'info' | 'success' | 'warning' | 'error'; children: ReactNode }) {
  return (
    <div className={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

export function StateBadge({ state }: { state: CameraState }) {
  const { t } = useI18n();
  return (
    <span className={`badge state-${state}`}>
      <span className="dot" aria-hidden="true" />
      {t(`state.${state}`)}
    </span>
  );
}

export function VmsBadge({ status }: { status: VmsStatus }) {
  const { t } = useI18n();
  return <span className={`badge vms-${status}`}>{t(`vms.${status}`)}</span>;
}

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
}

/** Runs `load` on mount and when `deps` change; keeps the last data while reloading. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller's deps and generation (reload) are what trigger a new load; load itself is read from a ref
  useEffect(() => {
    let current = true;
    setLoading(true);
    loadRef.current().then(
      (value) => {
        if (current) {
          setData(value);
          setError(null);
          setLoading(false);
        }
      },
      (failure: unknown) => {
        if (current) {
          setError(failure);
          setLoading(false);
        }
      },
    );
    return () => {
      current = false;
    };
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { data, error, loading, reload };
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <header className="page-header">
      <h1 id="page-title" tabIndex={-1}>
        {title}
      </h1>
      {children && <div className="page-actions">{children}</div>}
    </header>
  );
}
