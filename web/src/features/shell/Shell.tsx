// The signed-in frame: top bar (user, role, communes, language, sign-out), the image-access
// banner, the navigation limited to what the role may do, and the current screen.
import { lazy, Suspense, useCallback, useEffect, useState, type MouseEvent } from 'react';
import { api } from '../../api/client.ts';
import type { Me } from '../../api/types.ts';
import { allowedScreens, screenForPath, type Screen } from '../../app/screens.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { serverText } from '../../i18n/translate.ts';
import { Loading, useLoad } from '../../ui.tsx';
import { Logo } from '../auth/SignIn.tsx';
import { AlarmBadge } from '../alarms/AlarmBadge.tsx';
import { AlarmsPage } from '../alarms/AlarmsPage.tsx';
import { AuditPage } from '../audit/AuditPage.tsx';
import { AuthorisationsPage } from '../authorisations/AuthorisationsPage.tsx';
import { CamerasPage } from '../cameras/CamerasPage.tsx';
import { InventoryPage } from '../inventory/InventoryPage.tsx';
import { LogbookPage } from '../logbook/LogbookPage.tsx';
import { OncallPage } from '../oncall/OncallPage.tsx';
import { LivePage } from '../live/LivePage.tsx';
import { WallsPage } from '../walls/WallsPage.tsx';
import { MaskEditorPage } from '../masks/MaskEditorPage.tsx';
import { PlaybackPage } from '../playback/PlaybackPage.tsx';
import { RequisitionsPage } from '../requisitions/RequisitionsPage.tsx';
import { RegisterPage } from '../register/RegisterPage.tsx';
import { UsersPage } from '../users/UsersPage.tsx';
import { CommunesContext } from './communes.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';

// The map (Leaflet) loads only when opened: the other screens do not carry it.
const MapPage = lazy(async () => ({ default: (await import('../map/MapPage.tsx')).MapPage }));
// The statistics (chart.js) too.
const StatisticsPage = lazy(async () => ({ default: (await import('../statistics/StatisticsPage.tsx')).StatisticsPage }));

function usePath(): [string, (path: string) => void] {
  const [path, setPath] = useState(() => window.location.pathname);
  useEffect(() => {
    const onPop = () => setPath(window.location.pathname);
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const navigate = useCallback((next: string) => {
    if (next !== window.location.pathname) window.history.pushState(null, '', next);
    setPath(next);
  }, []);
  return [path, navigate];
}

export function Shell({ me, onSignOut }: { me: Me; onSignOut(): void }) {
  const { t, language } = useI18n();
  const [path, navigate] = usePath();
  const allowed = allowedScreens(me.actions);
  const current = screenForPath(path, allowed);
  const communes = useLoad(() => api('GET', '/api/communes'), [me.id]);

  useEffect(() => {
    if (current && window.location.pathname !== current.path) window.history.replaceState(null, '', current.path);
  }, [current]);

  useEffect(() => {
    document.title = current ? `${t(current.label)} · Vigie` : 'Vigie';
  }, [current, t]);

  const go = (event: MouseEvent<HTMLAnchorElement>, target: string) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(target);
    setTimeout(() => document.getElementById('page-title')?.focus(), 0);
  };

  const communeList = communes.data ?? [];
  const scope = me.allCommunes
    ? t('common.allCommunes')
    : me.communes.map((insee) => communeList.find((commune) => commune.insee === insee)?.name ?? insee).join(', ') || t('common.none');
  const blockReason = serverText(language, me.imageAccess.message_fr, me.imageAccess.message_en);
  // A role that never sees images (auditor, technician) needs no warning; an expired approval
  // or training does.
  const imageBlocked = !me.imageAccess.allowed && me.imageAccess.code !== null && me.imageAccess.code !== 'forbidden';

  return (
    <CommunesContext.Provider value={communeList}>
      <a className="skip-link" href="#main">
        {t('shell.skip')}
      </a>
      <header className="topbar">
        <div className="brand">
          <Logo />
          <span className="brand-name">{t('app.name')}</span>
          <span className="brand-tagline">{t('app.tagline')}</span>
        </div>
        <div className="topbar-user">
          <div className="user-block">
            <span className="user-login" data-testid="user-login">
              {me.login}
              {me.kind === 'token' ? ` (${t('shell.token')})` : ''}
            </span>
            <span className="user-role">{me.roleLabel[language]}</span>
          </div>
          <div className="user-block">
            <span className="user-label">{t('shell.communes')}</span>
            <span className="user-communes" title={scope}>
              {scope}
            </span>
          </div>
          <AlarmBadge />
          <LanguageSwitch />
          <button type="button" className="button-secondary" onClick={onSignOut}>
            {t('shell.signOut')}
          </button>
        </div>
      </header>
      {imageBlocked && (
        <div className="banner-blocked" role="alert">
          {t('shell.imageBlocked', { reason: blockReason ?? '' })}
        </div>
      )}
      <div className="layout">
        <nav className="sidenav" aria-label={t('shell.navigation')}>
          <ul>
            {allowed.map((entry) => (
              <li key={entry.screen}>
                <a href={entry.path} aria-current={current?.screen === entry.screen ? 'page' : undefined} onClick={(event) => go(event, entry.path)}>
                  <NavIcon screen={entry.screen} />
                  <span>{t(entry.label)}</span>
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" className="content" tabIndex={-1}>
          {!current && <p className="muted">{t('nav.nothing')}</p>}
          {current?.screen === 'live' && <LivePage me={me} />}
          {current?.screen === 'playback' && <PlaybackPage me={me} />}
          {current?.screen === 'map' && (
            <Suspense fallback={<Loading />}>
              <MapPage me={me} />
            </Suspense>
          )}
          {current?.screen === 'walls' && <WallsPage me={me} />}
          {current?.screen === 'alarms' && <AlarmsPage me={me} />}
          {current?.screen === 'logbook' && <LogbookPage me={me} />}
          {current?.screen === 'oncall' && <OncallPage me={me} />}
          {current?.screen === 'masks' && <MaskEditorPage me={me} />}
          {current?.screen === 'cameras' && <CamerasPage me={me} />}
          {current?.screen === 'authorisations' && <AuthorisationsPage />}
          {current?.screen === 'inventory' && <InventoryPage me={me} />}
          {current?.screen === 'users' && <UsersPage me={me} />}
          {current?.screen === 'audit' && <AuditPage me={me} />}
          {current?.screen === 'requisitions' && <RequisitionsPage me={me} />}
          {current?.screen === 'register' && <RegisterPage me={me} />}
          {current?.screen === 'statistics' && (
            <Suspense fallback={<Loading />}>
              <StatisticsPage me={me} />
            </Suspense>
          )}
        </main>
      </div>
    </CommunesContext.Provider>
  );
}

function NavIcon({ screen }: { screen: Screen }) {
  const paths: Record<Screen, string> = {
    live: 'M3 5h8v6H3zM13 5h8v6h-8zM3 13h8v6H3zM13 13h8v6h-8z',
    playback: 'M12 3a9 9 0 1 0 9 9M12 7v5l3 2M21 3v6h-6',
    map: 'M9 4 3 6v14l6-2 6 2 6-2V4l-6 2zM9 4v14M15 6v14',
    walls: 'M2 4h20v12H2zM8 20h8M12 16v4',
    alarms: 'M12 3a6 6 0 0 0-6 6v4l-2 3h16l-2-3V9a6 6 0 0 0-6-6zM10 19a2 2 0 0 0 4 0',
    masks: 'M4 5h16v14H4zM8 9h5v5H8z',
    cameras: 'M3 7h12l4-3v14l-4-3H3z',
    authorisations: 'M6 3h9l4 4v14H6zM9 12h7M9 16h7M9 8h4',
    inventory: 'M4 5h16M4 12h16M4 19h16M8 3v4M14 10v4M10 17v4',
    users: 'M12 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21c1-4 4-6 8-6s7 2 8 6',
    audit: 'M5 4h14v16H5zM8 8h8M8 12h8M8 16h5',
    requisitions: 'M7 3h10v4H7zM5 5H4v16h16V5h-1M8 12h8M8 16h6',
    register: 'M6 3h12v18H6zM9 7h6M9 11h6M9 15h3M4 6h2M4 12h2M4 18h2',
    statistics: 'M4 20h16M6 20V12M11 20V6M16 20v-9M21 20V9',
    logbook: 'M5 3h12l2 2v16H5zM8 8h8M8 12h8M8 16h5M3 7h2M3 12h2M3 17h2',
    oncall: 'M6 3h4l2 5-3 2a11 11 0 0 0 5 5l2-3 5 2v4a2 2 0 0 1-2 2A17 17 0 0 1 4 5a2 2 0 0 1 2-2z',
  };
  return (
    <svg className="nav-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={paths[screen]} fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinejoin="round" strokeLinecap="round" />
    </svg>
  );
}
