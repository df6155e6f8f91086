// What the cameras module needs of other modules, given at construction (services.ts passes
// their apis): authorisations, communes and sites never depend on cameras through these.
import type { AuthorisationsApi } from '../authorisations/index.ts';
import type { CommunesApi } from '../communes/index.ts';
import type { SitesApi } from '../sites/index.ts';

/** What cameras need of the authorisations module: coverage (LEGAL 1) and retention bounds (LEGAL 6). */
export type CameraAuthorisations = Pick<AuthorisationsApi, 'coverage' | 'assertRetentionAllowed'>;
/** What cameras need of the communes module: each commune's retention. */
export type CameraCommunes = Pick<CommunesApi, 'retentions'>;
/** What cameras need of the sites module (reads, and the sites an import creates). */
export type CameraSites = Pick<SitesApi, 'findById' | 'namesById' | 'existingCommunes' | 'sitesOf' | 'createForImport'>;
