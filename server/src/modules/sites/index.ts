// Public API of the sites module: other modules import only from here.
export { SitesService, siteView, type Acting } from './sites.service.ts';
export { registerSiteRoutes } from './sites.routes.ts';
export { siteKinds, siteKindLabels, siteViewSchema, latitudeSchema, longitudeSchema, type SiteKind, type SiteView, type SiteCreate, type SiteUpdate } from './sites.schemas.ts';
export { parseInput, plainText, problemsOf, type FieldProblem } from './input.ts';
