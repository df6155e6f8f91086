// The sign-in steps: password, second factor (TOTP or recovery code), TOTP enrolment and the
// recovery codes shown once. Each step reports to App, which holds the session state.
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { api, setCsrfToken } from '../../api/client.ts';
import type { Stage } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { LanguageSwitch } from '../shell/LanguageSwitch.tsx';
import { ErrorNotice, Notice } from '../../ui.tsx';

function AuthCard({ title, children }: { title: string; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <main className="auth-screen">
      <div className="auth-card">
        <div className="auth-brand">
          <Logo />
          <div>
            <div className="brand-name">{t('app.name')}</div>
            <div className="brand-tagline">{t('app.tagline')}</div>
          </div>
          <LanguageSwitch />
        </div>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}

export function Logo() {
  return (
    <svg className="logo" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <circle cx="16" cy="16" r="14" fill="none" stroke="currentColor" strokeWidth="2.5" />
      <circle cx="16" cy="16" r="6" fill="currentColor" />
      <path d="M16 2v5M16 25v5M2 16h5M25 16h5" stroke="currentColor" strokeWidth="2.5" />
    </svg>
  );
}

export function SignInScreen({ notice, onStage }: { notice: string | null; onStage(stage: Stage): void }) {
  const { t } = useI18n();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const loginRef = useRef<HTMLInputElement>(null);
  useEffect(() => loginRef.current?.focus(), []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await api('POST', '/api/auth/login', { json: { login: login.trim(), password }, quietAuth: true });
      setCsrfToken(answer.csrfToken);
      onStage(answer.stage);
    } catch (failure) {
      setError(failure);
      setPassword('');
      setBusy(false);
    }
  };

  return (
    <AuthCard title={t('signin.title')}>
      <p className="muted">{t('signin.subtitle')}</p>
      {notice && !error && <Notice kind="info">{notice}</Notice>}
      {Boolean(error) && <ErrorNotice error={error} />}
      <form onSubmit={submit} className="form-stack">
        <label>
          <span>{t('signin.login')}</span>
          <input
            ref={loginRef}
            name="login"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            required
            value={login}
            onChange={(event) => setLogin(event.target.value)}
          />
        </label>
        <label>
          <span>{t('signin.password')}</span>
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        <button type="submit" className="button-primary" disabled={busy}>
          {busy ? t('signin.submitting') : t('signin.submit')}
        </button>
      </form>
      <p className="muted small">{t('signin.notice')}</p>
    </AuthCard>
  );
}

export function SecondFactorScreen({ onDone, onCancel }: { onDone(): void; onCancel(): void }) {
  const { t } = useI18n();
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api('POST', '/api/auth/totp', { json: { code: code.replace(/\s+/g, '') }, quietAuth: true });
      onDone();
    } catch (failure) {
      setError(failure);
      setCode('');
      setBusy(false);
    }
  };

  return (
    <AuthCard title={t('totp.title')}>
      <p>{t('totp.help')}</p>
      {Boolean(error) && <ErrorNotice error={error} />}
      <form onSubmit={submit} className="form-stack">
        <label>
          <span>{t('totp.code')}</span>
          <input
            name="code"
            className="code-input"
            autoComplete="one-time-code"
            inputMode="text"
            // biome-ignore lint/a11y/noAutofocus: the code field is the only thing to fill on this step, where the operator expects to type
            autoFocus
            required
            maxLength={20}
            value={code}
            onChange={(event) => setCode(event.target.value)}
          />
        </label>
        <button type="submit" className="button-primary" disabled={busy}>
          {t('totp.submit')}
        </button>
        <button type="button" className="button-link" onClick={onCancel}>
          {t('totp.back')}
        </button>
      </form>
    </AuthCard>
  );
}

/** The secret in groups of four, as authenticator apps expect it typed. */
export function groupSecret(secret: string): string {
  return secret.match(/.{1,4}/g)?.join(' ') ?? secret;
}

export function EnrolScreen({ onCodes, onCancel }: { onCodes(codes: string[]): void; onCancel(): void }) {
  const { t } = useI18n();
  const [enrolment, setEnrolment] = useState<{ secret: string; uri: string } | null>(null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const codeRef = useRef<HTMLInputElement>(null);

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      setEnrolment(await api('POST', '/api/auth/totp/enrol', { quietAuth: true }));
      setTimeout(() => codeRef.current?.focus(), 0);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const confirm = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await api('POST', '/api/auth/totp/confirm', { json: { code: code.replace(/\s+/g, '') }, quietAuth: true });
      onCodes(answer.recoveryCodes);
    } catch (failure) {
      setError(failure);
      setCode('');
      setBusy(false);
    }
  };

  return (
    <AuthCard title={t('enrol.title')}>
      <p>{t('enrol.intro')}</p>
      {Boolean(error) && <ErrorNotice error={error} />}
      {!enrolment ? (
        <div className="form-stack">
          <button
            type="button"
            className="button-primary"
            // biome-ignore lint/a11y/noAutofocus: the one action of this step, as the sign-in flow moves from one screen to the next with the keyboard
            autoFocus
            disabled={busy}
            onClick={start}
          >
            {t('enrol.start')}
          </button>
          <button type="button" className="button-link" onClick={onCancel}>
            {t('totp.back')}
          </button>
        </div>
      ) : (
        <form onSubmit={confirm} className="form-stack">
          <div>
            <div className="field-label">{t('enrol.secret')}</div>
            <output className="secret" id="totp-secret" data-secret={enrolment.secret}>
              {groupSecret(enrolment.secret)}
            </output>
          </div>
          <div>
            <div className="field-label">{t('enrol.uri')}</div>
            <code className="uri">{enrolment.uri}</code>
          </div>
          <p>{t('enrol.confirmHelp')}</p>
          <label>
            <span>{t('totp.code')}</span>
            <input
              ref={codeRef}
              name="code"
              className="code-input"
              autoComplete="one-time-code"
              inputMode="numeric"
              pattern="[0-9 ]{6,7}"
              required
              maxLength={7}
              value={code}
              onChange={(event) => setCode(event.target.value)}
            />
          </label>
          <button type="submit" className="button-primary" disabled={busy}>
            {t('enrol.confirm')}
          </button>
        </form>
      )}
    </AuthCard>
  );
}

export function RecoveryCodesScreen({ codes, onSaved }: { codes: string[]; onSaved(): void }) {
  const { t } = useI18n();
  return (
    <AuthCard title={t('enrol.codesTitle')}>
      <Notice kind="warning">{t('enrol.codesHelp')}</Notice>
      <ol className="recovery-codes" aria-label={t('enrol.codesTitle')}>
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <button
        type="button"
        className="button-primary"
        // biome-ignore lint/a11y/noAutofocus: the one action of this step, as the sign-in flow moves from one screen to the next with the keyboard
        autoFocus
        onClick={onSaved}
      >
        {t('enrol.saved')}
      </button>
    </AuthCard>
  );
}
