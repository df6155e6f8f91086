// The exports module (issue 13 items 4-5): evidence packages built in the background for a
// requisition (MP4s by stream copy or masked re-encode, journal, player, extraction report,
// signed manifest, ZIP), downloaded by the requisition's recipients, purged after delivery; and
// the offline `./vigie export verify`. Other modules import only this file.
import { join } from 'node:path';
import type { Clock } from '../../platform/clock.ts';
import type { DatabaseHandle } from '../../platform/db/database.ts';
import type { ExportsSchema } from '../../platform/db/schema.ts';
import { tablesOf } from '../../platform/db/tables.ts';
import { routesOf, type VigieModule } from '../../platform/modules.ts';
import { PackageBuilder, type BuilderDeps } from './exports.builder.ts';
import { ExportsRepository } from './exports.repository.ts';
import { exportsRoutes } from './exports.routes.ts';
import { ExportsService, type ExportsServiceDeps } from './exports.service.ts';

export type { BuilderDeps as ExportBuilderDeps } from './exports.builder.ts';
// The builder alone, over injected ports: `./vigie bench export` and the long export test drive it directly.
export { PackageBuilder } from './exports.builder.ts';
export type { EvidenceJournal, EvidenceJournalItem } from './exports.journal.ts';
export { exportVerifyCommand } from './exports.verify.ts';
// The offline player page and the extraction report (PDF) of a package, and the adapters over other modules: services.ts wires them.
export { renderPlayerHtml } from './exports.player.ts';
export { renderExtractionReport } from './exports.report.ts';
export { cameraFactsPort, requisitionsPort } from './exports.ports.ts';

export interface ExportsModuleDeps extends Omit<ExportsServiceDeps, 'repository' | 'builder' | 'directory'> {
  database: DatabaseHandle;
  clock: Clock;
  builder: BuilderDeps;
  /** ZIPs go in `<dataDir>/exports`. */
  dataDir: string;
  /** How often the worker looks for a queued package (ms). */
  pollMs?: number;
}

export function createExportsModule(deps: ExportsModuleDeps): VigieModule<ExportsService> {
  const { database, builder, dataDir, pollMs, ...serviceDeps } = deps;
  const exports = new ExportsService({
    ...serviceDeps,
    repository: new ExportsRepository(tablesOf<ExportsSchema>(database.db)),
    builder: new PackageBuilder(builder),
    directory: join(dataDir, 'exports'),
  });
  return {
    name: 'exports',
    api: exports,
    routes: routesOf(exportsRoutes, { exports }),
    jobs: [
      // One package at a time per process: the registry never overlaps two runs of a job.
      { name: 'exports.build', role: 'worker', intervalMs: pollMs ?? 2000, runAtStart: true, run: () => exports.buildNext() },
      { name: 'exports.purge', role: 'worker', intervalMs: 3_600_000, run: () => exports.purgeDelivered() },
    ],
  };
}
