// The console's session state: loading, signed out, second factor, enrolment, recovery codes,
// signed in. A lost session anywhere (401 session_expired) brings back the sign-in screen.
import { useCallback, useEffect, useState } from 'react';
import { api, onSessionLost, setCsrfToken } from '../api/client.ts';
import type { Me, Stage } from '../api/types.ts';
import { EnrolScreen, RecoveryCodesScreen, SecondFactorScreen, SignInScreen } from '../features/auth/SignIn.tsx';
import { WallKiosk } from '../features/walls/WallKiosk.tsx';
import { AlarmQueueProvider } from '../features/alarms/AlarmQueueProvider.tsx';
import { Shell } from '../features/shell/Shell.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/translate.ts';
import { ApiError } from '../lib/errors.ts';
import { ErrorNotice, Loading } from '../ui.tsx';

type Phase =
  | { phase: 'loading' }
  | { phase: 'unreachable'; error: unknown }
  | { phase: 'signedOut'; notice: MessageKey | null }
  | { phase: 'secondFactor' }
  | { phase: 'enrol' }
  | { phase: 'recoveryCodes'; codes: string[] }
  | { phase: 'signedIn'; me: Me };

export function App() {
  const { t } = useI18n();
  const [state, setState] = useState<Phase>({ phase: 'loading' });

  const signedOut = useCallback((notice: MessageKey | null) => {
    setCsrfToken(null);
    setState({ phase: 'signedOut', notice });
  }, []);

  const refresh = useCallback(async () => {
    try {
      const me = await api('GET', '/api/auth/me', { quietAuth: true });
      setCsrfToken(me.csrfToken);
      if (me.stage === 'password') setState({ phase: 'secondFactor' });
      else if (me.stage === 'enrol') setState({ phase: 'enrol' });
      else setState({ phase: 'signedIn', me });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        signedOut(error.code === 'session_expired' ? 'error.sessionExpired' : null);
      } else {
        setState({ phase: 'unreachable', error });
      }
    }
  }, [signedOut]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(() => onSessionLost(() => signedOut('error.sessionExpired')), [signedOut]);

  const onStage = (stage: Stage) => {
    if (stage === 'password') setState({ phase: 'secondFactor' });
    else if (stage === 'enrol') setState({ phase: 'enrol' });
    else void refresh();
  };

  const signOut = async () => {
    try {
      await api('POST', '/api/auth/logout', { quietAuth: true });
    } catch {
      // the session may already be gone: signed out either way
    }
    signedOut('error.signedOut');
  };

  switch (state.phase) {
    case 'loading':
      return (
        <main className="auth-screen">
          <Loading />
        </main>
      );
    case 'unreachable':
      return (
        <main className="auth-screen">
          <div className="auth-card">
            <ErrorNotice
              error={state.error}
              onRetry={() => {
                setState({ phase: 'loading' });
                void refresh();
              }}
            />
          </div>
        </main>
      );
    case 'signedOut':
      return <SignInScreen notice={state.notice ? t(state.notice) : null} onStage={onStage} />;
    case 'secondFactor':
      return <SecondFactorScreen onDone={() => void refresh()} onCancel={() => void signOut()} />;
    case 'enrol':
      return <EnrolScreen onCodes={(codes) => setState({ phase: 'recoveryCodes', codes })} onCancel={() => void signOut()} />;
    case 'recoveryCodes':
      return <RecoveryCodesScreen codes={state.codes} onSaved={() => void refresh()} />;
    case 'signedIn': {
      // The wall page of a big screen has no shell: /kiosk/wall/<id>.
      const kiosk = /^\/kiosk\/wall\/([^/]+)$/.exec(window.location.pathname);
      if (kiosk) return <WallKiosk me={state.me} wallId={decodeURIComponent(kiosk[1]!)} />;
      return (
        // The live alarm queue is held above the screens: its badge and sound follow the operator everywhere.
        <AlarmQueueProvider me={state.me}>
          <Shell me={state.me} onSignOut={() => void signOut()} />
        </AlarmQueueProvider>
      );
    }
  }
}
