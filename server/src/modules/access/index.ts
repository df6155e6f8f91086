// The access module: the one policy that decides every permission (role x action x commune,
// and the legal preconditions of image access). Pure functions, no tables, no routes, no jobs;
// other modules call them directly, the security hook is given `decide` (app.ts).
import type { VigieModule } from '../../platform/modules.ts';
import { decide } from './policy.ts';

export {
  actions,
  assertAllowed,
  communeFilter,
  decide,
  imageAccessBlocker,
  imageActions,
  imageRoles,
  inScope,
  roleActions,
  roleGrants,
  roleLabels,
  roles,
  type Action,
  type Principal,
  type Role,
} from './policy.ts';

export interface AccessApi {
  decide: typeof decide;
}

export function createAccessModule(): VigieModule<AccessApi> {
  return { name: 'access', api: { decide }, jobs: [] };
}
