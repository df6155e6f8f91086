// The cameras of the account's scope (GET /api/cameras), refreshed every 20 s while the screen
// is on view (a hidden tab asks nothing). Timed refreshes are marked as background calls, so an
// unattended screen still reaches its idle expiry. Shared by the camera, live and map screens.
import { useEffect, useRef } from 'react';
import { api } from '../../api/client.ts';
import type { Camera } from '../../api/types.ts';
import { useLoad, type Loaded } from '../../ui.tsx';

const refreshMs = 20_000;

export function useCameraList(): Loaded<Camera[]> {
  const refreshing = useRef(false);
  const cameras = useLoad(() => {
    const background = refreshing.current;
    refreshing.current = false;
    return api('GET', '/api/cameras', { background });
  }, []);
  useEffect(() => {
    const timer = window.setInterval(() => {
      if (document.visibilityState !== 'visible') return;
      refreshing.current = true;
      cameras.reload();
    }, refreshMs);
    return () => window.clearInterval(timer);
  }, [cameras.reload]);
  return cameras;
}
