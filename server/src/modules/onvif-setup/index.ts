// The ONVIF set-up module (issue 18, items 5 and 7): reading a camera's ONVIF profiles to add it
// (streams proposed and checked against the legal floors, then the inventory's own create), and
// WS-Discovery on an interface an administrator chooses. It owns no table.
import { routesOf, type VigieModule } from '../../platform/modules.ts';
import { OnvifClient, probe, probeInterfaces } from '../../platform/onvif/index.ts';
import { onvifSetupRoutes } from './onvif-setup.routes.ts';
import { OnvifSetupService, type OnvifSetupDeps } from './onvif-setup.service.ts';

export type OnvifSetupApi = OnvifSetupService;

export function createOnvifSetupModule(
  deps: Pick<OnvifSetupDeps, 'cameras' | 'siteKind'> & Partial<Omit<OnvifSetupDeps, 'cameras' | 'siteKind'>>,
): VigieModule<OnvifSetupApi> {
  const service = new OnvifSetupService({
    // Its own client: probes are one-off sessions, forgotten when done, with a longer per-request time.
    client: deps.client ?? new OnvifClient({ timeoutMs: 5000 }),
    interfaces: deps.interfaces ?? probeInterfaces,
    probe: deps.probe ?? probe,
    ...deps,
  });
  return { name: 'onvif-setup', api: service, routes: routesOf(onvifSetupRoutes, { service }), jobs: [] };
}
