// Accounts (LEGAL 9): role, communes, prefectoral approval, training, second factor, status;
// creation and changes, disabling, unlocking, resetting the second factor.
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import { roles, type Me, type Role, type User } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { formatCalendarDate, formatParisMinute, parisToday, shiftYears } from '../../lib/dates.ts';
import { ErrorNotice, Loading, Notice, PageHeader, useLoad } from '../../ui.tsx';
import { useCommuneName, useCommunes } from '../shell/communes.tsx';

interface Draft {
  login: string;
  displayName: string;
  role: Role;
  allCommunes: boolean;
  communes: string[];
  approvalReference: string;
  approvalExpiresOn: string;
  trainingDate: string;
  password: string;
}

const emptyDraft: Draft = {
  login: '',
  displayName: '',
  role: 'operator',
  allCommunes: false,
  communes: [],
  approvalReference: '',
  approvalExpiresOn: '',
  trainingDate: '',
  password: '',
};

function draftOf(user: User): Draft {
  return {
    login: user.login,
    displayName: user.displayName,
    role: user.role,
    allCommunes: user.allCommunes,
    communes: [...user.communes],
    approvalReference: user.approvalReference ?? '',
    approvalExpiresOn: user.approvalExpiresOn ?? '',
    trainingDate: user.trainingDate ?? '',
    password: '',
  };
}

export function UsersPage({ me }: { me: Me }) {
  const { t, language } = useI18n();
  const canWrite = me.actions.includes('user.write');
  const canConfirm = me.actions.includes('user.confirm');
  const users = useLoad(() => api('GET', '/api/users'), []);
  const [editing, setEditing] = useState<{ user: User | null } | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);
  const now = new Date().toISOString();
  const today = parisToday();
  // LEGAL 9: approval and training older than 5 years block image access (shown, not decided, here).
  const trainingFloor = shiftYears(today, -5);

  const act = async (call: () => Promise<unknown>, done: string) => {
    setActionError(null);
    setMessage(null);
    try {
      await call();
      setMessage(done);
      users.reload();
    } catch (error) {
      setActionError(error);
    }
  };

  const communeName = useCommuneName();
  const communesText = (user: User) => (user.allCommunes ? t('common.allCommunes') : user.communes.map(communeName).join(', ') || '—');

  return (
    <div>
      <PageHeader title={t('users.title')}>
        {canWrite && (
          <button type="button" className="button-primary" onClick={() => setEditing({ user: null })}>
            {t('users.new')}
          </button>
        )}
      </PageHeader>
      {message && <Notice kind="success">{message}</Notice>}
      {Boolean(actionError) && <ErrorNotice error={actionError} />}
      {editing && (
        <UserForm
          user={editing.user}
          onCancel={() => setEditing(null)}
          onSaved={(saved) => {
            setEditing(null);
            setMessage(t('users.saved', { login: saved.login }));
            users.reload();
          }}
        />
      )}
      <section className="panel">
        {users.loading && !users.data && <Loading />}
        {Boolean(users.error) && <ErrorNotice error={users.error} onRetry={users.reload} />}
        {users.data && (
          <div className="table-wrap">
            <table className="table users-table">
              <thead>
                <tr>
                  <th>{t('users.login')}</th>
                  <th>{t('users.role')}</th>
                  <th>{t('users.communes')}</th>
                  <th>{t('users.approval')}</th>
                  <th>{t('users.trainingShort')}</th>
                  <th>{t('users.status')}</th>
                  <th>{t('users.lastLogin')}</th>
                  {canWrite && <th>{t('common.actions')}</th>}
                </tr>
              </thead>
              <tbody>
                {users.data.map((user) => {
                  const locked = user.lockedUntil !== null && user.lockedUntil > now;
                  return (
                    <tr key={user.id} className={user.disabled ? 'row-muted' : undefined}>
                      <td>
                        <strong>{user.login}</strong>
                        {user.displayName && user.displayName !== user.login && <div className="muted small">{user.displayName}</div>}
                      </td>
                      <td>{t(`role.${user.role}`)}</td>
                      <td>{communesText(user)}</td>
                      <td>
                        <span className="mono nowrap">{user.approvalReference ?? '—'}</span>
                        {user.approvalExpiresOn && (
                          <div className={`small nowrap ${user.approvalExpiresOn < today ? 'warning-text' : 'muted'}`}>
                            {t('users.until', { date: formatCalendarDate(user.approvalExpiresOn, language) })}
                          </div>
                        )}
                      </td>
                      <td className={user.trainingDate && user.trainingDate < trainingFloor ? 'warning-text' : undefined}>
                        {user.trainingDate ? formatCalendarDate(user.trainingDate, language) : '—'}
                      </td>
                      <td>
                        <div className="badges">
                          {user.disabled ? <span className="badge danger">{t('users.disabled')}</span> : <span className="badge ok">{t('users.active')}</span>}
                          {user.totpEnabled ? (
                            <span className="badge ok">{t('users.totpOn')}</span>
                          ) : (
                            <span className="badge neutral">{t('users.totpOff')}</span>
                          )}
                          {!user.imageAccess.confirmed && (
                            <span className="badge warning" title={t('users.imageAccessPendingHelp')}>
                              {t('users.imageAccessPending')}
                            </span>
                          )}
                        </div>
                        {!user.imageAccess.confirmed && canConfirm && user.id !== me.id && user.imageAccess.requestedBy !== me.id && (
                          <button
                            type="button"
                            className="button-small"
                            data-testid="confirm-image-access"
                            onClick={() =>
                              void act(
                                () => api('POST', '/api/users/{id}/confirm-image-access', { path: { id: user.id } }),
                                t('users.imageAccessConfirmed', { login: user.login }),
                              )
                            }
                          >
                            {t('users.confirmImageAccess')}
                          </button>
                        )}
                        {locked && <div className="warning-text small">{t('users.lockedUntil', { until: formatParisMinute(user.lockedUntil, language) })}</div>}
                      </td>
                      <td className="small">{user.lastLoginAt ? formatParisMinute(user.lastLoginAt, language) : '—'}</td>
                      {canWrite && (
                        <td>
                          <div className="actions-cell">
                            <button type="button" className="button-small" onClick={() => setEditing({ user })}>
                              {t('users.edit')}
                            </button>
                            {user.id !== me.id &&
                              (user.disabled ? (
                                <button
                                  type="button"
                                  className="button-small"
                                  onClick={() =>
                                    void act(
                                      () => api('PATCH', '/api/users/{id}', { path: { id: user.id }, json: { disabled: false } }),
                                      t('users.enabledDone', { login: user.login }),
                                    )
                                  }
                                >
                                  {t('users.enable')}
                                </button>
                              ) : (
                                <button
                                  type="button"
                                  className="button-small danger"
                                  onClick={() => {
                                    if (window.confirm(t('users.confirmDisable', { login: user.login })))
                                      void act(
                                        () => api('PATCH', '/api/users/{id}', { path: { id: user.id }, json: { disabled: true } }),
                                        t('users.disabledDone', { login: user.login }),
                                      );
                                  }}
                                >
                                  {t('users.disable')}
                                </button>
                              ))}
                            {locked && (
                              <button
                                type="button"
                                className="button-small"
                                onClick={() =>
                                  void act(() => api('POST', '/api/users/{id}/unlock', { path: { id: user.id } }), t('users.unlocked', { login: user.login }))
                                }
                              >
                                {t('users.unlock')}
                              </button>
                            )}
                            {user.totpEnabled && (
                              <button
                                type="button"
                                className="button-small"
                                onClick={() => {
                                  if (window.confirm(t('users.confirmResetTotp', { login: user.login })))
                                    void act(
                                      () => api('POST', '/api/users/{id}/reset-totp', { path: { id: user.id } }),
                                      t('users.totpResetDone', { login: user.login }),
                                    );
                                }}
                              >
                                {t('users.resetTotp')}
                              </button>
                            )}
                          </div>
                        </td>
                      )}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

function UserForm({ user, onCancel, onSaved }: { user: User | null; onCancel(): void; onSaved(user: User): void }) {
  const { t } = useI18n();
  const communes = useCommunes();
  const [draft, setDraft] = useState<Draft>(user ? draftOf(user) : emptyDraft);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((current) => ({ ...current, [key]: value }));
  const toggleCommune = (insee: string, on: boolean) => set('communes', on ? [...draft.communes, insee] : draft.communes.filter((code) => code !== insee));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const common = {
      displayName: draft.displayName.trim() || undefined,
      role: draft.role,
      allCommunes: draft.allCommunes,
      communes: draft.allCommunes ? [] : draft.communes,
      approvalReference: draft.approvalReference.trim() || null,
      approvalExpiresOn: draft.approvalExpiresOn || null,
      trainingDate: draft.trainingDate || null,
    };
    try {
      const saved = user
        ? await api('PATCH', '/api/users/{id}', { path: { id: user.id }, json: common })
        : await api('POST', '/api/users', { json: { ...common, login: draft.login.trim(), password: draft.password } });
      onSaved(saved);
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };

  return (
    <section className="panel form-panel" aria-labelledby="user-form-title">
      <h2 id="user-form-title">{user ? t('users.editing', { login: user.login }) : t('users.creating')}</h2>
      {Boolean(error) && <ErrorNotice error={error} />}
      <form onSubmit={submit}>
        <div className="form-grid">
          <label>
            <span>{t('users.login')}</span>
            <input
              name="login"
              required
              disabled={Boolean(user)}
              autoComplete="off"
              spellCheck={false}
              value={draft.login}
              onChange={(event) => set('login', event.target.value)}
              // biome-ignore lint/a11y/noAutofocus: a new user's form opens on its first field, the one the administrator fills first
              autoFocus={!user}
            />
          </label>
          <label>
            <span>{t('users.displayName')}</span>
            <input name="displayName" value={draft.displayName} onChange={(event) => set('displayName', event.target.value)} />
          </label>
          <label>
            <span>{t('users.role')}</span>
            <select name="role" value={draft.role} onChange={(event) => set('role', event.target.value as Role)}>
              {roles.map((role) => (
                <option key={role} value={role}>
                  {t(`role.${role}`)}
                </option>
              ))}
            </select>
          </label>
          {!user && (
            <label>
              <span>{t('users.password')}</span>
              <input
                name="password"
                type="password"
                required
                autoComplete="new-password"
                value={draft.password}
                onChange={(event) => set('password', event.target.value)}
              />
              <small className="muted">{t('users.passwordHelp')}</small>
            </label>
          )}
          <label>
            <span>{t('users.approvalReference')}</span>
            <input name="approvalReference" value={draft.approvalReference} onChange={(event) => set('approvalReference', event.target.value)} />
          </label>
          <label>
            <span>{t('users.approvalExpires')}</span>
            <input name="approvalExpiresOn" type="date" value={draft.approvalExpiresOn} onChange={(event) => set('approvalExpiresOn', event.target.value)} />
          </label>
          <label>
            <span>{t('users.training')}</span>
            <input name="trainingDate" type="date" value={draft.trainingDate} onChange={(event) => set('trainingDate', event.target.value)} />
          </label>
        </div>
        <fieldset className="communes-field">
          <legend>{t('users.communes')}</legend>
          <label className="checkbox">
            <input type="checkbox" checked={draft.allCommunes} onChange={(event) => set('allCommunes', event.target.checked)} />
            <span>{t('users.allCommunes')}</span>
          </label>
          {!draft.allCommunes &&
            communes.map((commune) => (
              <label key={commune.insee} className="checkbox">
                <input
                  type="checkbox"
                  checked={draft.communes.includes(commune.insee)}
                  onChange={(event) => toggleCommune(commune.insee, event.target.checked)}
                />
                <span>
                  {commune.name} ({commune.insee})
                </span>
              </label>
            ))}
        </fieldset>
        <div className="button-row">
          <button type="submit" className="button-primary" disabled={busy}>
            {t('common.save')}
          </button>
          <button type="button" className="button-secondary" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}
